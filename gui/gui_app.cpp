#include "gui/gui_app.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "app/demo/demo_data.h"
#include "gui/record_rows.h"
#include "gui/screenshot.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

// Screenshots wait at most this long for data and fonts, then are taken anyway.
constexpr double kScreenshotDeadlineSeconds = 120;
// The longest an idle event loop sleeps (the change feed wakes it for every change).
constexpr double kStoreCheckSeconds = 0.25;
constexpr float kNavWidth = 172;
constexpr float kStatusHeight = 30;
constexpr std::size_t kDemoMembers = 2000;
constexpr const char* kWindowTitle = "unionsync 工会会员管理";

void glfwError(int code, const char* description) { std::fprintf(stderr, "GLFW %d: %s\n", code, description); }

// The views with a panel of their own; the record views (NavEntry::records) share one.
std::unique_ptr<View> makeView(const NavEntry& entry) {
  if (entry.records) return makeRecordsView(*entry.records);
  switch (entry.view) {
    case ViewId::Overview: return makeOverviewView();
    case ViewId::Orgs: return makeOrgsView();
    case ViewId::Members: return makeMembersView();
    case ViewId::Activities: return makeActivitiesView();
    case ViewId::Report: return makeReportView();
    case ViewId::Import: return makeImportView();
    case ViewId::Sync: return makeSyncView();
    case ViewId::Conflicts: return makeConflictsView();
    case ViewId::Settings: return makeSettingsView();
    default: break;
  }
  throw std::logic_error("a view without a panel");
}

}  // namespace

std::expected<std::unique_ptr<GuiApp>, std::string> GuiApp::create(const GuiArgs& args) {
  std::unique_ptr<GuiApp> app(new GuiApp());
  app->args_ = args;
  app->settings_ = loadSettings(settingsPath(args.dataDir));
  if (args.lang) app->settings_.lang = *args.lang;
  if (args.view) app->settings_.view = *args.view;
  app->tr_.setLang(app->settings_.lang);
  const bool screenshot = !args.screenshot.empty();
  int width = args.width ? args.width : screenshot ? 1280 : app->settings_.width;
  int height = args.height ? args.height : screenshot ? 800 : app->settings_.height;

  glfwSetErrorCallback(glfwError);
  if (!glfwInit())
    return std::unexpected(std::string("无法打开窗口：没有图形显示（DISPLAY）/ cannot open a window: no display (DISPLAY)"));
  glfwWindowHint(GLFW_RESIZABLE, screenshot ? GLFW_FALSE : GLFW_TRUE);
  app->window_ = glfwCreateWindow(width, height, kWindowTitle, nullptr, nullptr);
  if (!app->window_) return std::unexpected(std::string("无法创建 OpenGL 窗口 / cannot create an OpenGL window"));
  glfwMakeContextCurrent(app->window_);
  glfwSwapInterval(screenshot || args.continuous ? 0 : 1);
  app->continuous_ = args.continuous;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the program remembers its own settings (settings_file.h)
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  // Screenshots show the screen as it rests, without hover effects from wherever the
  // virtual display leaves its pointer.
  if (screenshot) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;
  ui::applyTheme();
  ImGui_ImplGlfw_InitForOpenGL(app->window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  app->welcome_.dataDir = args.dataDir;
  app->welcome_.screenshotMode = screenshot;
  app->openNode();
  std::string fontError;
  GlyphSet& glyphs = app->ctx_ ? app->ctx_->glyphs : app->welcomeGlyphs_;
  if (!app->fonts_.init(glyphs, fontError)) return std::unexpected(fontError);
  // Shaders and buffers now, so the font texture is ours to configure (NewFrame would
  // otherwise create both lazily).
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  app->fonts_.upload();
  app->startedAt_ = glfwGetTime();
  return app;
}

GuiApp::~GuiApp() {
  persistSettings();
  opening_.reset();  // waits for Node::open: a conversion under way is not cut short
  creation_.reset();
  // Views and the context own worker threads that wake the event loop: stop them first.
  for (auto& view : views_) view.reset();
  ctx_.reset();
  node_.reset();
  if (window_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window_);
  }
  glfwTerminate();
}

void GuiApp::openNode() {
  // The node opens on a worker. Usually that takes milliseconds and the first frame waits for
  // it; long one-time work on open (converting an older store: about a minute per million
  // members) is announced by a notice, and the window then says so until the node is open.
  auto slot = std::make_shared<OpeningSlot>();
  opening_ = std::make_unique<Job>(
      [this, slot](Job::Control&) {
        auto notice = [slot](const std::string& line) {
          std::fprintf(stderr, "%s\n", line.c_str());
          slot->preparing = true;
          glfwPostEmptyEvent();
        };
        auto node = Node::open(args_.dataDir, clock_, random_, NodeOptions{.notice = notice});
        if (node)
          slot->node = std::move(*node);
        else
          slot->error = node.error().message;
      },
      [] { glfwPostEmptyEvent(); });
  openingSlot_ = slot;
  while (!opening_->finished() && !slot->preparing) glfwWaitEventsTimeout(0.1);
  finishOpening();
}

void GuiApp::finishOpening() {
  if (!opening_) return;
  if (!opening_->finished()) {
    welcome_.preparing = true;
    glfwSetWindowTitle(window_, "unionsync：正在整理数据目录（只做一次），请稍候… / preparing the data folder (once), please wait…");
    return;
  }
  const std::string failure = opening_->failure();  // an exception escaping Node::open
  opening_.reset();
  std::shared_ptr<OpeningSlot> slot = std::move(openingSlot_);
  welcome_.preparing = false;
  if (slot->preparing) glfwSetWindowTitle(window_, kWindowTitle);
  if (!slot->node) {
    welcome_.openError = slot->error.empty() ? failure : slot->error;
    return;
  }
  node_ = std::move(slot->node);
  startContext();
}

void GuiApp::startContext() {
  ctx_ = std::make_unique<GuiContext>(*node_, tr_, [] { glfwPostEmptyEvent(); });
  ctx_->view = settings_.view;
  if (!args_.search.empty()) ctx_->automation.memberSearch = args_.search;
  ctx_->automation.openRecord = args_.open;
  ctx_->glyphs.merge(welcomeGlyphs_);
  ctx_->note(node_->info().nodeName);
  ctx_->note(args_.dataDir);
  for (const NavEntry& entry : navTable()) views_[static_cast<int>(entry.view)] = makeView(entry);
  ctx_->discovery = args_.discovery.value_or(args_.screenshot.empty());
  ctx_->startEngine(args_.listen.empty() ? std::string(kDefaultListen) : args_.listen);
  refreshOrgs();
  refreshCounts();
}

void GuiApp::refreshOrgs() {
  if (orgRefreshRunning_) {
    orgRefreshAgain_ = true;
    return;
  }
  orgRefreshRunning_ = true;
  ctx_->tasks.run<OrgSummary>([node = node_.get()] { return buildOrgSummary(*node); },
                              [this](OrgSummary summary) {
                                GuiContext& ctx = *ctx_;
                                auto shared = std::make_shared<const OrgSummary>(std::move(summary));
                                ctx.glyphs.merge(shared->glyphs);
                                ctx.members.setOrgTree(shared->tree);
                                // One union tree with one root (the usual office): show its
                                // subtree rather than "all", so charts list its children. Also
                                // when the tree arrives later, by the first sync.
                                if (!ctx.scopeChosen && !ctx.scope && shared->tree->roots.size() == 1)
                                  ctx.scope = shared->tree->roots.front();
                                if (ctx.scope && !shared->find(*ctx.scope)) ctx.scope.reset();
                                ctx.orgs = std::move(shared);
                                ctx.orgsLoaded = true;
                                orgRefreshRunning_ = false;
                                if (std::exchange(orgRefreshAgain_, false)) refreshOrgs();
                              },
                              [this](const std::string& error) {
                                orgRefreshRunning_ = false;
                                ctx_->loadFailed = true;
                                ctx_->notify(error, true);
                              });
}

void GuiApp::refreshCounts() {
  using Counts = std::pair<std::size_t, std::size_t>;
  ctx_->tasks.run<Counts>(
      [node = node_.get()] { return Counts{node->conflicts().size(), node->count(Kind::Member)}; },
      [this](Counts counts) {
        ctx_->conflictCount = counts.first;
        ctx_->memberCount = counts.second;
      });
}

void GuiApp::checkStore() {
  GuiContext& ctx = *ctx_;
  // The change feed covers this process's writes, received batches, dismissed conflicts and
  // other processes' commits alike.
  if (!ctx.changes.changed()) return;
  ++ctx.dataVersion;
  ctx.members.storeChanged();
  refreshOrgs();
  refreshCounts();
}

void GuiApp::pump() {
  GuiContext& ctx = *ctx_;
  ctx.tasks.drain();
  ctx.writer.deliver();
  if (ctx.members.poll()) {
    const auto& snapshot = ctx.members.view().snapshot;
    if (snapshot) ctx.glyphs.merge(snapshot->glyphs());
  }
  if (ctx.node.sync().running()) ctx.sync = ctx.node.sync().status();
  checkStore();
}

bool GuiApp::busy() const {
  if (creation_ || opening_) return true;
  if (!ctx_) return false;
  return ctx_->tasks.pending() > 0 || ctx_->writer.pending() > 0 || ctx_->members.busy() || ctx_->members.loading();
}

bool GuiApp::ready() const {
  if (!ctx_) return !creation_ && !opening_;
  const GuiContext& ctx = *ctx_;
  if (ctx.loadFailed) return ctx.tasks.pending() == 0;
  return ctx.orgsLoaded && ctx.tasks.pending() == 0 && !ctx.members.busy() &&
         views_[static_cast<int>(ctx.view)]->ready(ctx);
}

void GuiApp::switchView(ViewId view) {
  ctx_->view = view;
  settings_.view = view;
}

void GuiApp::persistSettings() {
  // Screenshots and benchmarks must not change what the person sees next time.
  if (!args_.screenshot.empty() || !node_ || !window_) return;
  glfwGetWindowSize(window_, &settings_.width, &settings_.height);
  settings_.lang = ctx_ ? ctx_->tr.lang() : tr_.lang();
  if (ctx_) settings_.view = ctx_->view;  // views may switch it (the member page's 登记帮扶)
  if (auto saved = saveSettings(settingsPath(args_.dataDir), settings_); !saved)
    std::fprintf(stderr, "%s\n", saved.error().message.c_str());
}

void GuiApp::handleShortcuts() {
  GuiContext& ctx = *ctx_;
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl) return;
  if (ImGui::IsKeyPressed(GLFW_KEY_F, false)) {
    // The views with a search box of their own keep it; the others go to the member search.
    const auto records = navEntry(ctx.view).records;
    const bool ownSearch = ctx.view == ViewId::Members || ctx.view == ViewId::Activities || (records && memberField(*records));
    if (!ownSearch) switchView(ViewId::Members);
    ctx.focusSearch = true;
  }
  for (const NavEntry& entry : navTable())
    if (entry.shortcut > 0 && ImGui::IsKeyPressed(GLFW_KEY_0 + entry.shortcut, false)) switchView(entry.view);
}

void GuiApp::drawNav() {
  GuiContext& ctx = *ctx_;
  ImGui::BeginChild("##nav", {kNavWidth, 0}, true);
  ImGui::PushStyleColor(ImGuiCol_Text, ui::toneColor(Tone::Bad));
  ui::textWrapped(ctx, node_->info().nodeName);
  ImGui::PopStyleColor();
  ImGui::Separator();
  ImGui::Spacing();
  ImGui::PushStyleVar(ImGuiStyleVar_SelectableTextAlign, {0.0f, 0.5f});
  for (const NavEntry& entry : navTable()) {
    if (entry.groupStart) ImGui::Separator();
    std::string label = ctx.tr(entry.label);
    if (entry.view == ViewId::Conflicts && ctx.conflictCount > 0) label += fmt::format("  ({})", ctx.conflictCount);
    label += fmt::format("###nav{}", entry.name);
    if (ImGui::Selectable(label.c_str(), ctx.view == entry.view, 0, {0, 30})) switchView(entry.view);
    if (entry.shortcut > 0 && ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+%d", entry.shortcut);
  }
  ImGui::PopStyleVar();
  ImGui::EndChild();
}

void GuiApp::drawStatusBar() {
  GuiContext& ctx = *ctx_;
  ImGui::Separator();
  if (ctx.notice) {
    const bool stale = !ctx.notice->error && ImGui::GetTime() - ctx.notice->shownAt > 10;
    if (stale) ctx.notice.reset();
  }
  if (ctx.notice) {
    ImGui::PushStyleColor(ImGuiCol_Text, ctx.notice->error ? ui::errorColor() : ui::toneColor(Tone::Good));
    ui::text(ctx, ctx.notice->text);
    ImGui::PopStyleColor();
    if (ImGui::IsItemClicked()) ctx.notice.reset();
    ImGui::SameLine();
  }
  // Right-aligned: members loaded and the sync summary.
  std::string right;
  if (ctx.members.loading())
    right = ctx.tr.format(T::StatusLoadingMembers, ui::grouped(static_cast<std::int64_t>(ctx.members.rowsLoaded())),
                          ui::grouped(static_cast<std::int64_t>(ctx.memberCount)));
  else if (ctx.members.view().snapshot)
    right = ctx.tr.format(T::StatusMembers, ui::grouped(static_cast<std::int64_t>(ctx.members.view().snapshot->size())));
  PeerLine sync = ctx.sync ? summarizeSync(*ctx.sync, ctx.tr) : PeerLine{ctx.tr(T::SyncOff), {}, Tone::Bad};
  const std::string line = right + "    " + sync.state;
  const float width = ImGui::CalcTextSize(line.c_str()).x;
  ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - width));
  ui::textMuted(ctx, right);
  ImGui::SameLine();
  ui::textColored(ctx, ui::toneColor(sync.tone), sync.state);
}

void GuiApp::drawFrame() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  constexpr ImGuiWindowFlags kFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  // glClear already paints the background: a second full-window rectangle would only cost
  // fill rate, which software GL (llvmpipe) has little of.
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4{0, 0, 0, 0});
  ImGui::Begin("##main", nullptr, kFlags);
  ImGui::PopStyleColor();
  if (!ctx_) {
    drawWelcomeScreen();
    ImGui::End();
    return;
  }
  GuiContext& ctx = *ctx_;
  handleShortcuts();
  const float contentHeight = ImGui::GetContentRegionAvail().y - kStatusHeight;
  ImGui::BeginChild("##body", {0, contentHeight}, false);
  drawNav();
  ImGui::SameLine();
  ImGui::BeginChild("##view", {0, 0}, false);
  try {
    views_[static_cast<int>(ctx.view)]->draw(ctx);
  } catch (const std::exception& e) {
    // A failure in one view (corrupt data, a bug) becomes a message, not a crash: unwind
    // ImGui's stacks to this window and go on.
    ImGui::ErrorCheckEndWindowRecover(nullptr);
    ctx.notify(ctx.tr.format(T::ErrorUnexpected, ctx.tr.message(e.what())), true);
  }
  ImGui::EndChild();
  ImGui::EndChild();
  drawStatusBar();
  ImGui::End();
}

void GuiApp::drawWelcomeScreen() {
  welcome_.creating = creation_ != nullptr;
  welcome_.progress = creation_ ? creation_->fraction() : std::nullopt;
  if (!drawWelcome(welcome_, tr_, welcomeGlyphs_)) return;
  // Create the node (and the demo district) on a worker: 2000 members take a few seconds.
  auto slot = std::make_shared<std::unique_ptr<Node>>();
  auto error = creationError_;
  error->clear();
  welcome_.createError.clear();
  creation_ = std::make_unique<Job>(
      [this, slot, error, name = welcome_.name, demo = welcome_.withDemo](Job::Control& control) {
        auto node = Node::create(args_.dataDir, name, clock_, random_);
        if (!node) {
          *error = node.error().message;
          return;
        }
        if (demo) {
          control.total = kDemoMembers;
          auto built = buildDemoDistrict(**node, DemoOptions{.members = kDemoMembers},
                                         [&](std::size_t done) { control.done = done; });
          if (!built) *error = built.error().message;
        }
        *slot = std::move(*node);
      },
      [] { glfwPostEmptyEvent(); });
  creationSlot_ = slot;
}

void GuiApp::finishCreation() {
  if (!creation_ || !creation_->finished()) return;
  creation_.reset();
  if (!creationError_->empty()) welcome_.createError = *creationError_;
  if (creationSlot_ && *creationSlot_) {
    node_ = std::move(*creationSlot_);
    startContext();
    if (!creationError_->empty()) ctx_->notify(tr_.message(*creationError_), true);
    fonts_.update(ctx_->glyphs);
  }
  creationSlot_.reset();
}

bool GuiApp::frame() {
  using Steady = std::chrono::steady_clock;
  auto mark = Steady::now();
  auto lap = [&mark](double& into) {
    const auto now = Steady::now();
    into = std::chrono::duration<double, std::milli>(now - mark).count();
    mark = now;
  };
  if (continuous_ || !args_.screenshot.empty() || settleFrames_ > 0) {
    glfwPollEvents();
    settleFrames_ = std::max(0, settleFrames_ - 1);
  } else {
    // Background work wakes the loop when it has a result; the timeout only paces progress
    // bars, so waiting never delays a result and the UI does not compete with the workers.
    const double timeout = busy() ? 1.0 / 30 : kStoreCheckSeconds;
    glfwWaitEventsTimeout(timeout);
    // Input arrived: ImGui needs a few more frames to finish what it started (a click is a
    // press and a release; new tables and tab bars size themselves on their second frame).
    if (std::chrono::steady_clock::now() - mark < std::chrono::duration<double>(timeout * 0.9)) settleFrames_ = 3;
  }
  lap(lastFrame_.waitMs);
  if (glfwWindowShouldClose(window_)) return false;

  finishOpening();
  finishCreation();
  if (ctx_) {
    try {
      pump();
    } catch (const std::exception& e) {
      // Damaged data in the store: tell the person, keep the window.
      ctx_->notify(ctx_->tr.format(T::ErrorUnexpected, ctx_->tr.message(e.what())), true);
    }
    // Rebuilding the atlas must happen between frames; new characters were noted last frame.
    fonts_.update(ctx_->glyphs);
    ctx_->largeFont = fonts_.large();
  } else {
    fonts_.update(welcomeGlyphs_);
    welcome_.titleFont = fonts_.large();
  }
  lap(lastFrame_.updateMs);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  drawFrame();
  ImGui::Render();
  lap(lastFrame_.uiMs);
  int width = 0, height = 0;
  glfwGetFramebufferSize(window_, &width, &height);
  glViewport(0, 0, width, height);
  glClearColor(0.97f, 0.97f, 0.96f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (continuous_) glFinish();  // so the benchmark charges drawing to drawing, not to the swap
  lap(lastFrame_.glMs);
  ++frames_;

  if (!args_.screenshot.empty()) {
    const GlyphSet& glyphs = ctx_ ? ctx_->glyphs : welcomeGlyphs_;
    // Characters noted while drawing this frame are not in the atlas yet: wait for them.
    const bool settled = ready() && !fonts_.update(glyphs) && frames_ >= 3;
    readyFrames_ = settled ? readyFrames_ + 1 : 0;
    const bool late = glfwGetTime() - startedAt_ > kScreenshotDeadlineSeconds;
    if (readyFrames_ >= 3 || late) {
      if (late) std::fprintf(stderr, "截图等待数据超时 / screenshot taken before the data finished loading\n");
      std::string error;
      if (!writeScreenshot(args_.screenshot, width, height, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        exitCode_ = 1;
      }
      done_ = true;
    }
  }
  glfwSwapBuffers(window_);
  lap(lastFrame_.swapMs);
  return !done_;
}

void GuiApp::wake() { glfwPostEmptyEvent(); }

std::string GuiApp::renderer() const {
  const auto* name = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  return name ? name : "";
}

int GuiApp::run() {
  while (frame()) {
  }
  return exitCode_;
}

}  // namespace unionsync::gui

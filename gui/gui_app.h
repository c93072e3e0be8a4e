// The desktop program's window: GLFW + OpenGL3 + Dear ImGui on the UI thread, the node and
// its sync engine, the navigation between views, screenshots for tests and the README.
//
// Threads: ImGui, GLFW and OpenGL are used on the thread that created the app only. The sync
// engine, the member table worker, the task queue and jobs run on their own threads and wake
// the event loop (glfwPostEmptyEvent) when they have something to show.
#pragma once

#include <array>
#include <atomic>
#include <expected>
#include <memory>
#include <string>

#include "gui/args.h"
#include "gui/context.h"
#include "gui/fonts.h"
#include "gui/views.h"

struct GLFWwindow;

namespace unionsync::gui {

class GuiApp {
 public:
  // Opens the window and the node (or the welcome screen when the folder holds none). Fails
  // with a bilingual message when there is no display or no Chinese font.
  static std::expected<std::unique_ptr<GuiApp>, std::string> create(const GuiArgs& args);
  ~GuiApp();
  GuiApp(const GuiApp&) = delete;
  GuiApp& operator=(const GuiApp&) = delete;

  // Runs until the window is closed, or in screenshot mode until the PNG is written.
  // Returns the process exit code.
  int run();
  // One frame (events, background results, drawing, swap). False when the program should end.
  bool frame();

  // Null until a node is open.
  GuiContext* context() { return ctx_.get(); }
  // The current view's data is loaded and the fonts hold its characters.
  bool ready() const;
  // Where the last frame's time went (gui_bench): waiting for events, background results and
  // fonts, building the UI (ImGui), drawing it (OpenGL, finished), presenting it.
  struct FrameTimes {
    double waitMs = 0, updateMs = 0, uiMs = 0, glMs = 0, swapMs = 0;
    double totalMs() const { return updateMs + uiMs + glMs + swapMs; }  // without the wait
  };
  double lastFrameMs() const { return lastFrame_.totalMs(); }
  const FrameTimes& lastFrame() const { return lastFrame_; }
  // Wakes the event loop, as input would (for requests made between frames).
  void wake();
  // The OpenGL renderer ("llvmpipe (LLVM 15.0.6, 256 bits)" under Mesa's software GL).
  std::string renderer() const;
  // Draw frames back to back instead of waiting for events (benchmarks).
  void setContinuous(bool continuous) { continuous_ = continuous; }

 private:
  GuiApp() = default;
  // Opens the node of args_.dataDir on a worker (opening_), waiting for it unless it
  // announces long work; finishOpening takes the node (or the reason it did not open) once
  // the worker is done, and meanwhile has the welcome screen say the folder is being prepared.
  void openNode();
  void finishOpening();
  void startContext();
  void pump();
  void checkStore();
  void refreshOrgs();
  void refreshCounts();
  void handleShortcuts();
  void drawFrame();
  void drawNav();
  void drawStatusBar();
  void drawWelcomeScreen();
  void finishCreation();
  void switchView(ViewId view);
  void persistSettings();
  bool busy() const;

  GuiArgs args_;
  GLFWwindow* window_ = nullptr;
  Fonts fonts_;
  GlyphSet welcomeGlyphs_;
  SystemClock clock_;
  SystemRandom random_;
  std::unique_ptr<Node> node_;
  std::unique_ptr<GuiContext> ctx_;
  std::array<std::unique_ptr<View>, kViewCount> views_;
  GuiSettings settings_;
  Tr tr_;  // language before a node (and its context) exists
  WelcomeState welcome_;
  struct OpeningSlot {  // what the opening worker leaves
    std::unique_ptr<Node> node;
    std::string error;
    std::atomic<bool> preparing{false};  // a notice said long one-time work is under way
  };
  std::unique_ptr<Job> opening_;
  std::shared_ptr<OpeningSlot> openingSlot_;
  std::unique_ptr<Job> creation_;  // creating a node (with demo data) from the welcome screen
  std::shared_ptr<std::unique_ptr<Node>> creationSlot_;  // where the job leaves the node
  std::shared_ptr<std::string> creationError_ = std::make_shared<std::string>();

  bool orgRefreshRunning_ = false;
  bool orgRefreshAgain_ = false;
  std::size_t frames_ = 0;
  std::size_t readyFrames_ = 0;
  double startedAt_ = 0;
  FrameTimes lastFrame_;
  int settleFrames_ = 0;  // frames still to draw without waiting, after input
  bool continuous_ = false;
  bool done_ = false;
  int exitCode_ = 0;
};

}  // namespace unionsync::gui

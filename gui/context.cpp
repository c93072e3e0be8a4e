#include "gui/context.h"

#include <imgui.h>

namespace unionsync::gui {

void EngineLog::add(std::string line) {
  constexpr std::size_t kKeep = 200;
  std::lock_guard lock(mutex_);
  lines_.push_back(std::move(line));
  if (lines_.size() > kKeep) lines_.pop_front();
}

std::deque<std::string> EngineLog::lines() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

GuiContext::GuiContext(Node& n, Tr t, std::function<void()> w)
    : node(n), tr(t), wake(std::move(w)), tasks(wake), writer(wake), members(n, wake), changes(n.changes(), wake) {}

void GuiContext::startEngine(const std::string& listen) {
  sync.reset();
  listenAddress = listen;
  SyncStartOptions options;
  options.listen = listen;
  options.discovery = discovery;
  options.fallBack = true;
  options.log = [log = engineLog](const std::string& line) { log->add(line); };
  auto started = node.sync().start(std::move(options));
  engineError = node.sync().startProblem();
  if (started) sync = node.sync().status();
}

void GuiContext::notify(std::string text, bool error) {
  note(text);
  notice = Notice{std::move(text), error, ImGui::GetTime()};
}

std::string_view GuiContext::orgName(const RecordId& id) const {
  const OrgRow* row = orgs->find(id);
  return row ? std::string_view(row->name) : std::string_view("—");
}

}  // namespace unionsync::gui

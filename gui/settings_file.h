// What the program remembers between runs: window size, the last view and the language.
// Kept in <data dir>/gui.json next to the node it belongs to (two nodes on one machine keep
// their own); a missing or damaged file means defaults, never a failure to start.
#pragma once

#include <string>

#include "gui/i18n.h"
#include "gui/nav_table.h"
#include "app/model/records.h"

namespace unionsync::gui {

// "overview", "orgs", ... as used on the command line and in the settings file.
std::string_view viewName(ViewId view);
std::optional<ViewId> viewFromName(std::string_view name);

struct GuiSettings {
  Lang lang = Lang::Zh;
  ViewId view = ViewId::Overview;
  int width = 1280;
  int height = 800;
  bool operator==(const GuiSettings&) const = default;
};

std::string settingsPath(const std::string& dataDir);
GuiSettings loadSettings(const std::string& path);
// Writes atomically (temporary file + rename).
Result<void> saveSettings(const std::string& path, const GuiSettings& settings);

}  // namespace unionsync::gui

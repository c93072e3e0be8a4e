#include "gui/settings_file.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

namespace unionsync::gui {

std::string_view viewName(ViewId view) { return navEntry(view).name; }

std::optional<ViewId> viewFromName(std::string_view name) {
  for (const NavEntry& e : navTable())
    if (e.name == name) return e.view;
  return std::nullopt;
}

std::string settingsPath(const std::string& dataDir) { return dataDir + "/gui.json"; }

GuiSettings loadSettings(const std::string& path) {
  GuiSettings s;
  std::ifstream in(path);
  if (!in) return s;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (auto lang = langFromCode(j.value("lang", ""))) s.lang = *lang;
    if (auto view = viewFromName(j.value("view", ""))) s.view = *view;
    // A window smaller than this cannot show a form; larger than 16k is a damaged file.
    const int w = j.value("width", s.width), h = j.value("height", s.height);
    if (w >= 640 && w <= 16384 && h >= 480 && h <= 16384) {
      s.width = w;
      s.height = h;
    }
  } catch (const std::exception&) {
    return GuiSettings{};
  }
  return s;
}

Result<void> saveSettings(const std::string& path, const GuiSettings& s) {
  const nlohmann::json j{{"lang", langCode(s.lang)}, {"view", viewName(s.view)}, {"width", s.width}, {"height", s.height}};
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) return fail(fmt::format("无法写入设置文件 {} / cannot write the settings file {}", path, path));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    return fail(fmt::format("无法写入设置文件 {} / cannot write the settings file {}", path, path));
  return {};
}

}  // namespace unionsync::gui

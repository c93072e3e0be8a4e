// unionsync-gui: the union office's desktop program (see docs/GUI.md).
#include <cstdio>
#include <string>
#include <vector>

#include "app/version.h"
#include "gui/args.h"
#include "gui/gui_app.h"

int main(int argc, char** argv) {
  using namespace unionsync::gui;
  auto args = parseArgs(std::vector<std::string>(argv + 1, argv + argc));
  if (!args) {
    std::fprintf(stderr, "%s\n%s", args.error().c_str(), usage().c_str());
    return 2;
  }
  if (args->help) {
    std::printf("%s", usage().c_str());
    return 0;
  }
  if (args->version) {
    std::printf("%s\n", unionsync::versionText().c_str());
    return 0;
  }
  auto app = GuiApp::create(*args);
  if (!app) {
    std::fprintf(stderr, "%s\n", app.error().c_str());
    return 1;
  }
  return (*app)->run();
}

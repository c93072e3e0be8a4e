// The command line of unionsync-gui (see docs/GUI.md):
//   unionsync-gui [--data DIR] [--view VIEW] [--lang zh|en] [--screenshot FILE.png]
//                 [--listen tcp://IP:PORT] [--discovery on|off] [--size WxH] [--search TEXT] [--open ID]
//   unionsync-gui --version | --help
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "gui/i18n.h"
#include "gui/settings_file.h"

namespace unionsync::gui {

struct GuiArgs {
  std::string dataDir;             // default: defaultDataDir() ($UNIONSYNC_DATA or ~/.local/share/unionsync)
  std::optional<ViewId> view;      // overrides the remembered view
  std::optional<Lang> lang;        // overrides the remembered language
  std::string screenshot;          // render, write this PNG, exit
  std::string listen;              // sync listen address; default tcp://0.0.0.0:7400
  // LAN discovery beacons; off by default in screenshot mode, so tests never broadcast.
  std::optional<bool> discovery;
  std::string search;              // typed into the member search box at start
  std::optional<RecordId> open;    // the record whose side panel the view opens at start
  int width = 0, height = 0;       // window size; 0 = remembered (screenshots: 1280x800)
  bool continuous = false;         // draw frames back to back, never wait for events (gui_bench)
  bool help = false;
  bool version = false;            // print versionText() (app/version.h) and exit
};

// Parses argv[1..]; the error names the bad argument in both languages.
std::expected<GuiArgs, std::string> parseArgs(const std::vector<std::string>& args);
std::string usage();

}  // namespace unionsync::gui

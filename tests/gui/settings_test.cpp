#include <doctest/doctest.h>

#include <fstream>

#include "gui/args.h"
#include "gui/settings_file.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::gui;
using unionsync::testing::TempDir;

TEST_CASE("settings round-trip and fall back to defaults") {
  TempDir dir;
  const std::string path = settingsPath(dir.path());
  CHECK(loadSettings(path) == GuiSettings{});
  const GuiSettings s{Lang::En, ViewId::Sync, 1600, 900};
  REQUIRE(saveSettings(path, s));
  CHECK(loadSettings(path) == s);
  std::ofstream(path) << "{ not json";
  CHECK(loadSettings(path) == GuiSettings{});
  std::ofstream(path) << R"({"lang":"en","view":"nowhere","width":10,"height":99999})";
  const GuiSettings odd = loadSettings(path);
  CHECK(odd.lang == Lang::En);
  CHECK(odd.view == ViewId::Overview);
  CHECK(odd.width == 1280);
}

TEST_CASE("view names") {
  for (int i = 0; i < kViewCount; ++i) CHECK(viewFromName(viewName(static_cast<ViewId>(i))) == static_cast<ViewId>(i));
  CHECK_FALSE(viewFromName("dashboard").has_value());
}

TEST_CASE("command line") {
  auto args = parseArgs({"--data", "/tmp/x", "--view", "members", "--lang", "en", "--screenshot", "m.png",
                         "--listen", "tcp://127.0.0.1:7500", "--size", "1024x700", "--search", "王"});
  REQUIRE(args.has_value());
  CHECK(args->dataDir == "/tmp/x");
  CHECK(args->view == ViewId::Members);
  CHECK(args->lang == Lang::En);
  CHECK(args->screenshot == "m.png");
  CHECK(args->listen == "tcp://127.0.0.1:7500");
  CHECK(args->width == 1024);
  CHECK(args->height == 700);
  CHECK(args->search == "王");
  CHECK_FALSE(parseArgs({"--view", "nowhere"}).has_value());
  CHECK_FALSE(parseArgs({"--lang", "fr"}).has_value());
  CHECK_FALSE(parseArgs({"--listen", "7400"}).has_value());
  CHECK_FALSE(parseArgs({"--size", "10x10"}).has_value());
  CHECK_FALSE(parseArgs({"--data"}).has_value());
  CHECK_FALSE(parseArgs({"--bogus"}).has_value());
  CHECK_FALSE(parseArgs({}).value().dataDir.empty());  // a default data folder
}

// The desktop program's command line: parsed by CLI11 like the CLI's, with bilingual errors.
#include <doctest/doctest.h>

#include <cstdlib>

#include "gui/args.h"

using namespace unionsync::gui;

namespace {

// Sets an environment variable for one test and puts the old value back.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("gui args: $UNIONSYNC_DATA is the default data folder, as for the CLI") {
  ScopedEnv env("UNIONSYNC_DATA", "/srv/union-office");
  CHECK(parseArgs({}).value().dataDir == "/srv/union-office");
  CHECK(parseArgs({"--data", "elsewhere"}).value().dataDir == "elsewhere");
}

TEST_CASE("gui args: an unknown option is named, wherever it stands") {
  auto parsed = parseArgs({"--size", "800x600", "--bogus"});
  REQUIRE_FALSE(parsed.has_value());
  CHECK(parsed.error().find("--bogus") != std::string::npos);
  CHECK(parseArgs({"--bogus", "--size", "800x600"}).error().find("--bogus") != std::string::npos);
}

TEST_CASE("gui args: values are checked whole") {
  CHECK_FALSE(parseArgs({"--size", "800x600x"}).has_value());
  CHECK_FALSE(parseArgs({"--size", "800x600junk"}).has_value());
  CHECK_FALSE(parseArgs({"--discovery", "yes"}).has_value());
  CHECK(parseArgs({"--size", "800x600"}).value().width == 800);
  CHECK(parseArgs({"--search", "王 淼"}).value().search == "王 淼");
  CHECK(parseArgs({"-h"}).value().help);
}

TEST_CASE("gui args: the union work views by name, --open takes a record id") {
  CHECK(parseArgs({"--view", "assistance"}).value().view == ViewId::Assistance);
  CHECK(parseArgs({"--view", "report"}).value().view == ViewId::Report);
  const unionsync::RecordId id = *unionsync::RecordId::fromHex("00112233445566778899aabbccddeeff");
  CHECK(parseArgs({"--open", id.hex()}).value().open == id);
  auto bad = parseArgs({"--open", "王淼"});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().find("--open") != std::string::npos);
  // The usage lists every view, from the one table of views.
  for (const NavEntry& e : navTable()) CHECK(usage().find(fmt::format(" {}", e.name)) != std::string::npos);
}

TEST_CASE("gui args: --version asks for the versions and nothing else") {
  CHECK(parseArgs({"--version"}).value().version);
  CHECK_FALSE(parseArgs({}).value().version);
  CHECK_FALSE(parseArgs({"--version", "--bogus"}).has_value());
}

// Progress and stopping in exports, the report and backups (WorkHooks, issue 11).
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "app/io/xlsx_export.h"
#include "data/roster_fixture.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A union with `members` members, one of them deleted.
struct Office {
  TestNode t;
  RecordId org = t.addOrg("进度工会", "企业工会");

  explicit Office(int members = 30) {
    for (int i = 0; i < members; ++i) {
      auto id = t.node->add(Kind::Member, {{"name", fmt::format("会员{}", i)},
                                           {"id_number", validId(fmt::format("11010519800101{:03}", i))},
                                           {"org", org.hex()}});
      REQUIRE_MESSAGE(id.has_value(), id.error().summary());
      if (i == 0) REQUIRE(t.node->remove(Kind::Member, *id).has_value());
    }
  }
};

// Progress calls as they came; optionally sets `stop` once `after` calls have been seen.
struct Watched {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  std::atomic<bool> stop{false};
  std::size_t after = 0;

  WorkHooks hooks() {
    return {[this](std::uint64_t done, std::uint64_t total) {
              calls.emplace_back(done, total);
              if (after != 0 && calls.size() >= after) stop = true;
            },
            &stop};
  }
};

}  // namespace

TEST_CASE("exports: progress counts the records read of those held; a cancel writes no file and keeps the old one") {
  Office office;
  for (const std::string name : {"members.csv", "members.xlsx"}) {
    CAPTURE(name);
    const std::string path = office.t.dir.sub(name);
    Watched whole;
    auto done = exportFile(*office.t.node, Kind::Member, path, ExportOptions{.hooks = whole.hooks()});
    REQUIRE(done.has_value());
    CHECK_FALSE(done->cancelled);
    CHECK(done->records == 29);
    REQUIRE(whole.calls.size() == 30);  // the deleted member is read too
    CHECK(whole.calls.back() == std::pair<std::uint64_t, std::uint64_t>{30, 30});

    writeFile(path, "earlier");
    Watched stopped;
    stopped.after = 10;
    auto cut = exportFile(*office.t.node, Kind::Member, path, ExportOptions{.hooks = stopped.hooks()});
    REQUIRE(cut.has_value());
    CHECK(cut->cancelled);
    CHECK(cut->records < 10);
    CHECK(stopped.calls.size() == 10);
    CHECK(readFile(path) == "earlier");
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  }
}

TEST_CASE("backup: written under a temporary name, renamed once whole; a cancel leaves no file") {
  Office office;
  const std::string file = office.t.dir.sub("office.mdb");
  Watched whole;
  auto done = office.t.node->backup(file, whole.hooks());
  REQUIRE(done.has_value());
  CHECK(*done == Completion::Finished);
  REQUIRE(std::filesystem::exists(file));
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  REQUIRE_FALSE(whole.calls.empty());
  CHECK(whole.calls.back().first == std::filesystem::file_size(file));
  CHECK(whole.calls.back().second == whole.calls.back().first);

  // An existing file is never replaced.
  auto twice = office.t.node->backup(file);
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().message.find("已存在") != std::string::npos);

  // Cancelled (Ctrl+C seen once the copy ends): no file, no temporary file; a temporary file
  // a killed backup left is replaced.
  const std::string other = office.t.dir.sub("other.mdb");
  writeFile(other + ".tmp", "left by a backup killed midway");
  std::atomic<bool> stop{true};
  auto cut = office.t.node->backup(other, WorkHooks{.cancel = &stop});
  REQUIRE(cut.has_value());
  CHECK(*cut == Completion::Cancelled);
  CHECK_FALSE(std::filesystem::exists(other));
  CHECK_FALSE(std::filesystem::exists(other + ".tmp"));
}

TEST_CASE("report: progress counts the unions read of the scope's; a cancel stops it early") {
  TestNode t;
  const RecordId top = t.addOrg("区总工会", "区县总工会");
  const RecordId street = t.addOrg("街道总工会", "街道总工会", top);
  t.addOrg("社区联合工会", "社区联合工会", street);
  t.addOrg("镇总工会", "乡镇总工会", top);
  Watched whole;
  const Report report = t.node->report(std::nullopt, 2025, whole.hooks());
  CHECK(report.children.size() == 2);
  REQUIRE(whole.calls.size() == 3);  // the unions below the top one: its own counters are read apart
  CHECK(whole.calls.back() == std::pair<std::uint64_t, std::uint64_t>{3, 3});

  Watched stopped;
  stopped.after = 1;
  const Report cut = t.node->report(std::nullopt, 2025, stopped.hooks());
  CHECK(stopped.calls.size() == 1);
  CHECK(cut.children.empty());
}

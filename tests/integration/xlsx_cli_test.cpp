// The CLI's XLSX round trip, as a cadre moves records to a new office: `export KIND --out
// FILE.xlsx` on one node, `import KIND FILE.xlsx` on a node just set up, and the same rows
// exported from both.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/integration/process_support.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::testing;

namespace {

// The lines of a file, sorted: exports list records in id order, which differs between nodes.
std::vector<std::string> sortedLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::ranges::sort(lines);
  return lines;
}

}  // namespace

TEST_SUITE("integration") {
TEST_CASE("cli: records exported to XLSX import whole into a new node and export again the same") {
  TempDir dir;
  const std::string a = dir.sub("a"), b = dir.sub("b");
  REQUIRE(runCli(a, {"init", "--name", "东城"}).exitCode == 0);
  REQUIRE(runCli(a, {"demo", "--members", "300"}).exitCode == 0);
  REQUIRE(runCli(b, {"init", "--name", "新办公室"}).exitCode == 0);
  // Unions before members (members name their union), members before the records naming them.
  for (const std::string kind : {"orgs", "employers", "members", "assistance", "funds"}) {
    CAPTURE(kind);
    const std::string file = dir.sub(kind + ".xlsx");
    REQUIRE(runCli(a, {"export", kind, "--out", file}).exitCode == 0);
    auto imported = runCli(b, {"import", kind, file, "--json"});
    REQUIRE_MESSAGE(imported.exitCode == 0, imported.out);
    const auto summary = nlohmann::json::parse(imported.out);
    CHECK(summary["rejected"] == 0);
    CHECK(summary["created"] == summary["rows"]);
    CHECK(summary["sheet"] != "");
    REQUIRE(runCli(a, {"export", kind, "--out", dir.sub("a-" + kind + ".csv")}).exitCode == 0);
    REQUIRE(runCli(b, {"export", kind, "--out", dir.sub("b-" + kind + ".csv")}).exitCode == 0);
    CHECK(sortedLines(dir.sub("a-" + kind + ".csv")) == sortedLines(dir.sub("b-" + kind + ".csv")));
  }
  auto members = [](const std::string& node) { return nlohmann::json::parse(runCli(node, {"stats", "--json"}).out)["members"]; };
  CHECK(members(a) == members(b));

  auto wrongSheet = runCli(b, {"import", "members", dir.sub("members.xlsx"), "--sheet", "第二批"});
  CHECK(wrongSheet.exitCode == 1);
  CHECK(wrongSheet.out.find("没有名为“第二批”的工作表，有：会员") != std::string::npos);
}
}  // TEST_SUITE integration

// Progress on a terminal and Ctrl+C (issue 11): the real `unionsync` under a pseudo-terminal
// on a generated roster, and the same commands writing to a pipe.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>

#include "store/validation.h"
#include "tests/integration/process_support.h"
#include "tests/integration/pty_process.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::testing;
using namespace std::chrono_literals;

namespace {

constexpr const char* kUnion = "进度测试工会";

// A roster of `members` people of one union, each with a distinct valid ID number.
void writeRoster(const std::string& path, std::size_t members) {
  std::ofstream out(path, std::ios::binary);
  out << "姓名,身份证号码,所属工会\n";
  for (std::size_t i = 0; i < members; ++i) {
    const std::string first17 =
        fmt::format("110105{:04}{:02}{:02}{:03}", 1960 + i / 1000 % 40, 1 + i / 40000 % 12, 1 + i / 480000 % 28, i % 1000);
    out << "会员" << i << "," << first17 << unionsync::idNumberCheckChar(first17) << "," << kUnion << "\n";
  }
}

// A node in `dir` holding the union the roster names.
std::string newNode(const TempDir& tmp, const std::string& name) {
  const std::string dir = tmp.sub(name);
  REQUIRE(runCli(dir, {"init", "--name", name}).exitCode == 0);
  REQUIRE(runCli(dir, {"org", "add", fmt::format("name={}", kUnion), "org_type=企业工会"}).exitCode == 0);
  return dir;
}

std::int64_t membersHeld(const std::string& dir) {
  auto stats = runCli(dir, {"stats", "--json"});
  REQUIRE(stats.exitCode == 0);
  return nlohmann::json::parse(stats.out).at("members").get<std::int64_t>();
}

// "12,000" -> 12000.
std::int64_t ungrouped(std::string digits) {
  std::erase(digits, ',');
  return std::stoll(digits);
}

}  // namespace

TEST_SUITE("integration") {
TEST_CASE("cli: an import shows its progress on a terminal and prints none into a pipe") {
  TempDir tmp;
  const std::string roster = tmp.sub("roster.csv");
  writeRoster(roster, 80000);

  // A pipe: the output scripts read, unchanged, with no progress text and no "\r".
  const std::string piped = newNode(tmp, "piped");
  auto plain = runCli(piped, {"import", "members", roster});
  CHECK(plain.exitCode == 0);
  CHECK(plain.out.starts_with("读取 rows 80000：新增 created 80000，"));
  CHECK(plain.out.find('\r') == std::string::npos);
  CHECK(plain.out.find("已导入") == std::string::npos);
  CHECK(plain.out.find("rows/s") == std::string::npos);

  // A terminal: one line redrawn in place, done of total and the rate, ended by a newline.
  const std::string shown = newNode(tmp, "shown");
  PtyProcess run(shown, {"import", "members", roster});
  REQUIRE(run.started());
  CHECK(run.wait() == 0);
  const std::string& screen = run.output();
  INFO(screen);
  CHECK(std::regex_search(screen, std::regex("\r已导入 80,000 / 80,000 行，[0-9,]+ 行/秒 / imported 80,000 of 80,000 rows, "
                                              "[0-9,]+ rows/s")));
  CHECK(screen.find("读取 rows 80000：新增 created 80000") != std::string::npos);
  CHECK(membersHeld(shown) == 80000);

}
}  // TEST_SUITE integration

TEST_SUITE("slow") {
TEST_CASE("[slow] Ctrl+C stops an import between chunks and an export or a backup before its file and says what was stored") {
  TempDir tmp;
  const std::string roster = tmp.sub("roster.csv");
  constexpr std::int64_t kRows = 300000;  // three chunks of 100,000 rows: Ctrl+C lands before the last
  writeRoster(roster, kRows);
  const std::string dir = newNode(tmp, "office");

  PtyProcess import(dir, {"import", "members", roster});
  REQUIRE(import.started());
  // Rows shown are rows read; once more than two chunks are read the first one is stored
  // (the reader waits for each chunk's write before handing over the next).
  auto readPast = [](std::int64_t rows) {
    return [rows](const std::string& out) {
      std::int64_t shown = 0;
      const std::regex line("已导入 ([0-9,]+) / 300,000 行");
      for (auto it = std::sregex_iterator(out.begin(), out.end(), line); it != std::sregex_iterator(); ++it)
        shown = ungrouped((*it)[1]);
      return shown > rows;
    };
  };
  REQUIRE_MESSAGE(import.waitUntil(readPast(200000), 60s), import.output());
  import.pressCtrlC();
  CHECK(import.wait() == 130);
  std::smatch said;
  const std::string screen = import.output();
  INFO(screen);
  REQUIRE(std::regex_search(screen, said, std::regex("已中断：已存入 ([0-9,]+) 行（到文件第 ([0-9]+) 行）")));
  const std::int64_t stored = ungrouped(said[1]);
  CHECK(std::stoll(said[2]) == stored + 1);  // the header is line 1
  CHECK(stored > 0);
  CHECK(stored < kRows);
  CHECK(screen.find("interrupted: " + said[1].str() + " rows stored") != std::string::npos);

  // The store opens, holds exactly what the message said, and the import finishes later.
  CHECK(membersHeld(dir) == stored);
  auto digest = runCli(dir, {"digest"});
  CHECK(digest.exitCode == 0);
  CHECK(firstLine(digest.out).size() == 64);
  // Again with --json, on the terminal: data only, no progress line.
  PtyProcess again(dir, {"import", "members", roster, "--json"});
  REQUIRE(again.started());
  CHECK(again.wait() == 0);
  CHECK(again.output().find("已导入") == std::string::npos);
  const auto summary = nlohmann::json::parse(again.output());
  CHECK(summary.at("created") == kRows - stored);
  CHECK(summary.at("unchanged") == stored);
  CHECK(summary.at("duplicates") == 0);
  CHECK(membersHeld(dir) == kRows);

  // An export stopped midway leaves no file, and a file already at that name as it was.
  const std::string out = tmp.sub("members.xlsx");
  { std::ofstream(out) << "an earlier export"; }
  PtyProcess exporting(dir, {"export", "members", "--out", out});
  REQUIRE(exporting.started());
  REQUIRE_MESSAGE(exporting.waitFor(" / 300,000 条", 60s), exporting.output());
  exporting.pressCtrlC();
  CHECK(exporting.wait() == 130);
  INFO(exporting.output());
  CHECK(exporting.output().find("已中断：未写出导出文件 " + out) != std::string::npos);
  CHECK(exporting.output().find("原有的同名文件未改动") != std::string::npos);
  CHECK(!std::filesystem::exists(out + ".tmp"));
  std::ifstream earlier(out);
  CHECK(std::string(std::istreambuf_iterator<char>(earlier), {}) == "an earlier export");

  // A backup: LMDB's copy runs to its end, then the copy is dropped. The copy may also have
  // ended before Ctrl+C arrived: then the backup is whole. Never a half file.
  const std::string backup = tmp.sub("office.mdb");
  PtyProcess backingUp(dir, {"backup", "--out", backup});
  REQUIRE(backingUp.started());
  // The progress line ("已备份 …"), or the end ("已备份到 …") when the copy was quicker than it.
  REQUIRE_MESSAGE(backingUp.waitFor("已备份", 60s), backingUp.output());
  backingUp.pressCtrlC();
  const int code = backingUp.wait();
  INFO(backingUp.output());
  CHECK(!std::filesystem::exists(backup + ".tmp"));
  if (backingUp.output().find("已备份到") == std::string::npos) {
    CHECK(code == 130);
    CHECK(backingUp.output().find("已中断：未写出备份文件 " + backup) != std::string::npos);
    CHECK(!std::filesystem::exists(backup));
  } else {
    // Done before Ctrl+C: it exits 0, or the key comes as it exits, after the guard is gone.
    CHECK((code == 0 || code == -SIGINT));
    CHECK(runCli(tmp.sub("restored"), {"restore", backup}).exitCode == 0);
    CHECK(membersHeld(tmp.sub("restored")) == kRows);
  }
}
}  // TEST_SUITE slow

// A data file or a backup that is cut short or is not a store at all (a copy interrupted, a
// disk that filled during it, the wrong file): the CLI refuses it with a message that names
// the file and says what to do, leaves it as it was, and does not crash. Reading LMDB pages
// past the end of a shortened file used to kill the process with SIGBUS.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/process_support.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::testing;
namespace fs = std::filesystem;

namespace {

void writeJunk(const std::string& path, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (std::size_t i = 0; i < size; ++i) out.put(static_cast<char>((i * 131 + 7) % 251));
}

std::string demoNode(TempDir& tmp) {
  const std::string node = tmp.sub("office");
  REQUIRE(runCli(node, {"init", "--name", "城关街道总工会"}).exitCode == 0);
  REQUIRE(runCli(node, {"demo", "--members", "200"}).exitCode == 0);
  return node;
}

}  // namespace

TEST_SUITE("integration") {
TEST_CASE("cli: a data.mdb cut short or not a store is refused, unchanged, with what to do") {
  TempDir tmp;
  const std::string node = demoNode(tmp);
  const fs::path data = fs::path(node) / "data.mdb";
  const auto whole = fs::file_size(data);
  fs::resize_file(data, whole / 2);
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"stats"}, {"member", "list"}, {"digest"}, {"member", "add", "姓名=王淼"}}) {
    CAPTURE(command.front());
    auto refused = runCli(node, command);
    CHECK(refused.exitCode == 1);  // not 135: a SIGBUS
    CHECK(refused.out.find("data.mdb") != std::string::npos);
    CHECK(refused.out.find("已损坏") != std::string::npos);
    CHECK(refused.out.find("restore") != std::string::npos);
    CHECK(fs::file_size(data) == whole / 2);
  }
  writeJunk(data.string(), 100'000);
  auto junk = runCli(node, {"stats"});
  CHECK(junk.exitCode == 1);
  CHECK(junk.out.find("不是 unionsync 的数据文件") != std::string::npos);
}

TEST_CASE("cli: restoring a backup cut short or not a store leaves the folder empty; a whole one restores") {
  TempDir tmp;
  const std::string node = demoNode(tmp);
  const std::string backup = tmp.sub("office.mdb");
  REQUIRE(runCli(node, {"backup", "--out", backup}).exitCode == 0);
  const std::string shortened = tmp.sub("shortened.mdb"), junk = tmp.sub("junk.mdb");
  fs::copy_file(backup, shortened);
  fs::resize_file(shortened, fs::file_size(backup) / 2);
  writeJunk(junk, 5000);
  const std::string restored = tmp.sub("restored");
  for (const std::string& file : {shortened, junk}) {
    CAPTURE(file);
    auto refused = runCli(restored, {"restore", file});
    CHECK(refused.exitCode == 1);
    CHECK(refused.out.find("备份文件 " + file + " 无法恢复") != std::string::npos);
    CHECK_FALSE(fs::exists(fs::path(restored) / "data.mdb"));
    CHECK_FALSE(fs::exists(fs::path(restored) / "lock.mdb"));
  }
  CHECK(runCli(restored, {"restore", backup}).exitCode == 0);
  CHECK(runCli(restored, {"digest"}).out == runCli(node, {"digest"}).out);
}
}  // TEST_SUITE integration

// What a cadre who mistypes a command line is told: the word not known and the command meant,
// in Chinese and English, and a non-zero exit; nothing runs.
#include <doctest/doctest.h>

#include "tests/integration/process_support.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::testing;

TEST_SUITE("integration") {
TEST_CASE("cli: a mistyped command names the word and the command meant; bad values are said in Chinese too") {
  TempDir tmp;
  const std::string node = tmp.sub("office");
  REQUIRE(runCli(node, {"init", "--name", "城关街道总工会"}).exitCode == 0);
  struct Case {
    std::vector<std::string> args;
    std::string said;
  };
  const Case cases[] = {
      {{"membr", "list"}, "不认识的命令“membr”，是否指 member？"},
      {{"member", "lsit"}, "不认识的命令“lsit”，是否指 list？"},  // two letters swapped
      {{"stat"}, "是否指 stats？"},
      {{"peer", "trsut", "KEY"}, "是否指 trust？"},
      {{"xyzzy"}, "可用的命令：init demo stats"},  // nothing near: the list
      {{"report", "--year", "2O26"}, "命令行有误，用 --help 查看用法"},
      {{"member"}, "命令行有误"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.args.front());
    auto result = runCli(node, c.args);
    CHECK(result.exitCode != 0);
    CHECK(result.out.find(c.said) != std::string::npos);
  }
  // The words that are known still run, with their values untouched.
  CHECK(runCli(node, {"member", "list", "--search", "王"}).exitCode == 0);
  CHECK(runCli(node, {"stats"}).exitCode == 0);
}
}  // TEST_SUITE integration

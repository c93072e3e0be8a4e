#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <string>

#include "app/cli/cli_commands.h"

using namespace unionsync;

namespace {

std::string helpOf(const std::string& kind, const std::string& command) {
  CLI::App root;
  CliContext ctx;
  registerRecordCommands(root, ctx);
  return root.get_subcommand(kind)->get_subcommand(command)->help();
}

}  // namespace

TEST_CASE("cli: `member add --help` lists every member field with label, type, required and choices") {
  const std::string help = helpOf("member", "add");
  CHECK(help.find("id_number") != std::string::npos);
  CHECK(help.find("证件号码") != std::string::npos);
  CHECK(help.find("必填 / required") != std::string::npos);
  CHECK(help.find("居民身份证") != std::string::npos);  // a choice of id_type
  CHECK(help.find("birth_date") != std::string::npos);
  CHECK(help.find("日期") != std::string::npos);
  CHECK(helpOf("member", "set").find("mobile") != std::string::npos);
  CHECK(helpOf("org", "add").find("org_type") != std::string::npos);
}

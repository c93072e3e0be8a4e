// `unionsync`: the scriptable form of everything the desktop program does.
#include <iostream>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_unknown_command.h"
#include "app/data_dir.h"
#include "app/node.h"
#include "app/version.h"

using namespace unionsync;

int main(int argc, char** argv) {
  SystemClock clock;
  SystemRandom random;
  CliContext ctx;
  ctx.dataDir = defaultDataDir();
  ctx.clock = &clock;
  ctx.random = &random;
  // A long upgrade of an older data folder is said before it starts (stderr: stdout may be --json).
  const NodeOptions options{.notice = [](const std::string& line) { std::cerr << line << std::endl; }};
  ctx.openNode = [&]() { return Node::open(ctx.dataDir, clock, random, options); };

  CLI::App app{"unionsync — 工会会员与活动记录，多点同步，无需中心服务器 / union records kept in step between offices"};
  app.set_help_all_flag("--help-all", "所有命令的帮助 / help for every command");
  app.set_version_flag("--version", versionText(), "程序、同步协议与存储格式的版本 / program, sync protocol and store format versions");
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();
  app.add_option("--data", ctx.dataDir, "数据目录 / data directory ($UNIONSYNC_DATA)");
  registerNodeCommands(app, ctx);
  registerRecordCommands(app, ctx);
  registerIoCommands(app, ctx);
  registerSyncCommands(app, ctx);
  registerFederationCommands(app, ctx);
  registerReportCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (std::string unknown = unknownCommandMessage(app, argc, argv); !unknown.empty()) {
      std::cerr << "unionsync: " << unknown << "\n";
      return e.get_exit_code();
    }
    // CLI11 says what is wrong in English only: say in Chinese too where to look.
    std::cerr << "unionsync: 命令行有误，用 --help 查看用法 / bad command line: " << e.what() << " (see --help)\n";
    return e.get_exit_code();
  }
  if (!ctx.run) {
    std::cerr << "unionsync: 缺少子命令 / a subcommand is missing; see --help\n";
    return 2;
  }
  try {
    return ctx.run();
  } catch (const std::exception& e) {
    // Only the truly unexpected arrives here (a corrupt store): say so plainly, in one line.
    std::cerr << "unionsync: 内部错误 / internal error: " << e.what() << "\n";
    return 3;
  }
}

// The `unionsync` command line is split into command groups, one file each
// (cli_records.cpp, cli_io.cpp, cli_sync.cpp, ...). Each group registers its subcommands on
// the root CLI11 app; cli_main.cpp parses and runs the chosen one.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "app/model/clock.h"
#include "app/model/records.h"

namespace unionsync {

class Node;

// State shared by all commands: global options and how to open the node.
struct CliContext {
  std::string dataDir;  // --data, default: $UNIONSYNC_DATA or ~/.local/share/unionsync
  bool json = false;    // --json, where a command's output is data
  Clock* clock = nullptr;
  Random* random = nullptr;

  // Opens the node in dataDir; fails with a one-line reason (e.g. "no node in DIR: run init").
  std::function<Result<std::unique_ptr<Node>>()> openNode;
  // The command to run after parsing; returns the process exit code.
  std::function<int()> run;
};

// Turns a failure into the one-line reason on stderr and exit code 1.
int reportFailure(const Error& error);
int reportFailure(const std::string& message);

// Adds `--json` to a command that prints data.
void addJsonFlag(CLI::App* command, CliContext& ctx);

void registerNodeCommands(CLI::App& root, CliContext& ctx);    // init, demo, digest, stats, conflicts, backup, restore
void registerRecordCommands(CLI::App& root, CliContext& ctx);  // org, employer, member, activity, hardship … funds
// `member transfer` (cli_transfer.cpp), on the member command group.
void addTransferCommand(CLI::App& memberGroup, CliContext& ctx);
void registerIoCommands(CLI::App& root, CliContext& ctx);      // import, export
void registerSyncCommands(CLI::App& root, CliContext& ctx);    // peer, serve, sync, status
void registerFederationCommands(CLI::App& root, CliContext& ctx);  // grant, revoke-grant, scope
void registerReportCommands(CLI::App& root, CliContext& ctx);    // report

}  // namespace unionsync

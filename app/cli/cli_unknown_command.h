// A mistyped command ("membr list"): CLI11 only says a subcommand is required. This names
// the word it did not know and the command it most likely meant.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace unionsync {

// The bilingual line for the first word of argv that names no command where one was expected
// (after `app`, or after a command that has commands of its own; options and the value of
// --data skipped), with the closest command when one is within two edits; empty when there
// is no such word (the error is something else).
std::string unknownCommandMessage(const CLI::App& app, int argc, char** argv);

}  // namespace unionsync

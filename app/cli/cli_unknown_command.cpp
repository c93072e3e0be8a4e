#include "app/cli/cli_unknown_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

namespace unionsync {

namespace {

// Edits from a to b: inserting, deleting or replacing a letter, or swapping two neighbours
// ("lsit" is one edit from "list"). Command names are short: the whole table.
std::size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string unknownCommandMessage(const CLI::App& app, int argc, char** argv) {
  // Follows the words that name commands ("member", then "list"); the first word that names
  // none, where commands were expected, is the mistyped one.
  const CLI::App* at = &app;
  auto commandsOf = [](const CLI::App* parent) { return parent->get_subcommands([](const CLI::App*) { return true; }); };
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    if (word == "--data") {
      ++i;
      continue;
    }
    if (word.starts_with("-")) continue;
    const auto commands = commandsOf(at);
    if (commands.empty()) return {};  // a value, not a command
    auto named = std::ranges::find_if(commands, [&](const CLI::App* c) { return c->get_name() == word; });
    if (named != commands.end()) {
      at = *named;
      continue;
    }
    std::string best, all;
    std::size_t bestDistance = 3;  // more edits than two: no guess
    for (const CLI::App* command : commands) {
      const std::string& name = command->get_name();
      all += (all.empty() ? "" : " ") + name;
      if (const std::size_t d = editDistance(word, name); d < bestDistance) {
        bestDistance = d;
        best = name;
      }
    }
    if (!best.empty())
      return fmt::format("不认识的命令“{}”，是否指 {}？/ unknown command \"{}\": did you mean {}?", word, best, word, best);
    return fmt::format("不认识的命令“{}”；可用的命令：{} / unknown command \"{}\"; the commands: {}", word, all, word, all);
  }
  return {};
}

}  // namespace unionsync

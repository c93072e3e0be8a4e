// A large store for the GUI benchmark and screenshot tests: a district with streets and
// community unions and `members` members with valid ID numbers, mobiles, card numbers and
// names (a few with rare characters such as 䶮), written with app/records/batch_writer.h in large
// non-durable transactions so a million members take seconds, not hours.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "app/node.h"

namespace unionsync::gui::bench {

struct BenchDataOptions {
  std::size_t members = 1'000'000;
  std::size_t streets = 12;
  std::size_t unionsPerStreet = 8;
  std::uint64_t seed = 7;
};

// Creates a node named `name` in `dir` (which must hold none) and fills it.
Result<void> buildBenchNode(const std::string& dir, const std::string& name, const BenchDataOptions& options,
                            const std::function<void(std::size_t membersWritten)>& progress = {});

}  // namespace unionsync::gui::bench

// 困难职工档案 for the demo district: about 2-3% of the active members, most of them 在档,
// some 脱困 or 退档 with the day they were closed; at most one file per member, so never two
// 在档 files (union_work_rules.h).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "app/demo/demo_roster.h"
#include "app/demo/pending_records.h"

namespace unionsync::demo {

struct HardshipFile {
  std::size_t member;  // index into Roster::members
  Day filed;
  std::optional<Day> closed;  // 脱困 or 退档 on this day
  std::string_view cause;
  // The part of [from, to] in which the file is open (filed and not yet closed).
  std::optional<std::pair<Day, Day>> openDuring(Day from, Day to) const;
};

// Adds the files to `out` and returns them, in the order drawn (the neediest are not first:
// the order is random).
std::vector<HardshipFile> addHardshipFiles(const Roster& roster, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

// 职代会 for the demo district, last year and this year up to today: most enterprise,
// institution and school unions hold one a year (most in the first months), with
// representatives about 5-10% of the employees (at least 15; a smaller workplace meets as a
// whole, 全体职工大会) and their motions; some community and village unions hold a 区域性职代会
// for their small employers.
#pragma once

#include "app/demo/demo_roster.h"
#include "app/demo/pending_records.h"

namespace unionsync::demo {

void addCongresses(const Roster& roster, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

// 维权案件 for the demo district, last year and this year up to today: dozens a year for a
// county of 20 000 members, taken by the district federation and the street and town
// federations — mostly 劳动争议调解 and 讨薪 (more workers, larger sums) — through 来访, the
// 12351 hotline, online or passed on by another office; closed 5-60 days after acceptance,
// about 70% 成功, recovered amounts in line with the claims. A case whose closing day has not
// come yet is still open, with no result.
#pragma once

#include "app/demo/demo_roster.h"
#include "app/demo/pending_records.h"

namespace unionsync::demo {

void addRightsCases(const Roster& roster, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

// 集体合同 for the demo district, signed last year or this year: most enterprise unions have a
// 综合 contract (36 months), about half a 工资专项 one (12 months), some a 女职工专项 one;
// joint unions sign 区域 or 行业 contracts covering most of their small employers.
#pragma once

#include "app/demo/demo_roster.h"
#include "app/demo/pending_records.h"

namespace unionsync::demo {

void addContracts(const Roster& roster, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

// 经费 for the demo district: one record a year (last year and this year) for every
// enterprise, institution and education union that covers employers itself. The payroll is
// its employees' (60 000-120 000 yuan a head by trade); due, retained and remitted follow from
// the rules and the union's funds rates (union_work_rules.h). Last year 85-100% of what was due was paid; this year's
// payroll and payments run to today, with payments lagging.
#pragma once

#include "app/demo/demo_roster.h"
#include "app/demo/pending_records.h"

namespace unionsync::demo {

void addFunds(const Node& node, const Roster& roster, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

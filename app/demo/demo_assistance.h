// 帮扶救助 for the demo district, last year and this year up to today: the 两节送温暖
// campaign (Jan-Feb, about 5% of members: families on file first, then model workers and
// frontline workers), 金秋助学 for members' children starting university (Aug-Sep), 医疗救助
// and 生活救助 for families on file, and a little 就业帮扶 and 互助保障. Granted by the
// district federation, the street or town federation or the member's own union.
#pragma once

#include <span>

#include "app/demo/demo_hardship.h"

namespace unionsync::demo {

void addAssistance(const Roster& roster, std::span<const HardshipFile> files, Dice& dice, PendingRecords& out);

}  // namespace unionsync::demo

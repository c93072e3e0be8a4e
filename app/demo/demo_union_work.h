// The union work records of the demo district (issue 10): 困难职工档案, 帮扶救助, 维权案件,
// 集体合同, 职代会 and 经费, for last year and this year up to the node's today, at the rates of
// the seed work reports. Runs once buildDemoDistrict has stored the unions, employers and
// members, and reads them back (demo_roster.h). Deterministic for a seed.
#pragma once

#include <cstdint>

#include "app/demo/demo_data.h"

namespace unionsync {

// Writes the records and counts them into `summary`.
Result<void> addDemoUnionWork(Node& node, std::uint64_t seed, DemoSummary& summary);

}  // namespace unionsync

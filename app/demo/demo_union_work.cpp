#include "app/demo/demo_union_work.h"

#include <functional>
#include <iterator>

#include "app/demo/demo_assistance.h"
#include "app/demo/demo_cases.h"
#include "app/demo/demo_congresses.h"
#include "app/demo/demo_contracts.h"
#include "app/demo/demo_funds.h"
#include "app/demo/demo_hardship.h"

namespace unionsync {

Result<void> addDemoUnionWork(Node& node, std::uint64_t seed, DemoSummary& summary) {
  const demo::Roster roster = demo::readRoster(node);
  if (roster.district < 0) return {};
  demo::PendingRecords out(node);
  std::vector<demo::HardshipFile> files;
  struct Step {
    std::size_t DemoSummary::*count;
    std::function<void(demo::Dice&)> draw;
  };
  // Hardship files first: assistance is drawn from them.
  const Step steps[] = {
      {&DemoSummary::hardship, [&](demo::Dice& dice) { files = demo::addHardshipFiles(roster, dice, out); }},
      {&DemoSummary::assistance, [&](demo::Dice& dice) { demo::addAssistance(roster, files, dice, out); }},
      {&DemoSummary::cases, [&](demo::Dice& dice) { demo::addRightsCases(roster, dice, out); }},
      {&DemoSummary::contracts, [&](demo::Dice& dice) { demo::addContracts(roster, dice, out); }},
      {&DemoSummary::congresses, [&](demo::Dice& dice) { demo::addCongresses(roster, dice, out); }},
      {&DemoSummary::funds, [&](demo::Dice& dice) { demo::addFunds(node, roster, dice, out); }},
  };
  for (std::size_t i = 0; i < std::size(steps); ++i) {
    // Each kind draws from its own stream, so changing one kind's draws leaves the others (and
    // the district, drawn from the seed itself) as they were.
    demo::Dice dice(seed ^ (0x9E3779B97F4A7C15ULL * (i + 1)));
    steps[i].draw(dice);
    auto written = out.flush();
    if (!written) return std::unexpected(written.error());
    summary.*steps[i].count = *written;
  }
  return {};
}

}  // namespace unionsync

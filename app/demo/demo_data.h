// A realistic demo district, modelled on the seed work reports: a district federation, street
// and township federations, community joint unions and enterprise unions, employers with and
// without unions, members with valid ID numbers and plausible names (rare characters
// included), migrant workers, membership events and activities with participants, and the
// union work records of issue 10 (demo_union_work.h).
// Deterministic for a given seed (apart from the node's own stamps).
#pragma once

#include <cstdint>
#include <functional>

#include "app/node.h"

namespace unionsync {

struct DemoOptions {
  std::size_t members = 2000;
  std::uint64_t seed = 1;
};

struct DemoSummary {
  std::size_t organizations = 0;
  std::size_t employers = 0;
  std::size_t members = 0;
  std::size_t events = 0;
  std::size_t activities = 0;
  std::size_t participants = 0;
  // Union work records (demo_union_work.h).
  std::size_t hardship = 0;
  std::size_t assistance = 0;
  std::size_t cases = 0;
  std::size_t contracts = 0;
  std::size_t congresses = 0;
  std::size_t funds = 0;
};

// Writes the district into `node` (normally an empty one). `progress` (may be empty) is told
// the number of members written so far.
Result<DemoSummary> buildDemoDistrict(Node& node, const DemoOptions& options,
                                      const std::function<void(std::size_t)>& progress = {});

// Conflicts to show in the demo: a second store in `scratchDir` (which must hold none; the
// caller removes it after) joins the deployment, takes everything `node` holds, then it and
// `node` edit the same fields of a few members before the second one's writes are applied
// here, as an office that had not synced yet would. `node` then holds those conflicts.
Result<void> addDemoConflicts(Node& node, const std::string& scratchDir);

}  // namespace unionsync

// What the union work generators (demo_union_work.h) need to know of a demo district, read
// back from the node once its unions, employers and members are stored: they then depend on
// the stored records only, not on how demo_data.cpp planned them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/demo/demo_dates.h"
#include "app/node.h"

namespace unionsync::demo {

struct RosterOrg {
  RecordId id;
  std::string name, shortName, type;
  int parent = -1;
  int area = -1;  // the street or town federation it lies in (itself when it is one), else -1
  Day founded;
  std::int64_t employees = 0, womenEmployees = 0;
  std::vector<int> covers;  // employers it covers itself (not through a child union)
};

struct RosterEmployer {
  RecordId id;
  std::string name, industry;
  std::int64_t employees = 0;
  int org = -1;       // the union of the area it was surveyed in
  int covering = -1;  // its union, -1 when it has none
};

// A member who may be helped: status 正常 or 保留.
struct RosterMember {
  RecordId id;
  std::string name, position, modelWorker;
  bool male = false, migrant = false, kept = false;  // kept: 保留 (out of work, on long sick leave)
  int born = 0;
  int org = -1;
  Day joined;
};

struct Roster {
  Day today;
  int thisYear = 0;
  int district = -1;  // the root federation
  std::vector<RosterOrg> orgs;        // in id order
  std::vector<RosterEmployer> employers;  // in id order
  std::vector<RosterMember> members;  // in ID number order, so a seed fixes it (member ids
                                      // depend on the deployment key)
  std::vector<int> areas;             // street and town federations

  int lastYear() const { return thisYear - 1; }
  // The union that covers area-wide work for `org`: its street or town, else the district.
  int areaOrDistrict(int org) const { return orgs[org].area >= 0 ? orgs[org].area : district; }
  std::int64_t activeMembers() const { return static_cast<std::int64_t>(members.size()); }
  // The employer a workplace union (企业, 机关事业单位 or school union) belongs to; empty for
  // unions of several employers (joint unions, the education union, the organs' union).
  const RosterEmployer* ownEmployer(int org) const;
  // Employees of the employers `org` covers itself.
  std::int64_t coveredEmployees(int org) const;
};

Roster readRoster(const Node& node);

// Jobs that pay well (doctors, engineers, managers): their holders are rarely in hardship or
// picked for the frontline workers' visits.
bool wellPaid(std::string_view position);

}  // namespace unionsync::demo

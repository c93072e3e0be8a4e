#include "app/demo/demo_roster.h"

#include <algorithm>
#include <map>

namespace unionsync::demo {

namespace {

std::int64_t count(std::string_view stored) { return stored.empty() ? 0 : std::stoll(std::string(stored)); }

bool isArea(std::string_view type) { return type == "街道总工会" || type == "乡镇总工会"; }

// Index of the record `hex` names in `index`, or -1.
int indexOf(const std::map<RecordId, int>& index, std::string_view hex) {
  auto id = RecordId::fromHex(hex);
  if (!id) return -1;
  auto it = index.find(*id);
  return it == index.end() ? -1 : it->second;
}

}  // namespace

bool wellPaid(std::string_view position) {
  static constexpr std::string_view kWellPaid[] = {"医生", "软件工程师", "测试工程师", "产品经理", "运维工程师",
                                                   "项目经理", "科长", "副科长", "车间主任", "店长", "大堂经理",
                                                   "网点负责人", "药剂师"};
  return std::ranges::find(kWellPaid, position) != std::end(kWellPaid);
}

const RosterEmployer* Roster::ownEmployer(int org) const {
  const RosterOrg& o = orgs[org];
  const bool workplace = o.type == "企业工会" || o.type == "机关事业单位工会" || o.type == "教育工会";
  return workplace && o.covers.size() == 1 ? &employers[o.covers.front()] : nullptr;
}

std::int64_t Roster::coveredEmployees(int org) const {
  std::int64_t sum = 0;
  for (int e : orgs[org].covers) sum += employers[e].employees;
  return sum;
}

Roster readRoster(const Node& node) {
  Roster roster;
  roster.today = parseDay(node.today());
  roster.thisYear = yearOf(roster.today);

  std::map<RecordId, int> orgIndex;
  std::vector<std::string> parents;
  node.forEach(Kind::Organization, [&](const Record& r) {
    if (r.deleted()) return true;
    orgIndex[r.id] = static_cast<int>(roster.orgs.size());
    parents.emplace_back(r.get("parent"));
    const std::string_view founded = r.get("founded");
    roster.orgs.push_back({.id = r.id,
                           .name = std::string(r.get("name")),
                           .shortName = std::string(r.get("short_name")),
                           .type = std::string(r.get("org_type")),
                           .founded = founded.empty() ? yearStart(2000) : parseDay(founded),
                           .employees = count(r.get("employees")),
                           .womenEmployees = count(r.get("women_employees"))});
    return true;
  });
  for (std::size_t i = 0; i < roster.orgs.size(); ++i) {
    auto& org = roster.orgs[i];
    org.parent = indexOf(orgIndex, parents[i]);
    if (org.shortName.empty()) org.shortName = org.name;
    if (org.parent < 0 && roster.district < 0) roster.district = static_cast<int>(i);
    if (isArea(org.type)) roster.areas.push_back(static_cast<int>(i));
  }
  // The area of a union is the first street or town federation on its way up (depth is small).
  for (auto& org : roster.orgs)
    for (int at = static_cast<int>(&org - roster.orgs.data()); at >= 0 && org.area < 0; at = roster.orgs[at].parent)
      if (isArea(roster.orgs[at].type)) org.area = at;

  node.forEach(Kind::Employer, [&](const Record& r) {
    if (r.deleted()) return true;
    const int covering = indexOf(orgIndex, r.get("covering_union"));
    if (covering >= 0) roster.orgs[covering].covers.push_back(static_cast<int>(roster.employers.size()));
    roster.employers.push_back({.id = r.id,
                                .name = std::string(r.get("name")),
                                .industry = std::string(r.get("industry")),
                                .employees = count(r.get("employees")),
                                .org = indexOf(orgIndex, r.get("org")),
                                .covering = covering});
    return true;
  });

  std::vector<std::pair<std::string, RosterMember>> members;
  node.forEach(Kind::Member, [&](const Record& r) {
    const std::string_view status = r.get("status");
    if (r.deleted() || (status != "正常" && status != "保留")) return true;
    const int org = indexOf(orgIndex, r.get("org"));
    const std::string_view idNumber = r.get("id_number"), joined = r.get("join_date");
    if (org < 0 || idNumber.size() != 18) return true;  // the demo writes resident ID numbers only
    members.emplace_back(std::string(idNumber),
                         RosterMember{.id = r.id,
                                      .name = std::string(r.get("name")),
                                      .position = std::string(r.get("position")),
                                      .modelWorker = std::string(r.get("model_worker")),
                                      .male = r.get("gender") == "男",
                                      .migrant = r.get("migrant") == "1",
                                      .kept = status == "保留",
                                      .born = std::stoi(std::string(idNumber.substr(6, 4))),
                                      .org = org,
                                      .joined = joined.empty() ? roster.today : parseDay(joined)});
    return true;
  });
  std::ranges::sort(members, {}, &std::pair<std::string, RosterMember>::first);
  roster.members.reserve(members.size());
  for (auto& [idNumber, member] : members) roster.members.push_back(std::move(member));
  return roster;
}

}  // namespace unionsync::demo

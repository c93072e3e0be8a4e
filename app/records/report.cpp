// The figures of a subtree (Node::stats, Node::report) from the statistics counters
// (counters.h): each union's counters are read once and summed into the columns; people
// (人数) are deduplicated by member over each column.
#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "app/internal/store_access.h"
#include "app/node.h"
#include "app/records/counters.h"

namespace unionsync {

namespace {

std::optional<double> ratio(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

// Counters are bounded by what records can hold; a negative one (a store that counted
// differently once) is read as 0 and sums saturate, so no figure or rate is negative.
void addTo(std::int64_t& sum, std::int64_t value) {
  value = std::max<std::int64_t>(value, 0);
  sum = value > std::numeric_limits<std::int64_t>::max() - sum ? std::numeric_limits<std::int64_t>::max() : sum + value;
}

// Reads one union's counters for one year.
class UnionCounters {
 public:
  UnionCounters(const Store& store, const RecordId& org, int year)
      : counters_(store.counters(org.hex())), year_(year) {}
  std::int64_t get(std::string_view name) const {
    auto it = counters_.find(name);
    return it == counters_.end() ? 0 : it->second;
  }
  std::int64_t yearly(std::string_view prefix, std::string_view suffix = {}) const {
    std::string name = counter::yearly(prefix, year_);
    if (!suffix.empty()) {
      name.push_back(':');
      name.append(suffix);
    }
    return get(name);
  }
  // Calls `visit(rest, value)` for each counter named "<prefix><rest>".
  template <class Visit>
  void withPrefix(std::string_view prefix, Visit visit) const {
    for (auto it = counters_.lower_bound(prefix); it != counters_.end() && it->first.starts_with(prefix); ++it)
      visit(std::string_view(it->first).substr(prefix.size()), it->second);
  }

 private:
  CounterMap counters_;
  int year_;
};

void addStats(const UnionCounters& c, Stats& s) {
  addTo(s.organizations, c.get(counter::kOrganizations));
  addTo(s.members, c.get(counter::kMembers));
  addTo(s.migrantMembers, c.get(counter::kMigrantMembers));
  addTo(s.employers, c.get(counter::kEmployers));
  addTo(s.unionizedEmployers, c.get(counter::kUnionizedEmployers));
  addTo(s.unionizedEmployees, c.get(counter::kUnionizedEmployees));
  addTo(s.unionizedMigrantEmployees, c.get(counter::kUnionizedMigrantEmployees));
  addTo(s.newMembersThisYear, c.yearly(counter::kNewMembers));
  addTo(s.newUnionsThisYear, c.yearly(counter::kNewUnions));
  addTo(s.activitiesThisYear, c.yearly(counter::kActivities));
  addTo(s.participantsThisYear, c.yearly(counter::kParticipants));
}

std::span<const std::string_view> assistanceKinds() { return findField(Kind::Assistance, "kind")->choices; }

// Member ids are keyed hashes (member_identity.h): any 8 of their bytes are a good hash.
struct IdHash {
  std::size_t operator()(const RecordId& id) const {
    std::size_t h = 0;
    std::memcpy(&h, id.bytes.data(), sizeof h);
    return h;
  }
};
using MemberSet = std::unordered_set<RecordId, IdHash>;

// The members helped, per assistance kind and over all kinds, of one column.
struct People {
  std::map<std::string, MemberSet, std::less<>> byKind;
  MemberSet all;
  void merge(const People& other) {
    for (const auto& [kind, members] : other.byKind) byKind[kind].insert(members.begin(), members.end());
    all.insert(other.all.begin(), other.all.end());
  }
};

// A column being summed.
struct Column {
  ReportFigures figures;
  People people;

  void add(const Store& store, const RecordId& org, int year) {
    const UnionCounters c(store, org, year);
    ReportFigures& f = figures;
    addStats(c, f.stats);
    c.withPrefix(counter::kOrgTypePrefix, [&](std::string_view type, std::int64_t n) {
      addTo(f.organizationsByType[std::string(type)], n);
    });
    addTo(f.transfersIn, c.yearly(counter::kTransfersIn));
    addTo(f.transfersOut, c.yearly(counter::kTransfersOut));
    addTo(f.hardshipActive, c.get(counter::kHardshipActive));
    for (std::string_view kind : assistanceKinds()) {
      AssistanceFigures& a = f.assistance[std::string(kind)];
      addTo(a.records, c.yearly(counter::kAssistance, kind));
      addTo(a.amountFen, c.yearly(counter::kAssistanceFen, kind));
    }
    CaseFigures& k = f.cases;
    addTo(k.accepted, c.yearly(counter::kCasesAccepted));
    addTo(k.closed, c.yearly(counter::kCasesClosed));
    addTo(k.success, c.yearly(counter::kCaseResult, "成功"));
    addTo(k.partial, c.yearly(counter::kCaseResult, "部分"));
    addTo(k.failed, c.yearly(counter::kCaseResult, "未成"));
    addTo(k.withdrawn, c.yearly(counter::kCaseResult, "撤回"));
    addTo(k.workers, c.yearly(counter::kCaseWorkers));
    addTo(k.recoveredFen, c.yearly(counter::kCaseRecoveredFen));
    addTo(f.contractEmployers, c.yearly(counter::kContractEmployers));
    addTo(f.contractEmployees, c.yearly(counter::kContractEmployees));
    addTo(f.congresses, c.yearly(counter::kCongresses));
    addTo(f.fundsDueFen, c.yearly(counter::kFundsDueFen));
    addTo(f.fundsPaidFen, c.yearly(counter::kFundsPaidFen));

    // "<year>:<kind>:<member>" under the people counters of the union.
    const std::string yearPrefix = std::to_string(year) + ":";
    store.forEachCounter(counter::peopleCounterOrg(org.hex()), yearPrefix, [&](std::string_view name, std::int64_t n) {
      if (n <= 0) return;
      const std::string_view rest = name.substr(yearPrefix.size());
      const auto colon = rest.rfind(':');
      if (colon == std::string_view::npos) return;
      const auto member = RecordId::fromHex(rest.substr(colon + 1));
      if (!member) return;
      const std::string_view kind = rest.substr(0, colon);
      auto set = people.byKind.find(kind);
      if (set == people.byKind.end()) set = people.byKind.emplace(std::string(kind), MemberSet{}).first;
      set->second.insert(*member);
      people.all.insert(*member);
    });
  }

  void merge(const Column& other) {
    const ReportFigures& o = other.figures;
    ReportFigures& f = figures;
    Stats& s = f.stats;
    for (auto [field, from] : {std::pair{&s.organizations, o.stats.organizations}, {&s.members, o.stats.members},
                               {&s.migrantMembers, o.stats.migrantMembers}, {&s.employers, o.stats.employers},
                               {&s.unionizedEmployers, o.stats.unionizedEmployers},
                               {&s.unionizedEmployees, o.stats.unionizedEmployees},
                               {&s.unionizedMigrantEmployees, o.stats.unionizedMigrantEmployees},
                               {&s.newMembersThisYear, o.stats.newMembersThisYear},
                               {&s.newUnionsThisYear, o.stats.newUnionsThisYear},
                               {&s.activitiesThisYear, o.stats.activitiesThisYear},
                               {&s.participantsThisYear, o.stats.participantsThisYear}, {&f.transfersIn, o.transfersIn},
                               {&f.transfersOut, o.transfersOut}, {&f.hardshipActive, o.hardshipActive},
                               {&f.cases.accepted, o.cases.accepted}, {&f.cases.closed, o.cases.closed},
                               {&f.cases.success, o.cases.success}, {&f.cases.partial, o.cases.partial},
                               {&f.cases.failed, o.cases.failed}, {&f.cases.withdrawn, o.cases.withdrawn},
                               {&f.cases.workers, o.cases.workers}, {&f.cases.recoveredFen, o.cases.recoveredFen},
                               {&f.contractEmployers, o.contractEmployers}, {&f.contractEmployees, o.contractEmployees},
                               {&f.congresses, o.congresses}, {&f.fundsDueFen, o.fundsDueFen},
                               {&f.fundsPaidFen, o.fundsPaidFen}})
      addTo(*field, from);
    for (const auto& [type, n] : o.organizationsByType) addTo(f.organizationsByType[type], n);
    for (const auto& [kind, a] : o.assistance) {
      addTo(f.assistance[kind].records, a.records);
      addTo(f.assistance[kind].amountFen, a.amountFen);
    }
    people.merge(other.people);
  }

  // Fills the people and the totals once everything is summed.
  ReportFigures finish(int year) {
    figures.stats.year = year;
    figures.assistanceTotal = {};
    for (auto& [kind, a] : figures.assistance) {
      auto it = people.byKind.find(kind);
      a.people = it == people.byKind.end() ? 0 : static_cast<std::int64_t>(it->second.size());
      addTo(figures.assistanceTotal.records, a.records);
      addTo(figures.assistanceTotal.amountFen, a.amountFen);
    }
    figures.assistanceTotal.people = static_cast<std::int64_t>(people.all.size());
    return figures;
  }
};

// The unions of a scope: `org`'s subtree, or every tree.
std::vector<RecordId> scopeOf(const OrgTree& tree, const std::optional<RecordId>& org) {
  if (org) return tree.subtree(*org);
  std::vector<RecordId> all;
  for (const auto& root : tree.roots) {
    auto below = tree.subtree(root);
    all.insert(all.end(), below.begin(), below.end());
  }
  return all;
}

int yearOr(int year, const std::string& today) { return year != 0 ? year : std::stoi(today.substr(0, 4)); }

}  // namespace

std::optional<double> Stats::unionizationRate() const { return ratio(unionizedEmployers, employers); }
std::optional<double> Stats::membershipRate() const { return ratio(members, unionizedEmployees); }
std::optional<double> Stats::migrantMembershipRate() const { return ratio(migrantMembers, unionizedMigrantEmployees); }
std::optional<double> CaseFigures::successRate() const { return ratio(success, closed); }
std::optional<double> ReportFigures::contractRate() const { return ratio(contractEmployers, stats.unionizedEmployers); }
std::optional<double> ReportFigures::fundsRate() const { return ratio(fundsPaidFen, fundsDueFen); }

Stats Node::stats(const std::optional<RecordId>& org, int year) const {
  Stats stats;
  stats.year = yearOr(year, today());
  for (const auto& id : scopeOf(orgTree(), org)) addStats(UnionCounters(*store_, id, stats.year), stats);
  return stats;
}

Report Node::report(const std::optional<RecordId>& asked, int year) const {
  Report report;
  report.year = yearOr(year, today());
  const OrgTree tree = orgTree();
  // A deployment with one top union (the usual case) reports as that union: its column and
  // one per union below it, rather than an "all" column equal to its only child.
  std::optional<RecordId> org = asked;
  std::vector<RecordId> liveRoots;
  for (const RecordId& root : tree.roots)
    if (!tree.nodes.at(root).deleted) liveRoots.push_back(root);
  if (!org && liveRoots.size() == 1) org = liveRoots.front();
  const auto scopeNode = org ? tree.nodes.find(*org) : tree.nodes.end();
  const std::vector<RecordId> children =
      org ? (scopeNode == tree.nodes.end() ? std::vector<RecordId>{} : scopeNode->second.children) : tree.roots;

  Column scope;
  for (const RecordId& child : children) {
    const OrgNode& node = tree.nodes.at(child);
    if (node.deleted) continue;
    Column column;
    for (const RecordId& id : tree.subtree(child)) column.add(*store_, id, report.year);
    scope.merge(column);
    report.children.push_back({child, node.name, column.finish(report.year)});
  }
  // The scope's root counts at itself, outside every child's column.
  if (scopeNode != tree.nodes.end() && !scopeNode->second.deleted) scope.add(*store_, *org, report.year);
  report.scope = {org, scopeNode != tree.nodes.end() ? scopeNode->second.name : std::string("全部 / all"),
                  scope.finish(report.year)};
  return report;
}

}  // namespace unionsync

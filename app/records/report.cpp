// The figures of a subtree (Node::stats, Node::report) from the statistics counters
// (counters.h): each union's counters are read once and summed into the columns; people
// (人数) are deduplicated by member over each column.
#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

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

// Distinct people (人数) of every column in one pass. Columns are read one after the other,
// each union once, so a member counts in a column the first time that column sees them and in
// the scope the first time any column does: one hash lookup per counter read, with no set per
// column to merge.
class DistinctPeople {
 public:
  static constexpr int kScopeOnly = -1;  // the scope root's own counters
  explicit DistinctPeople(std::size_t columns) : perColumn_(columns, 0) {}
  void see(const RecordId& member, int column) {
    auto [it, first] = lastColumn_.try_emplace(member, column);
    if (first) {
      ++scope_;
    } else if (it->second == column) {
      return;
    }
    it->second = column;
    if (column != kScopeOnly) ++perColumn_[static_cast<std::size_t>(column)];
  }
  std::int64_t column(int c) const { return c == kScopeOnly ? scope_ : perColumn_[static_cast<std::size_t>(c)]; }

 private:
  std::unordered_map<RecordId, int, IdHash> lastColumn_;
  std::vector<std::int64_t> perColumn_;
  std::int64_t scope_ = 0;
};

// The people counters of every assistance kind, and of all kinds together.
struct People {
  People(std::span<const std::string_view> kinds, std::size_t columns) : all(columns), hardship(columns) {
    for (std::string_view kind : kinds) byKind.emplace(kind, DistinctPeople(columns));
  }
  std::map<std::string_view, DistinctPeople> byKind;
  DistinctPeople all;
  DistinctPeople hardship;  // members with a file 在档

  // Reads "<year>:<kind>:<member>" under the people counters of `org`, into `column`.
  void add(const Store& store, const RecordId& org, int year, int column) {
    const std::string yearPrefix = std::to_string(year) + ":";
    store.forEachCounter(counter::peopleCounterOrg(org.hex()), yearPrefix, [&](std::string_view name, std::int64_t n) {
      const std::string_view rest = name.substr(yearPrefix.size());
      const auto colon = rest.rfind(':');
      if (n <= 0 || colon == std::string_view::npos) return;
      const auto member = RecordId::fromHex(rest.substr(colon + 1));
      auto kind = byKind.find(rest.substr(0, colon));
      if (!member || kind == byKind.end()) return;
      kind->second.see(*member, column);
      all.see(*member, column);
    });
    store.forEachCounter(counter::peopleCounterOrg(org.hex()), counter::kHardshipPeoplePrefix,
                         [&](std::string_view name, std::int64_t n) {
                           const auto member = RecordId::fromHex(name.substr(counter::kHardshipPeoplePrefix.size()));
                           if (n > 0 && member) hardship.see(*member, column);
                         });
  }
  void fill(ReportFigures& f, int column) const {
    for (const auto& [kind, people] : byKind) f.assistance[std::string(kind)].people = people.column(column);
    f.assistanceTotal.people = all.column(column);
    f.hardshipActive = hardship.column(column);
  }
};

// A column being summed. Each union's counters are read once and added to its child's
// column and to the scope's.
struct Column {
  ReportFigures figures;

  void add(const UnionCounters& c) {
    ReportFigures& f = figures;
    addStats(c, f.stats);
    c.withPrefix(counter::kOrgTypePrefix, [&](std::string_view type, std::int64_t n) {
      addTo(f.organizationsByType[std::string(type)], n);
    });
    addTo(f.transfersIn, c.yearly(counter::kTransfersIn));
    addTo(f.transfersOut, c.yearly(counter::kTransfersOut));
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
  }

  // The totals over kinds, once everything is summed (people come from DistinctPeople).
  ReportFigures finish(int year) {
    figures.stats.year = year;
    figures.assistanceTotal.records = figures.assistanceTotal.amountFen = 0;
    for (const auto& [kind, a] : figures.assistance) {
      addTo(figures.assistanceTotal.records, a.records);
      addTo(figures.assistanceTotal.amountFen, a.amountFen);
    }
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

Report Node::report(const std::optional<RecordId>& asked, int year, const WorkHooks& hooks) const {
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

  std::vector<RecordId> liveChildren;
  for (const RecordId& child : children)
    if (!tree.nodes.at(child).deleted) liveChildren.push_back(child);
  People people(assistanceKinds(), liveChildren.size());
  Column scope;
  std::vector<std::vector<RecordId>> subtrees;
  std::uint64_t unions = 0, unionsRead = 0;
  for (const RecordId& child : liveChildren) unions += subtrees.emplace_back(tree.subtree(child)).size();
  for (std::size_t i = 0; i < liveChildren.size(); ++i) {
    const RecordId& child = liveChildren[i];
    Column column;
    for (const RecordId& id : subtrees[i]) {
      if (hooks.cancelled()) return report;
      hooks.report(++unionsRead, unions);
      const UnionCounters counters(*store_, id, report.year);
      column.add(counters);
      scope.add(counters);
      people.add(*store_, id, report.year, static_cast<int>(i));
    }
    report.children.push_back({child, tree.nodes.at(child).name, column.finish(report.year)});
    people.fill(report.children.back().figures, static_cast<int>(i));
  }
  // The scope's root counts at itself, outside every child's column.
  if (scopeNode != tree.nodes.end() && !scopeNode->second.deleted) {
    scope.add(UnionCounters(*store_, *org, report.year));
    people.add(*store_, *org, report.year, DistinctPeople::kScopeOnly);
  }
  report.scope = {org, scopeNode != tree.nodes.end() ? scopeNode->second.name : std::string("全部 / all"),
                  scope.finish(report.year)};
  people.fill(report.scope.figures, DistinctPeople::kScopeOnly);
  return report;
}

}  // namespace unionsync

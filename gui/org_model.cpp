#include "gui/org_model.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "app/records/counters.h"

namespace unionsync::gui {

const OrgRow* OrgSummary::find(const RecordId& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &rows[it->second];
}

std::vector<const OrgRow*> OrgSummary::liveRows() const {
  std::vector<const OrgRow*> out;
  for (const auto& row : rows)
    if (!row.deleted) out.push_back(&row);
  return out;
}

OrgSummary buildOrgSummary(const Node& node) {
  OrgSummary summary;
  auto tree = std::make_shared<OrgTree>(node.orgTree());
  summary.tree = tree;
  std::set<RecordId> seen;  // a tree merged from many nodes may hold a cycle: visit once
  std::function<OrgCounts(const RecordId&, int)> visit = [&](const RecordId& id, int depth) -> OrgCounts {
    const OrgNode& org = tree->nodes.at(id);
    if (!seen.insert(id).second) return {};
    const std::size_t at = summary.rows.size();
    summary.rows.push_back(OrgRow{.id = id, .name = org.name, .type = org.type, .depth = depth,
                                  .deleted = org.deleted, .hasChildren = !org.children.empty()});
    summary.index_[id] = at;
    summary.glyphs.addText(org.name);
    const CounterMap c = node.counters(id);
    auto get = [&](std::string_view name) {
      auto it = c.find(name);
      return it == c.end() ? std::int64_t{0} : it->second;
    };
    OrgCounts own{get(counter::kMembers), get(counter::kMigrantMembers), get(counter::kEmployers),
                  get(counter::kOrganizations)};
    OrgCounts total = own;
    for (const RecordId& child : org.children) {
      const OrgCounts below = visit(child, depth + 1);
      total.members += below.members;
      total.migrantMembers += below.migrantMembers;
      total.employers += below.employers;
      total.organizations += below.organizations;
    }
    summary.rows[at].own = own;
    summary.rows[at].total = total;
    return total;
  };
  for (const RecordId& root : tree->roots) visit(root, 0);
  return summary;
}

OverviewData buildOverview(const Node& node, const std::optional<RecordId>& org) {
  OverviewData data;
  data.org = org;
  data.total = node.stats(org);
  const OrgTree tree = node.orgTree();
  std::vector<RecordId> children;
  if (org) {
    if (auto it = tree.nodes.find(*org); it != tree.nodes.end()) children = it->second.children;
  } else {
    children = tree.roots;
  }
  for (const RecordId& child : children) {
    const OrgNode& n = tree.nodes.at(child);
    if (n.deleted) continue;
    data.children.push_back({child, n.name, node.stats(child)});
  }
  std::ranges::stable_sort(data.children, std::greater<>{}, [](const ChildFigures& c) { return c.stats.members; });
  return data;
}

double niceCeiling(double value) {
  if (!(value > 1)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 5.0, 10.0})
    if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

}  // namespace unionsync::gui

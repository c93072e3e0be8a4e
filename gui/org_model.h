// The union tree as the Organizations, Overview, Members and Activities views show it:
// a flat depth-first list with each organization's own and subtree counts, and the overview
// figures of a subtree with one entry per child organization (for the bar charts).
// Built on a worker (TaskQueue) from the store's per-organization counters, so it costs a
// read of the organizations, not of the members.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "gui/glyph_set.h"

namespace unionsync::gui {

struct OrgCounts {
  std::int64_t members = 0;
  std::int64_t migrantMembers = 0;
  std::int64_t employers = 0;
  std::int64_t organizations = 0;  // live organizations (itself included)
};

struct OrgRow {
  RecordId id;
  std::string name;
  std::string type;
  int depth = 0;
  bool deleted = false;
  bool hasChildren = false;  // live or deleted children
  OrgCounts own;             // records owned by this organization itself
  OrgCounts total;           // this organization and everything below it
};

struct OrgSummary {
  std::shared_ptr<const OrgTree> tree;
  std::vector<OrgRow> rows;  // depth-first from the roots, children by name, deleted included
  GlyphSet glyphs;           // characters of every name

  const OrgRow* find(const RecordId& id) const;
  // "区总工会 / 第一街道总工会": the path shown in pickers.
  std::string path(const RecordId& id) const { return tree ? tree->path(id) : std::string(); }
  // The live organizations a record may be assigned to, in tree order.
  std::vector<const OrgRow*> liveRows() const;

 private:
  friend OrgSummary buildOrgSummary(const Node& node);
  std::map<RecordId, std::size_t> index_;
};

OrgSummary buildOrgSummary(const Node& node);

struct ChildFigures {
  RecordId id;
  std::string name;
  Stats stats;
};

struct OverviewData {
  std::optional<RecordId> org;  // the subtree shown; empty = the whole tree
  Stats total;
  std::vector<ChildFigures> children;  // the organizations just below, by members descending
};

OverviewData buildOverview(const Node& node, const std::optional<RecordId>& org);

// The smallest "round" number (1, 2 or 5 times a power of ten) at or above `value`: the end
// of a bar chart's axis. At least 1.
double niceCeiling(double value);

}  // namespace unionsync::gui

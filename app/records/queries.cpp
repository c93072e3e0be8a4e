// Read-side of the facade: listings and the organization tree (figures: report.cpp).
#include <algorithm>
#include <set>

#include "app/internal/store_access.h"
#include "app/node.h"
#include "app/search/pinyin.h"
#include "app/search/pinyin_index.h"
#include "store/validation.h"

namespace unionsync {

namespace {

// Records whose name's pinyin starts with `text` (wm, wangm, "wang miao" for 王淼), when
// `text` is pinyin and the kind has the index.
std::vector<RecordId> searchPinyin(const Node& node, Kind kind, const std::string& text, std::size_t limit) {
  const std::string key = pinyin::queryKey(text);
  if (key.empty() || !pinyin::hasIndex(kind)) return {};
  return internal::storeOf(node).lookup({kind, pinyin::indexName(kindDef(kind).titleField), key, true, limit});
}

// Candidate ids for a search, by source in this order: for members their ID number, mobile,
// card number and name prefix; for other kinds the title's prefix; then the pinyin of the
// name. Each source gives at most `limit` ids, the first in its index order.
std::vector<std::vector<RecordId>> searchCandidates(const Node& node, Kind kind, const std::string& text,
                                                    std::size_t limit) {
  std::vector<std::vector<RecordId>> sources;
  if (kind == Kind::Member) {
    if (auto id = node.memberIdFor(text); id && internal::storeOf(node).contains(Kind::Member, *id))
      sources.push_back({*id});
    for (const char* field : {"mobile", "card_no", "id_number", "name"})
      sources.push_back(internal::storeOf(node).lookup({Kind::Member, field, text, true, limit}));
  } else {
    sources.push_back(internal::storeOf(node).lookup({kind, std::string(kindDef(kind).titleField), text, true, limit}));
  }
  sources.push_back(searchPinyin(node, kind, text, limit));
  return sources;
}

}  // namespace

std::vector<RecordId> OrgTree::subtree(const RecordId& org, bool includeDeleted) const {
  std::vector<RecordId> out;
  std::vector<RecordId> stack{org};
  std::set<RecordId> seen;  // the tree is merged from many nodes: never trust it to be acyclic
  while (!stack.empty()) {
    RecordId id = stack.back();
    stack.pop_back();
    auto it = nodes.find(id);
    if (it == nodes.end() || !seen.insert(id).second) continue;
    if (it->second.deleted && !includeDeleted) continue;
    out.push_back(id);
    stack.insert(stack.end(), it->second.children.rbegin(), it->second.children.rend());
  }
  return out;
}

std::string OrgTree::path(const RecordId& org) const {
  std::vector<std::string> names;
  std::set<RecordId> seen;
  for (std::optional<RecordId> at = org; at && seen.insert(*at).second;) {
    auto it = nodes.find(*at);
    if (it == nodes.end()) break;
    names.push_back(it->second.name);
    at = it->second.parent;
  }
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) out += (out.empty() ? "" : " / ") + *it;
  return out;
}

OrgTree Node::orgTree() const {
  OrgTree tree;
  store_->forEach(Kind::Organization, [&](const Record& r) {
    OrgNode node{r.id, std::string(r.get("name")), std::string(r.get("org_type")), r.deleted(), {}, {}};
    if (auto parent = RecordId::fromHex(r.get("parent"))) node.parent = parent;
    tree.nodes.emplace(r.id, std::move(node));
    return true;
  });
  for (auto& [id, node] : tree.nodes) {
    // A parent that is missing (not yet synced) or a cycle makes the node a root.
    if (node.parent && tree.nodes.count(*node.parent) && *node.parent != id)
      tree.nodes[*node.parent].children.push_back(id);
    else
      tree.roots.push_back(id);
  }
  auto byName = [&](const RecordId& a, const RecordId& b) { return tree.nodes[a].name < tree.nodes[b].name; };
  for (auto& [id, node] : tree.nodes) std::ranges::sort(node.children, byName);
  std::ranges::sort(tree.roots, byName);
  // Organizations on a parent cycle (two concurrent moves can form one) are unreachable from
  // any root. The smallest id of each such cycle becomes a root and its parent link is cut,
  // so every node shows the same tree and paths end at that root.
  std::set<RecordId> reachable;
  for (const auto& root : tree.roots)
    for (const auto& id : tree.subtree(root, true)) reachable.insert(id);
  for (const auto& [id, node] : tree.nodes) {
    if (reachable.count(id)) continue;
    // Every unreachable node has a held parent other than itself: walking up from it must
    // repeat, and the first repeated node is on the cycle.
    std::set<RecordId> walked;
    RecordId onCycle = id;
    while (walked.insert(onCycle).second) onCycle = *tree.nodes[onCycle].parent;
    RecordId root = onCycle;
    for (RecordId at = *tree.nodes[onCycle].parent; at != onCycle; at = *tree.nodes[at].parent) root = std::min(root, at);
    OrgNode& cut = tree.nodes[root];
    std::erase(tree.nodes[*cut.parent].children, root);
    cut.parent.reset();
    tree.roots.push_back(root);
    for (const auto& below : tree.subtree(root, true)) reachable.insert(below);
  }
  return tree;
}

std::vector<Record> Node::list(const ListQuery& typed) const {
  // " 王 " pasted from a cell searches for 王.
  ListQuery query = typed;
  query.search = std::string(trimSpaces(query.search));
  std::vector<Record> out;
  const std::size_t limit = query.limit == 0 ? SIZE_MAX : query.limit;
  std::set<RecordId> orgs;
  if (query.org) {
    auto subtree = orgTree().subtree(*query.org, query.includeDeleted || query.onlyDeleted);
    orgs.insert(subtree.begin(), subtree.end());
  }
  const std::string_view owner = kindDef(query.kind).ownerField;
  const std::string memberHex = query.member ? query.member->hex() : std::string();
  const std::string year = query.year != 0 ? std::to_string(query.year) : std::string();
  const std::string_view dateField = kindDef(query.kind).dateField;
  auto accept = [&](const Record& r) {
    if (query.onlyDeleted ? !r.deleted() : (r.deleted() && !query.includeDeleted)) return false;
    if (query.member && r.get("member") != memberHex) return false;
    // Dates are YYYY-MM-DD, a per-year record's year field is the year itself.
    if (!year.empty() && (dateField.empty() || !r.get(dateField).starts_with(year) ||
                          (r.get(dateField).size() != year.size() && r.get(dateField)[year.size()] != '-')))
      return false;
    if (!query.org) return true;
    if (query.kind == Kind::Organization) return orgs.count(r.id) > 0;
    auto ownerId = RecordId::fromHex(r.get(owner));
    return ownerId && orgs.count(*ownerId) > 0;
  };
  auto take = [&](const RecordId& id) {
    auto r = store_->get(query.kind, id);
    if (r && accept(*r)) out.push_back(std::move(*r));
    return out.size() < limit;
  };

  if (!query.search.empty()) {
    // The first `limit` records that pass the filters, taking each source's candidates in
    // order. A source is read `candidates` ids at a time: a single letter matches a tenth of a
    // province, and reading every match made a search grow with the store. When a source's
    // ids ran out before `limit` passed and it may hold more, all is read again with more.
    for (std::size_t candidates = std::max<std::size_t>(4 * std::min<std::size_t>(limit, 1 << 20), 256);;
         candidates = candidates > SIZE_MAX / 8 ? SIZE_MAX : candidates * 8) {
      out.clear();
      auto sources = searchCandidates(*this, query.kind, query.search, candidates);
      if (auto exact = RecordId::fromHex(query.search)) sources.insert(sources.begin(), {*exact});
      std::set<RecordId> seen;
      bool cutShort = false;  // a source ran out at `candidates` ids before `limit` passed
      for (const auto& ids : sources) {
        for (const auto& id : ids)
          if (seen.insert(id).second && !take(id)) return out;
        if (ids.size() >= candidates) {
          cutShort = true;
          break;
        }
      }
      if (!cutShort) return out;
    }
  }
  if (query.member && findField(query.kind, "member")) {
    // A member's records through the member index (hardship files, assistance, events).
    for (const auto& id : store_->lookup({query.kind, "member", memberHex, false, SIZE_MAX}))
      if (!take(id)) return out;
    return out;
  }
  if (query.org && query.kind != Kind::Organization) {
    // Walk the owner index per organization of the subtree instead of every record.
    for (const auto& org : orgs) {
      for (const auto& id : store_->lookup({query.kind, std::string(owner), org.hex(), false, SIZE_MAX}))
        if (!take(id)) return out;
    }
    return out;
  }
  store_->forEach(query.kind, [&](const Record& r) {
    if (accept(r)) out.push_back(r);
    return out.size() < limit;
  });
  return out;
}

}  // namespace unionsync

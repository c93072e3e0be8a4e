// Bulk reads for callers that keep their own in-memory copy of a kind (the GUI's member
// table): one ordered scan, then catching up on what changed since, without a store handle.
#include <algorithm>
#include <cstdint>

#include "app/node.h"

namespace unionsync {

void Node::forEach(Kind kind, const std::function<bool(const Record&)>& visit) const { store_->forEach(kind, visit); }

void Node::forEachFields(Kind kind, std::span<const std::string_view> fields, const IdRange& range,
                         const FieldsVisitor& visit) const {
  store_->forEachFields(kind, fields, range, visit);
}

std::optional<std::vector<RecordId>> Node::changedSince(Kind kind, const VersionVector& since,
                                                        std::size_t limit) const {
  std::vector<RecordId> changed;
  ChangeCursor cursor;
  for (;;) {
    // Batches bound the memory of one read; the byte bound is left open because only ids
    // are kept.
    ChangeBatch batch = store_->changesSince(since, cursor, 10'000, SIZE_MAX);
    for (const Change& c : batch.changes)
      if (c.kind == kind) changed.push_back(c.id);
    if (changed.size() > limit) return std::nullopt;
    if (batch.done || batch.changes.empty()) break;
    cursor = batch.next;
  }
  std::ranges::sort(changed);
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  return changed;
}

}  // namespace unionsync

// The facade's questions about the node itself, and conflict resolution.
#include "app/node.h"
#include "app/records/field_values.h"
#include "store/utf8.h"

namespace unionsync {

StoreInfo Node::info() const { return store_->info(); }

Result<void> Node::rename(const std::string& name) {
  if (name.empty()) return fail("节点名称不能为空 / the node needs a name");
  if (!isValidText(name)) return fail("节点名称含有无法识别的字符 / the node name is not valid UTF-8 text");
  store_->setNodeName(name);
  return {};
}

VersionVector Node::versionVector() const { return store_->versionVector(); }
std::string Node::digest() const { return store_->digest(); }
std::size_t Node::count(Kind kind) const { return store_->count(kind); }
CounterMap Node::counters(const RecordId& org) const { return store_->counters(org.hex()); }
Result<void> Node::startNewEpoch() { return store_->startNewEpoch(random_); }

std::vector<Conflict> Node::conflicts() const { return store_->conflicts(); }

Result<void> Node::dismissConflict(const Conflict& conflict) {
  return store_->dismissConflicts(conflict.kind, conflict.id, conflict.field);
}

std::expected<void, ValidationFailure> Node::keepOtherValue(const Conflict& conflict) {
  if (conflict.field == kDeletedField) {
    // Delete against edit: the other side's choice is to delete or to keep the record.
    auto written = conflict.loserValue == "1" ? remove(conflict.kind, conflict.id) : restore(conflict.kind, conflict.id);
    if (!written) return invalid("", written.error().message);
  } else if (auto written = set(conflict.kind, conflict.id, {{conflict.field, conflict.loserValue}}); !written) {
    return written;
  }
  if (auto dismissed = dismissConflict(conflict); !dismissed) return invalid("", dismissed.error().message);
  return {};
}

}  // namespace unionsync

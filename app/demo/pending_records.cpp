#include "app/demo/pending_records.h"

#include <fmt/format.h>

namespace unionsync::demo {

Result<std::vector<PreparedRecord>> PendingRecords::take() {
  std::vector<PreparedRecord> writes;
  writes.reserve(pending_.size());
  for (auto& p : pending_) {
    auto valid = prepareRecord(node_, p.kind, p.id, p.values, std::move(p.system));
    if (!valid) return fail(fmt::format("演示数据未通过校验 / demo record rejected: {}", valid.error().summary()));
    writes.push_back(std::move(*valid));
  }
  pending_.clear();
  return writes;
}

Result<std::size_t> PendingRecords::flush() {
  auto writes = take();
  if (!writes) return std::unexpected(writes.error());
  return BatchWriter(node_).write(std::move(*writes));
}

}  // namespace unionsync::demo

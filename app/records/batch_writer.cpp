#include "app/records/batch_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "app/internal/store_access.h"

namespace unionsync {

namespace {

void sortForStore(std::vector<PreparedRecord>& records) {
  std::ranges::stable_sort(records, {}, &PreparedRecord::id);
}

}  // namespace

std::expected<PreparedRecord, ValidationFailure> prepareRecord(const Node& node, Kind kind, const RecordId& id,
                                                               const FieldValues& values, FieldValues system) {
  auto valid = node.validate(kind, values, true);
  if (!valid) {
    ValidationFailure failure = std::move(valid.error());
    failure.errors.front().message = fmt::format("{} {}: {}", kindDef(kind).zh, id.hex(), failure.errors.front().message);
    return std::unexpected(std::move(failure));
  }
  std::ranges::move(system, std::back_inserter(*valid));
  return PreparedRecord{kind, id, std::move(*valid)};
}

BatchWriter::BatchWriter(Node& node, Options options) : node_(node), options_(std::move(options)) {
  if (options_.chunkRecords == 0) options_.chunkRecords = 1;
}

BatchWriter::~BatchWriter() {
  if (inFlight_) (void)wait();
}

Result<std::size_t> BatchWriter::finish(Result<std::size_t> written) {
  if (!written) return written;
  if (*written == 0) return written;
  stored_ += *written;
  if (options_.progress) options_.progress(stored_);
  return written;
}

Result<std::size_t> BatchWriter::write(std::vector<PreparedRecord> records) {
  if (auto previous = wait(); !previous) return previous;
  sortForStore(records);
  Store& store = internal::storeOf(node_);
  if (records.size() <= options_.chunkRecords)
    return finish(records.empty() ? Result<std::size_t>(0) : store.writeMany(records));
  std::size_t done = 0;
  while (done < records.size()) {
    const std::size_t end = std::min(records.size(), done + options_.chunkRecords);
    // writeMany takes a whole vector: the chunk is moved out and back rather than copied.
    std::vector<PreparedRecord> chunk(std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(done)),
                                      std::make_move_iterator(records.begin() + static_cast<std::ptrdiff_t>(end)));
    auto written = finish(store.writeMany(chunk));
    if (!written) return written;
    done = end;
  }
  return done;
}

void BatchWriter::writeInBackground(std::vector<PreparedRecord> records) {
  (void)wait();
  sortForStore(records);
  inFlightRecords_ = std::move(records);
  inFlight_ = std::async(std::launch::async, [&store = internal::storeOf(node_), &records = inFlightRecords_] {
    return records.empty() ? Result<std::size_t>(0) : store.writeMany(records);
  });
}

Result<std::size_t> BatchWriter::wait() {
  if (!inFlight_) return 0;
  auto written = inFlight_->get();
  inFlight_.reset();
  inFlightRecords_.clear();
  return finish(std::move(written));
}

}  // namespace unionsync

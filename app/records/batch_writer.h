// Many records written at a time: the one path for bulk writes (the CSV importer, the demo
// district, the GUI benchmark's large store). Node::add and set take one transaction, and
// with durable storage one fsync, per record; a roster of a million members needs large
// transactions instead. Records are validated before they get here (prepareRecord, or the
// importer's row checks, which apply the same rules). A stored batch is a commit like any of
// Node's own writes: the node's change feed (app/changes.h) tells sync and the GUI.
#pragma once

#include <cstddef>
#include <functional>
#include <future>
#include <optional>
#include <vector>

#include "app/node.h"

namespace unionsync {

// One record to store as given: its kind, id and fields (system fields such as deleted and
// participants included). Later records for the same id win field by field.
using PreparedRecord = Store::LocalWrite;

// `values` validated and normalized as Node::add validates a new record, with `system`
// fields (deleted, "p:<member>") appended as given. Fails with the fields at fault; the
// summary of the first error names the kind and the id.
std::expected<PreparedRecord, ValidationFailure> prepareRecord(const Node& node, Kind kind, const RecordId& id,
                                                               const FieldValues& values, FieldValues system = {});

// Thread-safety: one thread uses a writer; the write in flight runs on a second thread.
class BatchWriter {
 public:
  struct Options {
    // Records per transaction. LMDB rewrites every page a transaction touches, and member ids
    // are spread over the whole key space, so bigger transactions write far fewer bytes per
    // record (docs/BENCHMARKS.md).
    std::size_t chunkRecords = 100'000;
    // Told the number of records this writer has stored so far, after each stored chunk
    // (may be empty). Called on the thread that calls write or wait.
    std::function<void(std::size_t stored)> progress;
  };

  // `node` must outlive the writer.
  explicit BatchWriter(Node& node, Options options);
  explicit BatchWriter(Node& node) : BatchWriter(node, Options{}) {}
  // Waits for a write still in flight (its result is lost: call wait() to see it).
  ~BatchWriter();
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // Stores `records` (sorted by id first, stably, so LMDB finds each page next to the
  // previous one and later records for an id still win) in transactions of chunkRecords.
  // Waits for a write in flight first. Returns the number stored; on a failure the chunks
  // before the failing one stay stored and nothing of it is (the message names the record).
  Result<std::size_t> write(std::vector<PreparedRecord> records);

  // Like write, in one transaction on a second thread, so the caller can prepare the next
  // batch meanwhile. Waits for the previous write in flight first; its result is lost unless
  // taken with wait() before.
  void writeInBackground(std::vector<PreparedRecord> records);
  // The result of the write in flight (0 when none is): the number stored, or its failure.
  Result<std::size_t> wait();

  // Records stored by this writer so far.
  std::size_t stored() const { return stored_; }

 private:
  Result<std::size_t> finish(Result<std::size_t> written);
  Node& node_;
  Options options_;
  std::size_t stored_ = 0;
  std::vector<PreparedRecord> inFlightRecords_;
  std::optional<std::future<Result<std::size_t>>> inFlight_;  // after the records it reads
};

}  // namespace unionsync

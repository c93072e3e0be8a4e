// Records collected for one batch write (the demo district's generators): validated as
// Node::add validates (prepareRecord), then stored together by a BatchWriter, since Node::add
// takes one transaction, and with durable storage one fsync, per record.
#pragma once

#include <cstddef>
#include <vector>

#include "app/node.h"
#include "app/records/batch_writer.h"

namespace unionsync::demo {

class PendingRecords {
 public:
  explicit PendingRecords(Node& node) : node_(node) {}
  // `system` fields (deleted, participants) are written as given, after validation.
  void add(Kind kind, const RecordId& id, FieldValues values, FieldValues system = {}) {
    pending_.push_back({kind, id, std::move(values), std::move(system)});
  }
  std::size_t pending() const { return pending_.size(); }
  // Validates and hands over what is pending. References are checked against the store, so
  // the records they name must have been written.
  Result<std::vector<PreparedRecord>> take();
  // Validates and stores what is pending; returns the number stored.
  Result<std::size_t> flush();

 private:
  struct Pending {
    Kind kind;
    RecordId id;
    FieldValues values;
    FieldValues system;
  };
  Node& node_;
  std::vector<Pending> pending_;
};

}  // namespace unionsync::demo

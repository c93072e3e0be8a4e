// Field names as small numbers (store format 2): records and index keys on disk carry a
// field's number, not its name, which halves a member record.
//
// The numbers live in the table `field_names` (4-byte big-endian number -> name), dense from
// 0, and never change once committed. Names with a ':' (the entries of a map field, such as an
// activity's p:<member id>) are not numbered: record_codec spells them out, so the
// table holds the schema's names, not one per member. A name gets its number the first time a write
// transaction stores it, so the schema (or a peer running a newer program) can add fields
// without a migration. Several processes may open one store: a number another process
// committed is found by reading the table again in the reader's own transaction, which sees
// every name its records use.
//
// Thread-safety: a FieldNames is shared by all threads of one Store. Published tables are
// immutable and swapped under a mutex; the names a write transaction numbers stay in that
// transaction's table (the caller keeps it with the transaction) until it commits.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/lmdb.h"
#include "store/record_codec.h"

namespace unionsync {

class FieldNames {
 public:
  struct Table {
    std::deque<std::string> names;  // by number; a deque, so growing it moves no string
    std::unordered_map<std::string_view, std::uint32_t> numbers;  // views into `names`' strings
    Table() = default;
    Table(const Table&) = delete;  // `numbers` views the strings of its own table
    Table& operator=(const Table&) = delete;
    void add(std::string name);
  };

  void setTable(MDB_dbi dbi) { dbi_ = dbi; }

  // The numbering as seen by one transaction, for the record codec; valid while `txn` is.
  class View final : public codec::FieldNumbering {
   public:
    // In a read transaction: names only.
    View(FieldNames& owner, const lmdb::Txn& txn);
    // In the write transaction `txn`, whose own table `working` starts empty (null) and is kept
    // by the caller for the transaction: names numbered go there, and the caller hands it to
    // published() once the transaction committed (or drops it when it aborted).
    View(FieldNames& owner, lmdb::Txn& txn, std::shared_ptr<Table>& working);
    // Numbers a new name in the write transaction; a read transaction cannot (throws
    // std::logic_error: a caller bug).
    std::uint64_t numberOf(std::string_view name) override;
    // Throws codec's "damaged data" error for a number no name holds.
    std::string_view nameOf(std::uint64_t number) override;

   private:
    const Table& reload();
    FieldNames& owner_;
    const lmdb::Txn& txn_;
    lmdb::Txn* writeTxn_ = nullptr;
    std::shared_ptr<Table>* working_ = nullptr;
    std::shared_ptr<const Table> table_;
  };

  // After the write transaction that used `working` committed: its names become visible to
  // every later transaction of this process.
  void published(std::shared_ptr<Table> working);

 private:
  std::shared_ptr<Table> loadFrom(const lmdb::Txn& txn) const;
  std::shared_ptr<const Table> current() const;
  void offer(std::shared_ptr<const Table> table);

  MDB_dbi dbi_{};
  mutable std::mutex mutex_;
  std::shared_ptr<const Table> published_ = std::make_shared<Table>();
};

}  // namespace unionsync

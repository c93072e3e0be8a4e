// The application facade: one open node (its store and what the program knows how to do with
// it). The CLI, the GUI and the tests all go through this class; it owns no threads of its
// own (its change feed polls on a thread while something subscribes, see app/changes.h).
//
// Thread-safety: every method may be called from any thread; writes are serialised by the
// store. Expected failures (bad input, unknown ids) are Result errors with a message a
// cadre can act on, naming the field.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/model/report.h"
#include "store/clock.h"
#include "store/schema.h"
#include "store/store.h"

namespace unionsync {

// Field name -> value as typed by a person or read from a file (not yet normalized).
using FieldValues = std::vector<std::pair<std::string, std::string>>;

// One rejected field: which field and why (for forms and import reports).
struct FieldError {
  std::string field;  // field name from the schema ("" for the whole record)
  std::string message;
};

struct ValidationFailure {
  std::vector<FieldError> errors;
  // All messages joined on one line.
  std::string summary() const;
};

struct ListQuery {
  Kind kind = Kind::Member;
  std::optional<RecordId> org;   // only records owned by this organization or below it
  std::string search;            // name prefix, ID number, mobile, card no. or id (members);
                                 // title/name prefix for other kinds; the name's pinyin
                                 // (wm, wangm, "wang miao") for members, unions, employers
  std::optional<RecordId> member;  // only records whose `member` field names this member
  int year = 0;                    // only records whose KindDef::dateField lies in this year
  bool includeDeleted = false;
  bool onlyDeleted = false;
  std::size_t limit = 1000;      // 0 = no limit
};

// One organization of the union tree, with its children in name order.
struct OrgNode {
  RecordId id;
  std::string name;
  std::string type;
  bool deleted = false;
  std::optional<RecordId> parent;
  std::vector<RecordId> children;
};

struct OrgTree {
  std::map<RecordId, OrgNode> nodes;
  std::vector<RecordId> roots;
  // `org` and every organization below it (not deleted ones unless asked).
  std::vector<RecordId> subtree(const RecordId& org, bool includeDeleted = false) const;
  // Names from the root down to `org`, joined with " / ".
  std::string path(const RecordId& org) const;
};

// Progress and stopping for long work (exports, the report, backups), as a command line or
// a window shows them. `progress` gets the work done and its total (0 when not known), from
// the thread doing the work or one watching it, never from two at once; setting `*cancel`
// (from any thread or a signal handler) stops the work at its next safe point. Both may
// be left empty.
struct WorkHooks {
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  const std::atomic<bool>* cancel = nullptr;

  bool cancelled() const { return cancel && cancel->load(); }
  void report(std::uint64_t done, std::uint64_t total) const {
    if (progress) progress(done, total);
  }
};

// How long work that can be stopped ended.
enum class Completion { Finished, Cancelled };

class ChangeFeed;
class Federation;
class OwnRights;
class SyncService;
class Node;
namespace internal {
Store& storeOf(Node& node);
const Store& storeOf(const Node& node);
}  // namespace internal

struct NodeOptions {
  bool durable = true;  // false only for tests and benchmarks
  // Told, in one bilingual line, before opening does long one-time work on a store made by an
  // older program (rebuilding an index, recounting); may be empty.
  std::function<void(const std::string&)> notice;
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> open(const std::string& dataDir, Clock& clock, Random& random,
                                            NodeOptions options = {});
  static Result<std::unique_ptr<Node>> create(const std::string& dataDir, const std::string& name,
                                              Clock& clock, Random& random, NodeOptions options = {});
  ~Node();  // stops the sync engine before closing the store

  const std::string& dataDir() const { return dataDir_; }
  Clock& clock() { return clock_; }
  Random& random() { return random_; }
  std::string today() const;

  // --- this node ----------------------------------------------------------------------------
  StoreInfo info() const;
  // Renames this node (shown to peers and in the window title). Fails on an empty or
  // non-text name.
  Result<void> rename(const std::string& name);
  VersionVector versionVector() const;
  // A hash of every record's merged state: equal on two nodes that hold the same data.
  std::string digest() const;
  std::size_t count(Kind kind) const;
  // The statistics counters kept for one organization (its own records, not its subtree).
  CounterMap counters(const RecordId& org) const;
  // A consistent copy of the store in `file` (while the node runs). The copy is written
  // under the name "<file>.tmp" (replacing one a killed backup left) and renamed to `file`
  // once whole, so a failed or cancelled backup leaves no file that looks complete. The
  // copy itself cannot stop midway: a cancel is seen once it ends, and then the copy is
  // removed (Completion::Cancelled). Progress: the bytes copied so far, watched ten times a
  // second, of the data file's size on disk, a bound the compacted copy stays under.
  // Fails when `file` exists or cannot be written.
  Result<Completion> backup(const std::string& file, const WorkHooks& hooks = {}) const;
  // After restoring a backup: a new epoch, so peers resend what the backup lacks.
  Result<void> startNewEpoch();

  // --- sync ---------------------------------------------------------------------------------
  // This node's sync engine and trust store (app/sync/sync_service.h); lives as long as the
  // node. Every commit reaches the running engine through changes(), so callers never notify.
  SyncService& sync() { return *sync_; }
  const SyncService& sync() const { return *sync_; }
  // The one change feed (app/changes.h): every commit to this node's data, by this process
  // (its writes, received batches, dismissed conflicts) or another on the same directory.
  // The sync engine and the GUI learn of changes only through it; lives as long as the node.
  ChangeFeed& changes() { return *changes_; }
  // This node's place in its deployment: certificates, grants, revocations
  // (app/federation/federation.h). Lives as long as the node.
  Federation& federation() { return *federation_; }
  const Federation& federation() const { return *federation_; }

  // --- conflicts ----------------------------------------------------------------------------
  std::vector<Conflict> conflicts() const;
  // Keeps the merged value and forgets the conflict.
  Result<void> dismissConflict(const Conflict& conflict);
  // Writes the value that lost the merge (validated like any edit) and forgets the conflict.
  std::expected<void, ValidationFailure> keepOtherValue(const Conflict& conflict);

  // --- records ------------------------------------------------------------------------------
  // Validates and normalizes `values` for a record of `kind`: required fields (when
  // `creating`), formats, references to existing records, member consistency (birth date and
  // gender derived from the ID number). Returns the normalized values to store.
  std::expected<FieldValues, ValidationFailure> validate(Kind kind, const FieldValues& values,
                                                         bool creating,
                                                         const std::optional<RecordId>& id = {}) const;
  // Creates a record. A member's id derives from its ID number (member_identity.h); adding a
  // member whose ID number is held by a live member fails and names that member (change it
  // with set); a deleted member with that ID number is restored with the new values.
  std::expected<RecordId, ValidationFailure> add(Kind kind, const FieldValues& values);
  // Creates the member, or updates the member with the same ID number (imports).
  struct Upserted {
    RecordId id;
    bool created = false;
  };
  std::expected<Upserted, ValidationFailure> upsertMember(const FieldValues& values);
  std::expected<void, ValidationFailure> set(Kind kind, const RecordId& id, const FieldValues& values);
  Result<void> remove(Kind kind, const RecordId& id);
  Result<void> restore(Kind kind, const RecordId& id);
  std::optional<Record> get(Kind kind, const RecordId& id) const;

  // Finds a record from what a person types: a 32-hex id; for members an ID number or card
  // number; for organizations an exact name. Fails naming what was not found or ambiguous;
  // for a name not found, with up to three held names that contain it or that it contains.
  Result<RecordId> resolve(Kind kind, std::string_view reference) const;
  // The member id an ID number maps to in this deployment (whether or not it is held).
  Result<RecordId> memberIdFor(std::string_view idNumber) const;

  // --- queries ------------------------------------------------------------------------------
  std::vector<Record> list(const ListQuery& query) const;
  OrgTree orgTree() const;
  // Figures for `org`'s subtree, or for the whole tree when empty, in `year`
  // (this year when 0).
  Stats stats(const std::optional<RecordId>& org, int year = 0) const;
  // The annual report (app/model/report.h) of `org`'s subtree, or of the whole tree when
  // empty (of the top union when there is one), in `year` (this year when 0): a column for the
  // scope and one per direct child.
  // Reads counters only: its cost grows with the unions of the scope and the people helped
  // in the year, not with the records held. Progress: the unions read of the scope's; when
  // hooks.cancelled() the report stops early and is incomplete: the caller discards it.
  Report report(const std::optional<RecordId>& org, int year = 0, const WorkHooks& hooks = {}) const;

  // --- transfers (转会) ----------------------------------------------------------------------
  // Moves a member (status 正常 or 保留) to the union `to` on `date` (today when empty) for
  // `reason`: in one transaction the member's union changes, a 转出 event is recorded at the
  // old union and a 转入 event at the new one. They count as transfers at each end, never as
  // new members; the member's assistance, cases and activities stay as they are. Fails naming
  // the field at fault: no such member, a member who is not active, the union the member is
  // in already, no such union, a date in the future or before the member joined.
  struct Transferred {
    RecordId outEvent;
    RecordId inEvent;
  };
  std::expected<Transferred, ValidationFailure> transferMember(const RecordId& member, const RecordId& to,
                                                               const std::string& date, const std::string& reason);

  // --- activities ---------------------------------------------------------------------------
  Result<void> join(const RecordId& activity, const RecordId& member);
  Result<void> leave(const RecordId& activity, const RecordId& member);
  // Current participants' member ids with check-in times.
  std::vector<std::pair<RecordId, std::string>> participants(const RecordId& activity) const;

  // --- bulk reads (in-memory copies such as the GUI's member table; app/records/bulk_reads.cpp)
  // Calls `visit` with every record of `kind`, deleted ones included, in id order, until it
  // returns false. One read transaction: writes made meanwhile may or may not be seen, so
  // read versionVector() first and catch up later with changedSince(). Throws (as list()
  // does) only on data the store cannot decode.
  void forEach(Kind kind, const std::function<bool(const Record&)>& visit) const;
  // The same scan over the ids in `range` only, decoding only `fields` and copying nothing
  // (Store::forEachFields): the values are valid during the call. Scans of disjoint ranges
  // may run on several threads at once, each in its own read transaction.
  void forEachFields(Kind kind, std::span<const std::string_view> fields, const IdRange& range,
                     const FieldsVisitor& visit) const;
  // The ids of the records of `kind` written here or received since `since` (an earlier
  // versionVector()), in id order without repeats; the records may have been deleted or may
  // be gone (get() then returns empty). Empty optional when more than `limit` changes of
  // that kind were found: re-reading everything with forEach() is then cheaper.
  std::optional<std::vector<RecordId>> changedSince(Kind kind, const VersionVector& since,
                                                    std::size_t limit) const;

 private:
  friend Store& internal::storeOf(Node& node);
  friend const Store& internal::storeOf(const Node& node);
  Node(std::string dataDir, std::unique_ptr<Store> store, std::shared_ptr<OwnRights> rights, Clock& clock,
       Random& random);
  // Held names of `kind` (its title field) that contain `typed` or that it contains, for a
  // reference not found: "A、B、C…", or empty.
  std::string namesResembling(Kind kind, std::string_view typed) const;
  std::string dataDir_;
  std::unique_ptr<Store> store_;
  Clock& clock_;
  Random& random_;
  std::unique_ptr<ChangeFeed> changes_;  // after store_: detached from it before it closes
  std::unique_ptr<Federation> federation_;  // after changes_: unsubscribes before it goes
  std::unique_ptr<SyncService> sync_;    // last: destroyed (engine stopped) first
};

// The store options the application uses: its indexes and statistics counters. A bare
// store opened with these (tools, GUI test fixtures) checks received changes only with the
// store's own checks.
StoreOptions applicationStoreOptions(NodeOptions options);
// The same, the schema check of received changes (received_check.h) and the check of local
// writes against this node's certificate (federation.h), which every Node uses:
// `deploymentKey` returns the store's key, `clock` dates "tomorrow" and must outlive the
// store, `rights` is the slot the node's Federation fills; inside a deployment each local
// change is signed with the signing key of `dataDir` (sync/identity.h).
StoreOptions applicationStoreOptions(NodeOptions options, std::function<std::string()> deploymentKey, Clock& clock,
                                     std::shared_ptr<OwnRights> rights, const std::string& dataDir);

}  // namespace unionsync

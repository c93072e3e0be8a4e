// The node's persistent, mergeable state in LMDB.
//
// Contract summary:
// - One Store per process per data directory; other processes (a CLI next to a running
//   `serve`) may open the same directory: LMDB serialises writers across processes, and
//   every allocation of sequence numbers and HLC readings happens inside the write
//   transaction, so two processes writing under the same origin never collide.
// - Every method is safe to call from any thread (MDB_NOTLS); write transactions are
//   serialised by LMDB.
// - Expected failures (I/O, full disk, a missing directory) come back as Error values.
//   Corrupt data found on disk throws std::runtime_error: it is not a state the program can
//   continue in.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/clock.h"
#include "store/range_fingerprint.h"
#include "store/types.h"

namespace unionsync {

struct StoreInfo {
  std::string nodeName;
  std::string nodeId;      // 32 hex digits, fixed for the life of the data directory
  std::uint32_t epoch = 0;  // bumped on restore
  Origin origin = 0;        // derived from (nodeId, epoch)
};

// Counters kept per organization, updated in the same transaction as the records, so that
// statistics never need a scan. Key: (organization id, counter name).
using CounterMap = std::map<std::string, std::int64_t, std::less<>>;
// The key of counter `name` of organization `orgHex`, as a CounterFunction must emit it.
std::string counterKey(std::string_view orgHex, std::string_view name);

// Secondary index lookups: which field of which kind, and the value (exact or prefix).
struct IndexQuery {
  Kind kind = Kind::Member;
  std::string field;
  std::string value;
  bool prefix = false;
  std::size_t limit = 100;
};

// Record ids from `from` up to, not including, `to` (empty: to the last id).
struct IdRange {
  RecordId from;
  std::optional<RecordId> to;
};
// Gets a record's id and the values of the fields asked for; false stops the scan.
using FieldsVisitor = std::function<bool(const RecordId& id, std::span<const std::string_view> values)>;

// Result of a batch apply, for status displays and tests.
struct ApplyStats {
  std::size_t changes = 0;         // changes in the batch
  std::size_t fieldsWon = 0;       // field writes that became the current value
  std::size_t fieldsLost = 0;      // field writes older than what is held
  std::size_t duplicates = 0;      // field writes already held
  std::size_t conflicts = 0;       // concurrent overwrites recorded
  std::size_t refused = 0;         // changes refused (see Store::apply), parked ones that were
                                   // released and then refused included
  std::size_t parked = 0;          // changes parked until the record they refer to arrives
  // Why, for the first kMaxRefusalReasons refused changes: each names the kind, record id,
  // origin and seq (hex) and the reason, e.g.
  // "member 00ab… origin 1f… seq 7: 时间戳超前本机时钟 3.0 小时 / stamp 3.0 hours ahead of this clock".
  std::vector<std::string> refusals;
  static constexpr std::size_t kMaxRefusalReasons = 8;
};

// Reads a record inside the transaction being applied (what earlier changes of it wrote).
using RecordLookup = std::function<std::optional<Record>(Kind, const RecordId&)>;
// The application's judgement of one received change, made on the record as it would be after it.
struct ReceivedVerdict {
  std::string refusal;  // non-empty: refuse the change with this reason
  // Set when the change refers to a record not held yet (it may arrive later in the stream):
  // the change is parked until that record arrives, then applied.
  std::optional<std::pair<Kind, RecordId>> waitFor;
};
using ReceivedValidator = std::function<ReceivedVerdict(const Change& change, const std::optional<Record>& before,
                                                        const Record& after, const RecordLookup& lookup)>;
// The application's judgement of one local write, on the record before (empty: a new record)
// and after it: empty to allow it, else why not (the write then fails, writing nothing).
// Called inside the write transaction: it must not use the Store, only `lookup`.
using LocalWriteCheck = std::function<std::string(const std::optional<Record>& before, const Record& after,
                                                  const RecordLookup& lookup)>;

// What one sender may make this store do, for one apply() (a federation peer's rights,
// sync/peer_rules.h). Both parts may be empty: no restriction.
struct ApplyGate {
  // Refuses a change as validateReceived does (same arguments, called after it).
  std::function<std::string(const Change& change, const std::optional<Record>& before, const Record& after,
                            const RecordLookup& lookup)>
      refusal;
  // Whether the sender vouches for the origin's whole stream: only then does a received
  // change raise this store's version vector entry for its origin. A sender that holds
  // only part of the data sends only part of an origin's stream, and raising the entry on
  // its word would hide the rest from every later catch-up.
  std::function<bool(Origin origin)> vouchesFor;
  // Whether the record, as the change leaves it, lies outside what this store holds by scope
  // (it is on its way out): a reference from it to a record not held is then not waited for,
  // since that record will never arrive here.
  std::function<bool(const Record& after, const RecordLookup& lookup)> leaving;
};

// Computes the digest of the local change being written (StoreOptions::signLocal).
using LocalChangeDigest = std::function<std::array<std::uint8_t, 32>()>;

// Which held records a reader wants (changesSince's filter), judged on the current record,
// for the change (origin, seq) of it about to be returned.
using RecordFilter = std::function<bool(const Record& record, Origin origin, std::uint64_t seq)>;

// A position in the change stream, resumable across calls.
struct ChangeCursor {
  Origin origin = 0;
  std::uint64_t afterSeq = 0;
  bool started = false;
};

struct ChangeBatch {
  std::vector<Change> changes;
  ChangeCursor next;   // pass back to continue
  bool done = false;   // no more changes after this batch (at the time of reading)
  std::size_t bytes = 0;  // approximate encoded size of the batch
};

// Maps a record's fields to counter increments (organization id hex + counter name -> delta).
// The store calls it for the old and the new state of every changed record and applies the
// difference, so the function must depend only on the record.
using CounterFunction =
    std::function<void(const Record&, std::vector<std::pair<std::string, std::int64_t>>& out)>;

// Which fields of which kind get a secondary index (exact and prefix lookups).
struct IndexedField {
  Kind kind;
  std::string field;
  // The index's name in IndexQuery::field; empty: the field's name.
  std::string name;
  // The keys a value is found under (pinyin forms of a name, say); empty: the value itself.
  // Must depend only on the value. Called inside write transactions: it must not use the Store.
  std::function<std::vector<std::string>(std::string_view value)> keysOf;

  const std::string& indexName() const { return name.empty() ? field : name; }
};

struct StoreOptions {
  std::vector<IndexedField> indexedFields;
  CounterFunction counters;  // may be empty
  // Names the counter function's definition: when a store was counted by another one (an
  // older program), open() recounts every record, so figures are never a mix of two rules.
  std::string countersVersion;
  // Names the definition of the derived indexes (IndexedField::keysOf): when a store was
  // indexed under another one (or before they existed), open() rebuilds those indexes from the
  // records, once. Plain indexes are the values themselves and are never rebuilt.
  std::string indexVersion;
  // The map starts small (a node must open under `ulimit -v 2000000`) and doubles whenever
  // it is full, also when another process grew it.
  std::size_t initialMapSize = std::size_t{64} << 20;
  // A received change stamped more than this ahead of the wall clock is refused, and this
  // node's own HLC never passes wall clock + this bound (hlc.h hlcCap).
  std::int64_t maxClockAheadMs = 10 * 60 * 1000;
  // The application's check of received changes (may be empty: everything the store's own
  // checks accept is applied). Called inside the write transaction: it must not use the
  // Store, only `lookup`.
  ReceivedValidator validateReceived;
  // The application's check of local writes (write, writeMany); may be empty.
  LocalWriteCheck checkLocal;
  // Signs a local change as this node's origin, or returns empty (outside a deployment nothing
  // is signed); may be empty. `digest` computes the change's digest (change_signature.h): call
  // it only to sign, since hashing every field of every change costs an import a quarter of
  // its time. Called inside the write transaction, once per change: it must not use the Store.
  std::function<std::optional<std::array<std::uint8_t, 64>>(const LocalChangeDigest& digest)> signLocal;
  // Told before open() does long one-time work (StoreOptions::countersVersion, indexVersion) on
  // a store that holds records; may be empty.
  std::function<void(const std::string&)> notice;
  // false skips fsync on commit (tests and benchmarks of throughput only): a crash may then
  // lose the last transactions, never corrupt the store.
  bool durable = true;
};

class Store {
 public:
  // Opens an existing data directory. Fails with a message naming the directory when it does
  // not exist or holds no node (run `init`).
  static Result<std::unique_ptr<Store>> open(const std::string& dir, StoreOptions options,
                                             Clock& clock);
  // Creates a node in `dir` (created if missing). Fails if a node already exists there.
  static Result<std::unique_ptr<Store>> create(const std::string& dir, const std::string& name,
                                               StoreOptions options, Clock& clock, Random& random);
  ~Store();

  StoreInfo info() const;
  void setNodeName(const std::string& name);

  // The deployment key: a secret shared by the nodes of one deployment, used to derive
  // member ids from ID numbers (see member_identity.h). 32 bytes. Read once and cached: it
  // changes only through adoptDeploymentKey, before any member exists.
  std::string deploymentKey() const;
  // Replaces the deployment key; only allowed while the store holds no member records.
  Result<void> adoptDeploymentKey(const std::string& key);

  // --- local writes ---------------------------------------------------------------------
  // Writes `fields` of one record as one change with a fresh stamp and sequence number.
  // Fields whose value is unchanged are skipped; returns false if nothing changed.
  // Fails, writing nothing, when a field name or value is not valid UTF-8 without NUL (the
  // message names the field), when this origin's sequence numbers are exhausted, or when the
  // HLC cannot advance without passing wall clock + maxClockAheadMs. A write that creates a
  // record releases the received changes parked until it existed.
  Result<bool> write(Kind kind, const RecordId& id,
                     const std::vector<std::pair<std::string, std::string>>& fields);

  // Many local writes in one transaction (imports): far faster than write() per record.
  struct LocalWrite {
    Kind kind;
    RecordId id;
    std::vector<std::pair<std::string, std::string>> fields;
  };
  // Fails as write() does; then nothing of the batch is written (the message names the record).
  Result<std::size_t> writeMany(const std::vector<LocalWrite>& writes);

  // --- reads ------------------------------------------------------------------------------
  std::optional<Record> get(Kind kind, const RecordId& id) const;
  // Whether the record is held (deleted or not), without decoding it.
  bool contains(Kind kind, const RecordId& id) const;
  // Calls `visit` for every record of `kind` in id order until it returns false.
  void forEach(Kind kind, const std::function<bool(const Record&)>& visit) const;
  // Like forEach, but only over ids in `range` and decoding only `fields` (any order, no
  // repeats), copying nothing: values[i] is fields[i]'s value ("" when never written), valid
  // only during the call. Its own read transaction, so calls over disjoint ranges may run on
  // several threads at once. Throws like forEach on data it cannot decode.
  void forEachFields(Kind kind, std::span<const std::string_view> fields, const IdRange& range,
                     const FieldsVisitor& visit) const;
  std::size_t count(Kind kind) const;
  // Record ids whose indexed field matches, in (value, id) order; none for a field the store
  // does not index (StoreOptions::indexedFields).
  std::vector<RecordId> lookup(const IndexQuery& query) const;
  // Counter values of one organization (hex id).
  CounterMap counters(const std::string& orgHex) const;
  // Calls `visit` with each counter of `orgHex` whose name starts with `namePrefix`, in name
  // order, with its whole name; one read transaction, nothing copied.
  void forEachCounter(const std::string& orgHex, std::string_view namePrefix,
                      const std::function<void(std::string_view name, std::int64_t value)>& visit) const;

  // --- merging ------------------------------------------------------------------------------
  VersionVector versionVector() const;
  // Changes the holder of `since` lacks, in (origin, seq) order, at most `maxChanges` changes
  // and about `maxBytes` bytes. Start with a default cursor and pass `next` back. Any vector
  // and cursor are safe, entries of 2^64-1 included (nothing wraps).
  // With `filter`, only changes of records it accepts are returned (the cursor still moves
  // past the others).
  ChangeBatch changesSince(const VersionVector& since, const ChangeCursor& cursor,
                           std::size_t maxChanges, std::size_t maxBytes,
                           const RecordFilter& filter = {}) const;
  // Applies remote changes in one write transaction; the version vector advances in the
  // same transaction. Idempotent and order-insensitive for the resulting field states.
  // Each change is judged on its own; a refused change stores nothing (no record, index,
  // counter, conflict or clock change) and is counted and described in the stats. Refused:
  // - a zero origin, seq or hlc, or an unknown kind;
  // - a stamp more than maxClockAheadMs ahead of the wall clock;
  // - a change of this store's own origin with a seq this store never issued;
  // - a second, different change for one (origin, seq): another record, another hlc, or
  //   another value for a field that the held change still carries; within one batch, any
  //   second change for an (origin, seq) whose content differs;
  // - a field name or value that is not valid UTF-8 without NUL;
  // - what options.validateReceived refuses (it may also park the change, see ReceivedVerdict).
  // A refused or parked change still raises the version vector to its seq (except a lie
  // about our own origin), so the stream moves on. Parked changes are applied, through the
  // same checks, in the transaction that creates the record they wait for. Fails as a whole
  // only for I/O errors ("磁盘已满 / disk full: …" when the disk is full).
  // `gate` adds one sender's rights (ApplyGate): what it refuses is refused like the above, and
  // an origin it does not vouch for keeps its version vector entry (applied changes included).
  Result<ApplyStats> apply(const std::vector<Change>& changes, const ApplyGate& gate = {});
  // Raises the version vector to at least `vv` (after a peer's catch-up stream is complete:
  // every write up to its vector has been received or was superseded). Fails, changing
  // nothing, when `vv` claims this store's own origin beyond what it issued.
  Result<void> advanceVersionVector(const VersionVector& vv);
  // Sets the entry of `origin` to min(current, seq) (a repair found that the entry claimed
  // changes this store does not hold); seq 0 removes it. Fails for this store's own origin:
  // its entry counts what it issued and must never go down.
  Result<void> lowerVersionVector(Origin origin, std::uint64_t seq);
  // Drops records this node no longer holds (federation: they moved out of its scope and a
  // node that covers them has them): the records, their indexes, counters, fingerprint
  // parts, change entries and kept conflicts. The version vector does not move: the changes
  // were seen, and a peer must not send them again. Records not held are skipped; returns
  // how many were dropped. Fails only for I/O errors.
  Result<std::size_t> forget(const std::vector<std::pair<Kind, RecordId>>& records);
  // Received changes waiting for a record that has not arrived (for `status`).
  std::size_t parkedCount() const;

  std::vector<Conflict> conflicts() const;
  // Forgets the kept conflicts of one field (after the user has reviewed them).
  Result<void> dismissConflicts(Kind kind, const RecordId& id, const std::string& field);

  // Hash of the replicated state (every field value and stamp of every record). Two stores
  // have equal digests exactly when they hold the same data. 64 hex digits.
  std::string digest() const;

  // Copies the store into `file` (compacted, consistent snapshot).
  Result<void> backup(const std::string& file) const;
  // Starts a new epoch (new origin); called after a restore from backup.
  Result<void> startNewEpoch(Random& random);

  // --- fingerprints (range_fingerprint.h; kept by storeRecord in the write transaction) ---
  // The fingerprint of the whole replicated state, from the bucket table: O(buckets).
  Fingerprint fingerprint() const;
  // The fingerprint of the records with lo <= key < hi (17-byte keys; an empty or inverted
  // range gives the empty fingerprint). Whole buckets come from the bucket table; the parts
  // of buckets at the edges are summed from the per-record hashes.
  Fingerprint rangeFingerprint(std::string_view lo, std::string_view hi) const;
  // The (record key, hash) of every record in [lo, hi), in key order; at most `limit` items
  // (callers ask for small ranges; the count of rangeFingerprint says how many there are).
  std::vector<FingerprintItem> rangeItems(std::string_view lo, std::string_view hi,
                                          std::size_t limit = SIZE_MAX) const;
  // Splits [lo, hi) into at most `parts` contiguous ranges holding about equal numbers of
  // this store's records: at bucket boundaries while the records span several buckets,
  // else at record keys. Returns the one range [lo, hi) when it cannot be split (fewer
  // than two records). The ranges cover [lo, hi) exactly, in order.
  std::vector<KeyRange> splitRange(std::string_view lo, std::string_view hi, std::size_t parts) const;
  // The whole record as changes, one per (stamp origin, seq) of its fields, in (origin, seq)
  // order, for a repair that the receiver merges with apply(). Empty when not held.
  std::vector<Change> recordAsChanges(Kind kind, const RecordId& id) const;
  // The fingerprint recomputed from the records themselves (tests and checks: it must equal
  // fingerprint()). O(records).
  Fingerprint fingerprintFromScratch() const;

  // --- change notification ----------------------------------------------------------------
  // The id of the last committed write transaction in this data directory, by any process
  // (LMDB's transaction id, read from the shared lock file without a transaction: cheap
  // enough to call every frame). It grows with every commit that changed something and stays
  // put otherwise, so "changed since" is a comparison with an earlier reading.
  std::uint64_t lastCommitId() const;
  // Calls `observer` after every write transaction of this Store object that committed
  // (local writes, applied batches, version vector moves, dismissed conflicts, renames), on
  // the committing thread, once the transaction has ended: no LMDB transaction or store lock
  // is held, so it may read the store. It must not throw and should be quick (it delays the
  // writer); writing to the store from it would call it again. Other processes' commits do
  // not call it (see lastCommitId). Replaces the previous observer; an empty function
  // removes it. A call already running when it is replaced may still finish.
  void setCommitObserver(std::function<void()> observer);

  // Path of the LMDB environment directory.
  const std::string& path() const;

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace unionsync

#include "store/store.h"

#include <sodium.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <future>
#include <fmt/format.h>
#include <limits>
#include <mutex>
#include <numeric>
#include <set>
#include <type_traits>

#include "store/field_names.h"
#include "store/format_version.h"
#include "store/hlc.h"
#include "store/lmdb.h"
#include "store/merge.h"
#include "store/blake2b.h"
#include "store/change_signature.h"
#include "store/record_codec.h"
#include "store/sorted_writes.h"
#include "store/utf8.h"

namespace unionsync {

using lmdb::Cursor;
using lmdb::LmdbError;
using lmdb::Txn;

namespace {

constexpr std::string_view kMetaNodeName = "node_name";
constexpr std::string_view kMetaNodeId = "node_id";
constexpr std::string_view kMetaEpoch = "epoch";
constexpr std::string_view kMetaOrigin = "origin";
constexpr std::string_view kMetaHlc = "hlc";
constexpr std::string_view kMetaDeploymentKey = "deployment_key";
constexpr std::string_view kMetaCountPrefix = "count:";
constexpr std::string_view kMetaFormatVersion = "format_version";

std::string u64Value(std::uint64_t v) {
  std::string s;
  lmdb::appendBigEndian(s, v);
  return s;
}
std::uint64_t u64Of(std::optional<std::string_view> v) {
  return v && v->size() == 8 ? lmdb::readBigEndian(*v) : 0;
}

std::string changeKey(Origin origin, std::uint64_t seq) {
  std::string key;
  key.reserve(16);
  lmdb::appendBigEndian(key, origin);
  lmdb::appendBigEndian(key, seq);
  return key;
}

// LMDB keys are at most 511 bytes: index at most this much of a value, cut at a UTF-8
// character boundary. Lookups of longer values match on this prefix.
constexpr std::size_t kMaxIndexedValue = 256;

std::string_view indexedPart(std::string_view value) {
  return value.substr(0, boundaryAtOrBefore(value, kMaxIndexedValue));
}

// The index table holds sorted duplicates: under the key (kind, the index's tag, the value)
// the ids of the records with that value, 16 bytes each (MDB_DUPFIXED), so a value many
// records share (their union, a surname's initials) is kept once. The tag is the index name's
// number, a varint: no tag is a prefix of another.
std::string indexKey(Kind kind, std::string_view tag, std::string_view fullValue) {
  std::string key;
  key.push_back(static_cast<char>(kind));
  key.append(tag);
  key.append(indexedPart(fullValue));
  return key;
}

constexpr unsigned kIndexTableFlags = MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED;

std::string_view idBytes(const RecordId& id) { return {reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size()}; }

std::string conflictKeyPrefix(Kind kind, const RecordId& id, std::string_view field) {
  std::string key = codec::recordKey(kind, id);
  key.append(field);
  key.push_back('\0');
  return key;
}

std::string conflictKey(const Conflict& c) {
  std::string key = conflictKeyPrefix(c.kind, c.id, c.field);
  lmdb::appendBigEndian(key, c.loser.hlc);
  lmdb::appendBigEndian(key, c.loser.origin);
  return key;
}

std::string hex(const unsigned char* data, std::size_t size) {
  return hexOf(std::string_view(reinterpret_cast<const char*>(data), size));
}

// Approximate wire size of a change, for batching by bytes.
std::size_t approximateSize(const Change& c) {
  std::size_t size = 48;
  for (const auto& f : c.fields) size += f.name.size() + f.value.size() + 24;
  if (c.signature) size += 64 + 16 * c.signature->absent.size();
  return size;
}

constexpr std::uint64_t kMaxU64 = std::numeric_limits<std::uint64_t>::max();

// Counters and counts saturate: a value a peer sent may be anything, and a wrapped sum would
// turn into nonsense (a negative member count) for good.
std::int64_t saturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return b > 0 ? std::numeric_limits<std::int64_t>::max()
                                                       : std::numeric_limits<std::int64_t>::min();
  return sum;
}
std::uint64_t saturatingAdd(std::uint64_t a, std::uint64_t b) { return a > kMaxU64 - b ? kMaxU64 : a + b; }

// Positions `cursor` at the first change after (origin, seq): seq + 1, or the next origin
// when seq is the last one (seq + 1 would wrap to 0 and never move on). False at the end.
bool seekAfter(Cursor& cursor, Origin origin, std::uint64_t seq) {
  if (seq < kMaxU64) return cursor.seek(changeKey(origin, seq + 1));
  if (origin < kMaxU64) return cursor.seek(changeKey(origin + 1, 0));
  return false;
}

template <typename T>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};

// LMDB reports a short write, the usual face of a full disk, as EIO. An I/O error while the
// disk (or the process's file-size limit) leaves less than this is taken for a full disk.
bool noRoomLeft(const std::string& dir) {
  constexpr std::uint64_t kLowSpace = std::uint64_t{16} << 20;
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) == 0 && std::uint64_t{fs.f_bavail} * fs.f_frsize < kLowSpace) return true;
  rlimit limit{};
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(std::filesystem::path(dir) / "data.mdb", ec);
  return !ec && ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
         size + kLowSpace >= limit.rlim_cur;
}

// The message for an LMDB failure at the public boundary: a full disk (or a map that could
// not grow) is said as such, with what to do; anything else keeps LMDB's words.
std::string lmdbFailure(const LmdbError& e, const std::string& dir, std::string_view what) {
  if (lmdb::isDiskFull(e.code()) || (e.code() == EIO && noRoomLeft(dir)))
    return fmt::format("磁盘已满 / disk full: free some space on the disk holding {} and try again", dir);
  return fmt::format("{}: {}", what, e.what());
}

// "3.5 小时" / "3.5 hours" — how far a stamp is ahead, in the unit a person would use.
std::string durationText(std::int64_t ms, bool chinese) {
  const double minutes = static_cast<double>(ms) / 60'000.0;
  const double days = minutes / (24 * 60);
  if (minutes < 120) return fmt::format("{:.0f} {}", minutes, chinese ? "分钟" : "minutes");
  if (minutes < 48 * 60) return fmt::format("{:.1f} {}", minutes / 60, chinese ? "小时" : "hours");
  if (days < 730) return fmt::format("{:.0f} {}", days, chinese ? "天" : "days");
  return fmt::format("{:.0f} {}", days / 365.25, chinese ? "年" : "years");
}

// Empty when the field's name and value are text (valid UTF-8 without NUL); else what is
// wrong, naming the field (unless the name itself is not text: it cannot be shown).
std::string textProblem(std::string_view name, std::string_view value) {
  if (!isValidText(name)) return "字段名不是有效的 UTF-8 文本 / a field name is not valid UTF-8 text (or holds NUL)";
  const std::size_t at = invalidTextOffset(value);
  if (at == std::string_view::npos) return {};
  return fmt::format("字段 {} 含有无效的 UTF-8 文本（第 {} 字节）/ field {} is not valid UTF-8 text (byte {})", name,
                     at + 1, name, at + 1);
}

// Empty when every field of a local write is text; else the message for the user.
std::string localTextProblem(Kind kind, const RecordId& id,
                             const std::vector<std::pair<std::string, std::string>>& fields) {
  for (const auto& [name, value] : fields)
    if (std::string problem = textProblem(name, value); !problem.empty())
      return fmt::format("{} {}: {}，请重新输入 / retype it", kindName(kind), id.hex(), problem);
  return {};
}

// The first write's text problem (as localTextProblem), or empty. A large batch is checked in
// two halves on two threads: the check was a twelfth of an import's writer time.
std::string firstTextProblem(const std::vector<Store::LocalWrite>& writes) {
  auto scan = [&writes](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (std::string problem = localTextProblem(writes[i].kind, writes[i].id, writes[i].fields); !problem.empty())
        return problem;
    return std::string();
  };
  constexpr std::size_t kCheckAloneBelow = 8192;
  if (writes.size() < kCheckAloneBelow) return scan(0, writes.size());
  auto upper = std::async(std::launch::async, scan, writes.size() / 2, writes.size());
  std::string lower = scan(0, writes.size() / 2);
  std::string second = upper.get();
  return lower.empty() ? second : lower;
}

// Whether two changes say the same (a resend), for telling it from a different change under
// the same (origin, seq) within a batch.
bool sameContent(const Change& a, const Change& b) {
  auto sameWrite = [](const FieldWrite& x, const FieldWrite& y) {
    return x.name == y.name && x.value == y.value && x.base == y.base;
  };
  return a.kind == b.kind && a.id == b.id && a.origin == b.origin && a.seq == b.seq && a.hlc == b.hlc &&
         std::equal(a.fields.begin(), a.fields.end(), b.fields.begin(), b.fields.end(), sameWrite);
}

}  // namespace

struct Store::Impl {
  std::string dir;
  MDB_env* env = nullptr;
  MDB_dbi meta{}, records{}, changes{}, vv{}, index{}, counters{}, conflicts{}, parked{};
  MDB_dbi signatures{};  // (origin, seq) -> ChangeSignature (change_signature.h)
  MDB_dbi fieldNamesTable{};
  // Field names as numbers in records and index keys (field_names.h); shared by all threads.
  mutable FieldNames fieldNames;
  // Each indexed field's tag in index keys (its index name's number), by options.indexedFields'
  // position; set when the store is opened.
  std::vector<std::string> indexTags;
  // --- fingerprints (defined in the "fingerprints" block at the end of this file) ---
  MDB_dbi fpHashes{}, fpBuckets{};
  // Replaces `before`'s hash by `after`'s in the record's bucket, in the same transaction.
  void updateFingerprint(Txn& txn, const std::optional<Record>& before, const Record& after);
  void removeFingerprint(Txn& txn, const Record& held);
  // The sum of the bucket of record key `key` as this transaction leaves it (pending.buckets).
  RangeSum& bucketSum(const Txn& txn, const std::string& key);
  // Fills both fingerprint tables from the records unless the meta flag says they are built.
  void buildFingerprintsIfMissing(Txn& txn);
  // Recounts every record when the counters were made by another counter function.
  void recountIfStale(Txn& txn);
  void noticeLongWork(const Txn& txn, std::string_view zh, std::string_view en);
  std::set<std::string, std::less<>> noticed;  // the long works noticeLongWork has told of
  void reindexIfStale(Txn& txn);
  // Builds anew the indexes `which` accepts, from the records.
  void rebuildIndexes(Txn& txn, const std::function<bool(const IndexedField&)>& which);
  // Gives each indexed field its tag (indexTags), numbering index names not seen before.
  void numberIndexes(Txn& txn);
  // The tag of the index `name` of `kind`; null when the store has no such index.
  const std::string* indexTag(Kind kind, std::string_view name) const;
  // Rewrites every record of a format-1 store with numbered field names and rebuilds the indexes.
  void convertFromFormat1(Txn& txn);
  StoreOptions options;
  Clock* clock = nullptr;
  std::mutex keyMutex;
  std::string deploymentKey;  // cache; empty until first read
  // Keeps map resizes away from this process's open transactions (lmdb.h MapLock).
  lmdb::MapLock mapLock;
  // Store::setCommitObserver's function; copied out under the mutex so that replacing it
  // never waits for a call in progress.
  std::mutex observerMutex;
  std::shared_ptr<const std::function<void()>> commitObserver;

  // Calls the commit observer, if any (after a write transaction has ended).
  void committed() noexcept {
    std::shared_ptr<const std::function<void()>> observer;
    {
      std::lock_guard lock(observerMutex);
      observer = commitObserver;
    }
    if (observer && *observer) (*observer)();
  }

  // Bookkeeping that many writes of one transaction touch (version vector, clock, record
  // counts, statistics counters) is summed here and written once before commit: a batch of
  // 20k changes then costs a handful of puts for it instead of several per change. Only the
  // thread holding LMDB's write lock uses it.
  struct Pending {
    std::map<Origin, std::uint64_t> vv;  // entries read or raised in this transaction
    std::optional<Hlc> hlc;
    bool hlcChanged = false;
    std::set<Origin> vvChanged;
    std::map<std::string, std::int64_t> counters;
    std::map<Kind, std::uint64_t> created;
    std::map<Kind, std::uint64_t> forgotten;  // records dropped by Store::forget
    std::optional<Origin> own;  // this store's origin, read once
    // The first change received in this transaction under each (origin, seq). The pointers
    // stay valid until commit: they point into apply()'s argument or into `released`.
    std::map<std::pair<Origin, std::uint64_t>, const Change*> received;
    std::deque<Change> released;  // parked changes taken out of `parked` in this transaction
    // Keys of records created in this transaction whose parked changes are still to release.
    std::deque<std::string> releasable;
    std::optional<bool> anyParked;  // whether `parked` holds anything, read once
    // Index and fingerprint writes, made in key order by flushPending (sorted_writes.h).
    // Nothing reads these tables in a write transaction: a record's old hash is recomputed
    // from the record itself, and bucket sums are read here once and written at the end.
    SortedWrites indexWrites{SortedWrites::Table::Duplicates}, hashWrites;
    std::map<std::string, RangeSum> buckets;  // fp_buckets entries read or changed
    std::shared_ptr<FieldNames::Table> names;  // field names as this transaction numbers them
  } pending;

  // The field numbering for `txn`. A write transaction's new names stay in pending.names until
  // it commits; reads in it must see them too, hence the write view for any writable txn (only
  // the thread holding the write transaction gets here with one).
  FieldNames::View namesFor(const Txn& txn) const {
    if (!txn.writable()) return FieldNames::View(fieldNames, txn);
    auto& self = const_cast<Impl&>(*this);
    return FieldNames::View(fieldNames, const_cast<Txn&>(txn), self.pending.names);
  }
  FieldMap decodeRecord(const Txn& txn, std::string_view value) const {
    auto names = namesFor(txn);
    return codec::decodeFields(value, names);
  }
  // After a write transaction committed: the names it numbered become everyone's.
  void publishNames() { fieldNames.published(std::move(pending.names)); }

  ~Impl() {
    if (env) mdb_env_close(env);
  }

  // Runs `body` in a write transaction, growing the map and retrying when it is full. When
  // `body` returns a Result holding an error, the transaction is aborted: nothing of it is
  // written.
  template <typename F>
  auto writeTxn(F&& body) -> decltype(body(std::declval<Txn&>())) {
    using R = decltype(body(std::declval<Txn&>()));
    // Declared before the transaction so that it runs after the transaction has ended (its
    // write lock and map hold released): the observer may then read the store.
    struct NotifyAfterCommit {
      Impl* impl;
      bool committed = false;
      ~NotifyAfterCommit() {
        if (committed) impl->committed();
      }
    } notify{this};
    for (int attempt = 0;; ++attempt) {
      try {
        Txn txn(env, true, &mapLock);
        pending = Pending{};
        if constexpr (std::is_void_v<R>) {
          body(txn);
          flushPending(txn);
          txn.commit();
          publishNames();
          notify.committed = true;
          return;
        } else {
          auto result = body(txn);
          if constexpr (IsResult<R>::value) {
            if (!result) return result;
          }
          flushPending(txn);
          txn.commit();
          publishNames();
          notify.committed = true;
          return result;
        }
      } catch (const LmdbError& e) {
        if (attempt >= 8) throw;
        if (e.code() == MDB_MAP_FULL) {
          growMap();
        } else if (e.code() == MDB_MAP_RESIZED) {
          adoptMapSize();
        } else {
          throw;
        }
      }
    }
  }

  Txn readTxn() {
    for (int attempt = 0;; ++attempt) {
      try {
        return Txn(env, false, &mapLock);
      } catch (const LmdbError& e) {
        if (e.code() != MDB_MAP_RESIZED || attempt > 3) throw;
        adoptMapSize();
      }
    }
  }

  // Doubles the map. Throws LmdbError when the address space cannot hold it.
  void growMap() {
    auto hold = mapLock.exclusive();
    MDB_envinfo info;
    mdb_env_info(env, &info);
    lmdb::check(mdb_env_set_mapsize(env, info.me_mapsize * 2), "mdb_env_set_mapsize");
  }

  // Another process grew the map: take its size.
  void adoptMapSize() {
    auto hold = mapLock.exclusive();
    lmdb::check(mdb_env_set_mapsize(env, 0), "mdb_env_set_mapsize");
  }

  Origin origin(const Txn& txn) const { return u64Of(txn.get(meta, kMetaOrigin)); }

  std::optional<Record> load(const Txn& txn, Kind kind, const RecordId& id) const {
    auto v = txn.get(records, codec::recordKey(kind, id));
    if (!v) return std::nullopt;
    return Record{kind, id, decodeRecord(txn, *v)};
  }

  Hlc clockCap() const { return hlcCap(clock->nowMs(), options.maxClockAheadMs); }

  // The last HLC reading of this node. A stored reading beyond wall clock + bound (taken by
  // a store from before the bound) counts as the first reading of the cap's millisecond, so
  // local writes stay under the cap and still have 65535 distinct readings in it.
  Hlc& lastHlc(const Txn& txn) {
    if (!pending.hlc) {
      pending.hlc = u64Of(txn.get(meta, kMetaHlc));
      if (Hlc cap = clockCap(); *pending.hlc > cap) {
        pending.hlc = cap & ~Hlc{0xFFFF};
        pending.hlcChanged = true;
      }
    }
    return *pending.hlc;
  }

  // Takes `seen` into the clock, never beyond the cap.
  void bumpHlc(const Txn& txn, Hlc seen) {
    Hlc& last = lastHlc(txn);
    seen = std::min(seen, clockCap());
    if (seen > last) {
      last = seen;
      pending.hlcChanged = true;
    }
  }

  Origin ownOrigin(const Txn& txn) {
    if (!pending.own) pending.own = origin(txn);
    return *pending.own;
  }

  std::uint64_t heldSeq(const Txn& txn, Origin origin) {
    auto [it, inserted] = pending.vv.try_emplace(origin, 0);
    if (inserted) it->second = u64Of(txn.get(vv, u64Value(origin)));
    return it->second;
  }

  void raiseVector(const Txn& txn, Origin origin, std::uint64_t seq) {
    if (seq <= heldSeq(txn, origin)) return;
    setVector(origin, seq);
  }

  void setVector(Origin origin, std::uint64_t seq) {
    pending.vv[origin] = seq;
    pending.vvChanged.insert(origin);
  }

  void flushPending(Txn& txn) {
    pending.indexWrites.flush(txn, index);
    pending.hashWrites.flush(txn, fpHashes);
    for (const auto& [bucket, sum] : pending.buckets) txn.put(fpBuckets, bucket, sum.encode());
    for (Origin origin : pending.vvChanged) {
      if (pending.vv[origin] == 0)
        txn.del(vv, u64Value(origin));
      else
        txn.put(vv, u64Value(origin), u64Value(pending.vv[origin]));
    }
    if (pending.hlcChanged) txn.put(meta, kMetaHlc, u64Value(*pending.hlc));
    for (const auto& [kind, created] : pending.created) {
      std::string key = std::string(kMetaCountPrefix) + std::string(kindName(kind));
      txn.put(meta, key, u64Value(saturatingAdd(u64Of(txn.get(meta, key)), created)));
    }
    for (const auto& [kind, gone] : pending.forgotten) {
      std::string key = std::string(kMetaCountPrefix) + std::string(kindName(kind));
      const std::uint64_t held = u64Of(txn.get(meta, key));
      txn.put(meta, key, u64Value(held > gone ? held - gone : 0));
    }
    // A counter never goes below 0: a sum that would is a record that counted wrong (or a
    // peer's crafted number), and a negative count is never a truth to show.
    for (const auto& [key, delta] : pending.counters) {
      if (delta == 0) continue;
      auto value = std::max<std::int64_t>(0, saturatingAdd(static_cast<std::int64_t>(u64Of(txn.get(counters, key))), delta));
      if (value == 0)
        txn.del(counters, key);
      else
        txn.put(counters, key, u64Value(static_cast<std::uint64_t>(value)));
    }
  }

  // Persists `after` (the new state of a record that was `before`, or absent) with its
  // secondary index entries, counters and the compacted change index.
  void storeRecord(Txn& txn, const std::optional<Record>& before, const Record& after,
                   const std::set<std::pair<Origin, std::uint64_t>>& displaced) {
    auto names = namesFor(txn);
    txn.put(records, codec::recordKey(after.kind, after.id), codec::encodeFields(after.fields, names));
    if (!before) {
      ++pending.created[after.kind];
      if (anyParked(txn)) pending.releasable.push_back(codec::recordKey(after.kind, after.id));
    }
    for (const auto& [origin, seq] : displaced) {
      bool stillLive = std::any_of(after.fields.begin(), after.fields.end(), [&](const auto& f) {
        return f.second.stamp.origin == origin && f.second.seq == seq;
      });
      if (!stillLive) txn.del(changes, changeKey(origin, seq));
      if (before) supersedeSigned(txn, *before, after, origin, seq, stillLive);
    }
    updateIndexes(before, after);
    updateCounters(before, after);
    updateFingerprint(txn, before, after);
  }

  // --- origin signatures (change_signature.h): kept so that relays can prove changes ---
  std::optional<ChangeSignature> signatureOf(const Txn& txn, Origin origin, std::uint64_t seq) const {
    auto held = txn.get(signatures, changeKey(origin, seq));
    if (!held) return std::nullopt;
    auto decoded = decodeSignature(*held);
    if (!decoded) throw std::runtime_error("stored change signature is corrupt");
    return decoded;
  }

  static std::vector<LeafHash> leafsOf(const Record& record, Origin origin, std::uint64_t seq) {
    std::vector<LeafHash> leafs;
    for (const auto& [name, f] : record.fields)
      if (f.stamp.origin == origin && f.seq == seq) leafs.push_back(leafHash(name, f.value, f.base));
    return leafs;
  }

  // The fields of change (origin, seq) that `after` no longer carries join its signature's
  // absent leafs; a change with no field left has nothing to prove and loses its signature.
  void supersedeSigned(Txn& txn, const Record& before, const Record& after, Origin origin, std::uint64_t seq,
                       bool stillLive) {
    const std::string key = changeKey(origin, seq);
    if (!stillLive) {
      txn.del(signatures, key);
      return;
    }
    auto signature = signatureOf(txn, origin, seq);
    if (!signature) return;
    for (const auto& [name, f] : before.fields) {
      if (f.stamp.origin != origin || f.seq != seq) continue;
      auto now = after.fields.find(name);
      if (now == after.fields.end() || now->second.stamp != f.stamp || now->second.seq != seq)
        signature->absent.push_back(leafHash(name, f.value, f.base));
    }
    txn.put(signatures, key, encodeSignature(*signature));
  }

  // After `change` won fields of a record (`before` -> `after`): its signature is kept with
  // the leafs of the change's fields this store does not carry. A change that arrives without
  // one only shrinks the absent list of a signature already held (its fields now present).
  void keepReceivedSignature(Txn& txn, const Change& change, const std::optional<Record>& before, const Record& after) {
    const std::string key = changeKey(change.origin, change.seq);
    if (change.signature) {
      std::vector<LeafHash> all = change.signature->absent;
      for (const FieldWrite& f : change.fields) all.push_back(leafHash(f.name, f.value, f.base));
      txn.put(signatures, key,
              encodeSignature(ChangeSignature{change.signature->bytes, withoutLeafs(all, leafsOf(after, change.origin, change.seq))}));
      return;
    }
    // Unsigned changes (every change outside a deployment) end here: hashing the record's
    // fields first cost a catch-up a tenth of its receiver's time.
    auto held = signatureOf(txn, change.origin, change.seq);
    if (!held) return;
    const std::vector<LeafHash> present = leafsOf(after, change.origin, change.seq);
    const std::vector<LeafHash> had = before ? leafsOf(*before, change.origin, change.seq) : std::vector<LeafHash>{};
    held->absent = withoutLeafs(held->absent, withoutLeafs(present, had));
    txn.put(signatures, key, encodeSignature(*held));
  }

  // Drops a held record and everything kept for it (Store::forget); the version vector is
  // left alone: the store has still seen the changes.
  void forgetRecord(Txn& txn, const Record& held) {
    const std::string key = codec::recordKey(held.kind, held.id);
    for (const auto& [name, f] : held.fields) {
      const std::string change = changeKey(f.stamp.origin, f.seq);
      if (txn.get(changes, change) == std::optional<std::string_view>(key)) {
        txn.del(changes, change);
        txn.del(signatures, change);
      }
    }
    Record nothing{held.kind, held.id, {}};
    updateIndexes(held, nothing);
    if (options.counters) {
      std::vector<std::pair<std::string, std::int64_t>> deltas;
      options.counters(held, deltas);
      for (auto& [counter, delta] : deltas) pending.counters[counter] = saturatingAdd(pending.counters[counter], -delta);
    }
    removeFingerprint(txn, held);
    std::vector<std::string> kept;
    {
      Cursor cursor(txn, conflicts);
      for (bool ok = cursor.seek(key); ok && cursor.key().starts_with(key); ok = cursor.next()) kept.emplace_back(cursor.key());
    }
    for (const std::string& conflict : kept) txn.del(conflicts, conflict);
    txn.del(records, key);
    ++pending.forgotten[held.kind];
  }

  void updateIndexes(const std::optional<Record>& before, const Record& after) {
    for (std::size_t i = 0; i < options.indexedFields.size(); ++i) {
      const IndexedField& indexed = options.indexedFields[i];
      if (indexed.kind != after.kind) continue;
      std::string_view oldValue = before ? before->get(indexed.field) : std::string_view{};
      std::string_view newValue = after.get(indexed.field);
      if (oldValue == newValue) continue;
      const auto oldKeys = indexKeysOf(indexed, oldValue), newKeys = indexKeysOf(indexed, newValue);
      for (const auto& key : oldKeys)
        if (std::ranges::find(newKeys, key) == newKeys.end())
          pending.indexWrites.erase(indexKey(after.kind, indexTags[i], key), idBytes(after.id));
      for (const auto& key : newKeys)
        if (std::ranges::find(oldKeys, key) == oldKeys.end())
          pending.indexWrites.put(indexKey(after.kind, indexTags[i], key), idBytes(after.id));
    }
  }

  static std::vector<std::string> indexKeysOf(const IndexedField& indexed, std::string_view value) {
    if (value.empty()) return {};
    if (!indexed.keysOf) return {std::string(value)};
    auto keys = indexed.keysOf(value);
    std::erase(keys, std::string());
    return keys;
  }

  void updateCounters(const std::optional<Record>& before, const Record& after) {
    if (!options.counters) return;
    std::vector<std::pair<std::string, std::int64_t>> deltas;
    if (before) {
      options.counters(*before, deltas);
      for (auto& d : deltas) d.second = -d.second;
    }
    options.counters(after, deltas);
    for (auto& [key, delta] : deltas) {
      auto& sum = pending.counters[key];
      sum = saturatingAdd(sum, delta);
    }
  }


  // Why a received change cannot be true, or empty (the store's own checks, see
  // Store::apply). `before` is the record as this transaction holds it.
  std::string refusalOf(const Txn& txn, const Change& change, const std::optional<Record>& before,
                        bool claimsUnissued) {
    if (change.origin == 0 || change.seq == 0 || change.hlc == 0)
      return "变更缺少来源、序号或时间戳 / change without origin, seq or stamp";
    if (kindName(change.kind) == "unknown")
      return fmt::format("未知的记录类型 {} / unknown record kind {}", int(change.kind), int(change.kind));
    if (claimsUnissued)
      return fmt::format("本节点从未发出这个序号（只发出到 {}）/ this node never issued this seq (it issued up to {})",
                         heldSeq(txn, change.origin), heldSeq(txn, change.origin));
    const std::int64_t now = clock->nowMs();
    if (change.hlc > hlcCap(now, options.maxClockAheadMs)) {
      const std::int64_t ahead = hlcToMs(change.hlc) - now;
      return fmt::format("时间戳超前本机时钟 {} / stamp {} ahead of this computer's clock", durationText(ahead, true),
                         durationText(ahead, false));
    }
    for (const auto& f : change.fields)
      if (std::string problem = textProblem(f.name, f.value); !problem.empty()) return problem;
    // One (origin, seq) names one change: compare with the one held, if still indexed.
    if (auto held = txn.get(changes, changeKey(change.origin, change.seq))) {
      if (*held != codec::recordKey(change.kind, change.id))
        return "这个来源和序号已属于另一条记录的变更 / this origin and seq already name a change of another record";
      if (before)
        for (const auto& [name, f] : before->fields) {
          if (f.stamp.origin != change.origin || f.seq != change.seq) continue;
          if (f.stamp.hlc != change.hlc)
            return "这个来源和序号已属于时间戳不同的变更 / this origin and seq already name a change with another stamp";
          auto sent = std::find_if(change.fields.begin(), change.fields.end(),
                                   [&](const FieldWrite& w) { return w.name == name; });
          if (sent != change.fields.end() && sent->value != f.value)
            return fmt::format("这个来源和序号已属于字段 {} 值不同的变更 / this origin and seq already name a change "
                               "with another value of field {}", name, name);
        }
    }
    auto [it, first] = pending.received.try_emplace({change.origin, change.seq}, &change);
    if (!first && !sameContent(*it->second, change))
      return "同一批中有两条来源和序号相同但内容不同的变更 / two different changes with this origin and seq in one batch";
    return {};
  }

  void refuse(ApplyStats& stats, const Change& change, std::string_view why) {
    ++stats.refused;
    if (stats.refusals.size() < ApplyStats::kMaxRefusalReasons)
      stats.refusals.push_back(fmt::format("{} {} origin {:016x} seq {}: {}", kindName(change.kind), change.id.hex(),
                                           change.origin, change.seq, why));
  }

  bool anyParked(const Txn& txn) {
    if (!pending.anyParked) {
      MDB_stat stat;
      lmdb::check(mdb_stat(txn.get(), parked, &stat), "mdb_stat");
      pending.anyParked = stat.ms_entries > 0;
    }
    return *pending.anyParked;
  }

  // Merges one remote change into the transaction, after the store's checks and the
  // application's (options.validateReceived). A refused or parked change writes nothing but
  // its place in the version vector (not even that for a lie about our own origin).
  void applyOne(Txn& txn, const Change& change, ApplyStats& stats, const ApplyGate& gate) {
    auto before = load(txn, change.kind, change.id);
    const Origin own = ownOrigin(txn);
    const bool claimsUnissued = change.origin == own && change.seq > heldSeq(txn, own);
    const bool vouched = !gate.vouchesFor || gate.vouchesFor(change.origin);
    auto raise = [&] {
      if (vouched) raiseVector(txn, change.origin, change.seq);
    };
    if (std::string why = refusalOf(txn, change, before, claimsUnissued); !why.empty()) {
      refuse(stats, change, why);
      // Not for a lie about our own origin (it would raise our own entry past what we
      // issued), nor for origin 0 (no origin: an entry for it would be junk).
      if (!claimsUnissued && change.origin != 0) raise();
      return;
    }
    RecordMerge m = mergeChange(before, change);
    // A change that changes nothing (every field a duplicate or an older loser without a
    // conflict) has nothing to judge.
    if ((options.validateReceived || gate.refusal) && (m.won || !m.conflicts.empty())) {
      const RecordLookup lookup = [&](Kind kind, const RecordId& id) { return load(txn, kind, id); };
      // The sender's rights first: a change it may not send is never parked.
      ReceivedVerdict verdict;
      if (gate.refusal) verdict.refusal = gate.refusal(change, before, m.after, lookup);
      if (verdict.refusal.empty() && options.validateReceived)
        verdict = options.validateReceived(change, before, m.after, lookup);
      if (verdict.waitFor && gate.leaving && gate.leaving(m.after, lookup)) verdict.waitFor.reset();
      if (verdict.refusal.empty() && verdict.waitFor &&
          txn.get(records, codec::recordKey(verdict.waitFor->first, verdict.waitFor->second)))
        verdict.refusal = fmt::format("等待的记录 {} 已存在 / the record waited for ({}) is already held", verdict.waitFor->second.hex(),
                                      verdict.waitFor->second.hex());
      if (!verdict.refusal.empty()) {
        refuse(stats, change, verdict.refusal);
        raise();
        return;
      }
      if (verdict.waitFor) {
        std::string key = codec::recordKey(verdict.waitFor->first, verdict.waitFor->second);
        key += changeKey(change.origin, change.seq);
        txn.put(parked, key, codec::encodeChange(change));
        pending.anyParked = true;
        ++stats.parked;
        raise();
        return;
      }
    }
    for (const Conflict& c : m.conflicts) txn.put(conflicts, conflictKey(c), codec::encodeConflict(c));
    stats.conflicts += m.conflicts.size();
    stats.fieldsWon += m.fieldsWon;
    stats.fieldsLost += m.fieldsLost;
    stats.duplicates += m.duplicates;
    if (m.won) {
      txn.put(changes, changeKey(change.origin, change.seq), codec::recordKey(change.kind, change.id));
      storeRecord(txn, before, m.after, m.displaced);
      keepReceivedSignature(txn, change, before, m.after);
    }
    raise();
    bumpHlc(txn, change.hlc);
  }

  // Applies the parked changes waiting for records created so far in this transaction,
  // through applyOne (they may park again, on another record). Iterative, not recursive: a
  // long chain of records that wait for each other must not exhaust the stack.
  void releaseParked(Txn& txn, ApplyStats* stats = nullptr) {
    ApplyStats ignored;
    while (!pending.releasable.empty()) {
      const std::string key = std::move(pending.releasable.front());
      pending.releasable.pop_front();
      std::vector<std::string> waiting;
      {
        Cursor cursor(txn, parked);
        for (bool ok = cursor.seek(key); ok && cursor.key().starts_with(key); ok = cursor.next()) {
          waiting.emplace_back(cursor.key());
          pending.released.push_back(codec::decodeChange(cursor.value()));
        }
      }
      const std::size_t first = pending.released.size() - waiting.size();
      // A parked change passed its sender's rights and raised the vector (if its sender
      // vouched for it) when it was parked.
      static const ApplyGate released{.refusal = {}, .vouchesFor = [](Origin) { return false; }};
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        txn.del(parked, waiting[i]);
        applyOne(txn, pending.released[first + i], stats ? *stats : ignored, released);
      }
    }
  }

  // A local write: next sequence number of this node's origin and a fresh HLC reading.
  // Fails when either cannot advance (see Store::write).
  Result<bool> writeOne(Txn& txn, Origin origin, const Store::LocalWrite& w) {
    auto before = load(txn, w.kind, w.id);
    Record after = before ? *before : Record{w.kind, w.id, {}};
    // The new values go straight into `after`, which is then what the check sees (with the
    // stamps held before) and, stamped, what is stored: building a checked copy first made
    // every record's map twice.
    struct Changed {
      FieldMap::iterator field;
      std::optional<FieldState> held;  // its stamps before this write (without the value)
    };
    std::vector<Changed> changed;
    for (const auto& [name, value] : w.fields) {
      auto it = after.fields.find(name);
      const bool present = it != after.fields.end();
      if ((present ? std::string_view(it->second.value) : std::string_view{}) == value) continue;
      if (!present) {
        it = after.fields.emplace(name, FieldState{}).first;
        changed.push_back({it, std::nullopt});
      } else if (std::ranges::none_of(changed, [&](const Changed& c) { return c.field == it; })) {
        changed.push_back({it, FieldState{{}, it->second.stamp, it->second.seq, it->second.base}});
      }
      it->second.value = value;  // a name written twice: the later value wins
    }
    if (changed.empty()) return false;
    if (options.checkLocal) {
      const RecordLookup lookup = [&](Kind kind, const RecordId& id) { return load(txn, kind, id); };
      if (std::string why = options.checkLocal(before, after, lookup); !why.empty()) return fail(why);
    }

    const std::uint64_t held = heldSeq(txn, origin);
    if (held == kMaxU64)
      return fail(fmt::format("本节点的变更序号已用尽，请从备份恢复以开始新的纪元 / this node (origin {:016x}) has used up its "
                              "change numbers: restore it from a backup to start a new epoch", origin));
    const std::uint64_t seq = held + 1;
    const std::int64_t now = clock->nowMs();
    const Hlc last = lastHlc(txn);
    const Hlc hlc = nextHlc(last, now, hlcCap(now, options.maxClockAheadMs));
    if (hlc <= last)
      return fail(fmt::format("本节点时钟已到上限（当前时间加 {}），请稍后再试 / this node's clock is at its limit (wall clock "
                              "+ {}): try again in a moment", durationText(options.maxClockAheadMs, true),
                              durationText(options.maxClockAheadMs, false)));
    Stamp stamp{hlc, origin};
    std::set<std::pair<Origin, std::uint64_t>> displaced;
    for (Changed& c : changed) {
      if (c.held) displaced.emplace(c.held->stamp.origin, c.held->seq);
      FieldState& field = c.field->second;
      field = localFieldWrite(c.held ? &*c.held : nullptr, std::move(field.value), stamp, seq);
    }
    txn.put(changes, changeKey(origin, seq), codec::recordKey(w.kind, w.id));
    storeRecord(txn, before, after, displaced);
    if (options.signLocal) {
      // The digest's inputs behind one pointer: std::function keeps a one-pointer lambda
      // without allocating, and an import makes a million of them.
      struct Parts {
        const Store::LocalWrite& w;
        Origin origin;
        std::uint64_t seq;
        Hlc hlc;
        const std::vector<Changed>& changed;
      } parts{w, origin, seq, hlc, changed};
      const LocalChangeDigest digest = [&parts] {
        Change signedChange{parts.w.kind, parts.w.id, parts.origin, parts.seq, parts.hlc, {}, std::nullopt};
        for (const Changed& c : parts.changed)
          signedChange.fields.push_back(FieldWrite{c.field->first, c.field->second.value, c.field->second.base});
        return changeDigest(signedChange, {});
      };
      if (auto signature = options.signLocal(digest))
        txn.put(signatures, changeKey(origin, seq), encodeSignature(ChangeSignature{*signature, {}}));
    }
    raiseVector(txn, origin, seq);
    bumpHlc(txn, hlc);
    return true;
  }
};

namespace {

std::string noPermission(const std::string& dir) {
  return fmt::format("没有权限读写数据目录 {}：请用建立它的用户运行 / no permission to read and write the data folder {}: "
                     "run as the user who made it", dir, dir);
}

std::string damagedFile(const std::string& dir, std::string_view detail) {
  return fmt::format("数据目录 {} 中的 data.mdb 已损坏或不是 unionsync 的数据文件，未作任何改动；请从备份恢复到新的数据目录"
                     "（unionsync --data 新目录 restore 备份文件） / data.mdb in {} is damaged or not a unionsync data file "
                     "({}); nothing was changed: restore a backup into a new data folder (unionsync --data NEW restore BACKUP)",
                     dir, dir, detail);
}

// What is missing when data.mdb is shorter than the pages its own header says are in use (a
// copy cut short, a disk that filled during one); empty when it is whole. Reading a page past
// the end of the mapped file would kill the process (SIGBUS), so this is checked first.
std::string truncation(MDB_env* env, const std::string& dir) {
  MDB_envinfo info;
  MDB_stat stat;
  lmdb::check(mdb_env_info(env, &info), "mdb_env_info");
  lmdb::check(mdb_env_stat(env, &stat), "mdb_env_stat");
  const auto needed = (static_cast<std::uintmax_t>(info.me_last_pgno) + 1) * stat.ms_psize;
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(std::filesystem::path(dir) / "data.mdb", ec);
  if (ec || size >= needed) return {};
  return fmt::format("{} of {} bytes", size, needed);
}

Result<std::unique_ptr<Store::Impl>> openEnv(const std::string& dir, StoreOptions options,
                                             Clock& clock) {
  auto impl = std::make_unique<Store::Impl>();
  impl->dir = dir;
  impl->options = std::move(options);
  impl->clock = &clock;
  try {
    lmdb::check(mdb_env_create(&impl->env), "mdb_env_create");
    lmdb::check(mdb_env_set_maxdbs(impl->env, 16), "mdb_env_set_maxdbs");
    lmdb::check(mdb_env_set_maxreaders(impl->env, 256), "mdb_env_set_maxreaders");
    lmdb::check(mdb_env_set_mapsize(impl->env, impl->options.initialMapSize), "mdb_env_set_mapsize");
    unsigned flags = MDB_NOTLS | (impl->options.durable ? 0 : MDB_NOSYNC);
    int rc = mdb_env_open(impl->env, dir.c_str(), flags, 0600);
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH || rc == MDB_CORRUPTED) return fail(damagedFile(dir, mdb_strerror(rc)));
    if (rc == EACCES) return fail(noPermission(dir));
    if (rc != MDB_SUCCESS)
      return fail(fmt::format("无法打开数据目录 {} / cannot open data directory: {}", dir, mdb_strerror(rc)));
    if (std::string cut = truncation(impl->env, dir); !cut.empty()) return fail(damagedFile(dir, cut));
    // The upkeep below (fingerprints, a recount, an index rebuild) may need more room than the
    // map has: grow it and start again, as writes do.
    for (int attempt = 0;; ++attempt) {
      try {
        Txn txn(impl->env, true);
        auto open = [&](const char* name, MDB_dbi& dbi) {
          lmdb::check(mdb_dbi_open(txn.get(), name, MDB_CREATE, &dbi), "mdb_dbi_open");
        };
        open("meta", impl->meta);
        open("records", impl->records);
        open("changes", impl->changes);
        open("vv", impl->vv);
        open("counters", impl->counters);
        open("conflicts", impl->conflicts);
        open("parked", impl->parked);
        open("signatures", impl->signatures);
        open("fp_hashes", impl->fpHashes);
        open("fp_buckets", impl->fpBuckets);
        open("field_names", impl->fieldNamesTable);
        impl->fieldNames.setTable(impl->fieldNamesTable);
        impl->pending = {};
        // Stores that hold a node but no number were written before it was kept: format 1. A
        // newer format is left as it is (the transaction is not committed): this program could
        // only misread it.
        const auto format = txn.get(impl->meta, kMetaFormatVersion);
        const std::uint64_t held = format ? u64Of(format) : txn.get(impl->meta, kMetaOrigin) ? 1 : kStoreFormatVersion;
        if (held > kStoreFormatVersion)
          return fail(fmt::format("数据目录 {} 由较新版本的 unionsync 建立（存储格式 {}，本程序只认识到格式 {}）：请升级本程序，数据未作任何改动 / "
                                  "the data directory {} was made by a newer unionsync (store format {}; this program knows up "
                                  "to {}): upgrade this program; nothing was changed",
                                  dir, held, kStoreFormatVersion, dir, held, kStoreFormatVersion));
        // Format 1's index table is plain; it is made anew by the conversion below.
        lmdb::check(mdb_dbi_open(txn.get(), "index", held < 2 ? MDB_CREATE : kIndexTableFlags, &impl->index),
                    "mdb_dbi_open");
        impl->numberIndexes(txn);
        if (held < 2) impl->convertFromFormat1(txn);
        if (!format || held != kStoreFormatVersion) txn.put(impl->meta, kMetaFormatVersion, u64Value(kStoreFormatVersion));
        impl->buildFingerprintsIfMissing(txn);
        impl->recountIfStale(txn);
        impl->reindexIfStale(txn);
        txn.commit();
        impl->publishNames();
        break;
      } catch (const LmdbError& e) {
        if (e.code() != MDB_MAP_FULL || attempt >= 8) throw;
        impl->growMap();
      }
    }
  } catch (const LmdbError& e) {
    return fail(fmt::format("数据目录 {} 无法使用 / data directory unusable: {}", dir, e.what()));
  }
  return impl;
}

}  // namespace

std::string counterKey(std::string_view orgHex, std::string_view name) {
  std::string key(orgHex);
  key.push_back('\0');
  key.append(name);
  return key;
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& dir, StoreOptions options,
                                           Clock& clock) {
  std::error_code ec;
  const bool held = std::filesystem::exists(std::filesystem::path(dir) / "data.mdb", ec);
  if (ec == std::errc::permission_denied) return fail(noPermission(dir));
  if (!held)
    return fail(fmt::format("{} 中没有节点，请先运行 init / no node in {}: run `unionsync --data {} init --name NAME` first",
                            dir, dir, dir));
  auto impl = openEnv(dir, std::move(options), clock);
  if (!impl) return std::unexpected(impl.error());
  Txn txn((*impl)->env, false);
  if (!txn.get((*impl)->meta, kMetaOrigin))
    return fail(fmt::format("{} 中没有节点，请先运行 init / no node in {}: run init first", dir, dir));
  return std::unique_ptr<Store>(new Store(std::move(*impl)));
}

Result<std::unique_ptr<Store>> Store::create(const std::string& dir, const std::string& name,
                                             StoreOptions options, Clock& clock, Random& random) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(fmt::format("无法创建目录 {} / cannot create directory: {}", dir, ec.message()));
  const bool held = std::filesystem::exists(std::filesystem::path(dir) / "data.mdb", ec);
  if (ec == std::errc::permission_denied) return fail(noPermission(dir));
  if (held) {
    auto existing = openEnv(dir, options, clock);
    if (!existing) return std::unexpected(existing.error());
    Txn txn((*existing)->env, false);
    if (txn.get((*existing)->meta, kMetaOrigin))
      return fail(fmt::format("{} 中已有节点 / a node already exists in {}", dir, dir));
  }
  ::chmod(dir.c_str(), 0700);
  auto impl = openEnv(dir, std::move(options), clock);
  if (!impl) return std::unexpected(impl.error());
  std::uint8_t nodeId[16];
  random.fill(nodeId, sizeof nodeId);
  std::uint8_t key[32];
  random.fill(key, sizeof key);
  Origin origin = random.next64() | 1;  // never zero: zero means "never written"
  (*impl)->writeTxn([&](Txn& txn) {
    txn.put((*impl)->meta, kMetaNodeName, name);
    txn.put((*impl)->meta, kMetaNodeId, hex(nodeId, sizeof nodeId));
    txn.put((*impl)->meta, kMetaEpoch, u64Value(0));
    txn.put((*impl)->meta, kMetaOrigin, u64Value(origin));
    txn.put((*impl)->meta, kMetaDeploymentKey,
            std::string_view(reinterpret_cast<const char*>(key), sizeof key));
  });
  return std::unique_ptr<Store>(new Store(std::move(*impl)));
}

StoreInfo Store::info() const {
  Txn txn = impl_->readTxn();
  StoreInfo info;
  info.nodeName = std::string(txn.get(impl_->meta, kMetaNodeName).value_or(""));
  info.nodeId = std::string(txn.get(impl_->meta, kMetaNodeId).value_or(""));
  info.epoch = static_cast<std::uint32_t>(u64Of(txn.get(impl_->meta, kMetaEpoch)));
  info.origin = impl_->origin(txn);
  return info;
}

void Store::setNodeName(const std::string& name) {
  impl_->writeTxn([&](Txn& txn) { txn.put(impl_->meta, kMetaNodeName, name); });
}

std::string Store::deploymentKey() const {
  std::lock_guard lock(impl_->keyMutex);
  if (impl_->deploymentKey.empty()) {
    Txn txn = impl_->readTxn();
    impl_->deploymentKey = std::string(txn.get(impl_->meta, kMetaDeploymentKey).value_or(""));
  }
  return impl_->deploymentKey;
}

Result<void> Store::adoptDeploymentKey(const std::string& key) {
  if (key.size() != 32) return fail("部署密钥长度错误 / deployment key must be 32 bytes");
  auto adopted = impl_->writeTxn([&](Txn& txn) -> Result<void> {
    std::string countKey = std::string(kMetaCountPrefix) + std::string(kindName(Kind::Member));
    if (u64Of(txn.get(impl_->meta, countKey)) > 0)
      return fail("本节点已有会员，不能更换部署密钥 / this node already holds members; it cannot join another deployment");
    txn.put(impl_->meta, kMetaDeploymentKey, key);
    return {};
  });
  if (adopted) {
    std::lock_guard lock(impl_->keyMutex);
    impl_->deploymentKey = key;
  }
  return adopted;
}

Result<bool> Store::write(Kind kind, const RecordId& id,
                          const std::vector<std::pair<std::string, std::string>>& fields) {
  if (std::string problem = localTextProblem(kind, id, fields); !problem.empty()) return fail(problem);
  try {
    return impl_->writeTxn([&](Txn& txn) -> Result<bool> {
      auto written = impl_->writeOne(txn, impl_->origin(txn), LocalWrite{kind, id, fields});
      impl_->releaseParked(txn);
      return written;
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "写入失败 / write failed"));
  }
}

Result<std::size_t> Store::writeMany(const std::vector<LocalWrite>& writes) {
  if (std::string problem = firstTextProblem(writes); !problem.empty()) return fail(problem);
  try {
    return impl_->writeTxn([&](Txn& txn) -> Result<std::size_t> {
      Origin origin = impl_->origin(txn);
      std::size_t written = 0;
      for (const auto& w : writes) {
        auto one = impl_->writeOne(txn, origin, w);
        if (!one) return std::unexpected(one.error());
        written += *one ? 1 : 0;
        impl_->releaseParked(txn);
      }
      return written;
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "写入失败 / write failed"));
  }
}

std::optional<Record> Store::get(Kind kind, const RecordId& id) const {
  Txn txn = impl_->readTxn();
  return impl_->load(txn, kind, id);
}

bool Store::contains(Kind kind, const RecordId& id) const {
  Txn txn = impl_->readTxn();
  return txn.get(impl_->records, codec::recordKey(kind, id)).has_value();
}

void Store::forEach(Kind kind, const std::function<bool(const Record&)>& visit) const {
  Txn txn = impl_->readTxn();
  auto names = impl_->namesFor(txn);
  Cursor cursor(txn, impl_->records);
  std::string prefix(1, static_cast<char>(kind));
  for (bool ok = cursor.seek(prefix); ok && cursor.key()[0] == prefix[0]; ok = cursor.next()) {
    Record r;
    codec::decodeRecordKey(cursor.key(), r.kind, r.id);
    r.fields = codec::decodeFields(cursor.value(), names);
    if (!visit(r)) break;
  }
}

void Store::forEachFields(Kind kind, std::span<const std::string_view> fields, const IdRange& range,
                          const FieldsVisitor& visit) const {
  // The codec wants the names in byte order: decode in that order, hand back in the caller's.
  std::vector<std::size_t> order(fields.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::sort(order, [&](std::size_t a, std::size_t b) { return fields[a] < fields[b]; });
  std::vector<std::string_view> sorted(fields.size()), decoded(fields.size()), values(fields.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = fields[order[i]];
  const std::string end = range.to ? codec::recordKey(kind, *range.to) : std::string();
  Txn txn = impl_->readTxn();
  auto names = impl_->namesFor(txn);
  Cursor cursor(txn, impl_->records);
  for (bool ok = cursor.seek(codec::recordKey(kind, range.from)); ok && cursor.key()[0] == static_cast<char>(kind);
       ok = cursor.next()) {
    if (range.to && cursor.key() >= end) break;
    Kind k;
    RecordId id;
    codec::decodeRecordKey(cursor.key(), k, id);
    codec::decodeSelectedFields(cursor.value(), names, sorted, decoded);
    for (std::size_t i = 0; i < order.size(); ++i) values[order[i]] = decoded[i];
    if (!visit(id, values)) break;
  }
}

std::size_t Store::count(Kind kind) const {
  Txn txn = impl_->readTxn();
  return u64Of(txn.get(impl_->meta, std::string(kMetaCountPrefix) + std::string(kindName(kind))));
}

std::vector<RecordId> Store::lookup(const IndexQuery& query) const {
  std::vector<RecordId> ids;
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->index);
  const std::string* tag = impl_->indexTag(query.kind, query.field);
  if (!tag) return ids;  // not an indexed field: nothing is found under it
  const std::string prefix = indexKey(query.kind, *tag, query.value);
  for (bool ok = cursor.seek(prefix); ok && ids.size() < query.limit; ok = cursor.next()) {
    std::string_view key = cursor.key();
    if (!key.starts_with(prefix) || (!query.prefix && key.size() != prefix.size())) break;
    if (cursor.value().size() != 16) throw std::runtime_error("index entry holds an id that is not 16 bytes");
    RecordId id;
    std::copy(cursor.value().begin(), cursor.value().end(), reinterpret_cast<char*>(id.bytes.data()));
    ids.push_back(id);
  }
  return ids;
}

CounterMap Store::counters(const std::string& orgHex) const {
  CounterMap out;
  forEachCounter(orgHex, "", [&](std::string_view name, std::int64_t value) { out.emplace(std::string(name), value); });
  return out;
}

void Store::forEachCounter(const std::string& orgHex, std::string_view namePrefix,
                           const std::function<void(std::string_view name, std::int64_t value)>& visit) const {
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->counters);
  const std::string prefix = counterKey(orgHex, namePrefix);
  for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix); ok = cursor.next())
    visit(cursor.key().substr(prefix.size() - namePrefix.size()),
          static_cast<std::int64_t>(lmdb::readBigEndian(cursor.value())));
}

VersionVector Store::versionVector() const {
  VersionVector out;
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->vv);
  for (bool ok = cursor.first(); ok; ok = cursor.next())
    out[lmdb::readBigEndian(cursor.key())] = lmdb::readBigEndian(cursor.value());
  return out;
}

ChangeBatch Store::changesSince(const VersionVector& since, const ChangeCursor& from,
                                std::size_t maxChanges, std::size_t maxBytes, const RecordFilter& filter) const {
  ChangeBatch batch;
  batch.next = from;
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->changes);
  // Start where the cursor stopped, or at the first origin.
  bool ok = from.started ? seekAfter(cursor, from.origin, from.afterSeq) : cursor.first();
  while (ok) {
    std::string_view key = cursor.key();
    Origin origin = lmdb::readBigEndian(key.substr(0, 8));
    std::uint64_t seq = lmdb::readBigEndian(key.substr(8, 8));
    auto known = since.find(origin);
    std::uint64_t floor = known == since.end() ? 0 : known->second;
    if (seq <= floor) {  // jump past what the peer holds of this origin
      ok = seekAfter(cursor, origin, floor);
      continue;
    }
    if (batch.changes.size() >= maxChanges || batch.bytes >= maxBytes) return batch;
    Change change;
    change.origin = origin;
    change.seq = seq;
    codec::decodeRecordKey(cursor.value(), change.kind, change.id);
    auto record = impl_->load(txn, change.kind, change.id);
    if (!record) throw std::runtime_error("change index names a record that is missing");
    if (filter && !filter(*record, origin, seq)) {
      batch.next = ChangeCursor{origin, seq, true};
      ok = cursor.next();
      continue;
    }
    for (const auto& [name, f] : record->fields) {
      if (f.stamp.origin != origin || f.seq != seq) continue;
      change.hlc = f.stamp.hlc;
      change.fields.push_back(FieldWrite{name, f.value, f.base});
    }
    change.signature = impl_->signatureOf(txn, origin, seq);
    batch.bytes += approximateSize(change);
    batch.changes.push_back(std::move(change));
    batch.next = ChangeCursor{origin, seq, true};
    ok = cursor.next();
  }
  batch.done = true;
  return batch;
}

Result<ApplyStats> Store::apply(const std::vector<Change>& changes, const ApplyGate& gate) {
  try {
    return impl_->writeTxn([&](Txn& txn) {
      ApplyStats stats;
      stats.changes = changes.size();
      for (const auto& change : changes) {
        impl_->applyOne(txn, change, stats, gate);
        impl_->releaseParked(txn, &stats);
      }
      return stats;
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "同步数据写入失败 / could not store received changes"));
  }
}

Result<std::size_t> Store::forget(const std::vector<std::pair<Kind, RecordId>>& records) {
  try {
    return impl_->writeTxn([&](Txn& txn) -> Result<std::size_t> {
      std::size_t dropped = 0;
      for (const auto& [kind, id] : records) {
        auto held = impl_->load(txn, kind, id);
        if (!held) continue;
        impl_->forgetRecord(txn, *held);
        ++dropped;
      }
      return dropped;
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "记录移出失败 / could not drop records"));
  }
}

Result<void> Store::advanceVersionVector(const VersionVector& vv) {
  try {
    return impl_->writeTxn([&](Txn& txn) -> Result<void> {
      const Origin own = impl_->origin(txn);
      if (auto claim = vv.find(own); claim != vv.end()) {
        const std::uint64_t issued = impl_->heldSeq(txn, own);
        if (claim->second > issued)
          return fail(fmt::format("对方声称持有本节点的第 {} 号变更，但本节点只发出到第 {} 号 / the peer claims this node's "
                                  "change {}, but this node has issued only {}: the claim is false",
                                  claim->second, issued, claim->second, issued));
      }
      for (const auto& [origin, seq] : vv) impl_->raiseVector(txn, origin, seq);
      return {};
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "版本向量写入失败 / could not store version vector"));
  }
}

Result<void> Store::lowerVersionVector(Origin origin, std::uint64_t seq) {
  try {
    return impl_->writeTxn([&](Txn& txn) -> Result<void> {
      if (origin == impl_->origin(txn))
        return fail("不能降低本节点自己的版本号 / this node's own version entry counts what it issued and cannot be lowered");
      if (seq < impl_->heldSeq(txn, origin)) impl_->setVector(origin, seq);
      return {};
    });
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "版本向量写入失败 / could not store version vector"));
  }
}

std::size_t Store::parkedCount() const {
  Txn txn = impl_->readTxn();
  MDB_stat stat;
  lmdb::check(mdb_stat(txn.get(), impl_->parked, &stat), "mdb_stat");
  return stat.ms_entries;
}

std::vector<Conflict> Store::conflicts() const {
  std::vector<Conflict> out;
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->conflicts);
  for (bool ok = cursor.first(); ok; ok = cursor.next()) out.push_back(codec::decodeConflict(cursor.value()));
  return out;
}

Result<void> Store::dismissConflicts(Kind kind, const RecordId& id, const std::string& field) {
  try {
    impl_->writeTxn([&](Txn& txn) {
      std::string prefix = conflictKeyPrefix(kind, id, field);
      std::vector<std::string> keys;
      {
        Cursor cursor(txn, impl_->conflicts);
        for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix); ok = cursor.next())
          keys.emplace_back(cursor.key());
      }
      for (const auto& key : keys) txn.del(impl_->conflicts, key);
    });
    return {};
  } catch (const LmdbError& e) {
    return fail(lmdbFailure(e, impl_->dir, "冲突记录删除失败 / could not dismiss conflicts"));
  }
}

std::string Store::digest() const {
  Blake2b<32> hash;
  auto feed = [&](std::string_view bytes) {
    std::string len;
    codec::putVarint(len, bytes.size());
    hash.update(len).update(bytes);
  };
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->records);
  for (bool ok = cursor.first(); ok; ok = cursor.next()) {
    feed(cursor.key());
    // Only what replicates: name, value and stamp (seq and base travel with the stamp).
    for (const auto& [name, f] : impl_->decodeRecord(txn, cursor.value())) {
      feed(name);
      feed(f.value);
      feed(u64Value(f.stamp.hlc));
      feed(u64Value(f.stamp.origin));
    }
  }
  const auto out = hash.final();
  return hex(out.data(), out.size());
}

Result<void> Store::backup(const std::string& file) const {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return fail(fmt::format("无法创建备份文件 {} / cannot create backup file: {}", file, std::strerror(errno)));
  int rc = 0;
  {
    auto hold = impl_->mapLock.shared();  // the copy reads the map: no resize meanwhile
    rc = mdb_env_copyfd2(impl_->env, fd, MDB_CP_COMPACT);
  }
  ::close(fd);
  if (rc != MDB_SUCCESS) {
    std::filesystem::remove(file);
    return fail(fmt::format("备份失败 / backup failed: {}", mdb_strerror(rc)));
  }
  return {};
}

Result<void> Store::startNewEpoch(Random& random) {
  Origin origin = random.next64() | 1;
  impl_->writeTxn([&](Txn& txn) {
    txn.put(impl_->meta, kMetaEpoch, u64Value(u64Of(txn.get(impl_->meta, kMetaEpoch)) + 1));
    txn.put(impl_->meta, kMetaOrigin, u64Value(origin));
  });
  return {};
}

std::uint64_t Store::lastCommitId() const {
  MDB_envinfo info;
  // mdb_env_info reads the map's meta pages: a resize on another thread must not remap them
  // meanwhile (the change feed's thread asks this while imports grow the map).
  auto hold = impl_->mapLock.shared();
  lmdb::check(mdb_env_info(impl_->env, &info), "mdb_env_info");
  return info.me_last_txnid;
}

void Store::setCommitObserver(std::function<void()> observer) {
  auto shared = observer ? std::make_shared<const std::function<void()>>(std::move(observer)) : nullptr;
  std::lock_guard lock(impl_->observerMutex);
  impl_->commitObserver = std::move(shared);
}

const std::string& Store::path() const { return impl_->dir; }

// --- fingerprints ----------------------------------------------------------------------------
// Two tables kept by storeRecord in the record's own write transaction: fp_hashes (record key
// -> its 16-byte recordHash) and fp_buckets (2-byte bucket -> RangeSum of its records). The
// per-record hashes make a range that cuts a bucket cheap (no record is decoded). The meta
// flag says both cover every record; a data folder from before them is filled once on open.

namespace {

constexpr std::string_view kMetaFingerprintsBuilt = "fingerprints_built";

std::string_view hashBytes(const Hash128& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

Hash128 storedHash(std::string_view value) {
  if (value.size() != 16) throw std::runtime_error("fingerprint table holds a hash that is not 16 bytes");
  Hash128 hash{};
  std::memcpy(hash.data(), value.data(), hash.size());
  return hash;
}

// Sum of the per-record hashes with lo <= key < hi.
RangeSum sumOfHashes(const Store::Impl& impl, const Txn& txn, std::string_view lo, std::string_view hi) {
  RangeSum sum;
  Cursor cursor(txn, impl.fpHashes);
  for (bool ok = cursor.seek(lo); ok && cursor.key() < hi; ok = cursor.next()) sum.add(storedHash(cursor.value()));
  return sum;
}

// Calls `visit(begin, end, sum)` for every non-empty bucket that meets [lo, hi), clipped to
// it; `sum` is the whole bucket's when it lies inside, else the clipped part's.
template <typename Visit>
void forEachBucketIn(const Store::Impl& impl, const Txn& txn, std::string_view lo, std::string_view hi,
                     Visit&& visit) {
  if (!(lo < hi)) return;
  Cursor buckets(txn, impl.fpBuckets);
  for (bool ok = buckets.seek(bucketOf(lo)); ok; ok = buckets.next()) {
    const std::string begin = bucketBegin(buckets.key());
    if (std::string_view(begin) >= hi) break;
    const std::string end = bucketEnd(buckets.key());
    const bool inside = std::string_view(begin) >= lo && std::string_view(end) <= hi;
    const std::string_view clippedBegin = std::max(std::string_view(begin), lo);
    const std::string_view clippedEnd = std::min(std::string_view(end), hi);
    RangeSum sum = inside ? RangeSum::decode(buckets.value()) : sumOfHashes(impl, txn, clippedBegin, clippedEnd);
    if (sum.count > 0) visit(clippedBegin, clippedEnd, sum);
  }
}

}  // namespace

RangeSum& Store::Impl::bucketSum(const Txn& txn, const std::string& key) {
  std::string bucket = bucketOf(key);
  auto it = pending.buckets.find(bucket);
  if (it == pending.buckets.end()) {
    RangeSum held = RangeSum::decode(txn.get(fpBuckets, bucket).value_or(""));
    it = pending.buckets.emplace(std::move(bucket), held).first;
  }
  return it->second;
}

void Store::Impl::updateFingerprint(Txn& txn, const std::optional<Record>& before, const Record& after) {
  std::string key = codec::recordKey(after.kind, after.id);
  const Hash128 hash = recordHash(key, after.fields);
  RangeSum& sum = bucketSum(txn, key);
  // The held hash is the one of the held record: recomputed, not read, since this
  // transaction's hash writes are still collected in pending.
  if (before) sum.remove(recordHash(key, before->fields));
  sum.add(hash);
  pending.hashWrites.put(key, hashBytes(hash));
}

void Store::Impl::removeFingerprint(Txn& txn, const Record& held) {
  std::string key = codec::recordKey(held.kind, held.id);
  bucketSum(txn, key).remove(recordHash(key, held.fields));
  pending.hashWrites.erase(key);
}

void Store::Impl::buildFingerprintsIfMissing(Txn& txn) {
  if (txn.get(meta, kMetaFingerprintsBuilt)) return;
  lmdb::check(mdb_drop(txn.get(), fpHashes, 0), "mdb_drop");
  lmdb::check(mdb_drop(txn.get(), fpBuckets, 0), "mdb_drop");
  std::map<std::string, RangeSum> buckets;
  Cursor cursor(txn, records);
  for (bool ok = cursor.first(); ok; ok = cursor.next()) {
    const Hash128 hash = recordHash(cursor.key(), decodeRecord(txn, cursor.value()));
    txn.put(fpHashes, cursor.key(), hashBytes(hash), MDB_APPEND);  // records come in key order
    buckets[bucketOf(cursor.key())].add(hash);
  }
  for (const auto& [bucket, sum] : buckets) txn.put(fpBuckets, bucket, sum.encode());
  txn.put(meta, kMetaFingerprintsBuilt, "1");
}

constexpr std::string_view kMetaCountersVersion = "counters_version";

void Store::Impl::noticeLongWork(const Txn& txn, std::string_view zh, std::string_view en) {
  if (!options.notice) return;
  // Said once, though the work starts again when the map fills up midway.
  if (!noticed.emplace(zh).second) return;
  Cursor cursor(txn, records);
  if (!cursor.first()) return;  // nothing held: nothing long
  options.notice(fmt::format("数据目录由较早的版本建立：正在为已有记录{}，只做这一次，记录多时需要几分钟… / "
                             "the data folder was made by an earlier version: {} the records held, once; "
                             "with many records this takes minutes…", zh, en));
}

void Store::Impl::recountIfStale(Txn& txn) {
  if (!options.counters || txn.get(meta, kMetaCountersVersion) == std::optional<std::string_view>(options.countersVersion)) return;
  noticeLongWork(txn, "重新统计", "recounting the figures of");
  lmdb::check(mdb_drop(txn.get(), counters, 0), "mdb_drop");
  std::map<std::string, std::int64_t> sums;
  std::vector<std::pair<std::string, std::int64_t>> deltas;
  Cursor cursor(txn, records);
  for (bool ok = cursor.first(); ok; ok = cursor.next()) {
    Record r;
    codec::decodeRecordKey(cursor.key(), r.kind, r.id);
    r.fields = decodeRecord(txn, cursor.value());
    deltas.clear();
    options.counters(r, deltas);
    for (const auto& [key, delta] : deltas) sums[key] = saturatingAdd(sums[key], delta);
  }
  for (const auto& [key, value] : sums)
    if (value > 0) txn.put(counters, key, u64Value(static_cast<std::uint64_t>(value)), MDB_APPEND);
  txn.put(meta, kMetaCountersVersion, options.countersVersion);
}

constexpr std::string_view kMetaIndexVersion = "index_version";

void Store::Impl::reindexIfStale(Txn& txn) {
  // A store that holds no version was made before derived indexes existed.
  if (txn.get(meta, kMetaIndexVersion).value_or("") == options.indexVersion) return;
  noticeLongWork(txn, "建立查找索引（拼音）", "indexing for search (pinyin)");
  rebuildIndexes(txn, [](const IndexedField& indexed) { return bool(indexed.keysOf); });  // plain ones never change
  txn.put(meta, kMetaIndexVersion, options.indexVersion);
}

void Store::Impl::rebuildIndexes(Txn& txn, const std::function<bool(const IndexedField&)>& which) {
  for (std::size_t i = 0; i < options.indexedFields.size(); ++i) {
    const IndexedField& indexed = options.indexedFields[i];
    if (!which(indexed)) continue;
    const std::string prefix = indexKey(indexed.kind, indexTags[i], "");
    {
      Cursor cursor(txn, index);
      for (bool ok = cursor.seek(prefix); ok && cursor.key().starts_with(prefix); ok = cursor.next())
        pending.indexWrites.erase(cursor.key(), cursor.value());
    }
    auto names = namesFor(txn);
    Cursor cursor(txn, records);
    const std::string kindPrefix(1, static_cast<char>(indexed.kind));
    for (bool ok = cursor.seek(kindPrefix); ok && cursor.key().starts_with(kindPrefix); ok = cursor.next()) {
      Record r;
      codec::decodeRecordKey(cursor.key(), r.kind, r.id);
      r.fields = codec::decodeFields(cursor.value(), names);
      for (const auto& key : indexKeysOf(indexed, r.get(indexed.field)))
        pending.indexWrites.put(indexKey(r.kind, indexTags[i], key), idBytes(r.id));
    }
  }
  pending.indexWrites.flush(txn, index);
}

void Store::Impl::numberIndexes(Txn& txn) {
  auto names = namesFor(txn);
  indexTags.clear();
  for (const auto& indexed : options.indexedFields) {
    std::string tag;
    codec::putVarint(tag, names.numberOf(indexed.indexName()));
    indexTags.push_back(std::move(tag));
  }
}

const std::string* Store::Impl::indexTag(Kind kind, std::string_view name) const {
  for (std::size_t i = 0; i < options.indexedFields.size(); ++i)
    if (options.indexedFields[i].kind == kind && options.indexedFields[i].indexName() == name) return &indexTags[i];
  return nullptr;
}

void Store::Impl::convertFromFormat1(Txn& txn) {
  noticeLongWork(txn, "转换存储格式", "re-encoding (new store format)");
  auto names = namesFor(txn);
  {
    SortedWrites converted;  // records come in key order: the puts walk the table once
    Cursor cursor(txn, records);
    for (bool ok = cursor.first(); ok; ok = cursor.next())
      converted.put(cursor.key(), codec::encodeFields(codec::decodeFieldsFormat1(cursor.value()), names));
    converted.flush(txn, records);
  }
  // Format 1 kept one plain entry per (index name, value, id): the table is made anew with
  // sorted duplicates, and every index is built in it.
  lmdb::check(mdb_drop(txn.get(), index, 1), "mdb_drop");
  lmdb::check(mdb_dbi_open(txn.get(), "index", kIndexTableFlags, &index), "mdb_dbi_open");
  rebuildIndexes(txn, [](const IndexedField&) { return true; });
}

Fingerprint Store::fingerprint() const {
  Txn txn = impl_->readTxn();
  RangeSum sum;
  Cursor buckets(txn, impl_->fpBuckets);
  for (bool ok = buckets.first(); ok; ok = buckets.next()) sum.add(RangeSum::decode(buckets.value()));
  return fingerprintOf(sum);
}

Fingerprint Store::rangeFingerprint(std::string_view lo, std::string_view hi) const {
  Txn txn = impl_->readTxn();
  RangeSum total;
  forEachBucketIn(*impl_, txn, lo, hi, [&](std::string_view, std::string_view, const RangeSum& sum) { total.add(sum); });
  return fingerprintOf(total);
}

std::vector<FingerprintItem> Store::rangeItems(std::string_view lo, std::string_view hi, std::size_t limit) const {
  std::vector<FingerprintItem> items;
  Txn txn = impl_->readTxn();
  Cursor cursor(txn, impl_->fpHashes);
  for (bool ok = cursor.seek(lo); ok && cursor.key() < hi && items.size() < limit; ok = cursor.next())
    items.push_back(FingerprintItem{std::string(cursor.key()), storedHash(cursor.value())});
  return items;
}

std::vector<KeyRange> Store::splitRange(std::string_view lo, std::string_view hi, std::size_t parts) const {
  std::vector<std::string> cuts;  // interior boundaries, increasing, inside (lo, hi)
  if (lo < hi && parts >= 2) {
    Txn txn = impl_->readTxn();
    struct Segment {
      std::string begin, end;
      std::uint64_t count;
    };
    std::vector<Segment> segments;
    std::uint64_t total = 0;
    forEachBucketIn(*impl_, txn, lo, hi, [&](std::string_view begin, std::string_view end, const RangeSum& sum) {
      segments.push_back(Segment{std::string(begin), std::string(end), sum.count});
      total += sum.count;
    });
    if (segments.size() >= 2) {
      // Whole buckets: close a group once it holds its share; a big bucket is a group alone.
      const std::uint64_t share = (total + parts - 1) / parts;
      std::uint64_t inGroup = 0;
      for (std::size_t i = 0; i + 1 < segments.size() && cuts.size() + 1 < parts; ++i) {
        inGroup += segments[i].count;
        if (inGroup >= share) {
          cuts.push_back(segments[i + 1].begin);
          inGroup = 0;
        }
      }
    } else if (segments.size() == 1 && segments[0].count >= 2) {
      // One bucket: cut at every (count / parts)-th record key.
      const std::uint64_t n = segments[0].count;
      const std::uint64_t k = std::min<std::uint64_t>(parts, n);
      std::uint64_t index = 0, next = 1;
      Cursor cursor(txn, impl_->fpHashes);
      for (bool ok = cursor.seek(segments[0].begin); ok && cursor.key() < hi && next < k; ok = cursor.next(), ++index) {
        if (index == n * next / k) {
          cuts.emplace_back(cursor.key());
          ++next;
        }
      }
    }
  }
  std::vector<KeyRange> ranges;
  std::string from(lo);
  for (auto& cut : cuts) {
    ranges.push_back(KeyRange{from, cut});
    from = std::move(cut);
  }
  ranges.push_back(KeyRange{std::move(from), std::string(hi)});
  return ranges;
}

std::vector<Change> Store::recordAsChanges(Kind kind, const RecordId& id) const {
  auto record = get(kind, id);
  if (!record) return {};
  std::map<std::pair<Origin, std::uint64_t>, Change> byWrite;
  for (const auto& [name, f] : record->fields) {
    auto [it, inserted] = byWrite.try_emplace({f.stamp.origin, f.seq});
    Change& c = it->second;
    if (inserted) c = Change{kind, id, f.stamp.origin, f.seq, f.stamp.hlc, {}};
    c.fields.push_back(FieldWrite{name, f.value, f.base});
  }
  std::vector<Change> changes;
  changes.reserve(byWrite.size());
  Txn txn = impl_->readTxn();
  for (auto& [write, change] : byWrite) {
    change.signature = impl_->signatureOf(txn, write.first, write.second);
    changes.push_back(std::move(change));
  }
  return changes;
}

Fingerprint Store::fingerprintFromScratch() const {
  Txn txn = impl_->readTxn();
  RangeSum sum;
  Cursor cursor(txn, impl_->records);
  for (bool ok = cursor.first(); ok; ok = cursor.next())
    sum.add(recordHash(cursor.key(), impl_->decodeRecord(txn, cursor.value())));
  return fingerprintOf(sum);
}
// --- end of fingerprints ---

}  // namespace unionsync

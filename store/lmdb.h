// Thin RAII layer over LMDB. Internal to store/: nothing outside store/ includes it.
//
// Errors from LMDB throw LmdbError: the store catches MDB_MAP_FULL to grow the map and
// retry, and turns the rest into Error values at its public boundary.
#pragma once

#include <lmdb.h>

#include <cstring>
#include <optional>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace unionsync::lmdb {

class LmdbError : public std::runtime_error {
 public:
  LmdbError(int code, const std::string& what);
  int code() const { return code_; }

 private:
  int code_;
};

// Throws LmdbError unless rc == MDB_SUCCESS.
void check(int rc, const char* what);

// Whether the error means the disk (or the map, which could not grow) has no room left:
// ENOSPC, EDQUOT, EFBIG or MDB_MAP_FULL.
bool isDiskFull(int code);

// mdb_env_set_mapsize must not run while any transaction of this process is open (LMDB
// unmaps and remaps the file under it). Every Txn given this lock holds it shared; a resize
// holds it exclusively (see exclusive()).
class MapLock {
 public:
  // Exclusive hold for a resize. When the calling thread itself holds a transaction (a write
  // inside a read, which the store does not do), waiting would deadlock: the lock is then not
  // taken, and the resize runs as LMDB alone would allow.
  std::unique_lock<std::shared_mutex> exclusive();
  std::shared_lock<std::shared_mutex> shared();

 private:
  std::shared_mutex mutex_;
};

inline MDB_val val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view view(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// A transaction; aborted on destruction unless committed.
class Txn {
 public:
  // With `mapLock`, holds it shared until the transaction ends (see MapLock).
  Txn(MDB_env* env, bool write, MapLock* mapLock = nullptr);
  ~Txn();
  Txn(const Txn&) = delete;
  Txn& operator=(const Txn&) = delete;

  void commit();
  MDB_txn* get() const { return txn_; }
  bool writable() const { return write_; }

  // Empty when absent. The view is valid until the transaction ends or writes to that page.
  std::optional<std::string_view> get(MDB_dbi dbi, std::string_view key) const;
  void put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags = 0);
  // Returns false when the key was absent.
  bool del(MDB_dbi dbi, std::string_view key);

 private:
  std::shared_lock<std::shared_mutex> mapHold_;  // released after the transaction ends
  MDB_txn* txn_ = nullptr;
  bool write_;
};

// A cursor over one database inside a transaction.
class Cursor {
 public:
  Cursor(const Txn& txn, MDB_dbi dbi);
  ~Cursor();
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Positions at the first key >= `key`; false at the end.
  bool seek(std::string_view key);
  bool first();
  bool next();
  // Puts `value` under `key` and leaves the cursor there: the next put of a key on the same
  // page then finds its place without descending the tree from the root.
  void put(std::string_view key, std::string_view value);
  // Deletes `key`; false when it was absent. The cursor is left near it, as put does.
  bool erase(std::string_view key);
  // In a table of sorted duplicates (MDB_DUPSORT): adds `value` under `key` (no error when held)
  // and deletes that one value (false when it was absent).
  void putDuplicate(std::string_view key, std::string_view value);
  bool eraseDuplicate(std::string_view key, std::string_view value);
  std::string_view key() const { return view(key_); }
  std::string_view value() const { return view(value_); }

 private:
  bool step(MDB_cursor_op op);
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{};
  MDB_val value_{};
};

// Big-endian fixed-width integers sort in numeric order as LMDB keys.
inline void appendBigEndian(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
inline std::uint64_t readBigEndian(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(in[i]);
  return v;
}

}  // namespace unionsync::lmdb

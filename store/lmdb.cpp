#include "store/lmdb.h"

#include <cerrno>

namespace unionsync::lmdb {

namespace {
// Transactions holding a MapLock shared on this thread (see MapLock::exclusive).
thread_local int heldByThisThread = 0;
}  // namespace

LmdbError::LmdbError(int code, const std::string& what)
    : std::runtime_error(what + ": " + mdb_strerror(code)), code_(code) {}

void check(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw LmdbError(rc, what);
}

// EFBIG (a file-size limit reached) leaves no room just as a full disk does.
bool isDiskFull(int code) {
  return code == ENOSPC || code == EDQUOT || code == EFBIG || code == MDB_MAP_FULL;
}

std::unique_lock<std::shared_mutex> MapLock::exclusive() {
  if (heldByThisThread > 0) return {};
  return std::unique_lock(mutex_);
}

std::shared_lock<std::shared_mutex> MapLock::shared() { return std::shared_lock(mutex_); }

Txn::Txn(MDB_env* env, bool write, MapLock* mapLock) : write_(write) {
  if (mapLock) mapHold_ = mapLock->shared();
  int rc = mdb_txn_begin(env, nullptr, write ? 0 : MDB_RDONLY, &txn_);
  if (rc != MDB_SUCCESS) txn_ = nullptr;
  check(rc, "mdb_txn_begin");
  if (mapHold_) ++heldByThisThread;
}

Txn::~Txn() {
  if (txn_) mdb_txn_abort(txn_);
  if (mapHold_) --heldByThisThread;
}

void Txn::commit() {
  MDB_txn* txn = txn_;
  txn_ = nullptr;  // mdb_txn_commit frees the handle even when it fails
  check(mdb_txn_commit(txn), "mdb_txn_commit");
}

std::optional<std::string_view> Txn::get(MDB_dbi dbi, std::string_view key) const {
  MDB_val k = val(key);
  MDB_val v;
  int rc = mdb_get(txn_, dbi, &k, &v);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  check(rc, "mdb_get");
  return view(v);
}

void Txn::put(MDB_dbi dbi, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = val(key);
  MDB_val v = val(value);
  check(mdb_put(txn_, dbi, &k, &v, flags), "mdb_put");
}

bool Txn::del(MDB_dbi dbi, std::string_view key) {
  MDB_val k = val(key);
  int rc = mdb_del(txn_, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_del");
  return true;
}

Cursor::Cursor(const Txn& txn, MDB_dbi dbi) {
  check(mdb_cursor_open(txn.get(), dbi, &cursor_), "mdb_cursor_open");
}

Cursor::~Cursor() { mdb_cursor_close(cursor_); }

bool Cursor::step(MDB_cursor_op op) {
  int rc = mdb_cursor_get(cursor_, &key_, &value_, op);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_cursor_get");
  return true;
}

bool Cursor::seek(std::string_view key) {
  key_ = val(key);
  return step(MDB_SET_RANGE);
}

bool Cursor::first() { return step(MDB_FIRST); }

void Cursor::put(std::string_view key, std::string_view value) {
  MDB_val k = val(key);
  MDB_val v = val(value);
  check(mdb_cursor_put(cursor_, &k, &v, 0), "mdb_cursor_put");
}

void Cursor::putDuplicate(std::string_view key, std::string_view value) {
  MDB_val k = val(key);
  MDB_val v = val(value);
  const int rc = mdb_cursor_put(cursor_, &k, &v, MDB_NODUPDATA);
  if (rc != MDB_KEYEXIST) check(rc, "mdb_cursor_put");
}

bool Cursor::eraseDuplicate(std::string_view key, std::string_view value) {
  MDB_val k = val(key);
  MDB_val v = val(value);
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_GET_BOTH);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_cursor_get");
  check(mdb_cursor_del(cursor_, 0), "mdb_cursor_del");
  return true;
}

bool Cursor::erase(std::string_view key) {
  MDB_val k = val(key);
  MDB_val v{};
  int rc = mdb_cursor_get(cursor_, &k, &v, MDB_SET);
  if (rc == MDB_NOTFOUND) return false;
  check(rc, "mdb_cursor_get");
  check(mdb_cursor_del(cursor_, 0), "mdb_cursor_del");
  return true;
}
bool Cursor::next() { return step(MDB_NEXT); }

}  // namespace unionsync::lmdb

// Edits a store's LMDB file directly, as a bug, a bad restore or an older version would have
// left it (tests of what the store does with such data). The store must be closed.
#pragma once

#include <doctest/doctest.h>
#include <lmdb.h>

#include <functional>
#include <string>

namespace unionsync::testing {

// Runs `edit` in one write transaction of the environment in `dir`, then commits.
inline void editLmdb(const std::string& dir, const std::function<void(MDB_txn*)>& edit) {
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 16);
  REQUIRE(mdb_env_open(env, dir.c_str(), 0, 0600) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  edit(txn);
  REQUIRE(mdb_txn_commit(txn) == 0);
  mdb_env_close(env);
}

// The named table of the store (it must exist).
inline MDB_dbi tableOf(MDB_txn* txn, const char* name) {
  MDB_dbi dbi{};
  REQUIRE(mdb_dbi_open(txn, name, 0, &dbi) == 0);
  return dbi;
}

}  // namespace unionsync::testing

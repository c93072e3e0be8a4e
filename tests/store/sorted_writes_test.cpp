// SortedWrites: the collected writes, made in key order, leave the table as the same writes
// made one by one would; and the store's index and fingerprints, now written that way, stay
// right when one batch writes a record several times.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <lmdb.h>

#include <map>
#include <random>
#include <set>
#include <string>

#include "store/lmdb.h"
#include "store/sorted_writes.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

struct Env {
  TempDir dir;
  MDB_env* env = nullptr;
  MDB_dbi dbi{};
  Env() {
    lmdb::check(mdb_env_create(&env), "create");
    lmdb::check(mdb_env_set_mapsize(env, std::size_t{256} << 20), "mapsize");
    lmdb::check(mdb_env_set_maxdbs(env, 4), "maxdbs");
    lmdb::check(mdb_env_open(env, dir.path().c_str(), MDB_NOSYNC, 0600), "open");
    lmdb::Txn txn(env, true);
    lmdb::check(mdb_dbi_open(txn.get(), nullptr, 0, &dbi), "dbi");
    txn.commit();
  }
  ~Env() { mdb_env_close(env); }
  std::map<std::string, std::string> contents() const {
    std::map<std::string, std::string> out;
    lmdb::Txn txn(env, false);
    lmdb::Cursor cursor(txn, dbi);
    for (bool ok = cursor.first(); ok; ok = cursor.next()) out.emplace(cursor.key(), cursor.value());
    return out;
  }
};

}  // namespace

TEST_CASE("sorted writes leave the table as the same writes made one by one") {
  Env env;
  std::map<std::string, std::string> model;
  std::mt19937 rng(7);
  // Few keys, so many repeats; short ones, ones that are prefixes of others and ones with NUL
  // bytes within their first eight, where comparing the first eight bytes alone cannot decide.
  auto keyOf = [&] {
    const unsigned n = rng() % 3000;
    switch (n % 4) {
      case 0: return fmt::format("k{}", n);
      case 1: return std::string("k\0", 2) + std::to_string(n % 40);
      case 2: return std::string(1 + n % 8, '\0');
      default: return fmt::format("k{}", n / 100);
    }
  };
  for (int round = 0; round < 4; ++round) {
    lmdb::Txn txn(env.env, true);
    SortedWrites writes;
    // The last round is large enough to be sorted in two halves on two threads.
    const int count = round == 3 ? 100'000 : 5000;
    for (int i = 0; i < count; ++i) {
      const std::string key = keyOf();
      if (rng() % 3 == 0) {
        writes.erase(key);  // often a key that is absent, or put earlier in this batch
        model.erase(key);
      } else {
        const std::string value = fmt::format("v{}{}", i, std::string(rng() % 40, 'x'));
        writes.put(key, value);
        model[key] = value;
      }
    }
    CHECK_FALSE(writes.empty());
    writes.flush(txn, env.dbi);
    CHECK(writes.empty());
    txn.commit();
    REQUIRE(env.contents() == model);
  }
}

TEST_CASE("sorted writes of duplicates add and remove single (key, value) pairs, the last write of a pair winning") {
  Env env;
  {
    lmdb::Txn txn(env.env, true);
    lmdb::check(mdb_dbi_open(txn.get(), "dups", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &env.dbi), "dbi");
    txn.commit();
  }
  std::set<std::pair<std::string, std::string>> model;
  std::mt19937 rng(11);
  for (int round = 0; round < 4; ++round) {
    lmdb::Txn txn(env.env, true);
    SortedWrites writes(SortedWrites::Table::Duplicates);
    for (int i = 0; i < 5000; ++i) {
      // Few keys with many values each (a union's members), values of one fixed size.
      const std::string key = fmt::format("org{}", rng() % 7);
      const std::string value = fmt::format("{:016}", rng() % 900);
      if (rng() % 3 == 0) {
        writes.erase(key, value);
        model.erase({key, value});
      } else {
        writes.put(key, value);
        model.insert({key, value});
      }
    }
    writes.flush(txn, env.dbi);
    txn.commit();
    std::set<std::pair<std::string, std::string>> held;
    lmdb::Txn read(env.env, false);
    lmdb::Cursor cursor(read, env.dbi);
    for (bool ok = cursor.first(); ok; ok = cursor.next()) held.emplace(cursor.key(), cursor.value());
    REQUIRE(held == model);
  }
}

TEST_CASE("a batch that writes a record's indexed field several times keeps only the last value indexed") {
  TempDir dir;
  ManualClock clock{1'700'000'000'000};
  SeededRandom random(3);
  StoreOptions options;
  options.durable = false;
  options.indexedFields = {{Kind::Member, "name"}};
  auto store = std::move(Store::create(dir.sub("n"), "n", std::move(options), clock, random).value());
  RecordId a, b;
  a.bytes[15] = 1;
  b.bytes[15] = 2;
  REQUIRE(store->write(Kind::Member, b, {{"name", "王五"}}).has_value());
  std::vector<Store::LocalWrite> batch = {
      {Kind::Member, a, {{"name", "张三"}}}, {Kind::Member, a, {{"name", "李四"}}},
      {Kind::Member, b, {{"name", "赵六"}}}, {Kind::Member, a, {{"name", "张三"}}},
      {Kind::Member, b, {{"name", "王五"}}}};
  REQUIRE(store->writeMany(batch).has_value());
  auto find = [&](const std::string& name) { return store->lookup(IndexQuery{Kind::Member, "name", name}); };
  CHECK(find("张三") == std::vector<RecordId>{a});
  CHECK(find("王五") == std::vector<RecordId>{b});
  CHECK(find("李四").empty());
  CHECK(find("赵六").empty());
  CHECK(store->fingerprint() == store->fingerprintFromScratch());
  REQUIRE(store->forget({{Kind::Member, a}}).has_value());
  CHECK(find("张三").empty());
  CHECK(store->fingerprint() == store->fingerprintFromScratch());
}

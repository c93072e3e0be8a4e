// The incremental range fingerprint (store.h "fingerprints"): kept in the write transaction,
// equal to a recompute from scratch after random writes and merges, order-insensitive, built
// once on open for a data folder that lacks it; range fingerprints, items, splits and the
// record-as-changes repair form.
#include <doctest/doctest.h>

#include <algorithm>

#include <fmt/format.h>

#include "store/store.h"
#include "tests/support/lmdb_edit.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::editLmdb;
using unionsync::testing::tableOf;
using unionsync::testing::TempDir;

namespace {

StoreOptions testOptions() {
  StoreOptions options;
  options.durable = false;
  options.initialMapSize = std::size_t{1} << 26;
  return options;
}

struct Node {
  ManualClock clock{1'700'000'000'000};
  std::unique_ptr<Store> store;
  std::string dir;
  Node(const TempDir& tmp, const std::string& name, SeededRandom& random) : dir(tmp.sub(name)) {
    store = std::move(Store::create(dir, name, testOptions(), clock, random).value());
  }
};

std::string keyOf(Kind kind, const RecordId& id) {
  std::string key(1, static_cast<char>(kind));
  key.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  return key;
}

// The fingerprint of [lo, hi) recomputed from the records themselves.
Fingerprint slowRangeFingerprint(const Store& store, std::string_view lo, std::string_view hi) {
  RangeSum sum;
  for (Kind kind : {Kind::Organization, Kind::Employer, Kind::Member, Kind::MembershipEvent, Kind::Activity}) {
    store.forEach(kind, [&](const Record& r) {
      std::string key = keyOf(r.kind, r.id);
      if (key >= lo && key < hi) sum.add(recordHash(key, r.fields));
      return true;
    });
  }
  return fingerprintOf(sum);
}

RecordId randomId(SeededRandom& random) {
  RecordId id;
  random.fill(id.bytes.data(), id.bytes.size());
  return id;
}

std::string randomKey(SeededRandom& random) {
  std::string key(kRecordKeyBytes, '\0');
  key[0] = static_cast<char>(1 + random.below(5));
  for (std::size_t i = 1; i < key.size(); ++i) key[i] = static_cast<char>(random.below(256));
  return key;
}

std::vector<Change> allChanges(const Store& store) {
  ChangeBatch batch = store.changesSince({}, {}, SIZE_MAX, SIZE_MAX);
  return batch.changes;
}

}  // namespace

TEST_CASE("fingerprint: RangeSum add and remove are inverse, with carries") {
  Hash128 allOnes;
  allOnes.fill(0xff);
  Hash128 one{};
  one[0] = 1;
  RangeSum sum;
  sum.add(allOnes);
  sum.add(one);  // 2^128 - 1 + 1 wraps to zero through both words
  CHECK(sum.low == 0);
  CHECK(sum.high == 0);
  CHECK(sum.count == 2);
  sum.remove(one);
  CHECK(sum.low == ~std::uint64_t{0});
  CHECK(sum.high == ~std::uint64_t{0});
  sum.remove(allOnes);
  CHECK(sum == RangeSum{});
  CHECK(RangeSum::decode(sum.encode()) == sum);
  CHECK(RangeSum::decode("short") == RangeSum{});
}

TEST_CASE("fingerprint: bucket boundaries, including the last bucket") {
  CHECK(bucketBegin(std::string("\x03\x10", 2)) == std::string("\x03\x10", 2) + std::string(15, '\0'));
  CHECK(bucketEnd(std::string("\x03\xff", 2)) == std::string("\x04\x00", 2) + std::string(15, '\0'));
  CHECK(bucketEnd(std::string("\xff\xff", 2)) == keySpaceEnd());
  CHECK(validRecordKey(std::string(1, '\x03') + std::string(16, 'a')));
  CHECK_FALSE(validRecordKey(std::string(1, '\x40') + std::string(16, 'a')));
  CHECK_FALSE(validRecordKey(std::string(1, '\x03') + std::string(15, 'a')));
}

TEST_CASE("fingerprint: equal after the same changes applied in different orders") {
  TempDir tmp;
  SeededRandom random(7);
  Node source(tmp, "source", random), a(tmp, "a", random), b(tmp, "b", random);
  std::vector<RecordId> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(randomId(random));
  for (int i = 0; i < 300; ++i) {
    source.clock.advance(1);
    const RecordId& id = ids[random.below(ids.size())];
    REQUIRE(source.store->write(Kind::Member, id, {{"name", fmt::format("n{}", random.below(9))},
                                                    {"mobile", fmt::format("{}", random.below(5))}})
                .has_value());
  }
  std::vector<Change> changes = allChanges(*source.store);
  REQUIRE(changes.size() > 10);
  REQUIRE(a.store->apply(changes).has_value());
  std::reverse(changes.begin(), changes.end());
  for (const Change& c : changes) REQUIRE(b.store->apply({c}).has_value());
  CHECK(a.store->digest() == b.store->digest());
  CHECK(a.store->fingerprint() == b.store->fingerprint());
  CHECK(a.store->fingerprint() == source.store->fingerprint());
  CHECK(a.store->fingerprint().count == ids.size());
  CHECK(b.store->fingerprint() == b.store->fingerprintFromScratch());
  // One more field on one side: the fingerprints part.
  REQUIRE(b.store->write(Kind::Member, ids[0], {{"notes", "x"}}).has_value());
  CHECK_FALSE(a.store->fingerprint() == b.store->fingerprint());
}

TEST_CASE("fingerprint: incremental value equals a recompute from scratch over random writes and merges") {
  TempDir tmp;
  SeededRandom random(11);
  Node a(tmp, "a", random), b(tmp, "b", random);
  std::vector<std::pair<Kind, RecordId>> ids;
  for (int i = 0; i < 60; ++i) {
    RecordId id = randomId(random);
    id.bytes[0] = static_cast<std::uint8_t>(random.below(3));  // crowd a few buckets
    ids.emplace_back(random.below(3) == 0 ? Kind::Activity : Kind::Member, id);
  }
  for (int step = 0; step < 400; ++step) {
    Node& n = random.below(2) == 0 ? a : b;
    n.clock.advance(static_cast<std::int64_t>(random.below(3)));
    auto [kind, id] = ids[random.below(ids.size())];
    static const char* kFields[] = {"name", "mobile", "org", "deleted"};
    std::string value = random.below(4) == 0 ? "" : std::to_string(random.below(5));
    REQUIRE(n.store->write(kind, id, {{kFields[random.below(4)], value}}).has_value());
    if (step % 37 == 0) {  // merge one way, both ways sometimes
      REQUIRE(b.store->apply(allChanges(*a.store)).has_value());
      if (step % 2 == 0) REQUIRE(a.store->apply(allChanges(*b.store)).has_value());
    }
    if (step % 25 == 0) {
      CHECK(a.store->fingerprint() == a.store->fingerprintFromScratch());
      CHECK(b.store->fingerprint() == b.store->fingerprintFromScratch());
      std::string lo = randomKey(random), hi = randomKey(random);
      if (hi < lo) std::swap(lo, hi);
      CHECK(a.store->rangeFingerprint(lo, hi) == slowRangeFingerprint(*a.store, lo, hi));
    }
  }
  REQUIRE(b.store->apply(allChanges(*a.store)).has_value());
  REQUIRE(a.store->apply(allChanges(*b.store)).has_value());
  CHECK(a.store->digest() == b.store->digest());
  CHECK(a.store->fingerprint() == b.store->fingerprint());
  CHECK(a.store->fingerprint() == a.store->fingerprintFromScratch());
  CHECK(a.store->rangeFingerprint(keySpaceBegin(), keySpaceEnd()) == a.store->fingerprint());
}

TEST_CASE("fingerprint: range fingerprints, items and splits agree with the records") {
  TempDir tmp;
  SeededRandom random(3);
  Node n(tmp, "n", random);
  std::vector<Store::LocalWrite> writes;
  for (int i = 0; i < 3000; ++i)
    writes.push_back({i % 4 == 0 ? Kind::Organization : Kind::Member, randomId(random), {{"name", std::to_string(i)}}});
  REQUIRE(n.store->writeMany(writes).has_value());
  const Fingerprint top = n.store->fingerprint();
  CHECK(top.count == 3000);

  SUBCASE("a split covers the range exactly, balanced, and the parts sum to the whole") {
    auto parts = n.store->splitRange(keySpaceBegin(), keySpaceEnd(), 16);
    REQUIRE(parts.size() >= 8);
    REQUIRE(parts.size() <= 16);
    CHECK(parts.front().lo == keySpaceBegin());
    CHECK(parts.back().hi == keySpaceEnd());
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) CHECK(parts[i].lo == parts[i - 1].hi);
      CHECK(parts[i].lo < parts[i].hi);
      Fingerprint fp = n.store->rangeFingerprint(parts[i].lo, parts[i].hi);
      CHECK(fp.count <= 3000 / 8);
      CHECK(fp == slowRangeFingerprint(*n.store, parts[i].lo, parts[i].hi));
      total += fp.count;
    }
    CHECK(total == 3000);
  }
  SUBCASE("a range inside one bucket splits at record keys") {
    std::string bucket = bucketOf(keyOf(writes[1].kind, writes[1].id));
    std::string lo = bucketBegin(bucket), hi = bucketEnd(bucket);
    Fingerprint whole = n.store->rangeFingerprint(lo, hi);
    REQUIRE(whole.count >= 4);
    auto parts = n.store->splitRange(lo, hi, 4);
    CHECK(parts.size() == 4);
    std::uint64_t total = 0;
    for (const auto& p : parts) {
      auto items = n.store->rangeItems(p.lo, p.hi);
      CHECK(items.size() == n.store->rangeFingerprint(p.lo, p.hi).count);
      RangeSum sum;
      for (const auto& item : items) {
        CHECK(item.key >= p.lo);
        CHECK(item.key < p.hi);
        sum.add(item.hash);
      }
      CHECK(fingerprintOf(sum) == slowRangeFingerprint(*n.store, p.lo, p.hi));
      total += items.size();
    }
    CHECK(total == whole.count);
  }
  SUBCASE("empty, inverted and one-record ranges") {
    CHECK(n.store->rangeFingerprint(keySpaceEnd(), keySpaceBegin()).count == 0);
    CHECK(n.store->splitRange(keySpaceEnd(), keySpaceBegin(), 16).size() == 1);
    std::string key = keyOf(writes[0].kind, writes[0].id);
    std::string after = key + std::string(1, '\0');  // the next possible key
    CHECK(n.store->rangeFingerprint(key, after).count == 1);
    CHECK(n.store->splitRange(key, after, 16) == std::vector<KeyRange>{{key, after}});
    CHECK(n.store->rangeItems(keySpaceBegin(), keySpaceEnd(), 5).size() == 5);
  }
}

TEST_CASE("fingerprint: a data folder without the tables builds them once on open") {
  TempDir tmp;
  SeededRandom random(5);
  std::string dir;
  Fingerprint before;
  {
    Node n(tmp, "old", random);
    dir = n.dir;
    std::vector<Store::LocalWrite> writes;
    for (int i = 0; i < 500; ++i) writes.push_back({Kind::Member, randomId(random), {{"name", std::to_string(i)}}});
    REQUIRE(n.store->writeMany(writes).has_value());
    before = n.store->fingerprint();
  }
  // As a data folder written before fingerprints existed: no tables, no flag.
  editLmdb(dir, [](MDB_txn* txn) {
    CHECK(mdb_drop(txn, tableOf(txn, "fp_hashes"), 1) == 0);
    CHECK(mdb_drop(txn, tableOf(txn, "fp_buckets"), 1) == 0);
    std::string flag = "fingerprints_built";
    MDB_val key{flag.size(), flag.data()};
    CHECK(mdb_del(txn, tableOf(txn, "meta"), &key, nullptr) == 0);
  });
  ManualClock clock{1'700'000'000'000};
  auto reopened = Store::open(dir, testOptions(), clock);
  REQUIRE(reopened.has_value());
  CHECK((*reopened)->fingerprint() == before);
  CHECK((*reopened)->fingerprint().count == 500);
  CHECK((*reopened)->fingerprint() == (*reopened)->fingerprintFromScratch());
}

TEST_CASE("fingerprint: recordAsChanges rebuilds the record at another store (same hash)") {
  TempDir tmp;
  SeededRandom random(9);
  Node a(tmp, "a", random), b(tmp, "b", random), c(tmp, "c", random);
  RecordId id = randomId(random);
  REQUIRE(a.store->write(Kind::Member, id, {{"name", "张三"}, {"mobile", "1"}}).has_value());
  REQUIRE(b.store->apply(allChanges(*a.store)).has_value());
  b.clock.advance(5);
  REQUIRE(b.store->write(Kind::Member, id, {{"mobile", "2"}, {"notes", "n"}}).has_value());
  auto changes = b.store->recordAsChanges(Kind::Member, id);
  REQUIRE(changes.size() == 2);  // one per (origin, seq) still live
  CHECK(changes[0].origin < changes[1].origin);
  CHECK(b.store->recordAsChanges(Kind::Member, randomId(random)).empty());
  REQUIRE(c.store->apply(changes).has_value());
  CHECK(c.store->fingerprint() == b.store->fingerprint());
  CHECK(c.store->digest() == b.store->digest());
}

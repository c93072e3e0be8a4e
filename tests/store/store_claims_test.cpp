// What the store refuses (docs/STORE.md "What the store refuses"): wrapping numbers, stamps
// from the future, lies about (origin, seq), text that is not text, and the application's
// verdicts on received changes (refusal and parking).
#include <doctest/doctest.h>
#include <lmdb.h>

#include <cstring>

#include <cstdint>
#include <limits>

#include "store/format_version.h"
#include "store/hlc.h"
#include "store/store.h"
#include "store/utf8.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kMinute = 60'000;

RecordId idOf(std::uint8_t n) {
  RecordId id;
  id.bytes[15] = n;
  return id;
}

StoreOptions claimOptions(ReceivedValidator validator = {}) {
  StoreOptions options;
  options.durable = false;
  options.initialMapSize = std::size_t{1} << 22;
  options.indexedFields = {{Kind::Member, "name"}};
  // Each member adds its "count" field to the counter "o\0n" (parsed, so tests can send huge ones).
  options.counters = [](const Record& r, std::vector<std::pair<std::string, std::int64_t>>& out) {
    if (r.kind == Kind::Member && !r.get("count").empty())
      out.emplace_back(counterKey("o", "n"), std::stoll(std::string(r.get("count"))));
  };
  options.validateReceived = std::move(validator);
  return options;
}

struct Node {
  TempDir dir;
  ManualClock clock{kNow};
  SeededRandom random;
  StoreOptions options;
  std::unique_ptr<Store> store;
  explicit Node(std::uint64_t seed, ReceivedValidator validator = {})
      : random(seed), options(claimOptions(std::move(validator))) {
    store = std::move(Store::create(dir.sub("node"), "n", options, clock, random).value());
  }
  Origin own() const { return store->info().origin; }
  // Closes the store (own() is not available inside `poke`), lets `poke` change its LMDB tables directly (a corrupted or old data
  // folder), and opens it again.
  template <typename Poke>
  void reopenAfter(Poke&& poke) {
    store.reset();
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 16);
    mdb_env_set_mapsize(env, options.initialMapSize);
    REQUIRE(mdb_env_open(env, dir.sub("node").c_str(), 0, 0600) == 0);
    MDB_txn* txn = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
    poke(txn);
    REQUIRE(mdb_txn_commit(txn) == 0);
    mdb_env_close(env);
    store = std::move(Store::open(dir.sub("node"), options, clock).value());
  }
};

std::string bigEndian(std::uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
  return out;
}

void put(MDB_txn* txn, const char* db, const std::string& key, const std::string& value) {
  MDB_dbi dbi;
  REQUIRE(mdb_dbi_open(txn, db, 0, &dbi) == 0);
  MDB_val k{key.size(), const_cast<char*>(key.data())};
  MDB_val v{value.size(), const_cast<char*>(value.data())};
  REQUIRE(mdb_put(txn, dbi, &k, &v, 0) == 0);
}

Change changeOf(Origin origin, std::uint64_t seq, Hlc hlc, RecordId id,
                std::vector<std::pair<std::string, std::string>> fields, Kind kind = Kind::Member) {
  Change c{kind, id, origin, seq, hlc, {}};
  for (auto& [name, value] : fields) c.fields.push_back(FieldWrite{name, value, {}});
  return c;
}

Hlc minutesFromNow(std::int64_t minutes) { return hlcFromMs(kNow + minutes * kMinute); }

// Copies what `from` has that `to` lacks, as the sync layer does.
void pull(Store& to, const Store& from) {
  VersionVector start = from.versionVector();
  ChangeCursor cursor;
  for (;;) {
    ChangeBatch batch = from.changesSince(to.versionVector(), cursor, 3, 1 << 20);
    REQUIRE(to.apply(batch.changes).has_value());
    cursor = batch.next;
    if (batch.done) break;
  }
  REQUIRE(to.advanceVersionVector(start).has_value());
}

}  // namespace

TEST_CASE("no wrap: changesSince with a vector or cursor at 2^64-1 ends and moves to the next origin") {
  Node a(1), b(2);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "a"}}).has_value());
  REQUIRE(b.store->write(Kind::Member, idOf(2), {{"name", "b"}}).has_value());
  pull(*a.store, *b.store);
  const Origin low = std::min(a.own(), b.own()), high = std::max(a.own(), b.own());
  // Claims of 2^64-1 for the lower origin: only the higher origin's change is left.
  auto batch = a.store->changesSince({{low, kMax}}, {}, 100, 1 << 20);
  REQUIRE(batch.done);
  REQUIRE(batch.changes.size() == 1);
  CHECK(batch.changes[0].origin == high);
  CHECK(a.store->changesSince({{low, kMax}, {high, kMax}}, {}, 100, 1 << 20).changes.empty());
  // A cursor that stopped at seq 2^64-1 resumes at the next origin.
  auto resumed = a.store->changesSince({}, ChangeCursor{low, kMax, true}, 100, 1 << 20);
  REQUIRE(resumed.changes.size() == 1);
  CHECK(resumed.changes[0].origin == high);
  CHECK(a.store->changesSince({}, ChangeCursor{kMax, kMax, true}, 100, 1 << 20).done);
}

TEST_CASE("no wrap: a local write when the own seq is 2^64-1 fails instead of issuing seq 0") {
  Node a(3);
  const Origin own = a.own();
  a.reopenAfter([&](MDB_txn* txn) { put(txn, "vv", bigEndian(own), bigEndian(kMax)); });
  auto written = a.store->write(Kind::Member, idOf(1), {{"name", "x"}});
  REQUIRE_FALSE(written.has_value());
  CHECK(written.error().message.find("epoch") != std::string::npos);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(1)));
  CHECK(a.store->versionVector().at(a.own()) == kMax);
}

TEST_CASE("no wrap: nextHlc saturates and never passes the cap; hlcCap saturates") {
  CHECK(nextHlc(kMax, kNow, kMax) == kMax);
  const Hlc cap = hlcCap(kNow, 10 * kMinute);
  CHECK(hlcToMs(cap) == kNow + 10 * kMinute);
  CHECK(nextHlc(0, kNow, cap) == hlcFromMs(kNow));
  CHECK(nextHlc(cap - 1, kNow, cap) == cap);
  CHECK(nextHlc(kMax, kNow, cap) == cap);  // <= last: the caller refuses the write
  CHECK(hlcCap(std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::max()) == kMax);
  CHECK(hlcFromMs(-5) == 0);
}

TEST_CASE("no wrap: counter sums saturate at INT64_MAX and never go below 0") {
  Node a(4);
  const std::string huge = std::to_string(std::numeric_limits<std::int64_t>::max());
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"count", huge}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"count", huge}}).has_value());
  CHECK(a.store->counters("o").at("n") == std::numeric_limits<std::int64_t>::max());
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"count", "0"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"count", "0"}}).has_value());
  auto counters = a.store->counters("o");
  CHECK((counters.count("n") == 0 || counters.at("n") >= 0));
}

TEST_CASE("bounded clock: a change stamped more than 10 minutes ahead is refused and does not move the clock") {
  Node a(5);
  const Origin peer = 77;
  auto stats = a.store->apply({changeOf(peer, 1, minutesFromNow(11), idOf(1), {{"name", "future"}}),
                               changeOf(peer, 2, kMax, idOf(2), {{"name", "2^64-1"}}),
                               changeOf(peer, 3, minutesFromNow(9), idOf(3), {{"name", "soon"}})});
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 2);
  REQUIRE(stats->refusals.size() == 2);
  CHECK(stats->refusals[0].find("minutes ahead") != std::string::npos);
  CHECK(stats->refusals[1].find("years ahead") != std::string::npos);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(1)));
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(2)));
  CHECK(a.store->contains(Kind::Member, idOf(3)));
  // Refused changes still move the stream on.
  CHECK(a.store->versionVector().at(peer) == 3);
  // The clock took the accepted stamp (9 minutes ahead) and nothing beyond it.
  REQUIRE(a.store->write(Kind::Member, idOf(4), {{"name", "local"}}).has_value());
  Hlc local = a.store->get(Kind::Member, idOf(4))->fields.at("name").stamp.hlc;
  CHECK(local > minutesFromNow(9));
  CHECK(hlcToMs(local) == kNow + 9 * kMinute);
}

TEST_CASE("bounded clock: a store whose last HLC is in 2100 writes at the cap, with increasing stamps") {
  Node a(6);
  const Hlc year2100 = hlcFromMs(4'102'444'800'000);
  a.reopenAfter([&](MDB_txn* txn) { put(txn, "meta", "hlc", bigEndian(year2100)); });
  const Hlc cap = hlcCap(kNow, a.options.maxClockAheadMs);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "x"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "y"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"name", "z"}}).has_value());
  Hlc first = a.store->get(Kind::Member, idOf(1))->fields.at("name").stamp.hlc;
  Hlc second = a.store->get(Kind::Member, idOf(2))->fields.at("name").stamp.hlc;
  CHECK(first <= cap);
  CHECK(second <= cap);
  CHECK(second > first);
  CHECK(hlcToMs(first) == kNow + a.options.maxClockAheadMs);
}

TEST_CASE("one (origin, seq): a change under our own origin that we never issued is refused and not counted") {
  Node a(7);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "mine"}}).has_value());
  auto stats = a.store->apply({changeOf(a.own(), 5, minutesFromNow(0), idOf(2), {{"name", "forged"}})});
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 1);
  CHECK(stats->refusals.at(0).find("never issued") != std::string::npos);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(2)));
  CHECK(a.store->versionVector().at(a.own()) == 1);
  REQUIRE(a.store->write(Kind::Member, idOf(3), {{"name", "next"}}).has_value());
  CHECK(a.store->get(Kind::Member, idOf(3))->fields.at("name").seq == 2);
}

TEST_CASE("one (origin, seq): a second, different change for a held (origin, seq) is refused; a resend is not") {
  Node a(8);
  const Origin peer = 99;
  const Hlc hlc = minutesFromNow(0);
  const Change original = changeOf(peer, 1, hlc, idOf(1), {{"name", "real"}, {"mobile", "1"}});
  REQUIRE(a.store->apply({original}).value().refused == 0);
  const std::string digest = a.store->digest();

  auto other = a.store->apply({changeOf(peer, 1, hlc, idOf(2), {{"name", "elsewhere"}}),      // another record
                               changeOf(peer, 1, hlc + 5, idOf(1), {{"name", "restamped"}}),  // another hlc
                               changeOf(peer, 1, hlc, idOf(1), {{"name", "rewritten"}})});    // another value
  REQUIRE(other.has_value());
  CHECK(other->refused == 3);
  CHECK(a.store->digest() == digest);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(2)));

  auto resent = a.store->apply({original});
  REQUIRE(resent.has_value());
  CHECK(resent->refused == 0);
  CHECK(resent->duplicates == 2);
}

TEST_CASE("one (origin, seq): within one batch the second of two different changes is refused, even unindexed") {
  Node a(9);
  const Origin p = 50, q = 60;
  // Record 1 holds a newer name, so the first change of (q, 1) loses and is not indexed.
  REQUIRE(a.store->apply({changeOf(p, 1, minutesFromNow(1), idOf(1), {{"name", "newer"}})}).has_value());
  auto stats = a.store->apply({changeOf(q, 1, minutesFromNow(0), idOf(1), {{"name", "older"}}),
                               changeOf(q, 1, minutesFromNow(0), idOf(3), {{"name", "twin"}}),
                               changeOf(q, 1, minutesFromNow(0), idOf(1), {{"name", "older"}})});
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 1);
  CHECK(stats->fieldsLost == 2);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(3)));
}

TEST_CASE("one (origin, seq): a superseded change (seq held, not indexed) merges as before") {
  Node a(10), b(11);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "v1"}}).has_value());
  Change first = a.store->changesSince({}, {}, 10, 1 << 20).changes.at(0);
  a.clock.advance(5);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "v2"}}).has_value());
  pull(*b.store, *a.store);
  auto late = b.store->apply({first});
  REQUIRE(late.has_value());
  CHECK(late->refused == 0);
  CHECK(late->fieldsLost == 1);
  CHECK(b.store->digest() == a.store->digest());
}

TEST_CASE("text: isValidText refuses NUL, stray, overlong, surrogate and out-of-range sequences") {
  CHECK(isValidText(""));
  CHECK(isValidText("张三 abc 䶮 \xF0\x9F\x98\x80"));
  CHECK(invalidTextOffset(std::string_view("ab\0c", 4)) == 2);
  CHECK(invalidTextOffset("\xff\xfe") == 0);
  CHECK(invalidTextOffset("a\xc0\xaf") == 1);       // overlong '/'
  CHECK(invalidTextOffset("\xe0\x80\xaf") == 0);    // overlong, 3 bytes
  CHECK(invalidTextOffset("x\xed\xa0\x80") == 1);   // surrogate
  CHECK(invalidTextOffset("\xf4\x90\x80\x80") == 0);  // above U+10FFFF
  CHECK(invalidTextOffset("ok\xe5\xbc") == 2);      // truncated
  CHECK(invalidTextOffset("\x80") == 0);            // stray continuation
  // Past the eight-bytes-at-a-time ASCII path.
  const std::string ascii = "0123456789abcdefghij";
  CHECK(isValidText(ascii + "张" + ascii));
  CHECK(invalidTextOffset(ascii.substr(0, 13) + std::string(1, '\0') + ascii) == 13);
  CHECK(invalidTextOffset(ascii + ascii + "\xc0\xaf") == 40);
}

TEST_CASE("text: local writes with invalid UTF-8 or NUL fail naming the field, and writeMany writes nothing") {
  Node a(12);
  auto bad = a.store->write(Kind::Member, idOf(1), {{"name", "ok"}, {"notes", "\xff\xfe"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message.find("field notes is not valid UTF-8") != std::string::npos);
  CHECK(isValidText(bad.error().message));
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(1)));

  auto many = a.store->writeMany({{Kind::Member, idOf(2), {{"name", "fine"}}},
                                  {Kind::Organization, idOf(3), {{"name", std::string("a\0b", 3)}}}});
  REQUIRE_FALSE(many.has_value());
  CHECK(many.error().message.find(idOf(3).hex()) != std::string::npos);
  CHECK(a.store->count(Kind::Member) == 0);
  CHECK_FALSE(a.store->write(Kind::Member, idOf(4), {{"\xc0\xaf", "x"}}).has_value());
}

TEST_CASE("text: received changes with invalid UTF-8 are refused one by one, the rest of the batch applies") {
  Node a(13);
  const Origin peer = 31;
  auto stats = a.store->apply({changeOf(peer, 1, minutesFromNow(0), idOf(1), {{"name", "good"}}),
                               changeOf(peer, 2, minutesFromNow(0), idOf(2), {{"notes", "\xff\xfe"}}),
                               changeOf(peer, 3, minutesFromNow(0), idOf(3), {{"name", "also good"}})});
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 1);
  CHECK(stats->fieldsWon == 2);
  REQUIRE(stats->refusals.size() == 1);
  const std::string& why = stats->refusals[0];
  CHECK(why.find("member") != std::string::npos);
  CHECK(why.find(idOf(2).hex()) != std::string::npos);
  CHECK(why.find("000000000000001f") != std::string::npos);
  CHECK(why.find("seq 2") != std::string::npos);
  CHECK(why.find("notes") != std::string::npos);
  CHECK(a.store->contains(Kind::Member, idOf(3)));
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(2)));
  CHECK(a.store->versionVector().at(peer) == 3);
  // Changes without origin, seq or stamp, or of no known kind, are refused too.
  auto empty = a.store->apply({changeOf(0, 1, minutesFromNow(0), idOf(5), {{"name", "x"}}),
                               changeOf(peer, 0, minutesFromNow(0), idOf(5), {{"name", "x"}}),
                               changeOf(peer, 4, 0, idOf(5), {{"name", "x"}}),
                               changeOf(peer, 5, minutesFromNow(0), idOf(5), {{"name", "x"}}, Kind{42})});
  REQUIRE(empty.has_value());
  CHECK(empty->refused == 4);
  CHECK(a.store->versionVector().count(0) == 0);
}

TEST_CASE("version vector: a claim about our own origin beyond what we issued is refused; lowering works") {
  Node a(14);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "x"}}).has_value());
  auto lie = a.store->advanceVersionVector({{a.own(), kMax}, {5, 10}});
  REQUIRE_FALSE(lie.has_value());
  CHECK(lie.error().message.find("issued only 1") != std::string::npos);
  CHECK(a.store->versionVector() == VersionVector{{a.own(), 1}});  // nothing changed, not even origin 5

  REQUIRE(a.store->advanceVersionVector({{a.own(), 1}, {5, 10}, {6, 4}}).has_value());
  REQUIRE(a.store->lowerVersionVector(5, 3).has_value());
  REQUIRE(a.store->lowerVersionVector(6, 9).has_value());  // min(4, 9): unchanged
  REQUIRE(a.store->lowerVersionVector(6, 0).has_value());  // 0 removes the entry
  CHECK(a.store->versionVector() == VersionVector{{a.own(), 1}, {5, 3}});
  CHECK_FALSE(a.store->lowerVersionVector(a.own(), 0).has_value());
  CHECK(a.store->versionVector().at(a.own()) == 1);
}


namespace {

// The application's check, as a test writes it: the value "bad" is refused; a member whose
// field "ref" names an organization not held yet waits for it.
ReceivedVerdict testValidator(const Change&, const std::optional<Record>&, const Record& after,
                              const RecordLookup& lookup) {
  ReceivedVerdict verdict;
  for (const auto& [name, f] : after.fields)
    if (f.value == "bad") verdict.refusal = "值 bad 不允许 / value bad is not allowed in " + name;
  if (auto ref = RecordId::fromHex(after.get("ref")); ref && !lookup(Kind::Organization, *ref))
    verdict.waitFor = std::pair{Kind::Organization, *ref};
  return verdict;
}

Change memberRef(Origin origin, std::uint64_t seq, std::uint8_t member, std::uint8_t org) {
  return changeOf(origin, seq, minutesFromNow(0) + seq, idOf(member), {{"name", "m"}, {"ref", idOf(org).hex()}});
}
Change org(Origin origin, std::uint64_t seq, std::uint8_t id) {
  return changeOf(origin, seq, minutesFromNow(0) + seq, idOf(id), {{"name", "o"}}, Kind::Organization);
}

}  // namespace

TEST_CASE("validator: a refused change stores nothing, raises the vector and gives the validator's reason") {
  Node a(20, testValidator);
  auto stats = a.store->apply({changeOf(7, 1, minutesFromNow(0), idOf(1), {{"name", "bad"}}),
                               changeOf(7, 2, minutesFromNow(0), idOf(2), {{"name", "good"}})});
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 1);
  CHECK(stats->refusals.at(0).find("value bad is not allowed in name") != std::string::npos);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(1)));
  CHECK(a.store->contains(Kind::Member, idOf(2)));
  CHECK(a.store->versionVector().at(7) == 2);
  // The verdict is made on the merged record: a later value "bad" that loses is not judged bad.
  auto lost = a.store->apply({changeOf(8, 1, minutesFromNow(0) - 100, idOf(2), {{"name", "bad"}})});
  REQUIRE(lost.has_value());
  CHECK(lost->refused == 0);
  CHECK(a.store->get(Kind::Member, idOf(2))->get("name") == "good");
}

TEST_CASE("validator: a change parked for a missing record applies when the record arrives in a later apply") {
  Node a(21, testValidator);
  auto parked = a.store->apply({memberRef(7, 1, 1, 9)});
  REQUIRE(parked.has_value());
  CHECK(parked->parked == 1);
  CHECK(a.store->parkedCount() == 1);
  CHECK_FALSE(a.store->contains(Kind::Member, idOf(1)));
  CHECK(a.store->versionVector().at(7) == 1);

  auto released = a.store->apply({org(8, 1, 9)});
  REQUIRE(released.has_value());
  CHECK(a.store->parkedCount() == 0);
  CHECK(a.store->get(Kind::Member, idOf(1))->get("ref") == idOf(9).hex());
  CHECK(released->fieldsWon == 1 + 2);
}

TEST_CASE("validator: parked changes are released within the same apply and by a local write") {
  Node a(22, testValidator);
  auto same = a.store->apply({memberRef(7, 1, 1, 9), org(8, 1, 9)});
  REQUIRE(same.has_value());
  CHECK(same->parked == 1);
  CHECK(a.store->parkedCount() == 0);
  CHECK(a.store->contains(Kind::Member, idOf(1)));

  REQUIRE(a.store->apply({memberRef(7, 2, 2, 10)}).value().parked == 1);
  REQUIRE(a.store->write(Kind::Organization, idOf(10), {{"name", "local org"}}).has_value());
  CHECK(a.store->parkedCount() == 0);
  CHECK(a.store->contains(Kind::Member, idOf(2)));
}

TEST_CASE("validator: two stores that get the same changes in different orders converge") {
  std::vector<Change> changes = {memberRef(7, 1, 1, 9), memberRef(7, 2, 2, 10), org(8, 1, 10),
                                 changeOf(7, 3, minutesFromNow(0) + 3, idOf(3), {{"name", "bad"}}), org(8, 2, 9),
                                 memberRef(7, 4, 4, 11)};
  Node forward(23, testValidator), backward(24, testValidator), oneByOne(25, testValidator);
  REQUIRE(forward.store->apply(changes).has_value());
  std::vector<Change> reversed(changes.rbegin(), changes.rend());
  REQUIRE(backward.store->apply(reversed).has_value());
  for (std::size_t i : {4u, 0u, 3u, 5u, 2u, 1u}) REQUIRE(oneByOne.store->apply({changes[i]}).has_value());
  CHECK(forward.store->digest() == backward.store->digest());
  CHECK(forward.store->digest() == oneByOne.store->digest());
  for (Node* n : {&forward, &backward, &oneByOne}) {
    CHECK(n->store->count(Kind::Member) == 2);
    CHECK(n->store->parkedCount() == 1);  // member 4 waits for org 11
    CHECK(n->store->versionVector().at(7) == 4);
  }
}


TEST_CASE("a store of a newer format is refused unchanged; one without a format number is format 1") {
  Node n(41);
  const Origin origin = n.own();
  n.reopenAfter([](MDB_txn* txn) {
    MDB_dbi meta;
    REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
    MDB_val key{std::strlen("format_version"), const_cast<char*>("format_version")};
    CHECK(mdb_del(txn, meta, &key, nullptr) == 0);  // written when the store was opened
  });
  CHECK(n.store->info().origin == origin);  // opened as format 1, and the number written again
  n.store.reset();
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 16);
  REQUIRE(mdb_env_open(env, n.dir.sub("node").c_str(), 0, 0600) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, 0, &txn) == 0);
  MDB_dbi meta;
  REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
  MDB_val key{std::strlen("format_version"), const_cast<char*>("format_version")};
  MDB_val held{};
  REQUIRE(mdb_get(txn, meta, &key, &held) == 0);
  CHECK(std::string(static_cast<const char*>(held.mv_data), held.mv_size) == bigEndian(kStoreFormatVersion));
  put(txn, "meta", "format_version", bigEndian(kStoreFormatVersion + 1));
  REQUIRE(mdb_txn_commit(txn) == 0);
  mdb_env_close(env);
  auto refused = Store::open(n.dir.sub("node"), n.options, n.clock);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("较新版本") != std::string::npos);
  CHECK(refused.error().message.find("nothing was changed") != std::string::npos);
  // Still the newer format's number: the refused open wrote nothing.
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 16);
  REQUIRE(mdb_env_open(env, n.dir.sub("node").c_str(), MDB_RDONLY, 0600) == 0);
  REQUIRE(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0);
  REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
  REQUIRE(mdb_get(txn, meta, &key, &held) == 0);
  CHECK(std::string(static_cast<const char*>(held.mv_data), held.mv_size) == bigEndian(kStoreFormatVersion + 1));
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

TEST_CASE("a field-name table with a gap is reported as damage, never read as other names") {
  Node n(43);
  REQUIRE(n.store->write(Kind::Member, idOf(1), {{"name", "张三"}, {"mobile", "13800138000"}}).has_value());
  auto removeFirstName = [](MDB_txn* txn) {
    MDB_dbi names;
    REQUIRE(mdb_dbi_open(txn, "field_names", 0, &names) == 0);
    const std::string first(4, '\0');  // number 0, big-endian
    MDB_val key{first.size(), const_cast<char*>(first.data())};
    REQUIRE(mdb_del(txn, names, &key, nullptr) == 0);
  };
  // Opening numbers the index names (and so reads the table), or the first read does.
  auto reopenAndRead = [&] {
    n.reopenAfter(removeFirstName);
    (void)n.store->get(Kind::Member, idOf(1));
  };
  CHECK_THROWS_WITH_AS(reopenAndRead(), doctest::Contains("damaged"), std::runtime_error);
}

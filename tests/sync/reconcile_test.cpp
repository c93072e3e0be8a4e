// Range-based reconciliation (sync/reconcile.h): two stores and two reconcilers with frames
// moved by hand; equal in one round trip, repairs proportional to the difference, wrong
// version vector entries lowered; the strict decoding of its wire messages; and a Session
// pair whose store's version vector was corrupted in LMDB detecting and repairing it.
#include <doctest/doctest.h>

#include <deque>

#include "sync/reconcile.h"
#include "sync/session.h"
#include "tests/support/lmdb_edit.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// Two reconcilers joined by two queues of frames.
struct Link {
  std::deque<std::string> toB, toA;
  Reconciler a, b;
  Link(TestNode& na, TestNode& nb, ReconcileConfig config = {})
      : a(*na.store, na.clock, config, [this](std::string&& f) { toB.push_back(std::move(f)); }),
        b(*nb.store, nb.clock, config, [this](std::string&& f) { toA.push_back(std::move(f)); }) {}

  static void deliver(std::deque<std::string>& queue, Reconciler& to) {
    std::string frame = std::move(queue.front());
    queue.pop_front();
    auto message = decodeMessage(frame);
    REQUIRE_MESSAGE(message.has_value(), message.error().message);
    auto handled = to.handle(*message, frame.size());
    REQUIRE_MESSAGE(handled.has_value(), handled.error().message);
    CHECK(*handled);
  }

  // Runs a round that `a` starts until no frame moves; returns a's result.
  ReconcileResult run() {
    a.start();
    std::size_t moved = 0;
    while (!toB.empty() || !toA.empty()) {
      while (!toB.empty()) deliver(toB, b), ++moved;
      while (!toA.empty()) deliver(toA, a), ++moved;
      REQUIRE(moved < 100000);
    }
    CHECK_FALSE(a.active());
    CHECK_FALSE(b.active());
    auto resultA = a.takeFinished();
    auto resultB = b.takeFinished();
    REQUIRE(resultA.has_value());
    REQUIRE(resultB.has_value());
    CHECK(resultA->equal == resultB->equal);
    CHECK(resultA->recordsSent == resultB->recordsReceived);
    CHECK(resultA->recordsReceived == resultB->recordsSent);
    CHECK(resultA->bytesSent == resultB->bytesReceived);
    CHECK(resultA->turns == resultB->turns);
    return *resultA;
  }
};

// `count` members written at `node` in one transaction; ids spread over every bucket.
void writeMembers(TestNode& node, std::size_t count, std::uint8_t tag, std::size_t first = 0) {
  std::vector<Store::LocalWrite> writes;
  for (std::size_t i = first; i < first + count; ++i) {
    RecordId id = idOf(i * 2654435761u, tag);
    writes.push_back({Kind::Member, id, {{"name", "会员 " + std::to_string(i)}, {"mobile", std::to_string(i)}}});
  }
  REQUIRE(node.store->writeMany(writes).has_value());
}

void copyAll(TestNode& from, TestNode& to) {
  VersionVector start = from.store->versionVector();
  ChangeCursor cursor;
  for (;;) {
    ChangeBatch batch = from.store->changesSince(to.store->versionVector(), cursor, 5000, 1 << 22);
    REQUIRE(to.store->apply(batch.changes).has_value());
    cursor = batch.next;
    if (batch.done) break;
  }
  REQUIRE(to.store->advanceVersionVector(start).has_value());
}

std::uint64_t entry(const Store& store, Origin origin) {
  auto vv = store.versionVector();
  auto it = vv.find(origin);
  return it == vv.end() ? 0 : it->second;
}

std::string key17(char kind, char fill) { return std::string(1, kind) + std::string(16, fill); }

ReconcileRange fpRange(std::string lo, std::string hi) { return ReconcileRange{{std::move(lo), std::move(hi)}, {}, false, {}}; }

}  // namespace

TEST_CASE("reconcile: equal stores settle in one round trip and under 1 KB") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 2000, 1);
  copyAll(na, nb);
  REQUIRE(na.store->digest() == nb.store->digest());
  Link link(na, nb);
  ReconcileResult r = link.run();
  CHECK(r.equal);
  CHECK(r.roundTrips() == 1);
  CHECK(r.framesSent == 1);
  CHECK(r.framesReceived == 1);
  CHECK(r.bytesSent + r.bytesReceived < 1024);
  CHECK(r.recordsSent + r.recordsReceived == 0);
  CHECK(r.lowered.empty());
}

TEST_CASE("reconcile: one differing record is found and merged both ways") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 3000, 1);
  copyAll(na, nb);
  // B changes one field of one record without A hearing of it.
  RecordId changed = idOf(std::uint64_t{17} * 2654435761u, 1);
  REQUIRE(nb.store->contains(Kind::Member, changed));
  REQUIRE(nb.store->write(Kind::Member, changed, {{"mobile", "139"}}).has_value());
  Link link(na, nb);
  ReconcileResult r = link.run();
  CHECK_FALSE(r.equal);
  CHECK(r.recordsSent == 1);      // A's version of it
  CHECK(r.recordsReceived == 1);  // B's version of it
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(na.store->get(Kind::Member, changed)->get("mobile") == "139");
  CHECK(r.roundTrips() <= 5);
  CHECK(r.bytesSent + r.bytesReceived < 20 * 1024);
  // A's vector was right (it never claimed B's write): nothing lowered, and the repair did
  // not raise A's entry for B either (it arrived out of seq order).
  CHECK(r.lowered.empty());
  CHECK(entry(*na.store, nb.store->info().origin) == 0);
  // Again: equal now.
  CHECK(link.run().equal);
}

TEST_CASE("reconcile: 100 differing records of 5000 cost in proportion, not in size") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 5000, 1);
  copyAll(na, nb);
  writeMembers(na, 60, 2);  // only at A
  writeMembers(nb, 40, 3);  // only at B
  Link link(na, nb);
  ReconcileResult r = link.run();
  CHECK_FALSE(r.equal);
  CHECK(r.recordsSent == 60);
  CHECK(r.recordsReceived == 40);
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(na.store->fingerprint() == nb.store->fingerprint());
  const std::uint64_t bytes = r.bytesSent + r.bytesReceived;
  MESSAGE("100 of 5000 differ: ", r.roundTrips(), " round trips, ", bytes, " bytes");
  CHECK(bytes < 100 * 3 * 1024);
  CHECK(r.roundTrips() <= 6);
}

TEST_CASE("reconcile: an empty side receives everything") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 700, 1);
  Link link(na, nb);
  ReconcileResult r = link.run();
  CHECK(r.recordsSent == 700);
  CHECK(na.store->digest() == nb.store->digest());
}

TEST_CASE("reconcile: a vector entry that claims changes not held is lowered below the first lacked one") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 50, 1);  // seq 1..50 at A
  copyAll(na, nb);
  writeMembers(na, 10, 2);  // seq 51..60, B does not get them
  const Origin originA = na.store->info().origin;
  const std::uint64_t claimed = entry(*na.store, originA);
  REQUIRE(claimed == 60);
  // B's vector lies: it claims all of A's changes.
  REQUIRE(nb.store->advanceVersionVector({{originA, claimed}}).has_value());
  Link link(na, nb);
  ReconcileResult r = link.run();
  CHECK(r.recordsSent == 10);
  CHECK(na.store->digest() == nb.store->digest());
  auto resultB = link.b.current();
  REQUIRE(resultB.lowered.size() == 1);
  CHECK(resultB.lowered[0].first == originA);
  CHECK(resultB.lowered[0].second == 50);  // below seq 51, the first change B lacked
  CHECK(entry(*nb.store, originA) == 50);
  CHECK(entry(*na.store, originA) == 60);  // A's own entry never moves
}

TEST_CASE("reconcile: a repair never raises a correct vector entry") {
  TestNode na("A", 1), nb("B", 2);
  writeMembers(na, 30, 1);
  copyAll(na, nb);
  writeMembers(na, 5, 2);  // B's entry for A stays at 30, truthfully
  const Origin originA = na.store->info().origin;
  Link link(na, nb);
  link.run();
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(entry(*nb.store, originA) == 30);
  CHECK(link.b.current().lowered.empty());
}

TEST_CASE("reconcile: a silent peer abandons the round; a late frame of it is dropped") {
  TestNode na("A", 1);
  ManualClock clock(1'000'000);
  std::vector<std::string> sent;
  ReconcileConfig config;
  config.replyTimeoutMs = 500;
  Reconciler r(*na.store, clock, config, [&](std::string&& f) { sent.push_back(std::move(f)); });
  r.start();
  REQUIRE(sent.size() == 1);
  CHECK(r.active());
  clock.advance(499);
  r.tick();
  CHECK(r.active());
  clock.advance(1);
  r.tick();
  CHECK_FALSE(r.active());
  auto result = r.takeFinished();
  REQUIRE(result.has_value());
  CHECK(result->abandoned);
  CHECK_FALSE(result->equal);
  CHECK_FALSE(r.takeFinished().has_value());
  auto handled = r.handle(ReconcileDoneMsg{result->round, true}, 64);
  REQUIRE(handled.has_value());
  CHECK(*handled);
  CHECK_FALSE(r.takeFinished().has_value());
  CHECK_FALSE(*r.handle(HeartbeatMsg{1}, 16));  // not a reconciliation message
}

TEST_CASE("reconcile: ranges that overlap across the frames of one turn are refused") {
  TestNode na("A", 1);
  ManualClock clock(1'000'000);
  Reconciler r(*na.store, clock, {}, [](std::string&&) {});
  ReconcileMsg first{7, {fpRange(key17(3, 0), key17(3, 9))}, {}, true};
  REQUIRE(r.handle(first, 100).has_value());
  ReconcileMsg second{7, {fpRange(key17(3, 5), key17(3, 12))}, {}, false};
  auto handled = r.handle(second, 100);
  CHECK_FALSE(handled.has_value());
  CHECK_FALSE(r.active());
}

TEST_CASE("reconcile codec: messages round-trip") {
  ReconcileMsg m;
  m.round = 3;
  m.more = true;
  Hash128 h{};
  h[0] = 7;
  m.ranges.push_back(ReconcileRange{{key17(1, 0), key17(2, 0)}, Fingerprint{5, h}, false, {}});
  m.ranges.push_back(ReconcileRange{{key17(3, 0), keySpaceEnd()}, Fingerprint{2, h}, true,
                                    {{key17(3, 1), h}, {key17(3, 2), h}}});
  m.want = {key17(4, 4)};
  auto decoded = decodeMessage(encodeMessage(m));
  REQUIRE(decoded.has_value());
  auto* back = std::get_if<ReconcileMsg>(&*decoded);
  REQUIRE(back);
  CHECK(back->round == 3);
  CHECK(back->more);
  REQUIRE(back->ranges.size() == 2);
  CHECK(back->ranges[0].range == m.ranges[0].range);
  CHECK(back->ranges[0].fingerprint == m.ranges[0].fingerprint);
  CHECK(back->ranges[1].items == m.ranges[1].items);
  CHECK(back->want == m.want);
  CHECK(messageTypeName(*decoded) == "reconcile");

  Change c{Kind::Member, idOf(1), 9, 4, 1000, {{"name", "x", {}}}};
  auto items = decodeMessage(encodeMessage(ReconcileItemsMsg{3, {c}}));
  REQUIRE(items.has_value());
  REQUIRE(std::holds_alternative<ReconcileItemsMsg>(*items));
  CHECK(std::get<ReconcileItemsMsg>(*items).changes.size() == 1);
  auto done = decodeMessage(encodeMessage(ReconcileDoneMsg{3, true}));
  REQUIRE(done.has_value());
  CHECK(std::get<ReconcileDoneMsg>(*done).equal);
}

TEST_CASE("reconcile codec: malformed messages are refused, naming the problem") {
  Hash128 h{};
  auto refused = [](const WireMessage& m, const std::string& what) {
    auto decoded = decodeMessage(encodeMessage(m));
    REQUIRE_FALSE(decoded.has_value());
    CHECK_MESSAGE(decoded.error().message.find(what) != std::string::npos, decoded.error().message);
  };
  SUBCASE("round 0") { refused(ReconcileMsg{0, {}, {}, false}, "round 0"); }
  SUBCASE("round 0 of items and done") {
    refused(ReconcileItemsMsg{0, {}}, "round 0");
    refused(ReconcileDoneMsg{0, true}, "round 0");
  }
  SUBCASE("a bound not 17 bytes") { refused(ReconcileMsg{1, {fpRange("short", key17(2, 0))}, {}, false}, "17 bytes"); }
  SUBCASE("an empty range") { refused(ReconcileMsg{1, {fpRange(key17(2, 0), key17(2, 0))}, {}, false}, "inverted"); }
  SUBCASE("overlapping ranges") {
    refused(ReconcileMsg{1, {fpRange(key17(1, 0), key17(3, 0)), fpRange(key17(2, 0), key17(4, 0))}, {}, false},
            "overlap");
  }
  SUBCASE("items out of order") {
    ReconcileRange r{{key17(1, 0), key17(5, 0)}, Fingerprint{2, h}, true, {{key17(3, 2), h}, {key17(3, 1), h}}};
    refused(ReconcileMsg{1, {r}, {}, false}, "out of order");
  }
  SUBCASE("an item outside its range") {
    ReconcileRange r{{key17(1, 0), key17(2, 0)}, Fingerprint{1, h}, true, {{key17(3, 2), h}}};
    refused(ReconcileMsg{1, {r}, {}, false}, "outside");
  }
  SUBCASE("a count that is not the number of items") {
    ReconcileRange r{{key17(1, 0), key17(5, 0)}, Fingerprint{3, h}, true, {{key17(3, 2), h}}};
    refused(ReconcileMsg{1, {r}, {}, false}, "count");
  }
  SUBCASE("items in a fingerprint range") {
    ReconcileRange r{{key17(1, 0), key17(5, 0)}, Fingerprint{1, h}, false, {{key17(3, 2), h}}};
    refused(ReconcileMsg{1, {r}, {}, false}, "without items");
  }
  SUBCASE("a wanted key of an unknown kind") { refused(ReconcileMsg{1, {}, {key17(0x40, 1)}, false}, "record key"); }
  SUBCASE("too many ranges") {
    ReconcileMsg m{1, {}, {}, false};
    for (std::size_t i = 0; m.ranges.size() <= kMaxReconcileRanges; ++i) {
      std::string lo = key17(1, 0), hi = key17(1, 0);
      lo[15] = static_cast<char>(i >> 8), lo[16] = static_cast<char>(i);
      hi = lo;
      hi[16] = static_cast<char>(hi[16] + 1);
      if (hi[16] == 0) continue;  // keep the ranges increasing: skip the wrap
      m.ranges.push_back(fpRange(lo, hi));
    }
    REQUIRE(m.ranges.size() > kMaxReconcileRanges);
    refused(m, "too many ranges");
  }
  SUBCASE("a change without seq in a repair") {
    refused(ReconcileItemsMsg{1, {Change{Kind::Member, idOf(1), 9, 0, 1000, {{"name", "x", {}}}}}},
            "without origin, seq or hlc");
  }
}

namespace {

// Two sessions over two queues; run() moves frames until none is left.
struct SessionPair {
  std::deque<std::string> toB, toA;
  Session a, b;
  SessionPair(TestNode& na, TestNode& nb, SessionConfig config)
      : a(*na.store, na.clock, config, true, [this](std::string&& f) { toB.push_back(std::move(f)); }),
        b(*nb.store, nb.clock, config, false, [this](std::string&& f) { toA.push_back(std::move(f)); }) {
    a.start();
    run();
  }
  void run() {
    for (std::size_t moved = 0; (!toB.empty() || !toA.empty()) && moved < 100000; ++moved) {
      auto& queue = toB.empty() ? toA : toB;
      Session& to = toB.empty() ? a : b;
      std::string frame = std::move(queue.front());
      queue.pop_front();
      to.onFrame(frame);
    }
  }
};

// Sets `origin`'s entry of the version vector in the store's LMDB file directly (the store
// must be closed), as a bug or a bad restore would leave it.
void corruptVersionVector(const std::string& storeDir, Origin origin, std::uint64_t seq) {
  auto bigEndian = [](std::uint64_t v) {
    std::string s;
    for (int shift = 56; shift >= 0; shift -= 8) s.push_back(static_cast<char>(v >> shift));
    return s;
  };
  editLmdb(storeDir, [&](MDB_txn* txn) {
    std::string key = bigEndian(origin), value = bigEndian(seq);
    MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
    REQUIRE(mdb_put(txn, tableOf(txn, "vv"), &k, &v, 0) == 0);
  });
}

}  // namespace

TEST_CASE("reconcile: equal nodes are verified equal after catch-up, at the cost of one round trip") {
  TestNode na("A", 1), nb("B", 2);
  writeRecords(*na.store, 300, 1);
  writeRecords(*nb.store, 100, 2);
  SessionPair p(na, nb, SessionConfig{});
  REQUIRE(p.a.caughtUpBothWays());
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(p.a.stats().verifications == 1);
  CHECK(p.b.stats().verifications == 1);
  CHECK(p.a.stats().verifiedEqualMs > 0);
  CHECK(p.b.stats().verifiedEqualMs > 0);
  CHECK(p.a.stats().repairedRecords == 0);
  CHECK(p.a.stats().reconcileBytes < 1024);
  REQUIRE(p.a.lastVerification().has_value());
  CHECK(p.a.lastVerification()->roundTrips() == 1);
  // Nothing changed since: no second check.
  p.a.tick();
  p.run();
  CHECK(p.a.stats().verifications == 1);
}

TEST_CASE("reconcile: a version vector corrupted in LMDB is detected, repaired and lowered by the next session") {
  TestNode na("A", 1), nb("B", 2);
  writeRecords(*na.store, 200, 1);
  SessionConfig config;
  config.reverifyMs = 0;
  { SessionPair first(na, nb, config); }
  REQUIRE(na.store->digest() == nb.store->digest());
  // A writes 20 more; B never receives them, but its vector is made to claim them.
  writeRecords(*na.store, 20, 1, Kind::Organization, 200);
  const Origin originA = na.store->info().origin;
  const std::uint64_t issued = entry(*na.store, originA);
  REQUIRE(issued == 220);
  nb.store.reset();
  corruptVersionVector(nb.dataDir + "/store", originA, issued);
  nb.reopen();
  REQUIRE(entry(*nb.store, originA) == issued);
  REQUIRE(na.store->digest() != nb.store->digest());

  SessionPair second(na, nb, config);
  CHECK(second.a.stats().changesSent == 0);  // the vectors alone say "nothing to send"
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(second.a.stats().repairedRecords == 20);
  CHECK(second.b.stats().repairedRecords == 20);
  CHECK(second.b.stats().loweredEntries == 1);
  CHECK(second.a.stats().loweredEntries == 0);
  CHECK(entry(*nb.store, originA) == 200);  // below seq 201, the first change it lacked
  // The repair was confirmed by a second check that found both equal.
  CHECK(second.a.stats().verifications == 2);
  CHECK(second.a.stats().verifiedEqualMs > 0);
  CHECK(second.b.stats().verifiedEqualMs > 0);

  // The next session streams that origin again (no repair needed) and verifies equal.
  SessionPair third(na, nb, config);
  CHECK(third.a.stats().repairedRecords == 0);
  CHECK(third.b.stats().loweredEntries == 0);
  CHECK(third.a.stats().verifiedEqualMs > 0);
  CHECK(entry(*nb.store, originA) == issued);
  CHECK(na.store->digest() == nb.store->digest());
}

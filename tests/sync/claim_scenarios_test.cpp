// The attacks of issue 7 ("never trust a claim") as scenarios: two or three real stores and
// Sessions with frames moved by hand, one peer lying by rewriting its own frames through the
// codec (a trusted key does not make a claim true). Each scenario checks that the lie is
// refused or bounded, that nothing wraps or hangs, and that honest nodes then converge with
// digests that agree.
#include <doctest/doctest.h>

#include <functional>
#include <limits>

#include "store/hlc.h"
#include "sync/session.h"
#include "tests/sync/session_pair.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t kYear2100Ms = 4102444800000;  // 2100-01-01T00:00:00Z

std::uint64_t entry(const Store& store, Origin origin) {
  const VersionVector vv = store.versionVector();
  auto it = vv.find(origin);
  return it == vv.end() ? 0 : it->second;
}

Origin originOf(const TestNode& node) { return node.store->info().origin; }

// Every node after the first adopts the first one's deployment key (they hold no members yet),
// so members may be written anywhere before the nodes first meet.
void oneDeployment(std::initializer_list<TestNode*> nodes) {
  const std::string key = (*nodes.begin())->store->deploymentKey();
  for (TestNode* node : nodes) REQUIRE(node->store->adoptDeploymentKey(key).has_value());
}

// `count` members written one by one (one change, one seq each), ids from `first`.
void writeMembers(TestNode& node, std::size_t count, std::uint8_t tag, std::size_t first = 0) {
  for (std::size_t i = first; i < first + count; ++i)
    REQUIRE(node.store->write(Kind::Member, idOf(i, tag), {{"name", "会员 " + std::to_string(i)}}).has_value());
}

// A tamper that makes the liar's Hello and CaughtUps (frames the initiator sends when
// `liarIsInitiator`) claim `origin` at `seq`; with `onlyCaughtUp` its Hello stays honest.
auto claimInVectors(Origin origin, std::uint64_t seq, bool liarIsInitiator, bool onlyCaughtUp) {
  return [=](std::string& frame, std::size_t, bool toB) {
    if (toB != liarIsInitiator) return;
    auto message = decodeMessage(frame);
    REQUIRE(message.has_value());
    if (auto* hello = std::get_if<HelloMsg>(&*message); hello && !onlyCaughtUp) {
      hello->versionVector[origin] = seq;
      frame = encodeMessage(*hello);
    } else if (auto* caughtUp = std::get_if<CaughtUpMsg>(&*message)) {
      caughtUp->versionVector[origin] = seq;
      frame = encodeMessage(*caughtUp);
    }
  };
}

// A tamper that lets `edit` rewrite the changes of the first batch the initiator sends, once
// (`done` says it happened).
auto rewriteFirstBatch(bool& done, std::function<void(std::vector<Change>&)> edit) {
  return [&done, edit = std::move(edit)](std::string& frame, std::size_t, bool toB) {
    if (!toB || done) return;
    auto message = decodeMessage(frame);
    REQUIRE(message.has_value());
    if (auto* batch = std::get_if<BatchMsg>(&*message)) {
      edit(batch->changes);
      frame = encodeBatch(batch->batchNo, batch->changes);
      done = true;
    }
  };
}

// Runs an honest session between `from` (initiator) and `to` and checks that it ends with
// both stores equal, checked by a verification that said so.
void syncHonestly(TestNode& from, TestNode& to) {
  SessionConfig config;
  config.reverifyMs = 0;  // a repair is confirmed at once by a second check
  Pair p(from, to, config);
  p.runToEnd();
  CHECK_MESSAGE(!p.a.closed(), p.a.closeReason());
  CHECK_MESSAGE(!p.b.closed(), p.b.closeReason());
  CHECK(p.a.caughtUpBothWays());
  CHECK(from.store->digest() == to.store->digest());
  REQUIRE(p.a.lastVerification().has_value());
  CHECK(p.a.lastVerification()->equal);
  CHECK(p.a.stats().verifiedEqualMs > 0);
}

// The HLC of the latest write of `field` in the record (0 when never written).
Hlc stampOf(const Store& store, Kind kind, const RecordId& id, std::string_view field) {
  auto record = store.get(kind, id);
  if (!record) return 0;
  auto it = record->fields.find(field);
  return it == record->fields.end() ? 0 : it->second.stamp.hlc;
}

// Issue cases 2 and 6: the liar's first batch carries a change stamped `stamp`. The change is
// refused; the victim's next local write gets a stamp near its wall clock (never 0, never
// near `stamp`); an honest node then syncs with the victim and is verified equal.
void checkStampRefused(Hlc stamp) {
  TestNode liar("liar", 1), victim("V", 2), honest("H", 3);
  writeRecords(*liar.store, 4, 1);
  writeRecords(*victim.store, 2, 2);
  Pair p(liar, victim);
  bool stamped = false;
  p.tamper = rewriteFirstBatch(stamped, [&](std::vector<Change>& changes) { changes.front().hlc = stamp; });
  p.runToEnd();
  REQUIRE(stamped);
  CHECK(p.b.stats().changesRefused == 1);
  CHECK(p.b.stats().lastRefusal.find("ahead") != std::string::npos);
  const Hlc cap = hlcCap(victim.clock.nowMs(), StoreOptions{}.maxClockAheadMs);
  victim.store->forEach(Kind::Organization, [&](const Record& r) {
    for (const auto& [name, state] : r.fields) CHECK_MESSAGE(state.stamp.hlc <= cap, name);
    return true;
  });

  const std::int64_t before = victim.clock.nowMs();
  REQUIRE(victim.store->write(Kind::Organization, idOf(100, 2), {{"name", "之后 later"}}).has_value());
  const std::int64_t after = victim.clock.nowMs();
  const Hlc next = stampOf(*victim.store, Kind::Organization, idOf(100, 2), "name");
  CHECK(next != 0);
  CHECK(hlcToMs(next) >= before);
  CHECK(hlcToMs(next) <= after + 1000);
  syncHonestly(honest, victim);
  CHECK(stampOf(*honest.store, Kind::Organization, idOf(100, 2), "name") == next);
}

}  // namespace

TEST_CASE("claim scenario 1: our own origin claimed at 2^64-1 closes the session; three later edits still reach an honest peer") {
  TestNode liar("liar", 1), victim("V", 2), honest("H", 3);
  writeRecords(*liar.store, 3, 1);
  writeRecords(*victim.store, 5, 2);
  const Origin own = originOf(victim);
  const std::uint64_t issued = entry(*victim.store, own);
  REQUIRE(issued == 5);  // one seq per record written

  auto attack = [&](bool liarIsInitiator, bool onlyCaughtUp) {
    std::size_t moved = 0;
    bool victimClosed = false;
    if (liarIsInitiator) {
      Pair p(liar, victim);
      p.tamper = claimInVectors(own, kMax, true, onlyCaughtUp);
      moved = p.runToEnd(1000);
      victimClosed = p.b.closed() && p.b.closeCode() == WireErrorCode::FalseClaim;
      CHECK(p.a.closed());  // the liar was told
    } else {
      Pair p(victim, liar);
      p.tamper = claimInVectors(own, kMax, false, onlyCaughtUp);
      moved = p.runToEnd(1000);
      victimClosed = p.a.closed() && p.a.closeCode() == WireErrorCode::FalseClaim;
      CHECK(p.b.closed());
    }
    CHECK(victimClosed);
    CHECK(moved < 50);  // a few frames, not a spin
    CHECK(entry(*victim.store, own) == issued);
  };
  SUBCASE("in the liar's Hello, the victim responding") { attack(true, false); }
  SUBCASE("in the liar's CaughtUp, the victim responding") { attack(true, true); }
  SUBCASE("in the liar's CaughtUp, the victim initiating") { attack(false, true); }

  // Nothing wraps: a stream asked from 2^64-1 of our origin ends at once.
  CHECK(victim.store->changesSince({{own, kMax}}, {}, 100, 1 << 20).done);
  // Three edits after the attack: seqs issued+1..issued+3, all reach an honest peer.
  for (std::size_t i = 0; i < 3; ++i)
    REQUIRE(victim.store->write(Kind::Organization, idOf(50 + i, 2), {{"name", "攻击后 after " + std::to_string(i)}})
                .has_value());
  CHECK(entry(*victim.store, own) == issued + 3);
  syncHonestly(honest, victim);
  for (std::size_t i = 0; i < 3; ++i) CHECK(honest.store->contains(Kind::Organization, idOf(50 + i, 2)));
  CHECK(entry(*honest.store, own) == issued + 3);
}

TEST_CASE("claim scenario 2: a change stamped 2^64-1 is refused; the next local stamp is sane and sync still works") {
  checkStampRefused(kMax);
}

TEST_CASE("claim scenario 6: a change stamped in 2100 is refused and the receiver's clock stays in the present") {
  checkStampRefused(hlcFromMs(kYear2100Ms));
}

TEST_CASE("claim scenario 3: a third node's origin claimed ahead (within what it issued) is repaired, lowered, and all three converge") {
  TestNode a("A", 1), b("B", 2), c("C", 3), liar("liar", 4);
  oneDeployment({&a, &b, &c, &liar});
  writeMembers(a, 5, 1);
  syncHonestly(a, b);
  syncHonestly(b, c);
  const Origin originA = originOf(a);
  REQUIRE(entry(*b.store, originA) == 5);
  writeMembers(a, 50, 1, 5);  // A issues up to 55; B hears nothing of it yet
  writeMembers(liar, 2, 4);

  // The liar tells B it holds A up to 55, in its Hello and in its CaughtUp (so the CaughtUp is
  // within what the Hello showed and is not clamped).
  {
    Pair p(liar, b);
    p.tamper = claimInVectors(originA, 55, true, false);
    p.runToEnd(1000);
    CHECK_FALSE(p.b.closed());
    CHECK(p.b.stats().claimsClamped == 0);
  }
  REQUIRE(entry(*b.store, originA) == 55);  // B's vector is now wrong: it lacks 6..55
  CHECK(b.store->count(Kind::Member) == 5 + 2);

  writeMembers(a, 3, 1, 55);  // A goes on writing: 56..58
  {
    SessionConfig config;
    config.reverifyMs = 0;
    Pair p(b, a, config);
    p.runToEnd();
    CHECK_MESSAGE(!p.a.closed(), p.a.closeReason());
    CHECK_MESSAGE(!p.b.closed(), p.b.closeReason());
    CHECK(p.b.stats().changesSent == 3);  // the vectors alone send only 56..58
    CHECK(p.a.stats().loweredEntries == 1);
    CHECK(p.a.stats().repairedRecords >= 50);
    CHECK(p.a.stats().verifiedEqualMs > 0);
    REQUIRE(p.a.lastVerification().has_value());
    CHECK(p.a.lastVerification()->equal);  // the confirming check after the repair
    CHECK(a.store->digest() == b.store->digest());
  }
  syncHonestly(b, c);
  CHECK(a.store->digest() == b.store->digest());
  CHECK(b.store->digest() == c.store->digest());
  CHECK(c.store->count(Kind::Member) == 58 + 2);

  // A change forged under A's origin and a seq B holds (member 3 of A is A's seq 4), with
  // other content, is refused: by the store, and when the liar sends it in a batch.
  Change forged;
  forged.kind = Kind::Member;
  forged.id = idOf(3, 1);
  forged.origin = originA;
  forged.seq = 4;
  forged.hlc = hlcFromMs(b.clock.nowMs());
  forged.fields = {FieldWrite{"name", "伪造 forged", {}}};
  const std::string digestB = b.store->digest();
  auto applied = b.store->apply({forged});
  REQUIRE(applied.has_value());
  CHECK(applied->refused == 1);
  REQUIRE(applied->refusals.size() == 1);
  CHECK(b.store->digest() == digestB);

  writeMembers(liar, 1, 4, 100);  // something for the liar to send
  Pair p(liar, b);
  bool sent = false;
  p.tamper = rewriteFirstBatch(sent, [&](std::vector<Change>& changes) { changes.push_back(forged); });
  p.runToEnd(1000);
  REQUIRE(sent);
  CHECK(p.b.stats().changesRefused == 1);
  CHECK(b.store->get(Kind::Member, idOf(3, 1))->get("name") == "会员 3");
  CHECK(a.store->get(Kind::Member, idOf(3, 1))->get("name") == "会员 3");
}

TEST_CASE("claim scenario 3b: a lie beyond what A ever issued, relayed by B, does not cut A off; all converge") {
  TestNode a("A", 1), b("B", 2), c("C", 3), liar("liar", 4);
  writeRecords(*a.store, 5, 1);
  { Pair p(a, b); p.runToEnd(); }
  { Pair p(b, c); p.runToEnd(); }
  const Origin oa = a.store->info().origin;
  {
    Pair p(liar, b);
    p.tamper = [&](std::string& frame, std::size_t, bool toB) {
      if (!toB) return;
      auto m = decodeMessage(frame);
      if (!m) return;
      if (auto* h = std::get_if<HelloMsg>(&*m)) h->versionVector[oa] = 1000;
      else if (auto* cu = std::get_if<CaughtUpMsg>(&*m)) cu->versionVector[oa] = 1000;
      else return;
      frame = encodeMessage(*m);
    };
    p.runToEnd();
  }
  REQUIRE(entryOf(b.store->versionVector(), oa) == 1000);  // B took the lie
  { Pair p(b, c); p.runToEnd(); }                          // and relayed it to C in good faith
  writeRecords(*a.store, 3, 1, Kind::Organization, 5);
  {
    Pair p(b, a);
    p.runToEnd();
    CHECK_FALSE(p.a.closed());  // A does not close on B: it lowers B's claim about A's origin
    CHECK_FALSE(p.b.closed());
    // B took A's word about A's origin (8), and the verification lowered it further to below
    // the first change B proved to lack (6), so later sessions stream A's changes again.
    CHECK(entryOf(b.store->versionVector(), oa) <= 5);
  }
  { Pair p(c, b); p.runToEnd(); }
  CHECK(a.store->digest() == b.store->digest());
  CHECK(c.store->digest() == b.store->digest());
  CHECK(entryOf(c.store->versionVector(), oa) <= 8);
}

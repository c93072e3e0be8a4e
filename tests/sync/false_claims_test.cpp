// A trusted peer that lies: a crafted peer speaks the wire protocol to a real Session through
// the codec, making claims no honest node can make (issue "never trust a claim"). Each case
// checks that the claim is refused or bounded, that nothing wraps or hangs, and that honest
// nodes still converge.
#include <doctest/doctest.h>

#include <deque>
#include <limits>

#include "store/hlc.h"
#include "sync/session.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// The liar: sends hand-made messages to `victim` (a responder Session on a real store) and
// keeps what the victim answers.
struct Liar {
  TestNode& node;
  std::deque<std::string> fromVictim;
  Session victim;
  std::uint64_t nextNo = 1;

  explicit Liar(TestNode& target, SessionConfig config = {})
      : node(target), victim(*target.store, target.clock, config, false,
                             [this](std::string&& f) { fromVictim.push_back(std::move(f)); }) {}

  HelloMsg hello(const VersionVector& vector, std::int64_t wallClockMs = 0) const {
    HelloMsg h;
    h.nodeId = std::string(32, 'f');
    h.name = "liar";
    h.wallClockMs = wallClockMs == 0 ? node.clock.nowMs() : wallClockMs;
    h.versionVector = vector;
    h.deploymentKeyHash = Session::deploymentKeyHash(node.store->deploymentKey());
    return h;
  }
  void send(const WireMessage& m) { victim.onFrame(encodeMessage(m)); }
  void caughtUp(const VersionVector& vector) { send(CaughtUpMsg{vector, nextNo++}); }
  void batch(std::vector<Change> changes) { victim.onFrame(encodeBatch(nextNo++, changes)); }
};

Change orgChange(Origin origin, std::uint64_t seq, Hlc hlc, std::uint64_t n, std::string name) {
  Change c;
  c.kind = Kind::Organization;
  c.id = idOf(n, 9);
  c.origin = origin;
  c.seq = seq;
  c.hlc = hlc;
  c.fields = {FieldWrite{"name", std::move(name), {}}};
  return c;
}

std::uint64_t entry(const VersionVector& vv, Origin origin) { return entryOf(vv, origin); }

}  // namespace

TEST_CASE("false claims: a Hello claiming our own origin beyond what we issued is lowered, not trusted") {
  // The claim may come from an honest relay that took it from a liar: closing would cut that
  // relay off for good. The peer cannot hold more of our origin than we issued.
  TestNode victim("V", 1);
  writeRecords(*victim.store, 3, 1);
  const Origin own = victim.store->info().origin;
  Liar liar(victim);
  liar.send(liar.hello({{own, kMax}}));
  CHECK(liar.victim.state() == SessionState::Active);
  CHECK(entry(liar.victim.peerVector(), own) == 3);
  CHECK(liar.victim.stats().claimsClamped == 1);
  // The victim's own numbering is untouched: its next write gets the next sequence number.
  writeRecords(*victim.store, 1, 2);
  CHECK(entry(victim.store->versionVector(), own) == 4);
}

TEST_CASE("false claims: a node is the authority on its own origin; claiming ours ends the session") {
  TestNode victim("V", 1);
  const Origin peerOrigin = 0xABCDEF;
  // A false entry taken from a liar: the victim believes it holds 50 changes of the peer.
  REQUIRE(victim.store->advanceVersionVector({{peerOrigin, 50}}));
  Liar honest(victim);
  HelloMsg h = honest.hello({{peerOrigin, 5}});
  h.origin = peerOrigin;  // "my origin is this and I issued 5"
  honest.send(h);
  CHECK(honest.victim.state() == SessionState::Active);
  CHECK(entry(victim.store->versionVector(), peerOrigin) == 5);
  CHECK(honest.victim.stats().loweredEntries == 1);

  TestNode other("W", 2);
  Liar impostor(other);
  HelloMsg fake = impostor.hello({});
  fake.origin = other.store->info().origin;
  impostor.send(fake);
  CHECK(impostor.victim.closeCode() == WireErrorCode::FalseClaim);
}

TEST_CASE("false claims: a CaughtUp claiming our own origin at 2^64-1 ends the session, no wrap") {
  TestNode victim("V", 1);
  writeRecords(*victim.store, 3, 1);
  const Origin own = victim.store->info().origin;
  Liar liar(victim);
  liar.send(liar.hello({}));
  REQUIRE(liar.victim.state() == SessionState::Active);
  liar.caughtUp({{own, kMax}});
  CHECK(liar.victim.closed());
  CHECK(liar.victim.closeCode() == WireErrorCode::FalseClaim);
  CHECK(entry(victim.store->versionVector(), own) == 3);
  writeRecords(*victim.store, 1, 2);
  CHECK(entry(victim.store->versionVector(), own) == 4);
}

TEST_CASE("false claims: a CaughtUp raises entries only up to what the sender showed") {
  TestNode victim("V", 1);
  const Origin other = 0x1234567;
  Liar liar(victim);
  liar.send(liar.hello({{other, 2}}));
  REQUIRE(liar.victim.state() == SessionState::Active);
  const Hlc now = hlcFromMs(victim.clock.nowMs());
  liar.batch({orgChange(other, 1, now, 1, "甲"), orgChange(other, 2, now + 1, 2, "乙")});
  // Claims origin `other` is far ahead, and an origin it never mentioned.
  liar.caughtUp({{other, 1'000'000}, {0x777, 50}});
  CHECK_FALSE(liar.victim.closed());
  const VersionVector vv = victim.store->versionVector();
  CHECK(entry(vv, other) == 2);     // what the hello and the batch showed, not 1,000,000
  CHECK(entry(vv, 0x777) == 0);     // never shown: not raised at all
  CHECK(liar.victim.stats().claimsClamped == 2);
  // A later, real change of `other` is therefore still asked for and applied.
  CHECK(victim.store->changesSince({}, {}, 100, 1 << 20).changes.size() == 2);
}

TEST_CASE("false claims: a peer whose clock is hours ahead is refused at hello, naming it") {
  TestNode victim("V", 1);
  Liar liar(victim);
  liar.send(liar.hello({}, victim.clock.nowMs() + 5 * 3600 * 1000));
  CHECK(liar.victim.closed());
  CHECK(liar.victim.closeCode() == WireErrorCode::ClockAhead);
  CHECK(liar.victim.closeReason().find("5.0 hours ahead") != std::string::npos);
  CHECK(liar.victim.closeReason().find("liar") != std::string::npos);
}

TEST_CASE("false claims: a clock a few minutes ahead is normal and accepted") {
  TestNode victim("V", 1);
  Liar liar(victim);
  liar.send(liar.hello({}, victim.clock.nowMs() + 3 * 60 * 1000));
  CHECK(liar.victim.state() == SessionState::Active);
}

TEST_CASE("false claims: a peer's error text is shown without control characters, cut short") {
  TestNode victim("V", 1);
  Liar liar(victim);
  liar.send(liar.hello({}));
  liar.send(ErrorMsg{WireErrorCode::Unknown, "bad\r\nthing\x1b[31m" + std::string(2000, 'x')});
  REQUIRE(liar.victim.closedByPeer());
  const std::string& reason = liar.victim.closeReason();
  CHECK(reason.find('\n') == std::string::npos);
  CHECK(reason.find('\x1b') == std::string::npos);
  CHECK(reason.starts_with("bad  thing"));
  CHECK(reason.size() <= 300);
}

TEST_CASE("printableText keeps Chinese whole and cuts at a character boundary") {
  CHECK(printableText("东城区\t总工会") == "东城区 总工会");
  CHECK(printableText("东城区总工会", 3) == "东城区");
  CHECK(printableText("") == "");
}

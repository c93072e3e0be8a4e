// How a session applies batches that arrive together (Session::onFrames): in transactions of
// at most SessionConfig::applyMaxChanges, fewer when the last one was slow, each batch acked
// only once its changes are stored, and never anything from a frame that failed to decode.
#include <doctest/doctest.h>

#include <algorithm>
#include <deque>
#include <string_view>
#include <vector>

#include "sync/session.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A clock that moves `stepMs` on every reading: the session sees each apply take that long.
class SteppingClock : public Clock {
 public:
  explicit SteppingClock(std::int64_t stepMs) : stepMs(stepMs) {}
  std::int64_t nowMs() override { return now_ += stepMs; }
  std::int64_t stepMs;

 private:
  std::int64_t now_ = SystemClock().nowMs();
};

SessionConfig config(std::size_t applyMaxChanges) {
  SessionConfig c;
  c.batchMaxChanges = 100;
  c.window = 10;
  c.applyMaxChanges = applyMaxChanges;
  c.applyTargetMs = 1500;
  c.verify = false;
  return c;
}

// A (initiator, streaming) and B (receiving) with the frames kept apart, so that a test hands
// B several at once. Each ack B sends is noted with the records B held when it sent it.
struct Harness {
  struct Ack {
    std::uint64_t batchNo;
    std::uint64_t heldByB;
  };
  TestNode& nb;
  std::deque<std::string> toB, toA;
  std::vector<Ack> acks;
  Session a, b;

  Harness(TestNode& na, TestNode& receiver, Clock& clockB, SessionConfig c)
      : nb(receiver),
        a(*na.store, na.clock, c, true, [this](std::string&& f) { toB.push_back(std::move(f)); }),
        b(*receiver.store, clockB, c, false, [this](std::string&& f) {
          auto message = decodeMessage(f);
          REQUIRE(message.has_value());
          if (auto* ack = std::get_if<AckMsg>(&*message)) acks.push_back({ack->batchNo, nb.store->count(Kind::Organization)});
          toA.push_back(std::move(f));
        }) {}

  // Hellos both ways: A then has a window of batches on the wire to B.
  void handshake() {
    a.start();
    b.onFrame(take(toB));
    while (!toA.empty()) a.onFrame(take(toA));
  }
  // Hands B every frame waiting for it in one call, as the engine does with what arrived;
  // `more`: through Session::receive, as when more frames are already waiting.
  void deliverTogether(bool more = false) {
    std::vector<std::string> frames(toB.begin(), toB.end());
    toB.clear();
    std::vector<std::string_view> views(frames.begin(), frames.end());
    if (more) b.receive(views);
    else b.onFrames(views);
  }
  void deliverToA() {
    while (!toA.empty()) a.onFrame(take(toA));
  }
  // Until nothing moves, B taking each time what is waiting for it.
  void runToEnd() {
    deliverToA();
    while (!toB.empty()) {
      deliverTogether();
      deliverToA();
    }
  }
  static bool isBatch(const std::string& frame) {
    auto message = decodeMessage(frame);
    return message && std::holds_alternative<BatchMsg>(*message);
  }
  std::size_t batchesToB() const { return static_cast<std::size_t>(std::ranges::count_if(toB, isBatch)); }
  // The n-th change batch (from 1) waiting for B (other frames, such as the deployment key
  // for a B without members, come before the first).
  std::string& nthBatchToB(std::size_t n) {
    for (std::string& f : toB)
      if (isBatch(f) && --n == 0) return f;
    FAIL("fewer batches on the wire");
    return toB.front();
  }
  static std::string take(std::deque<std::string>& queue) {
    std::string f = std::move(queue.front());
    queue.pop_front();
    return f;
  }
};

// A holding `records` organizations, B nothing yet.
struct Nodes {
  TestNode na{"A", 1}, nb{"B", 2};
  SystemClock clock;
  explicit Nodes(std::size_t records) { writeRecords(*na.store, records, 1); }
};

}  // namespace

TEST_CASE("session apply: batches that arrive together share transactions of at most applyMaxChanges") {
  Nodes n(1000);
  Harness h(n.na, n.nb, n.clock, config(300));
  h.handshake();
  REQUIRE(h.batchesToB() == 10);  // batches 1..10 of 100 changes each, then A's caught-up
  h.deliverTogether();
  // Three transactions of 300 and one of the last batch (before the caught-up, which is
  // acked too); each ack went out after its batch was stored, none before.
  REQUIRE(h.acks.size() == 11);
  for (std::size_t i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK(h.acks[i].batchNo == i + 1);
    CHECK(h.acks[i].heldByB == std::min<std::uint64_t>(1000, (i / 3 + 1) * 300));
  }
  h.runToEnd();
  CHECK(h.b.caughtUpBothWays());
  CHECK(n.na.store->digest() == n.nb.store->digest());
  CHECK(h.b.stats().batchesReceived == 10);
  CHECK(h.b.stats().transactions == 4);
  CHECK(h.b.stats().changesReceived == 1000);
}

TEST_CASE("session apply: a slow transaction makes the next ones smaller, never below one batch") {
  Nodes n(2500);
  SteppingClock slow(3000);  // every apply takes 3 s: twice the target
  Harness h(n.na, n.nb, slow, config(1000));
  h.handshake();
  REQUIRE(h.batchesToB() == 10);
  h.deliverTogether();  // batches 1..10 in one transaction (the limit: nothing measured yet)
  REQUIRE(h.acks.size() == 10);
  CHECK(h.acks.front().heldByB == 1000);
  h.deliverToA();
  REQUIRE(h.batchesToB() == 10);
  h.deliverTogether();
  REQUIRE(h.acks.size() == 20);
  CHECK(h.acks[10].heldByB == 1500);  // 1000 took 3 s: 500 fit in 1.5 s
  CHECK(h.acks[14].heldByB == 1500);
  CHECK(h.acks[15].heldByB == 1800);  // 500 took 3 s: 250, reached with the third batch
  CHECK(h.acks[17].heldByB == 1800);
  CHECK(h.acks[18].heldByB == 2000);  // 300 took 3 s: 150
  CHECK(h.acks[19].heldByB == 2000);
  h.deliverToA();
  REQUIRE(h.batchesToB() == 5);
  h.deliverTogether();
  REQUIRE(h.acks.size() == 26);  // with A's caught-up
  for (std::size_t i = 20; i < 25; ++i) {
    CAPTURE(i);
    CHECK(h.acks[i].heldByB == 2100 + (i - 20) * 100);  // 200 took 3 s: 100, one batch, the least
  }
  CHECK_FALSE(h.b.closed());
  CHECK(n.na.store->digest() == n.nb.store->digest());
}

TEST_CASE("session apply: a bad frame among those that arrived together: what came before is kept, nothing after") {
  Nodes n(1000);
  Harness h(n.na, n.nb, n.clock, config(32000));
  h.handshake();
  REQUIRE(h.batchesToB() == 10);
  h.nthBatchToB(3).resize(h.nthBatchToB(3).size() / 2);  // cut short
  h.deliverTogether();
  CHECK(h.b.closed());
  CHECK(h.b.closeCode() == WireErrorCode::Malformed);
  // Batches 1 and 2 were applied and acked; batch 3 and the ones after it changed nothing.
  REQUIRE(h.acks.size() == 2);
  CHECK(h.acks[1].batchNo == 2);
  CHECK(n.nb.store->count(Kind::Organization) == 200);
  CHECK(entryOf(n.nb.store->versionVector(), n.na.store->info().origin) == 200);

  // The next session resumes from there: only the rest moves.
  Harness next(n.na, n.nb, n.clock, config(32000));
  next.handshake();
  next.runToEnd();
  CHECK(next.b.stats().changesReceived == 800);
  CHECK(n.na.store->digest() == n.nb.store->digest());
}

TEST_CASE("session apply: a full transaction in time lets the limit grow back; a smaller one leaves it") {
  Nodes n(3000);
  SteppingClock clock(3000);
  Harness h(n.na, n.nb, clock, config(1000));
  h.handshake();
  h.deliverTogether();  // 1000 took 3 s: the limit falls to 500
  clock.stepMs = 10;
  h.deliverToA();
  h.deliverTogether();
  REQUIRE(h.acks.size() == 20);
  CHECK(h.acks[14].heldByB == 1500);  // 500, a full transaction in 10 ms: back to 1000
  CHECK(h.acks[19].heldByB == 2000);  // the other 500, at the end of the call
  h.deliverToA();
  h.deliverTogether();
  REQUIRE(h.acks.size() >= 30);
  CHECK(h.acks[20].heldByB == 3000);  // 1000 at once: the smaller one changed nothing
  CHECK(n.na.store->digest() == n.nb.store->digest());
}

TEST_CASE("session apply: batches kept back by receive() wait for the next frames, unacked, until endOfFrames()") {
  Nodes n(1000);
  Harness h(n.na, n.nb, n.clock, config(32000));
  h.handshake();
  // Half the window, kept: decoded, neither stored nor acked.
  std::deque<std::string> later(h.toB.begin() + 6, h.toB.end());
  h.toB.erase(h.toB.begin() + 6, h.toB.end());
  h.deliverTogether(true);
  CHECK(h.acks.empty());
  CHECK(n.nb.store->count(Kind::Organization) == 0);
  CHECK(h.b.keptSinceMs() > 0);
  // Three more join them; endOfFrames() applies the eight in one transaction.
  for (int i = 0; i < 3; ++i) h.toB.push_back(Harness::take(later));
  h.deliverTogether(true);
  CHECK(h.acks.empty());
  h.b.endOfFrames();
  REQUIRE(h.acks.size() == 8);
  CHECK(h.acks.front().heldByB == 800);
  CHECK(h.b.keptSinceMs() == 0);
  CHECK(h.b.stats().transactions == 1);
  // The rest ends with A's caught-up, which applies what was kept before it.
  h.toB = std::move(later);
  h.deliverTogether(true);
  REQUIRE(h.acks.size() == 11);
  CHECK(h.acks[9].heldByB == 1000);
  CHECK(h.b.stats().transactions == 2);
  CHECK(n.na.store->digest() == n.nb.store->digest());
}

// The session state machine with two real stores and frames moved by hand (no sockets):
// catch-up both ways, pipelining, live push, resumption, deployment keys, hostile peers.
#include <doctest/doctest.h>

#include <deque>

#include "sync/session.h"
#include "tests/sync/session_pair.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

SessionConfig smallBatches() {
  SessionConfig c;
  c.batchMaxChanges = 100;
  c.window = 4;
  return c;
}

}  // namespace

TEST_CASE("session: full catch-up both ways, pipelined, then live push both ways") {
  TestNode na("A", 1), nb("B", 2);
  writeRecords(*na.store, 2500, 1);
  writeRecords(*nb.store, 1200, 2);
  Pair p(na, nb, smallBatches());
  p.a.start();
  p.run(1);  // hello to B; B answers with hello and starts its stream
  p.run(1);  // B's hello reaches A; A starts streaming
  // A put a whole window of batches on the wire before any ack came back.
  CHECK(p.wire.toB.size() >= 4);
  p.run();
  CHECK(p.a.state() == SessionState::Active);
  CHECK(p.b.state() == SessionState::Active);
  CHECK(p.a.caughtUpBothWays());
  CHECK(p.b.caughtUpBothWays());
  CHECK(p.a.stats().changesSent == 2500);
  CHECK(p.b.stats().changesSent == 1200);
  CHECK(p.a.stats().batchesSent == 25);
  CHECK(p.wire.maxInFlightToB <= 4 + 2);
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(na.store->versionVector() == nb.store->versionVector());

  // Live: a write on each side moves with the next pump.
  REQUIRE(na.store->write(Kind::Organization, idOf(1, 1), {{"name", "改名 renamed"}}).has_value());
  REQUIRE(nb.store->write(Kind::Organization, idOf(7, 9), {{"name", "新 new"}}).has_value());
  p.a.pump(na.store->versionVector());
  p.b.pump(nb.store->versionVector());
  p.run();
  CHECK(na.store->digest() == nb.store->digest());
  CHECK(p.a.stats().changesSent == 2501);
  CHECK(p.b.stats().changesSent == 1201);
  // Nothing is echoed back: B does not resend A's change to A.
  p.b.pump(nb.store->versionVector());
  p.a.pump(na.store->versionVector());
  CHECK(p.wire.toA.empty());
  CHECK(p.wire.toB.empty());
}

TEST_CASE("session: a node without members adopts the deployment key, then records move") {
  TestNode na("A", 1), nb("B", 2);
  REQUIRE(na.store->deploymentKey() != nb.store->deploymentKey());
  writeRecords(*na.store, 10, 1, Kind::Member);
  writeRecords(*nb.store, 5, 2, Kind::Organization);  // B holds records, but no members
  Pair p(na, nb);
  p.a.start();
  p.run();
  CHECK(p.b.stats().adoptedDeploymentKey);
  CHECK(nb.store->deploymentKey() == na.store->deploymentKey());
  CHECK(p.a.caughtUpBothWays());
  CHECK(na.store->digest() == nb.store->digest());
}

TEST_CASE("session: two deployments with members each: error on both sides, nothing moves") {
  TestNode na("A", 1), nb("B", 2);
  writeRecords(*na.store, 10, 1, Kind::Member);
  writeRecords(*nb.store, 10, 2, Kind::Member);
  const auto da = na.store->digest(), db = nb.store->digest();
  Pair p(na, nb);
  p.a.start();
  p.run();
  CHECK(p.a.closed());
  CHECK(p.b.closed());
  CHECK(p.a.closeCode() == WireErrorCode::DifferentDeployment);
  CHECK(p.b.closeCode() == WireErrorCode::DifferentDeployment);
  CHECK(p.b.closeReason().find("different deployments") != std::string::npos);
  CHECK(p.b.closeReason().find("A") != std::string::npos);  // names the peer
  CHECK(na.store->digest() == da);
  CHECK(nb.store->digest() == db);
}

TEST_CASE("session: wrong protocol version or magic gets a clear error") {
  TestNode nb("B", 2);
  for (int variant = 0; variant < 2; ++variant) {
    std::deque<std::string> out;
    Session b(*nb.store, nb.clock, {}, false, [&](std::string&& f) { out.push_back(std::move(f)); });
    HelloMsg hello;
    hello.nodeId = std::string(32, 'c');
    if (variant == 0) hello.protocolVersion = 99;
    else hello.magic = 0xdeadbeef;
    b.onFrame(encodeMessage(hello));
    CHECK(b.closed());
    REQUIRE(out.size() == 1);
    auto reply = decodeMessage(out.front());
    REQUIRE(reply.has_value());
    auto& error = std::get<ErrorMsg>(*reply);
    if (variant == 0) {
      CHECK(error.code == WireErrorCode::IncompatibleVersion);
      CHECK(error.reason.find("99") != std::string::npos);
    } else {
      CHECK(error.code == WireErrorCode::BadMagic);
    }
  }
}

TEST_CASE("session: malformed or out-of-order frames close the session and change nothing") {
  TestNode na("A", 1), nb("B", 2);
  writeRecords(*na.store, 500, 1);
  Pair p(na, nb, smallBatches());
  p.a.start();
  p.run(2);
  const auto before = nb.store->digest();
  // Corrupt the next batch in flight.
  REQUIRE_FALSE(p.wire.toB.empty());
  std::string& f = p.wire.toB.front();
  f.resize(f.size() / 2);
  p.run();
  CHECK(p.b.closed());
  CHECK(p.b.closeCode() == WireErrorCode::Malformed);
  CHECK(p.a.closed());  // told by B's error
  CHECK(nb.store->digest() == before);

  Pair q(na, nb, smallBatches());
  q.a.start();
  q.run(2);
  REQUIRE(q.wire.toB.size() >= 2);
  std::swap(q.wire.toB[0], q.wire.toB[1]);  // batch 2 before batch 1
  q.run();
  CHECK(q.b.closed());
  CHECK(q.b.closeCode() == WireErrorCode::OutOfOrder);
}

TEST_CASE("session: records before the hello are refused") {
  TestNode nb("B", 2);
  std::deque<std::string> out;
  Session b(*nb.store, nb.clock, {}, false, [&](std::string&& f) { out.push_back(std::move(f)); });
  const auto before = nb.store->digest();
  Change c;
  c.kind = Kind::Organization;
  c.id = idOf(5);
  c.origin = 77;
  c.seq = 1;
  c.hlc = 1;
  c.fields = {{"name", "x", {}}};
  b.onFrame(encodeBatch(1, {c}));
  CHECK(b.closed());
  CHECK(nb.store->digest() == before);
}

// Engines talking over real ZeroMQ sockets on 127.0.0.1 (CURVE, ZAP, ROUTER/DEALER).
#include <doctest/doctest.h>

#include <zmq.hpp>

#include "sync/codec.h"
#include "tests/sync/sync_support.h"
#include "tests/sync/tcp_proxy.h"

using namespace unionsync;
using namespace unionsync::testing;
using namespace std::chrono_literals;

namespace {

bool peerLive(const Engine& engine, const std::string& key) {
  auto s = engine.status();
  const PeerStatus* p = s->findPeer(key);
  return p && p->state == PeerState::Live;
}

bool sameData(TestNode& a, TestNode& b) { return a.store->digest() == b.store->digest(); }

// A CURVE client driven by hand (to play a misbehaving but trusted peer).
struct RawClient {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::dealer};
  RawClient(const Identity& self, const std::string& serverKey, const std::string& endpoint, bool curve = true) {
    if (curve) {
      socket.set(zmq::sockopt::curve_serverkey, serverKey);
      socket.set(zmq::sockopt::curve_publickey, self.publicKey);
      socket.set(zmq::sockopt::curve_secretkey, self.secretKey);
    }
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::rcvtimeo, 3000);
    socket.connect(endpoint);
  }
  void send(const std::string& frame) { socket.send(zmq::buffer(frame), zmq::send_flags::none); }
  std::optional<WireMessage> receive() {
    zmq::message_t m;
    if (!socket.recv(m)) return std::nullopt;
    auto r = decodeMessage(std::string_view(static_cast<const char*>(m.data()), m.size()));
    if (!r) return std::nullopt;
    return *r;
  }
};

HelloMsg helloFrom(TestNode& node, std::uint16_t version = kProtocolVersion) {
  HelloMsg h;
  h.protocolVersion = version;
  h.nodeId = node.store->info().nodeId;
  h.name = node.store->info().nodeName;
  h.versionVector = node.store->versionVector();
  h.deploymentKeyHash = Session::deploymentKeyHash(node.store->deploymentKey());
  return h;
}

}  // namespace

TEST_CASE("engine: two nodes over 127.0.0.1: full catch-up, then live push both ways") {
  TestNode a("A", 1), b("B", 2);
  writeRecords(*a.store, 5000, 1);
  writeRecords(*b.store, 3000, 2);
  auto eb = startEngine(b, testEngineOptions(b));
  pairNodes(a, b, endpointOf(*eb));
  eb->trustChanged();
  auto ea = startEngine(a, testEngineOptions(a));
  const auto ka = a.identity().publicKey, kb = b.identity().publicKey;

  REQUIRE(eventually([&] { return peerLive(*ea, kb) && peerLive(*eb, ka); }, 20s));
  CHECK(sameData(a, b));
  CHECK(a.store->count(Kind::Organization) == 8000);
  auto sa = ea->status()->findPeer(kb);
  CHECK(sa->current.changesSent == 5000);
  CHECK(sa->current.changesReceived == 3000);
  CHECK(sa->direction == "out");
  CHECK(eb->status()->findPeer(ka)->direction == "in");

  // Live push, both ways, including a write by "another process" (noticed by polling).
  REQUIRE(a.store->write(Kind::Organization, idOf(1, 1), {{"name", "甲 live"}}).has_value());
  CHECK(eventually([&] { return sameData(a, b); }, 5s));
  REQUIRE(b.store->write(Kind::Organization, idOf(2, 2), {{"name", "乙 live"}}).has_value());
  eb->notifyLocalChange();
  CHECK(eventually([&] { return sameData(a, b); }, 5s));
  CHECK(b.store->get(Kind::Organization, idOf(1, 1))->get("name") == "甲 live");
  CHECK(a.store->get(Kind::Organization, idOf(2, 2))->get("name") == "乙 live");

  // The trust store remembers the contact.
  auto t = TrustStore::open(a.dataDir).value();
  CHECK(t.findByKey(kb)->lastSyncMs > 0);
  CHECK_FALSE(t.findByKey(kb)->nodeId.empty());
}

TEST_CASE("engine: ZAP refuses an untrusted key and a plaintext client while a trusted one syncs") {
  TestNode a("A", 1), b("B", 2), intruder("X", 3);
  writeRecords(*a.store, 500, 1);
  writeRecords(*intruder.store, 50, 3);
  auto eb = startEngine(b, testEngineOptions(b));
  const std::string endpoint = endpointOf(*eb);
  pairNodes(a, b, endpoint);
  eb->trustChanged();
  // The intruder trusts B (it knows B's key) but B does not trust the intruder.
  auto tx = TrustStore::open(intruder.dataDir).value();
  REQUIRE(tx.trust(b.identity().publicKey, "B", endpoint, 1).has_value());
  const auto digestBefore = b.store->digest();

  auto ex = startEngine(intruder, testEngineOptions(intruder));
  RawClient plaintext(intruder.identity(), "", endpoint, false);
  plaintext.send("GET / HTTP/1.0\r\n\r\n");
  const auto kb = b.identity().publicKey, kx = intruder.identity().publicKey;
  REQUIRE(eventually([&] { return ex->status()->findPeer(kb)->state == PeerState::Refused; }, 10s));
  CHECK(ex->status()->findPeer(kb)->lastError.find("does not trust") != std::string::npos);
  CHECK(b.store->digest() == digestBefore);
  // B lists the refused key with its fingerprint, so the user can pair. B's engine notes its
  // refusals on its own thread, which may come after the intruder's engine has given up.
  auto listed = [&] {
    for (const auto& d : eb->status()->discovered)
      if (d.publicKey == kx && d.refused && d.fingerprint == fingerprintOf(kx)) return true;
    return false;
  };
  CHECK(eventually(listed, 5s));
  CHECK(eventually([&] { return eb->status()->refusedConnections >= 2; }, 5s));  // the key and the plaintext client
  CHECK_FALSE(plaintext.receive().has_value());

  // Meanwhile a trusted node syncs normally.
  auto ea = startEngine(a, testEngineOptions(a));
  REQUIRE(eventually([&] { return peerLive(*ea, kb); }, 20s));
  CHECK(eventually([&] { return sameData(a, b); }, 5s));
  CHECK(b.store->count(Kind::Organization) == 500);  // nothing from the intruder
}

TEST_CASE("engine: a wrong protocol version and garbage frames end that session only") {
  TestNode a("A", 1), b("B", 2), c("C", 3);
  writeRecords(*a.store, 300, 1);
  auto eb = startEngine(b, testEngineOptions(b));
  const std::string endpoint = endpointOf(*eb);
  pairNodes(a, b, endpoint);
  pairNodes(c, b, endpoint);
  eb->trustChanged();
  const auto kb = b.identity().publicKey;
  const auto digestBefore = b.store->digest();

  RawClient old(c.identity(), kb, endpoint);
  old.send(encodeMessage(helloFrom(c, 99)));
  auto reply = old.receive();
  REQUIRE(reply.has_value());
  REQUIRE(std::holds_alternative<ErrorMsg>(*reply));
  CHECK(std::get<ErrorMsg>(*reply).code == WireErrorCode::IncompatibleVersion);
  CHECK(std::get<ErrorMsg>(*reply).reason.find("incompatible protocol version") != std::string::npos);

  RawClient garbage(c.identity(), kb, endpoint);
  garbage.send(encodeMessage(helloFrom(c)));
  auto hello = garbage.receive();
  REQUIRE(hello.has_value());
  CHECK(std::holds_alternative<HelloMsg>(*hello));
  garbage.send(std::string(4096, '\x7f'));
  bool gotError = false;
  for (int i = 0; i < 20 && !gotError; ++i) {
    auto m = garbage.receive();
    if (!m) break;
    if (auto* e = std::get_if<ErrorMsg>(&*m)) gotError = e->code == WireErrorCode::Malformed;
  }
  CHECK(gotError);
  CHECK(b.store->digest() == digestBefore);

  auto ea = startEngine(a, testEngineOptions(a));
  REQUIRE(eventually([&] { return peerLive(*ea, kb); }, 20s));
  CHECK(eventually([&] { return sameData(a, b); }, 5s));
}

TEST_CASE("engine: stopped mid catch-up, restarted, completes without resending everything") {
  TestNode a("A", 1), b("B", 2);
  writeRecords(*a.store, 30000, 1);
  auto ea = startEngine(a, testEngineOptions(a));
  // A slow link (delays in a proxy) so that the interruption lands mid-stream.
  TcpProxy proxy(portOf(endpointOf(*ea)), ProxyFaults{20, 0, 0, 0}, 7);
  pairNodes(b, a, "tcp://127.0.0.1:" + std::to_string(proxy.port()));
  ea->trustChanged();
  auto optionsB = testEngineOptions(b, false);
  optionsB.session.batchMaxChanges = 200;
  {
    auto eb = startEngine(b, optionsB);
    REQUIRE(eventually([&] { return b.store->count(Kind::Organization) >= 2000; }, 20s));
  }  // B's engine stops mid-stream
  const auto partial = b.store->count(Kind::Organization);
  MESSAGE("received before the interruption: " << partial);
  CHECK(partial < 30000);
  b.reopen();
  auto eb = startEngine(b, optionsB);
  const auto ka = a.identity().publicKey;
  REQUIRE(eventually([&] { return sameData(a, b); }, 30s));
  REQUIRE(eventually([&] { return peerLive(*eb, ka); }, 5s));
  CHECK(eb->status()->findPeer(ka)->current.changesReceived <= 30000 - partial + 2000);
}

TEST_CASE("engine: bad network (delays and cuts and stalls through a proxy): sync still completes" * doctest::test_suite("slow")) {
  TestNode a("A", 1), b("B", 2);
  writeRecords(*a.store, 20000, 1);
  writeRecords(*b.store, 2000, 2);
  auto eb = startEngine(b, testEngineOptions(b));
  TcpProxy proxy(portOf(endpointOf(*eb)), ProxyFaults{3, 100'000, 600'000, 4}, 42);
  const std::string viaProxy = "tcp://127.0.0.1:" + std::to_string(proxy.port());
  pairNodes(a, b, viaProxy);
  eb->trustChanged();
  auto ea = startEngine(a, testEngineOptions(a));
  REQUIRE(eventually([&] { return sameData(a, b); }, 90s));
  MESSAGE("proxy connections: " << proxy.connections() << ", cuts: " << proxy.cuts());
  CHECK(proxy.cuts() >= 1);
  CHECK(proxy.connections() >= 2);
}

TEST_CASE("engine: revoking trust disconnects the peer and refuses it afterwards") {
  TestNode a("A", 1), b("B", 2);
  auto eb = startEngine(b, testEngineOptions(b));
  pairNodes(a, b, endpointOf(*eb));
  eb->trustChanged();
  auto ea = startEngine(a, testEngineOptions(a));
  const auto ka = a.identity().publicKey, kb = b.identity().publicKey;
  REQUIRE(eventually([&] { return peerLive(*ea, kb); }, 20s));
  auto tb = TrustStore::open(b.dataDir).value();
  REQUIRE(tb.revoke(ka).has_value());  // as `peer revoke` in another process would
  REQUIRE(eventually([&] { return ea->status()->findPeer(kb)->state == PeerState::Refused; }, 10s));
  CHECK(eb->status()->findPeer(ka)->state == PeerState::Revoked);
  writeRecords(*a.store, 10, 1);
  std::this_thread::sleep_for(500ms);
  CHECK(b.store->count(Kind::Organization) == 0);
}

TEST_CASE("engine: discovery beacons connect trusted peers automatically and list the others") {
  TestNode a("A", 1), b("B", 2), u("U", 3);
  writeRecords(*a.store, 100, 1);
  // Discovery ports: let the OS pick, then point each node's beacons at the other.
  auto probeA = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {}}).value();
  auto probeB = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {}}).value();
  auto probeU = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {}}).value();
  const std::uint16_t pa = probeA.port(), pb = probeB.port(), pu = probeU.port();
  { auto x = std::move(probeA); auto y = std::move(probeB); auto z = std::move(probeU); }
  auto opts = [](TestNode& n, std::uint16_t port, std::vector<std::string> targets) {
    auto o = testEngineOptions(n);
    o.discovery = true;
    o.discoveryOptions = DiscoveryOptions{port, "127.0.0.1", std::move(targets)};
    o.beaconIntervalMs = 200;
    return o;
  };
  pairNodes(a, b);  // trust without any address
  auto ea = startEngine(a, opts(a, pa, {"127.0.0.1:" + std::to_string(pb)}));
  auto eb = startEngine(b, opts(b, pb, {"127.0.0.1:" + std::to_string(pa)}));
  auto eu = startEngine(u, opts(u, pu, {"127.0.0.1:" + std::to_string(pa)}));
  const auto kb = b.identity().publicKey, ku = u.identity().publicKey;
  REQUIRE(eventually([&] { return sameData(a, b); }, 20s));
  CHECK(eventually([&] {
    for (const auto& d : ea->status()->discovered) {
      if (d.publicKey == ku && d.name == "U") return true;
    }
    return false;
  }, 5s));
  CHECK(ea->status()->findPeer(ku) == nullptr);  // a beacon never grants trust
  CHECK(u.store->count(Kind::Organization) == 0);
  (void)kb;
}

TEST_CASE("engine: both sides dialling each other end up with one session and converge") {
  TestNode a("A", 1), b("B", 2);
  writeRecords(*a.store, 1000, 1);
  writeRecords(*b.store, 1000, 2);
  auto ea = startEngine(a, testEngineOptions(a));
  auto eb = startEngine(b, testEngineOptions(b));
  pairNodes(a, b, endpointOf(*eb), endpointOf(*ea));
  ea->trustChanged();
  eb->trustChanged();
  const auto ka = a.identity().publicKey, kb = b.identity().publicKey;
  REQUIRE(eventually([&] { return peerLive(*ea, kb) && peerLive(*eb, ka) && sameData(a, b); }, 20s));
  std::this_thread::sleep_for(1s);
  CHECK(peerLive(*ea, kb));
  CHECK(peerLive(*eb, ka));
  auto da = ea->status()->findPeer(kb)->direction, db = eb->status()->findPeer(ka)->direction;
  CHECK(da != db);  // one connection: outgoing on one side, incoming on the other
  REQUIRE(a.store->write(Kind::Organization, idOf(5, 5), {{"name", "x"}}).has_value());
  CHECK(eventually([&] { return sameData(a, b); }, 5s));
}

// The sync facade (app/sync/sync_service.h) through Node: pairing, starting, a write pushed
// without any manual notify, and the GUI's fallback when the port is busy. Loopback only.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "app/node.h"
#include "app/sync/status_file.h"
#include "app/sync/sync_once.h"
#include "app/sync/sync_service.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct SyncedNode {
  TempDir dir;
  SystemClock clock;  // the engine's timeouts and heartbeats need a real clock
  SeededRandom random;
  std::unique_ptr<Node> node;

  SyncedNode(const std::string& name, std::uint64_t seed) : random(seed) {
    node = std::move(Node::create(dir.sub("node"), name, clock, random, NodeOptions{.durable = false}).value());
  }
  SyncService& sync() { return node->sync(); }
  std::string key() { return sync().ownKey().value().publicKey; }
  std::string listening() {
    auto s = sync().status();
    REQUIRE(s);
    REQUIRE(!s->listenEndpoints.empty());
    return s->listenEndpoints.front();
  }
};

// A poll so slow that only the node's own notification can push a write within the test.
SyncStartOptions slowPoll(std::string listen) {
  SyncStartOptions o;
  o.listen = std::move(listen);
  o.engine.pollIntervalMs = 600'000;
  return o;
}

bool caughtUpWith(const SyncStatus& s, const std::string& key) {
  const PeerStatus* p = s.findPeer(key);
  return p && p->caughtUp;
}

}  // namespace

TEST_CASE("sync service: paired nodes started through the facade receive each other's writes at once") {
  SyncedNode a("甲", 1), b("乙", 2);
  auto org = a.node->add(Kind::Organization, {{"name", "示范区总工会"}, {"org_type", "区县总工会"}});
  REQUIRE(org.has_value());

  REQUIRE(a.sync().start(slowPoll("tcp://127.0.0.1:*")).has_value());
  REQUIRE(b.sync().start(slowPoll("")).has_value());
  CHECK(a.sync().startProblem().empty());
  const std::string addressOfA = a.listening();

  // Pairing through the facade; trusting on b with an address connects at once.
  REQUIRE(a.sync().trust(b.key(), "乙", "").has_value());
  CHECK_FALSE(a.sync().trust(a.key(), "me", "").has_value());  // its own key is refused
  REQUIRE(b.sync().trust(a.key(), "甲", addressOfA).has_value());
  auto peersOfB = b.sync().peers().value();
  REQUIRE(peersOfB.size() == 1);
  CHECK(peersOfB[0].name == "甲");

  auto [first, met] = b.sync().waitFor([&](const SyncStatus& s) { return caughtUpWith(s, a.key()); }, 10s);
  REQUIRE(met);
  REQUIRE(b.node->get(Kind::Organization, *org).has_value());

  // No notify call: Node::add itself tells the running engine.
  auto member = a.node->add(Kind::Member, {{"name", "王淼"}, {"id_number", "11010519491231002X"}, {"org", org->hex()}});
  REQUIRE_MESSAGE(member.has_value(), member.error().summary());
  // Well under the engine's heartbeat tick (about a second), which also reads the vector.
  const auto deadline = std::chrono::steady_clock::now() + 300ms;
  while (!b.node->get(Kind::Member, *member) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  CHECK(b.node->get(Kind::Member, *member).has_value());
  CHECK(b.node->digest() == a.node->digest());

  // Revoking through the facade; the running engine is told.
  REQUIRE(b.sync().revoke("甲").has_value());
  CHECK(b.sync().peers().value()[0].state == TrustState::Revoked);
  CHECK_FALSE(b.sync().revoke("nobody").has_value());
}

TEST_CASE("sync service: a busy port fails a plain start, and with fallBack the engine runs outgoing and says why") {
  SyncedNode a("甲", 1), b("乙", 2);
  SyncStartOptions first;
  first.listen = "tcp://127.0.0.1:*";
  REQUIRE(a.sync().start(first).has_value());
  const std::string busy = a.listening();

  SyncStartOptions same;
  same.listen = busy;
  auto plain = b.sync().start(same);
  CHECK_FALSE(plain.has_value());
  CHECK_FALSE(b.sync().running());
  CHECK(b.sync().status() == nullptr);

  same.fallBack = true;
  same.discovery = true;
  REQUIRE(b.sync().start(same).has_value());
  CHECK(b.sync().running());
  auto s = b.sync().status();
  REQUIRE(s);
  CHECK(s->listenEndpoints.empty());
  CHECK(b.sync().startProblem().find(busy.substr(busy.rfind(':') + 1)) != std::string::npos);

  b.sync().stop();
  CHECK_FALSE(b.sync().running());
  CHECK(b.sync().status() == nullptr);
  auto [none, held] = b.sync().waitFor([](const SyncStatus&) { return true; }, 10ms);
  CHECK_FALSE(held);
  CHECK(none == nullptr);
}

TEST_CASE("sync service: the status file shows the running engine's peers to other readers and goes with the writer") {
  SyncedNode a("甲", 3), b("乙", 4);
  const std::string dataDir = a.dir.sub("node");
  CHECK_FALSE(readStatusFile(dataDir).has_value());  // nobody serves yet
  REQUIRE(a.sync().trust(b.key(), "乙", "tcp://127.0.0.1:9").has_value());
  REQUIRE(a.sync().start(slowPoll("tcp://127.0.0.1:*")).has_value());
  {
    StatusFileWriter writer(dataDir, a.clock, [&] { return a.sync().status(); });
    std::optional<ServedStatus> served;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!(served = readStatusFile(dataDir)) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    REQUIRE(served.has_value());
    CHECK(served->pid == ::getpid());
    CHECK(served->listen == std::vector<std::string>{a.listening()});
    const ServedPeer* peer = served->findPeer(b.key());
    REQUIRE(peer != nullptr);
    CHECK(peer->name == "乙");
    CHECK(peer->state.has_value());
    CHECK(served->findPeer(a.key()) == nullptr);
  }
  CHECK_FALSE(readStatusFile(dataDir).has_value());  // the writer deleted it
}

TEST_CASE("sync service: syncOnce catches up with one peer and stops, and without trust or a peer says why") {
  SyncedNode a("甲", 5), b("乙", 6);
  auto org = a.node->add(Kind::Organization, {{"name", "示范区总工会"}, {"org_type", "区县总工会"}});
  REQUIRE(org.has_value());
  auto none = syncOnce(b.sync(), "tcp://127.0.0.1:9", 1s);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message.find("no trusted peers") != std::string::npos);

  REQUIRE(a.sync().start(slowPoll("tcp://127.0.0.1:*")).has_value());
  const std::string addressOfA = a.listening();
  REQUIRE(a.sync().trust(b.key(), "乙", "").has_value());
  REQUIRE(b.sync().trust(a.key(), "甲", addressOfA).has_value());
  auto synced = syncOnce(b.sync(), addressOfA, 10s);
  REQUIRE_MESSAGE(synced.has_value(), (synced ? std::string() : synced.error().message));
  CHECK(synced->name == "甲");
  CHECK(synced->caughtUp);
  CHECK(synced->current.changesReceived > 0);
  CHECK_FALSE(b.sync().running());
  CHECK(b.node->get(Kind::Organization, *org).has_value());

  a.sync().stop();
  auto gone = syncOnce(b.sync(), addressOfA, 1s);
  REQUIRE_FALSE(gone.has_value());
  CHECK(gone.error().message.find("sync with " + addressOfA + " failed") != std::string::npos);
}

TEST_CASE("sync service: a node's own keys name a CURVE key and an Ed25519 signing key, stable and distinct per node") {
  SyncedNode a("甲", 11), b("乙", 12);
  auto first = a.sync().ownKey();
  REQUIRE(first);
  CHECK(first->signingKey.size() == 64);
  CHECK(first->signingKey.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a.sync().ownKey()->signingKey == first->signingKey);
  CHECK(b.sync().ownKey()->signingKey != first->signingKey);
}

TEST_CASE("status file: a truncated, garbled or wrongly typed file reads as no running service, not a crash") {
  SyncedNode a("甲", 13);
  REQUIRE(a.sync().ownKey());  // creates <data>/sync
  const std::string path = a.node->dataDir() + "/sync/status.json";
  const std::string pid = std::to_string(::getpid());  // a live process, so only the content decides
  for (const std::string& text :
       {std::string("{\"pid\": ") + pid + ", \"peers\": [{\"key\": 5", std::string("\xff\xfe garbage"),
        std::string("{\"pid\": \"") + pid + "\"}", std::string("{\"pid\": ") + pid + ", \"peers\": [5, null]}",
        std::string("{\"pid\": ") + pid + ", \"listen\": {\"a\": 1}}", std::string("[]"), std::string("")}) {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    CHECK_FALSE(readStatusFile(a.node->dataDir()).has_value());
  }
  // The same writer's well-formed file with this live pid is read (the check above could fail).
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs((std::string("{\"pid\": ") + pid + ", \"listen\": [\"tcp://127.0.0.1:1\"], \"peers\": []}").c_str(), f);
  std::fclose(f);
  auto read = readStatusFile(a.node->dataDir());
  REQUIRE(read.has_value());
  CHECK(read->listen == std::vector<std::string>{"tcp://127.0.0.1:1"});
}

// Watching and interrupting `sync --peer` (SyncWatch, app/sync/sync_once.h). Loopback only.
#include <doctest/doctest.h>

#include <chrono>

#include "app/node.h"
#include "app/sync/sync_once.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;
using namespace std::chrono_literals;

namespace {

struct Office {
  TempDir dir;
  SystemClock clock;  // the engine's timeouts need a real clock
  SeededRandom random;
  std::unique_ptr<Node> node;

  Office(const std::string& name, std::uint64_t seed) : random(seed) {
    node = std::move(Node::create(dir.sub("node"), name, clock, random, NodeOptions{.durable = false}).value());
  }
  std::string key() { return node->sync().ownKey().value().publicKey; }
};

}  // namespace

TEST_CASE("sync watch: progress comes while the peer does not answer, and a cancel stops the sync at once") {
  Office b("乙", 22);
  Office a("甲", 21);
  const std::string nobody = "tcp://127.0.0.1:9";  // nothing listens there
  REQUIRE(b.node->sync().trust(a.key(), "甲", nobody).has_value());
  std::atomic<bool> stop{false};
  int calls = 0;
  const auto started = std::chrono::steady_clock::now();
  auto cut = syncOnce(b.node->sync(), nobody, 20s, SyncWatch{[&](const PeerStatus& p) {
                                                                CHECK(p.name == "甲");
                                                                CHECK(p.current.changesReceived == 0);
                                                                if (++calls == 3) stop = true;
                                                              },
                                                              &stop});
  CHECK(calls == 3);
  CHECK(std::chrono::steady_clock::now() - started < 10s);  // not the 20 s timeout
  REQUIRE(cut.has_value());  // the trusted peer's status so far
  CHECK_FALSE(cut->caughtUp);
  CHECK_FALSE(b.node->sync().running());
}

TEST_CASE("sync watch: cancelled before a session begins, the sync fails saying so; the next one catches up") {
  Office a("甲", 31), b("乙", 32);
  auto org = a.node->add(Kind::Organization, {{"name", "示范区总工会"}, {"org_type", "区县总工会"}});
  REQUIRE(org.has_value());
  SyncStartOptions serve;
  serve.listen = "tcp://127.0.0.1:*";
  REQUIRE(a.node->sync().start(serve).has_value());
  const std::string address = a.node->sync().status()->listenEndpoints.front();
  REQUIRE(a.node->sync().trust(b.key(), "乙", "").has_value());
  REQUIRE(b.node->sync().trust(a.key(), "甲", address).has_value());

  std::atomic<bool> stop{true};
  auto cut = syncOnce(b.node->sync(), address, 10s, SyncWatch{.cancel = &stop});
  REQUIRE_FALSE(cut.has_value());
  CHECK(cut.error().message.find("interrupted before a session") != std::string::npos);
  CHECK_FALSE(b.node->sync().running());

  auto synced = syncOnce(b.node->sync(), address, 10s);
  REQUIRE_MESSAGE(synced.has_value(), (synced ? std::string() : synced.error().message));
  CHECK(synced->caughtUp);
  CHECK(b.node->get(Kind::Organization, *org).has_value());
  a.node->sync().stop();
}

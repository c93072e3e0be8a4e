// Trusted peers persisted in the data directory.
#include <doctest/doctest.h>

#include "sync/identity.h"
#include "sync/trust_store.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {
std::string newKey() {
  TempDir d;
  return loadOrCreateIdentity(d.path()).value().publicKey;
}
}  // namespace

TEST_CASE("trust store: trust, persist, reopen, revoke by name and by key") {
  TempDir dir;
  const std::string k1 = newKey(), k2 = newKey();
  {
    auto t = TrustStore::open(dir.path()).value();
    CHECK(t.peers().empty());
    REQUIRE(t.trust(k1, "东城", "tcp://127.0.0.1:7400", 1000).has_value());
    REQUIRE(t.trust(k2, "", "", 2000).has_value());
    CHECK(t.isTrusted(k1));
    CHECK(t.isTrusted(k2));
    CHECK_FALSE(t.trust("not-a-key", "x", "", 1).has_value());
    CHECK_FALSE(t.trust(k1, "x", "http://nope", 1).has_value());
  }
  auto t = TrustStore::open(dir.path()).value();
  REQUIRE(t.peers().size() == 2);
  const TrustedPeer* p1 = t.findByKey(k1);
  REQUIRE(p1 != nullptr);
  CHECK(p1->name == "东城");
  CHECK(p1->addresses == std::vector<std::string>{"tcp://127.0.0.1:7400"});
  CHECK(p1->addedMs == 1000);
  CHECK_FALSE(t.findByKey(k2)->name.empty());  // defaults to the fingerprint's start

  REQUIRE(t.revoke("东城").has_value());
  CHECK_FALSE(t.isTrusted(k1));
  CHECK(t.findByKey(k1)->state == TrustState::Revoked);
  REQUIRE(t.revoke(k2).has_value());
  CHECK_FALSE(t.isTrusted(k2));
  CHECK_FALSE(t.revoke("nobody").has_value());

  auto reopened = TrustStore::open(dir.path()).value();
  CHECK_FALSE(reopened.isTrusted(k1));
  CHECK_FALSE(reopened.isTrusted(k2));
  // Trusting again restores the peer and keeps its history.
  REQUIRE(reopened.trust(k1, "", "tcp://127.0.0.1:7500", 3000).has_value());
  CHECK(reopened.isTrusted(k1));
  CHECK(reopened.findByKey(k1)->addresses.front() == "tcp://127.0.0.1:7500");
  CHECK(reopened.findByKey(k1)->addedMs == 1000);
}

TEST_CASE("trust store: two instances (two processes) do not lose each other's updates") {
  TempDir dir;
  const std::string k1 = newKey(), k2 = newKey();
  auto a = TrustStore::open(dir.path()).value();
  auto b = TrustStore::open(dir.path()).value();
  REQUIRE(a.trust(k1, "one", "", 1).has_value());
  REQUIRE(b.trust(k2, "two", "", 2).has_value());  // b re-reads under the lock first
  CHECK(b.isTrusted(k1));
  auto changed = a.reloadIfChanged();
  REQUIRE(changed.has_value());
  CHECK(*changed);
  CHECK(a.isTrusted(k2));
  CHECK_FALSE(a.reloadIfChanged().value());
}

TEST_CASE("trust store: an ambiguous name is not revoked") {
  TempDir dir;
  auto t = TrustStore::open(dir.path()).value();
  REQUIRE(t.trust(newKey(), "same", "", 1).has_value());
  REQUIRE(t.trust(newKey(), "same", "", 1).has_value());
  CHECK_FALSE(t.revoke("same").has_value());
}

TEST_CASE("trust store: discovered peers are remembered in memory only") {
  TempDir dir;
  const std::string k = newKey();
  {
    auto t = TrustStore::open(dir.path()).value();
    t.noteDiscovered(DiscoveredPeer{k, fingerprintOf(k), "西城", "", "tcp://127.0.0.1:1", 5, false});
    t.noteDiscovered(DiscoveredPeer{k, fingerprintOf(k), "", "", "", 6, true});
    REQUIRE(t.discovered().size() == 1);
    CHECK(t.discovered()[0].name == "西城");
    CHECK(t.discovered()[0].refused);
    CHECK_FALSE(t.isTrusted(k));
  }
  CHECK(TrustStore::open(dir.path()).value().discovered().empty());
}

// UDP beacons on loopback only.
#include <doctest/doctest.h>

#include <thread>

#include "sync/discovery.h"
#include "sync/identity.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

TEST_CASE("beacon: encode/decode, and tampering is rejected") {
  TempDir dir;
  auto id = loadOrCreateIdentity(dir.path()).value();
  Beacon b{std::string(32, 'a'), "东城区总工会", 7400, id.fingerprint, id.publicKey, ""};
  auto decoded = decodeBeacon(encodeBeacon(b));
  REQUIRE(decoded.has_value());
  CHECK(decoded->name == b.name);
  CHECK(decoded->syncPort == 7400);
  CHECK(decoded->publicKey == id.publicKey);

  Beacon forged = b;
  forged.fingerprint = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
  CHECK_FALSE(decodeBeacon(encodeBeacon(forged)).has_value());
  CHECK_FALSE(decodeBeacon("garbage").has_value());
  CHECK_FALSE(decodeBeacon(std::string(5000, '{')).has_value());
  CHECK_FALSE(decodeBeacon(R"({"app":"unionsync","v":1,"port":99999})").has_value());
}

TEST_CASE("discovery: two sockets exchange beacons over 127.0.0.1") {
  TempDir da, db;
  auto ia = loadOrCreateIdentity(da.path()).value();
  auto ib = loadOrCreateIdentity(db.path()).value();
  auto a = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {}});
  REQUIRE(a.has_value());
  auto b = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {"127.0.0.1:" + std::to_string(a->port())}});
  REQUIRE(b.has_value());
  // a's targets must name b's port: reopen a now that b's port is known.
  auto a2 = Discovery::open(DiscoveryOptions{0, "127.0.0.1", {"127.0.0.1:" + std::to_string(b->port())}});
  REQUIRE(a2.has_value());

  b->send(Beacon{std::string(32, 'b'), "B", 7402, ib.fingerprint, ib.publicKey, ""});
  a2->send(Beacon{std::string(32, 'a'), "A", 7401, ia.fingerprint, ia.publicKey, ""});
  std::vector<Beacon> gotA, gotB;
  for (int i = 0; i < 100 && (gotA.empty() || gotB.empty()); ++i) {
    for (auto& x : a->receive()) gotA.push_back(x);
    for (auto& x : b->receive()) gotB.push_back(x);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(gotA.size() == 1);
  REQUIRE(gotB.size() == 1);
  CHECK(gotA[0].name == "B");
  CHECK(gotA[0].sourceIp == "127.0.0.1");
  CHECK(gotA[0].syncPort == 7402);
  CHECK(gotB[0].publicKey == ia.publicKey);
}

TEST_CASE("discovery: bad targets are reported") {
  CHECK_FALSE(Discovery::open(DiscoveryOptions{0, "127.0.0.1", {"nonsense"}}).has_value());
  CHECK_FALSE(Discovery::open(DiscoveryOptions{0, "not-an-ip", {}}).has_value());
}

// Shared helpers of the sync tests: throwaway nodes (a store plus a data directory),
// deterministic writes and polling waits. Only 127.0.0.1 is ever used.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "store/store.h"
#include "sync/engine.h"
#include "sync/identity.h"
#include "sync/trust_store.h"
#include "tests/support/temp_dir.h"

namespace unionsync::testing {

struct TestNode {
  TempDir dir;
  SystemClock clock;
  SeededRandom random;
  std::string dataDir;
  std::unique_ptr<Store> store;

  explicit TestNode(const std::string& name, std::uint64_t seed = 1) : random(seed) {
    dataDir = dir.sub("data");
    StoreOptions options;
    options.durable = false;
    options.initialMapSize = std::size_t{1} << 30;
    store = std::move(Store::create(dataDir + "/store", name, options, clock, random).value());
  }

  // Closes and reopens the store (as a restarted process would).
  void reopen() {
    store.reset();
    StoreOptions options;
    options.durable = false;
    options.initialMapSize = std::size_t{1} << 30;
    store = std::move(Store::open(dataDir + "/store", options, clock).value());
  }

  Identity identity() const { return loadOrCreateIdentity(dataDir).value(); }
};

inline RecordId idOf(std::uint64_t n, std::uint8_t tag = 0) {
  RecordId id;
  for (int i = 0; i < 8; ++i) id.bytes[i] = static_cast<std::uint8_t>(n >> (8 * i));
  id.bytes[15] = tag;
  return id;
}

// `count` records of `kind` with a few fields each, in one transaction.
inline void writeRecords(Store& store, std::size_t count, std::uint8_t tag, Kind kind = Kind::Organization,
                         std::size_t first = 0) {
  std::vector<Store::LocalWrite> writes;
  writes.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    writes.push_back(Store::LocalWrite{kind, idOf(i, tag),
                                       {{"name", "记录 " + std::to_string(i) + " of " + std::to_string(tag)},
                                        {"type", "基层工会"},
                                        {"note", std::string(40, 'x')}}});
  }
  REQUIRE(store.writeMany(writes).has_value());
}

// Makes `a` and `b` trust each other; b's address is given to a when known.
inline void pairNodes(TestNode& a, TestNode& b, const std::string& addressOfB = {},
                      const std::string& addressOfA = {}) {
  auto ia = a.identity();
  auto ib = b.identity();
  auto ta = TrustStore::open(a.dataDir).value();
  REQUIRE(ta.trust(ib.publicKey, "peer-b", addressOfB, 1).has_value());
  auto tb = TrustStore::open(b.dataDir).value();
  REQUIRE(tb.trust(ia.publicKey, "peer-a", addressOfA, 1).has_value());
}

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

// Engine options for tests: loopback only, quick timers.
inline EngineOptions testEngineOptions(const TestNode& node, bool listen = true) {
  EngineOptions o;
  o.dataDir = node.dataDir;
  if (listen) o.listen = {"tcp://127.0.0.1:0"};
  o.pollIntervalMs = 50;
  o.reconnectMinMs = 100;
  o.reconnectMaxMs = 1000;
  o.session.heartbeatMs = 300;
  o.session.timeoutMs = 3000;
  o.session.helloTimeoutMs = 3000;
  if (std::getenv("UNIONSYNC_TEST_LOG")) {
    std::string who = node.store->info().nodeName;
    o.log = [who](const std::string& line) { std::fprintf(stderr, "[%s] %s\n", who.c_str(), line.c_str()); };
  }
  return o;
}

inline std::unique_ptr<Engine> startEngine(TestNode& node, EngineOptions options) {
  auto engine = Engine::start(*node.store, node.clock, std::move(options));
  REQUIRE_MESSAGE(engine.has_value(), (engine ? "" : engine.error().message));
  return std::move(*engine);
}

inline std::string endpointOf(const Engine& engine) { return engine.status()->listenEndpoints.at(0); }

}  // namespace unionsync::testing

// Property test of the merge API without any network: three replicas make random writes
// with skewed clocks and exchange batches in random orders, sizes and interruptions. After a
// final exchange every replica must hold identical state.
#include <doctest/doctest.h>

#include <cstdlib>

#include <fmt/format.h>

#include "store/store.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

constexpr int kReplicas = 3;

struct Replica {
  ManualClock clock{0};
  std::unique_ptr<Store> store;
};

struct World {
  TempDir dir;
  SeededRandom random;
  Replica replicas[kReplicas];

  explicit World(std::uint64_t seed) : random(seed) {
    StoreOptions options;
    options.durable = false;
    options.initialMapSize = std::size_t{1} << 24;
    options.indexedFields = {{Kind::Member, "name"}};
    for (int i = 0; i < kReplicas; ++i) {
      // Clocks are skewed by up to a second so HLC order differs from real order.
      replicas[i].clock.set(1'700'000'000'000 + static_cast<std::int64_t>(random.below(1000)));
      replicas[i].store = std::move(
          Store::create(dir.sub(fmt::format("r{}", i)), "r", options, replicas[i].clock, random).value());
    }
  }

  void randomWrite(Replica& r) {
    RecordId id;
    id.bytes[0] = static_cast<std::uint8_t>(random.below(4));
    Kind kind = random.below(4) == 0 ? Kind::Activity : Kind::Member;
    std::vector<std::pair<std::string, std::string>> fields;
    int count = 1 + static_cast<int>(random.below(3));
    for (int f = 0; f < count; ++f) {
      static const char* kFields[] = {"name", "mobile", "org", "deleted", "p:1", "p:2"};
      std::string value = random.below(5) == 0 ? "" : std::to_string(random.below(6));
      fields.emplace_back(kFields[random.below(6)], value);
    }
    REQUIRE(r.store->write(kind, id, fields).has_value());
    r.clock.advance(static_cast<std::int64_t>(random.below(3)));
  }

  // Streams from `from` to `to` in random-size batches; may stop early (an interrupted
  // session), in which case the catch-up marker is not sent.
  void exchange(Replica& from, Replica& to, bool mayInterrupt) {
    VersionVector start = from.store->versionVector();
    VersionVector since = to.store->versionVector();
    ChangeCursor cursor;
    for (;;) {
      std::size_t size = 1 + random.below(5);
      ChangeBatch batch = from.store->changesSince(since, cursor, size, 1 << 20);
      if (mayInterrupt && random.below(4) == 0) return;
      REQUIRE(to.store->apply(batch.changes).has_value());
      cursor = batch.next;
      if (batch.done) break;
    }
    REQUIRE(to.store->advanceVersionVector(start).has_value());
  }
};

int seedCount() {
  const char* env = std::getenv("UNIONSYNC_PROPERTY_SEEDS");
  return env ? std::atoi(env) : 1000;
}

}  // namespace

TEST_CASE("three replicas converge under random writes, exchanges and interruptions (1000 seeds)") {
  const int seeds = seedCount();
  for (int seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);
    World world(static_cast<std::uint64_t>(seed));
    int steps = 10 + static_cast<int>(world.random.below(40));
    for (int step = 0; step < steps; ++step) {
      Replica& a = world.replicas[world.random.below(kReplicas)];
      Replica& b = world.replicas[world.random.below(kReplicas)];
      if (world.random.below(3) == 0 && &a != &b)
        world.exchange(a, b, true);
      else
        world.randomWrite(a);
    }
    // Links come back: a full round in both directions around the ring, twice, so that
    // whatever a replica learnt from one neighbour reaches the other.
    for (int round = 0; round < 2; ++round)
      for (int i = 0; i < kReplicas; ++i) {
        world.exchange(world.replicas[i], world.replicas[(i + 1) % kReplicas], false);
        world.exchange(world.replicas[(i + 1) % kReplicas], world.replicas[i], false);
      }
    std::string digest = world.replicas[0].store->digest();
    for (int i = 1; i < kReplicas; ++i) REQUIRE(world.replicas[i].store->digest() == digest);
    // Caught up means nothing more to send: a further exchange moves no changes.
    for (int i = 0; i < kReplicas; ++i) {
      auto& from = world.replicas[i];
      auto& to = world.replicas[(i + 1) % kReplicas];
      auto rest = from.store->changesSince(to.store->versionVector(), {}, 1000, 1 << 20);
      REQUIRE(rest.changes.empty());
    }
  }
}

// The node's one change feed (app/changes.h): this process's writes, received batches and
// dismissed conflicts, and other processes' commits, all reach sequence() and subscribers.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "app/changes.h"
#include "app/internal/store_access.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace std::chrono_literals;
using unionsync::testing::TestNode;

namespace {

// Waits up to `timeout` for `done()`.
template <typename F>
bool eventually(F done, std::chrono::milliseconds timeout = 3s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// Runs `write` on another Node opened on `dir` in a child process (another process writing
// to the same data directory); true when it succeeded.
template <typename F>
bool writeFromAnotherProcess(const std::string& dir, F write) {
  pid_t pid = fork();
  if (pid == 0) {
    ManualClock clock(testing::kTestNowMs);
    SeededRandom random(9);
    auto other = Node::open(dir, clock, random, NodeOptions{.durable = false});
    _exit(other && write(**other) ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

TEST_CASE("change feed: a node's write grows the sequence and wakes subscribers at once, on the writing thread") {
  TestNode t;
  ChangeFeed& feed = t.node->changes();
  const std::uint64_t start = feed.sequence();
  CHECK(feed.sequence() == start);  // nothing changed: reading again does not move it

  int wakes = 0;
  std::thread::id wokeOn;
  auto subscription = feed.subscribe([&] {
    ++wakes;
    wokeOn = std::this_thread::get_id();
  });
  const RecordId org = t.addOrg("示范区总工会", "区县总工会");
  CHECK(wakes == 1);  // before add() returned: no poll involved
  CHECK(wokeOn == std::this_thread::get_id());
  const std::uint64_t afterAdd = feed.sequence();
  CHECK(afterAdd > start);

  // A validation failure writes nothing: no wake, no change.
  CHECK_FALSE(t.node->add(Kind::Member, {{"name", ""}}).has_value());
  CHECK(wakes == 1);
  CHECK(feed.sequence() == afterAdd);

  // Removing and restoring are writes like any other.
  REQUIRE(t.node->remove(Kind::Organization, org).has_value());
  CHECK(wakes == 2);

  subscription.reset();
  REQUIRE(t.node->restore(Kind::Organization, org).has_value());
  CHECK(wakes == 2);
  CHECK(feed.sequence() > afterAdd);  // the sequence still moves without subscribers
}

TEST_CASE("change feed: a received batch is a change like a local write") {
  TestNode a(1), b(2);
  b.addOrg("示范区总工会", "区县总工会");
  std::atomic<int> wakes{0};
  auto subscription = a.node->changes().subscribe([&] { ++wakes; });
  const std::uint64_t before = a.node->changes().sequence();
  Store& store = internal::storeOf(*a.node);
  auto batch = internal::storeOf(*b.node).changesSince({}, {}, 100, SIZE_MAX);
  REQUIRE(store.apply(batch.changes).has_value());
  CHECK(wakes == 1);
  CHECK(a.node->changes().sequence() > before);
}

TEST_CASE("change feed: another process's write is noticed by sequence() and by the poll") {
  TestNode t;
  ChangeFeed& feed = t.node->changes();
  std::atomic<int> wakes{0};
  auto subscription = feed.subscribe([&] { ++wakes; });
  const std::uint64_t before = feed.sequence();

  REQUIRE(writeFromAnotherProcess(t.node->dataDir(), [](Node& other) {
    return other.add(Kind::Organization, {{"name", "另一个工会"}, {"org_type", "区县总工会"}}).has_value();
  }));

  // The subscriber is woken by the feed's poll thread, within its interval.
  CHECK(eventually([&] { return wakes.load() == 1; }));
  CHECK(feed.sequence() > before);
  CHECK(wakes == 1);  // noticed once, not again by the next reading
}

TEST_CASE("change feed: sequence() notices another process's write without a poll thread") {
  TestNode t;
  ChangeFeed& feed = t.node->changes();
  const std::uint64_t before = feed.sequence();
  REQUIRE(writeFromAnotherProcess(t.node->dataDir(), [](Node& other) { return other.rename("改名").has_value(); }));
  CHECK(feed.sequence() > before);
}

TEST_CASE("change feed: a dismissed conflict is a change") {
  TestNode a(1), b(2);
  const RecordId org = a.addOrg("示范区总工会", "区县总工会");
  Store& storeA = internal::storeOf(*a.node);
  Store& storeB = internal::storeOf(*b.node);
  REQUIRE(storeB.apply(storeA.changesSince({}, {}, 100, SIZE_MAX).changes).has_value());
  // Both rename it without having seen the other's rename: a conflict on a.
  const VersionVector common = storeA.versionVector();
  REQUIRE(a.node->set(Kind::Organization, org, {{"name", "甲改名"}}).has_value());
  b.clock.advance(1000);
  REQUIRE(b.node->set(Kind::Organization, org, {{"name", "乙改名"}}).has_value());
  REQUIRE(storeA.apply(storeB.changesSince(common, {}, 100, SIZE_MAX).changes).has_value());
  auto conflicts = a.node->conflicts();
  REQUIRE(conflicts.size() == 1);

  std::atomic<int> wakes{0};
  auto subscription = a.node->changes().subscribe([&] { ++wakes; });
  const std::uint64_t before = a.node->changes().sequence();
  REQUIRE(a.node->dismissConflict(conflicts.front()).has_value());
  CHECK(wakes == 1);
  CHECK(a.node->changes().sequence() > before);
}

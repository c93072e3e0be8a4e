// Store::setCommitObserver and Store::lastCommitId: the store-level change notification the
// application's change feed (app/changes.h) is built on.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

StoreOptions quick() {
  StoreOptions options;
  options.durable = false;
  return options;
}

RecordId idOf(std::uint8_t n) {
  RecordId id;
  id.bytes[15] = n;
  return id;
}

// A fresh store in its own directory.
struct Fresh {
  explicit Fresh(std::uint64_t seed = 7) : random(seed) {}
  TempDir dir;
  SystemClock clock;
  SeededRandom random;
  std::unique_ptr<Store> store = Store::create(dir.sub("a"), "a", quick(), clock, random).value();
};

}  // namespace

TEST_CASE("store: the commit observer runs after each committed write, outside the transaction") {
  Fresh fresh;
  auto& store = fresh.store;
  int calls = 0;
  std::uint64_t seenId = 0;
  store->setCommitObserver([&] {
    ++calls;
    // No transaction is open: reading works and sees the commit.
    seenId = store->lastCommitId();
    CHECK(store->get(Kind::Member, idOf(1)).has_value());
  });
  const std::uint64_t before = store->lastCommitId();
  REQUIRE(store->write(Kind::Member, idOf(1), {{"name", "王"}}).value());
  CHECK(calls == 1);
  CHECK(store->lastCommitId() > before);
  CHECK(seenId == store->lastCommitId());

  // A refused write commits nothing: no call, and the id stays.
  const std::uint64_t afterWrite = store->lastCommitId();
  CHECK_FALSE(store->write(Kind::Member, idOf(2), {{std::string("na\0me", 5), "x"}}).has_value());
  CHECK(calls == 1);
  CHECK(store->lastCommitId() == afterWrite);

  // Applied batches count too.
  Fresh otherNode(8);
  auto& other = otherNode.store;
  REQUIRE(other->write(Kind::Member, idOf(3), {{"name", "李"}}).value());
  auto batch = other->changesSince({}, {}, 100, SIZE_MAX);
  auto applied = store->apply(batch.changes);
  REQUIRE(applied.has_value());
  CHECK(applied->fieldsWon == 1);
  CHECK(calls == 2);

  store->setCommitObserver({});
  REQUIRE(store->write(Kind::Member, idOf(1), {{"name", "赵"}}).value());
  CHECK(calls == 2);
}

TEST_CASE("store: lastCommitId sees commits of another process on the same directory") {
  Fresh fresh;
  auto& first = fresh.store;
  int calls = 0;
  first->setCommitObserver([&] { ++calls; });
  const std::uint64_t before = first->lastCommitId();
  pid_t pid = fork();
  if (pid == 0) {
    SystemClock childClock;
    auto second = Store::open(fresh.dir.sub("a"), quick(), childClock);
    _exit(second && (*second)->write(Kind::Member, idOf(1), {{"name", "王"}}).value_or(false) ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(first->lastCommitId() > before);
  CHECK(calls == 0);  // the observer hears only this Store's own commits
}

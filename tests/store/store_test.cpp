#include <doctest/doctest.h>
#include <fmt/format.h>
#include <thread>
#include <atomic>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "store/record_codec.h"
#include "store/store.h"
#include "tests/support/sanitizer.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

StoreOptions testOptions() {
  StoreOptions options;
  options.durable = false;
  options.initialMapSize = std::size_t{1} << 26;  // small, so map growth is exercised
  options.indexedFields = {{Kind::Member, "name"}};
  options.counters = [](const Record& r, std::vector<std::pair<std::string, std::int64_t>>& out) {
    if (r.kind == Kind::Member && !r.deleted() && !r.get("org").empty())
      out.emplace_back(std::string(r.get("org")) + std::string(1, '\0') + "members", 1);
  };
  return options;
}

RecordId idOf(std::uint8_t n) {
  RecordId id;
  id.bytes[15] = n;
  return id;
}

// Copies everything `from` has that `to` lacks, in batches, as the sync layer does.
void pull(Store& to, const Store& from, std::size_t batchSize = 7) {
  VersionVector start = from.versionVector();
  VersionVector since = to.versionVector();
  ChangeCursor cursor;
  for (;;) {
    ChangeBatch batch = from.changesSince(since, cursor, batchSize, 1 << 20);
    REQUIRE(to.apply(batch.changes).has_value());
    cursor = batch.next;
    if (batch.done) break;
  }
  REQUIRE(to.advanceVersionVector(start).has_value());
}

// Runs `body` in a child process (a second process on the same data folder, or limits that
// must not touch the test runner) and returns its exit status; -1 when it did not exit.
int inChild(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) _exit(body());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<Store::LocalWrite> bulkWrites(int count, std::size_t valueSize, std::uint8_t tag = 0) {
  std::vector<Store::LocalWrite> writes;
  for (int i = 0; i < count; ++i) {
    RecordId id;
    id.bytes[0] = tag;
    id.bytes[1] = static_cast<std::uint8_t>(i >> 8);
    id.bytes[2] = static_cast<std::uint8_t>(i);
    writes.push_back({Kind::Member, id, {{"name", std::string(valueSize, 'x') + std::to_string(i)}}});
  }
  return writes;
}

struct Node {
  TempDir dir;
  ManualClock clock{1'700'000'000'000};
  SeededRandom random;
  std::unique_ptr<Store> store;
  explicit Node(std::uint64_t seed, const std::string& name = "n") : random(seed) {
    store = std::move(Store::create(dir.sub("node"), name, testOptions(), clock, random).value());
  }
};

}  // namespace

TEST_CASE("a new store opens again with the same identity") {
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  SeededRandom random(1);
  StoreInfo created;
  {
    auto store = Store::create(dir.sub("a"), "街道总工会", testOptions(), clock, random);
    REQUIRE(store.has_value());
    created = (*store)->info();
    CHECK(created.nodeName == "街道总工会");
    CHECK((*store)->deploymentKey().size() == 32);
  }
  auto reopened = Store::open(dir.sub("a"), testOptions(), clock);
  REQUIRE(reopened.has_value());
  CHECK((*reopened)->info().origin == created.origin);
  CHECK((*reopened)->info().nodeId == created.nodeId);
  CHECK_FALSE(Store::create(dir.sub("a"), "again", testOptions(), clock, random).has_value());
}

TEST_CASE("opening a directory without a node says to run init") {
  TempDir dir;
  ManualClock clock(0);
  auto store = Store::open(dir.sub("missing"), testOptions(), clock);
  REQUIRE_FALSE(store.has_value());
  CHECK(store.error().message.find("init") != std::string::npos);
}

TEST_CASE("local writes stamp fields, skip unchanged values and keep one index entry per write") {
  Node a(1);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "张三"}, {"org", "o1"}}).value());
  CHECK_FALSE(a.store->write(Kind::Member, idOf(1), {{"name", "张三"}}).value());
  a.clock.advance(10);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "张叁"}}).value());

  auto r = a.store->get(Kind::Member, idOf(1));
  REQUIRE(r.has_value());
  CHECK(r->get("name") == "张叁");
  CHECK(r->fields.at("name").seq == 2);
  CHECK(r->fields.at("name").base == r->fields.at("org").stamp);
  CHECK(a.store->versionVector().at(a.store->info().origin) == 2);
  CHECK(a.store->count(Kind::Member) == 1);
  // Both writes are still live (write 1 still holds "org").
  auto all = a.store->changesSince({}, {}, 100, 1 << 20);
  CHECK(all.changes.size() == 2);
  CHECK(all.done);
  // Overwrite org too: write 1 is fully superseded and leaves the change index.
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"org", "o2"}}).value());
  all = a.store->changesSince({}, {}, 100, 1 << 20);
  CHECK(all.changes.size() == 2);
  CHECK(all.changes[0].seq == 2);
}

TEST_CASE("a field named twice in one write keeps the later value; writing empty to an absent field changes nothing") {
  Node a(1);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "张三"}, {"org", "o1"}, {"name", "张叁"}}).value());
  auto r = a.store->get(Kind::Member, idOf(1));
  REQUIRE(r.has_value());
  CHECK(r->get("name") == "张叁");
  CHECK(r->fields.size() == 2);
  CHECK(a.store->lookup({Kind::Member, "name", "张三", false, 10}).empty());
  CHECK(a.store->lookup({Kind::Member, "name", "张叁", false, 10}) == std::vector<RecordId>{idOf(1)});
  // The change that carries the name is the one stored, with one field per name.
  auto all = a.store->changesSince({}, {}, 100, 1 << 20);
  REQUIRE(all.changes.size() == 1);
  CHECK(all.changes[0].fields.size() == 2);

  CHECK_FALSE(a.store->write(Kind::Member, idOf(1), {{"phone", ""}}).value());
  CHECK_FALSE(a.store->get(Kind::Member, idOf(1))->fields.contains("phone"));
  // Set, then cleared in the same write: stored empty, as a later clear would be.
  a.clock.advance(10);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"org", "o2"}, {"org", "o1"}}).value());
  r = a.store->get(Kind::Member, idOf(1));
  CHECK(r->get("org") == "o1");
  CHECK(r->fields.at("org").seq == 2);
  CHECK(r->fields.at("org").base == r->fields.at("name").stamp);
}

TEST_CASE("index lookups by exact value and prefix") {
  Node a(2);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "王淼"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"name", "王淼淼"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(3), {{"name", "李喆"}}).has_value());
  CHECK(a.store->lookup({Kind::Member, "name", "王淼", false, 10}) == std::vector<RecordId>{idOf(1)});
  CHECK(a.store->lookup({Kind::Member, "name", "王", true, 10}).size() == 2);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "赵淼"}}).has_value());
  CHECK(a.store->lookup({Kind::Member, "name", "王", true, 10}) == std::vector<RecordId>{idOf(2)});
}

TEST_CASE("a field scan gives the fields asked for, in the order asked, over a range of ids") {
  Node a(12);
  for (std::uint8_t n = 1; n <= 5; ++n)
    REQUIRE(a.store->write(Kind::Member, idOf(n), {{"name", "员" + std::to_string(n)}, {"org", "o1"}, {"mobile", "138"}}).has_value());
  // Rewritten fields carry their own stamp and base: the scan must step over both.
  REQUIRE(a.store->write(Kind::Member, idOf(3), {{"org", "o2"}, {"zz", "last"}}).has_value());
  REQUIRE(a.store->write(Kind::Organization, idOf(1), {{"name", "工会"}}).has_value());
  const std::string_view fields[] = {"org", "zz", "name", "absent"};
  std::vector<std::string> seen;
  auto collect = [&](const RecordId& id, std::span<const std::string_view> v) {
    REQUIRE(v.size() == 4);
    seen.push_back(std::to_string(id.bytes[15]) + ":" + std::string(v[0]) + "," + std::string(v[1]) + "," +
                   std::string(v[2]) + "," + std::string(v[3]));
    return true;
  };
  a.store->forEachFields(Kind::Member, fields, {}, collect);
  CHECK(seen == std::vector<std::string>{"1:o1,,员1,", "2:o1,,员2,", "3:o2,last,员3,", "4:o1,,员4,", "5:o1,,员5,"});
  seen.clear();
  a.store->forEachFields(Kind::Member, fields, {idOf(2), idOf(4)}, collect);
  CHECK(seen == std::vector<std::string>{"2:o1,,员2,", "3:o2,last,员3,"});
  seen.clear();
  a.store->forEachFields(Kind::Member, fields, {idOf(4), std::nullopt}, [&](const RecordId& id, auto v) {
    collect(id, v);
    return false;  // stops after the first
  });
  CHECK(seen == std::vector<std::string>{"4:o1,,员4,"});
}

TEST_CASE("counters follow record changes, including deletion") {
  Node a(3);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"org", "o1"}}).has_value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"org", "o1"}}).has_value());
  CHECK(a.store->counters("o1").at("members") == 2);
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"deleted", "1"}}).has_value());
  CHECK(a.store->counters("o1").at("members") == 1);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"org", "o2"}}).has_value());
  CHECK(a.store->counters("o1").count("members") == 0);
  CHECK(a.store->counters("o2").at("members") == 1);
}

TEST_CASE("two replicas exchange changes and converge; concurrent overwrites become conflicts") {
  Node a(10, "A"), b(20, "B");
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "刘䶮"}, {"mobile", "13800000000"}}).has_value());
  pull(*b.store, *a.store);
  CHECK(b.store->digest() == a.store->digest());
  CHECK(b.store->get(Kind::Member, idOf(1))->get("name") == "刘䶮");

  // Both edit the mobile without seeing each other; B edits later, so B wins.
  a.clock.advance(100);
  b.clock.advance(200);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"mobile", "13900000001"}}).has_value());
  REQUIRE(b.store->write(Kind::Member, idOf(1), {{"mobile", "13900000002"}}).has_value());
  pull(*b.store, *a.store);
  pull(*a.store, *b.store);
  CHECK(a.store->digest() == b.store->digest());
  CHECK(a.store->get(Kind::Member, idOf(1))->get("mobile") == "13900000002");
  for (Store* s : {a.store.get(), b.store.get()}) {
    auto conflicts = s->conflicts();
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].winnerValue == "13900000002");
    CHECK(conflicts[0].loserValue == "13900000001");
  }
  // A sequential edit after seeing B's value is not a conflict.
  a.clock.advance(1000);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"mobile", "13900000003"}}).has_value());
  pull(*b.store, *a.store);
  CHECK(b.store->conflicts().size() == 1);
  REQUIRE(b.store->dismissConflicts(Kind::Member, idOf(1), "mobile").has_value());
  CHECK(b.store->conflicts().empty());
}

TEST_CASE("the same record created on two replicas merges into one; equal values are no conflict") {
  Node a(11), b(12);
  REQUIRE(a.store->write(Kind::Member, idOf(9), {{"name", "陈堃"}, {"mobile", "13800000001"}}).has_value());
  REQUIRE(b.store->write(Kind::Member, idOf(9), {{"name", "陈堃"}, {"mobile", "13800000002"}}).has_value());
  pull(*a.store, *b.store);
  pull(*b.store, *a.store);
  CHECK(a.store->digest() == b.store->digest());
  CHECK(a.store->count(Kind::Member) == 1);
  auto conflicts = a.store->conflicts();
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0].field == "mobile");
}

TEST_CASE("changesSince skips what the peer holds and resumes from its cursor") {
  Node a(13);
  for (std::uint8_t i = 0; i < 20; ++i)
    REQUIRE(a.store->write(Kind::Member, idOf(i), {{"name", std::to_string(i)}}).has_value());
  Origin origin = a.store->info().origin;
  auto batch = a.store->changesSince({{origin, 15}}, {}, 100, 1 << 20);
  CHECK(batch.changes.size() == 5);
  CHECK(batch.changes.front().seq == 16);
  auto first = a.store->changesSince({}, {}, 8, 1 << 20);
  CHECK(first.changes.size() == 8);
  CHECK_FALSE(first.done);
  auto second = a.store->changesSince({}, first.next, 100, 1 << 20);
  CHECK(second.changes.front().seq == 9);
  CHECK(second.done);
}

TEST_CASE("applying a batch twice or in another order gives the same state") {
  Node a(14), b(15), c(16);
  for (std::uint8_t i = 0; i < 5; ++i) {
    REQUIRE(a.store->write(Kind::Activity, idOf(1), {{"p:" + std::to_string(i), "1"}}).has_value());
    a.clock.advance(1);
  }
  auto batch = a.store->changesSince({}, {}, 100, 1 << 20).changes;
  REQUIRE(b.store->apply(batch).has_value());
  auto again = b.store->apply(batch);
  REQUIRE(again.has_value());
  CHECK(again->duplicates == 5);
  std::reverse(batch.begin(), batch.end());
  REQUIRE(c.store->apply(batch).has_value());
  CHECK(b.store->digest() == a.store->digest());
  CHECK(c.store->digest() == a.store->digest());
}

// A store in `dir`/node without fsync, whose map starts at `mapSize` bytes.
std::unique_ptr<Store> storeWithMap(const TempDir& dir, std::size_t mapSize, Clock& clock, std::uint64_t seed) {
  SeededRandom random(seed);
  StoreOptions options;
  options.durable = false;
  options.initialMapSize = mapSize;
  return std::move(Store::create(dir.sub("node"), "n", options, clock, random).value());
}

TEST_CASE("the map grows past the default 64 MiB when full instead of failing the write") {
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  CHECK(StoreOptions{}.initialMapSize == std::size_t{64} << 20);
  auto store = storeWithMap(dir, StoreOptions{}.initialMapSize, clock, 17);
  auto written = store->writeMany(bulkWrites(3500, 20000));
  REQUIRE_MESSAGE(written.has_value(), (written ? "" : written.error().message));
  CHECK(*written == 3500);
  CHECK(store->count(Kind::Member) == 3500);
  // The data file cannot be larger than the map: it grew.
  CHECK(std::filesystem::file_size(dir.sub("node") + "/data.mdb") > (std::size_t{64} << 20));
}

TEST_CASE("lastCommitId may be asked on another thread while writes grow the map") {
  // The change feed polls lastCommitId while an import grows the map: mdb_env_info read the
  // remapped meta pages and crashed (seen in store_bench and sync_bench at 1M members).
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  auto store = storeWithMap(dir, std::size_t{1} << 20, clock, 19);  // many resizes
  std::atomic<bool> done{false};
  std::uint64_t last = 0, seen = 0;
  std::thread poller([&] {
    while (!done) {
      last = std::max(last, store->lastCommitId());
      ++seen;
    }
  });
  for (std::uint8_t batch = 0; batch < 12; ++batch)
    REQUIRE(store->writeMany(bulkWrites(300, 8000, batch)).has_value());
  done = true;
  poller.join();
  CHECK(seen > 0);
  CHECK(last <= store->lastCommitId());
  CHECK(store->count(Kind::Member) == 3600);
  CHECK(std::filesystem::file_size(dir.sub("node") + "/data.mdb") > (std::size_t{16} << 20));  // it grew, several times
}

// Not under ASan: its shadow memory alone exceeds the limit (tests/support/sanitizer.h).
TEST_CASE("a node opens and writes under ulimit -v 2000000 (the first map is small)" *
          doctest::skip(unionsync::testing::kAddressSanitizer)) {
  TempDir dir;
  int status = inChild([&] {
    rlimit limit{2'000'000ull * 1024, 2'000'000ull * 1024};
    if (setrlimit(RLIMIT_AS, &limit) != 0) return 2;
    ManualClock clock(1'700'000'000'000);
    SeededRandom random(30);
    StoreOptions options;
    options.durable = false;
    auto store = Store::create(dir.sub("node"), "n", options, clock, random);
    if (!store) return 3;
    return (*store)->write(Kind::Member, idOf(1), {{"name", "x"}}).has_value() ? 0 : 4;
  });
  CHECK(status == 0);
}

TEST_CASE("a map grown by another process is adopted (MDB_MAP_RESIZED) for reads and writes") {
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  SeededRandom random(31);
  StoreOptions options = testOptions();
  options.initialMapSize = std::size_t{1} << 20;
  const std::string path = dir.sub("node");
  auto store = std::move(Store::create(path, "n", options, clock, random).value());
  // The child opens the same folder with the same small map and writes far more than it holds.
  int status = inChild([&] {
    auto other = Store::open(path, options, clock);
    if (!other) return 3;
    return (*other)->writeMany(bulkWrites(40, 200000, 1)).has_value() ? 0 : 4;
  });
  REQUIRE(status == 0);
  CHECK(store->count(Kind::Member) == 40);
  CHECK(store->get(Kind::Member, bulkWrites(40, 200000, 1)[39].id).has_value());
  REQUIRE(store->write(Kind::Member, idOf(1), {{"name", "after the child"}}).has_value());
  CHECK(store->count(Kind::Member) == 41);
}

TEST_CASE("field names numbered by another process are read, and new ones get the next numbers") {
  TempDir dir;
  ManualClock clock(1'700'000'000'000);
  SeededRandom random(33);
  const StoreOptions options = testOptions();
  const std::string path = dir.sub("node");
  auto store = std::move(Store::create(path, "n", options, clock, random).value());
  REQUIRE(store->write(Kind::Member, idOf(1), {{"name", "甲"}}).has_value());
  // The child numbers two names this process has never seen.
  int status = inChild([&] {
    auto other = Store::open(path, options, clock);
    if (!other) return 3;
    return (*other)->write(Kind::Member, idOf(2), {{"name", "乙"}, {"child_field", "c"}, {"zz_field", "z"}}).has_value() ? 0 : 4;
  });
  REQUIRE(status == 0);
  auto two = store->get(Kind::Member, idOf(2));
  REQUIRE(two.has_value());
  CHECK(two->get("child_field") == "c");
  CHECK(two->get("zz_field") == "z");
  // A name new to both: numbered after the child's, not over them.
  REQUIRE(store->write(Kind::Member, idOf(3), {{"name", "丙"}, {"parent_field", "p"}}).has_value());
  status = inChild([&] {
    auto other = Store::open(path, options, clock);
    if (!other) return 3;
    auto three = (*other)->get(Kind::Member, idOf(3));
    auto again = (*other)->get(Kind::Member, idOf(2));
    return three && three->get("parent_field") == "p" && again && again->get("child_field") == "c" ? 0 : 5;
  });
  CHECK(status == 0);
  const std::string_view wanted[] = {"child_field", "name"};
  std::vector<std::string> seen;
  store->forEachFields(Kind::Member, wanted, IdRange{}, [&](const RecordId&, std::span<const std::string_view> values) {
    seen.push_back(fmt::format("{}|{}", values[0], values[1]));
    return true;
  });
  CHECK(seen == std::vector<std::string>{"|甲", "c|乙", "|丙"});
  CHECK(store->fingerprint() == store->fingerprintFromScratch());
}

TEST_CASE("a full disk is said as such, naming the data folder") {
  Node a(32);
  const std::string path = a.dir.sub("node");
  int status = inChild([&] {
    // A file-size limit stands in for a full disk: writes past it fail with EFBIG.
    signal(SIGXFSZ, SIG_IGN);
    rlimit limit{8 << 20, 8 << 20};
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) return 2;
    ManualClock clock(1'700'000'000'000);
    auto store = Store::open(path, testOptions(), clock);
    if (!store) return 3;
    auto written = (*store)->writeMany(bulkWrites(100, 200000));
    if (written) return 5;
    const std::string& message = written.error().message;
    if (message.starts_with("磁盘已满 / disk full") && message.find(path) != std::string::npos) return 0;
    fprintf(stderr, "%s\n", message.c_str());
    return 4;
  });
  CHECK(status == 0);
}

TEST_CASE("backup is a consistent copy; a restored node starts a new epoch") {
  Node a(18);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "x"}}).has_value());
  std::string file = a.dir.sub("backup.mdb");
  REQUIRE(a.store->backup(file).has_value());
  CHECK_FALSE(a.store->backup(file).has_value());  // never overwrites
  Origin before = a.store->info().origin;
  REQUIRE(a.store->startNewEpoch(a.random).has_value());
  CHECK(a.store->info().origin != before);
  CHECK(a.store->info().epoch == 1);
}

TEST_CASE("the deployment key can be adopted only while no members are held") {
  Node a(19), b(20);
  REQUIRE(b.store->adoptDeploymentKey(a.store->deploymentKey()).has_value());
  CHECK(b.store->deploymentKey() == a.store->deploymentKey());
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "x"}}).has_value());
  CHECK_FALSE(a.store->adoptDeploymentKey(std::string(32, 'k')).has_value());
}

TEST_CASE("record encoding round-trips fields with shared and distinct stamps and bases") {
  FieldMap fields;
  fields["a"] = FieldState{"1", Stamp{100, 7}, 3, Stamp{}};
  fields["b"] = FieldState{"二", Stamp{100, 7}, 3, Stamp{90, 8}};
  fields["c"] = FieldState{"", Stamp{120, 9}, 1, Stamp{100, 7}};
  fields["d"] = FieldState{std::string(300, 'x'), Stamp{120, 9}, 2, Stamp{}};
  fields["p:00ff"] = FieldState{"1", Stamp{130, 9}, 4, Stamp{}};  // spelled out, not numbered
  // Numbers names in the order first met, as the store's table does.
  struct Numbering final : codec::FieldNumbering {
    std::vector<std::string> names;
    std::uint64_t numberOf(std::string_view name) override {
      auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) it = names.insert(names.end(), std::string(name));
      return static_cast<std::uint64_t>(it - names.begin());
    }
    std::string_view nameOf(std::uint64_t number) override {
      if (number >= names.size()) throw std::runtime_error("no such field number");
      return names[number];
    }
  } numbering;
  std::string encoded = codec::encodeFields(fields, numbering);
  CHECK(numbering.names.size() == 4);
  CHECK(encoded.find("p:00ff") != std::string::npos);
  CHECK(encoded.find("二") != std::string::npos);
  FieldMap decoded = codec::decodeFields(encoded, numbering);
  REQUIRE(decoded.size() == fields.size());
  for (const auto& [name, f] : fields) {
    CAPTURE(name);
    CHECK(decoded.at(name).value == f.value);
    CHECK(decoded.at(name).stamp == f.stamp);
    CHECK(decoded.at(name).seq == f.seq);
    CHECK(decoded.at(name).base == f.base);
  }
  CHECK_THROWS(codec::decodeFields(std::string_view(encoded).substr(0, encoded.size() - 5), numbering));
  numbering.names.pop_back();  // a number no name holds: damaged data, not a guess
  CHECK_THROWS(codec::decodeFields(encoded, numbering));
}

TEST_CASE("forget drops a record with its index entries, counters, fingerprint and change entries; the vector stays") {
  Node a(1);
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "王淼"}, {"org", "o1"}}).value());
  REQUIRE(a.store->write(Kind::Member, idOf(2), {{"name", "王磊"}, {"org", "o1"}}).value());
  REQUIRE(a.store->write(Kind::Member, idOf(1), {{"name", "王淼淼"}}).value());
  const VersionVector before = a.store->versionVector();

  CHECK(a.store->forget({{Kind::Member, idOf(1)}, {Kind::Member, idOf(9)}}).value() == 1);
  CHECK_FALSE(a.store->get(Kind::Member, idOf(1)).has_value());
  CHECK(a.store->count(Kind::Member) == 1);
  CHECK(a.store->lookup({Kind::Member, "name", "王淼", true}).empty());
  CHECK(a.store->lookup({Kind::Member, "name", "王", true}) == std::vector<RecordId>{idOf(2)});
  CHECK(a.store->counters("o1").at("members") == 1);
  CHECK(a.store->fingerprint() == a.store->fingerprintFromScratch());
  CHECK(a.store->versionVector() == before);
  // No change of the dropped record is offered to a peer any more.
  ChangeBatch batch = a.store->changesSince({}, {}, 100, 1 << 20);
  for (const Change& c : batch.changes) CHECK(c.id != idOf(1));
  CHECK(batch.changes.size() == 1);
}

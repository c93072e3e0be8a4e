// Reconciliation benchmark: two stores of N members (the second a copy of the first through
// the change stream), then the cost of verifying them with range fingerprints (sync/
// reconcile.h) when equal and when 1 / 100 / 10 000 members differ: round trips, bytes,
// records exchanged and the time both sides spent (in one process, no network: the frames
// are moved by hand, so the time is computation, not latency).
//
//   reconcile_bench [--members N] [--dir DIR]
//
// Stores are non-durable (no fsync on commit): the figures are of reconciliation, not disk.
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>

#include "app/records/member_identity.h"
#include "store/store.h"
#include "sync/reconcile.h"

using namespace unionsync;
using Steady = std::chrono::steady_clock;

namespace {

double seconds(Steady::time_point a, Steady::time_point b) { return std::chrono::duration<double>(b - a).count(); }

Store::LocalWrite memberWrite(const std::string& key, std::size_t i) {
  std::string idNumber = fmt::format("1101{:013}{}", i, i % 10);
  return Store::LocalWrite{Kind::Member,
                           memberIdFromIdNumber(key, "", idNumber),
                           {{"name", fmt::format("会员{}", i)},
                            {"gender", i % 2 ? "男" : "女"},
                            {"id_number", idNumber},
                            {"birth_date", "1980-01-01"},
                            {"mobile", fmt::format("138{:08}", i % 100000000)},
                            {"join_date", "2020-05-01"},
                            {"status", "正常"}}};
}

struct Run {
  std::uint64_t roundTrips = 0, bytes = 0, sent = 0, received = 0;
  double ms = 0;
  bool equal = false;
};

// One round started by `a`, frames moved between the two reconcilers until none is left.
Run reconcile(Store& a, Store& b, Clock& clock) {
  std::deque<std::string> toA, toB;
  Reconciler ra(a, clock, {}, [&](std::string&& f) { toB.push_back(std::move(f)); });
  Reconciler rb(b, clock, {}, [&](std::string&& f) { toA.push_back(std::move(f)); });
  auto deliver = [](std::deque<std::string>& queue, Reconciler& to) {
    std::string frame = std::move(queue.front());
    queue.pop_front();
    auto message = decodeMessage(frame);
    if (!message || !to.handle(*message, frame.size())) throw std::runtime_error("reconciliation failed");
  };
  auto start = Steady::now();
  ra.start();
  while (!toA.empty() || !toB.empty()) {
    while (!toB.empty()) deliver(toB, rb);
    while (!toA.empty()) deliver(toA, ra);
  }
  Run run;
  run.ms = seconds(start, Steady::now()) * 1000;
  auto r = ra.takeFinished().value();
  run.roundTrips = r.roundTrips();
  run.bytes = r.bytesSent + r.bytesReceived;
  run.sent = r.recordsSent;
  run.received = r.recordsReceived;
  run.equal = r.equal;
  return run;
}

void print(const char* what, const Run& r) {
  fmt::print("{:<28} {:>3} round trips {:>11} bytes {:>7} records sent {:>7} received {:>9.1f} ms{}\n", what,
             r.roundTrips, r.bytes, r.sent, r.received, r.ms, r.equal ? "  (equal)" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::size_t members = 1'000'000;
  std::string base = (std::filesystem::temp_directory_path() / "unionsync-reconcile-bench").string();
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--members") && i + 1 < argc) members = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) base = argv[++i];
    else {
      fmt::print(stderr, "usage: reconcile_bench [--members N] [--dir DIR]\n");
      return 2;
    }
  }
  std::filesystem::remove_all(base);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { std::filesystem::remove_all(dir); }
  } cleanup{base};

  SystemClock clock;
  SeededRandom random(42);
  StoreOptions options;
  options.durable = false;
  auto a = std::move(Store::create(base + "/a", "A", options, clock, random).value());
  auto b = std::move(Store::create(base + "/b", "B", options, clock, random).value());
  if (!b->adoptDeploymentKey(a->deploymentKey())) return 1;
  const std::string key = a->deploymentKey();

  auto t0 = Steady::now();
  const std::size_t chunk = 20000;
  for (std::size_t i = 0; i < members; i += chunk) {
    std::vector<Store::LocalWrite> writes;
    for (std::size_t j = i; j < std::min(members, i + chunk); ++j) writes.push_back(memberWrite(key, j));
    if (!a->writeMany(writes)) return 1;
  }
  auto t1 = Steady::now();
  ChangeCursor cursor;
  for (;;) {
    ChangeBatch batch = a->changesSince(b->versionVector(), cursor, chunk, std::size_t{64} << 20);
    if (!b->apply(batch.changes)) return 1;
    cursor = batch.next;
    if (batch.done) break;
  }
  if (!b->advanceVersionVector(a->versionVector())) return 1;
  auto t2 = Steady::now();
  fmt::print("{} members: written at A in {:.1f} s, copied to B in {:.1f} s; digests {}\n", members,
             seconds(t0, t1), seconds(t1, t2), a->digest() == b->digest() ? "equal" : "DIFFER");
  auto t3 = Steady::now();
  Fingerprint top = a->fingerprint();
  auto t4 = Steady::now();
  (void)a->fingerprintFromScratch();
  auto t5 = Steady::now();
  fmt::print("top fingerprint: {} records in {:.2f} ms (recomputed from the records: {:.0f} ms)\n", top.count,
             seconds(t3, t4) * 1000, seconds(t4, t5) * 1000);

  print("equal", reconcile(*a, *b, clock));
  std::size_t edited = 0;
  for (std::size_t differing : {std::size_t{1}, std::size_t{100}, std::size_t{10000}}) {
    // `differing` members edited at A only (B missed the changes), spread over the id space.
    std::vector<Store::LocalWrite> writes;
    for (std::size_t k = 0; k < differing; ++k) {
      std::size_t i = (edited++ * 7919) % members;
      auto w = memberWrite(key, i);
      w.fields = {{"mobile", fmt::format("139{:08}", edited)}};
      writes.push_back(std::move(w));
    }
    if (!a->writeMany(writes)) return 1;
    Run r = reconcile(*a, *b, clock);
    print(fmt::format("{} differing", differing).c_str(), r);
    if (a->digest() != b->digest()) {
      fmt::print("digests differ after the repair\n");
      return 1;
    }
  }
  print("equal again", reconcile(*a, *b, clock));
  return 0;
}

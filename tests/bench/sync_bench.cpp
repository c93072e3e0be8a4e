// Sync benchmark: full catch-up of N members between two nodes over loopback with CURVE,
// compared with a local bulk write of the same data in the same run; then the latency and
// bytes on the wire of one changed member; then the idle CPU of two connected nodes.
//
//   sync_bench [--members N] [--no-fsync] [--dir DIR] [--verbose]
#include <sys/resource.h>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "app/records/member_identity.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "sync/engine.h"
#include "sync/identity.h"
#include "sync/trust_store.h"
#include "tests/sync/tcp_proxy.h"

using namespace unionsync;
using Clock_ = std::chrono::steady_clock;

namespace {

double seconds(Clock_::time_point a, Clock_::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

Store::LocalWrite memberWrite(const std::string& key, std::size_t i, const std::string& orgHex) {
  // Unique per i (the store does not check the GB 11643 checksum).
  std::string idNumber = fmt::format("1101{:013}{}", i, i % 10);
  RecordId id = memberIdFromIdNumber(key, "", idNumber);
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
  return Store::LocalWrite{
      Kind::Member,
      id,
      {{"name", fmt::format("{}{}", kSurnames[i % 10], i)},
       {"gender", i % 2 ? "男" : "女"},
       {"id_number", idNumber},
       {"birth_date", "1980-01-01"},
       {"mobile", fmt::format("138{:08}", i % 100000000)},
       {"org", orgHex},
       {"join_date", "2020-05-01"},
       {"migrant", i % 3 ? "0" : "1"},
       {"status", "正常"}}};
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::size_t members = 1'000'000;
  bool durable = true;
  bool verbose = false;
  std::string base;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--members") && i + 1 < argc) members = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-fsync")) durable = false;
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) base = argv[++i];
    else if (!std::strcmp(argv[i], "--verbose")) verbose = true;
    else {
      fmt::print("usage: sync_bench [--members N] [--no-fsync] [--dir DIR] [--verbose]\n");
      return 2;
    }
  }
  if (base.empty()) base = (std::filesystem::temp_directory_path() / fmt::format("unionsync-sync-bench-{}", ::getpid())).string();
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);

  SystemClock clock;
  SystemRandom random;
  NodeOptions nodeOptions{.durable = durable};
  auto a = Node::create(base + "/a", "甲", clock, random, nodeOptions).value();
  auto b = Node::create(base + "/b", "乙", clock, random, nodeOptions).value();
  (void)internal::storeOf(*b).adoptDeploymentKey(internal::storeOf(*a).deploymentKey());
  const std::string key = internal::storeOf(*a).deploymentKey();
  const std::string orgHex(32, 'a');

  fmt::print("sync_bench: {} members, fsync {}\n", members, durable ? "on" : "off");
  // 1. Local bulk write of the members (what an import does), in transactions of 20k.
  auto t0 = Clock_::now();
  constexpr std::size_t kChunk = 20000;
  for (std::size_t first = 0; first < members; first += kChunk) {
    std::vector<Store::LocalWrite> writes;
    for (std::size_t i = first; i < std::min(members, first + kChunk); ++i) writes.push_back(memberWrite(key, i, orgHex));
    if (!internal::storeOf(*a).writeMany(writes)) {
      fmt::print("bulk write failed\n");
      return 1;
    }
  }
  const double bulk = seconds(t0, Clock_::now());
  fmt::print("local bulk write:     {:.2f} s  {:>9.0f} records/s\n", bulk, members / bulk);

  // 2. Full catch-up A -> B over CURVE on 127.0.0.1.
  const auto idA = loadOrCreateIdentity(a->dataDir()).value();
  const auto idB = loadOrCreateIdentity(b->dataDir()).value();
  auto logTo = [verbose](const char* who) {
    return [verbose, who](const std::string& line) {
      if (verbose) fmt::print(stderr, "[{}] {}\n", who, line);
    };
  };
  EngineOptions oa;
  oa.dataDir = a->dataDir();
  oa.log = logTo("A");
  oa.listen = {"tcp://127.0.0.1:0"};
  auto ea = Engine::start(internal::storeOf(*a), clock, oa).value();
  const std::string endpointA = ea->status()->listenEndpoints.at(0);
  (void)TrustStore::open(a->dataDir()).value().trust(idB.publicKey, "乙", "", 0);
  (void)TrustStore::open(b->dataDir()).value().trust(idA.publicKey, "甲", endpointA, 0);
  ea->trustChanged();
  EngineOptions ob;
  ob.dataDir = b->dataDir();
  ob.log = logTo("B");
  const VersionVector target = internal::storeOf(*a).versionVector();
  auto t1 = Clock_::now();
  auto eb = Engine::start(internal::storeOf(*b), clock, ob).value();
  auto [status, ok] = eb->waitFor(
      [&](const SyncStatus& s) {
        const PeerStatus* p = s.findPeer(idA.publicKey);
        return p && p->caughtUp && covers(s.versionVector, target);
      },
      std::chrono::hours(2));
  const double catchUp = seconds(t1, Clock_::now());
  if (!ok) {
    fmt::print("catch-up did not complete\n");
    return 1;
  }
  const PeerStatus* pb = status->findPeer(idA.publicKey);
  fmt::print("full catch-up:        {:.2f} s  {:>9.0f} records/s  ({:.2f}x the local bulk write time; {:.1f} MB received)\n",
             catchUp, members / catchUp, catchUp / bulk, (pb->total.bytesReceived) / 1e6);
  fmt::print("sessions during catch-up: {}\n", pb->sessions);
  const bool equal = internal::storeOf(*a).digest() == internal::storeOf(*b).digest() && internal::storeOf(*b).count(Kind::Member) == members;
  fmt::print("digests equal:        {} ({} members on B, {} changes moved)\n", equal ? "yes" : "NO",
             internal::storeOf(*b).count(Kind::Member), pb->total.changesReceived);

  // 3. One changed member: latency and bytes on the wire (a counting proxy between B and A).
  eb.reset();
  testing::TcpProxy proxy(static_cast<std::uint16_t>(std::stoi(endpointA.substr(endpointA.rfind(':') + 1))), {}, 1);
  (void)TrustStore::open(b->dataDir()).value().trust(idA.publicKey, "甲", fmt::format("tcp://127.0.0.1:{}", proxy.port()), 0);
  eb = Engine::start(internal::storeOf(*b), clock, ob).value();
  eb->waitFor([&](const SyncStatus& s) { const PeerStatus* p = s.findPeer(idA.publicKey); return p && p->caughtUp; },
              std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto memberOf = [&](std::size_t i) { return memberWrite(key, i, orgHex).id; };
  for (int round = 0; round < 2; ++round) {
    const bool notify = round == 1;
    double latencies = 0, bytes = 0;
    constexpr int kRepeats = 10;
    for (int r = 0; r < kRepeats; ++r) {
      const RecordId id = memberOf(static_cast<std::size_t>(r * 7919) % members);
      const std::string mobile = fmt::format("139{:08}", r + round * 100);
      const std::uint64_t before = proxy.bytes();
      auto w0 = Clock_::now();
      (void)internal::storeOf(*a).write(Kind::Member, id, {{"mobile", mobile}});
      if (notify) ea->notifyLocalChange();
      while (true) {
        auto m = internal::storeOf(*b).get(Kind::Member, id);
        if (m && m->get("mobile") == mobile) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      latencies += seconds(w0, Clock_::now());
      std::this_thread::sleep_for(std::chrono::milliseconds(150));  // let the ack come back
      bytes += static_cast<double>(proxy.bytes() - before);
    }
    fmt::print("one changed member:   {:.1f} ms  {:.0f} bytes on the wire, both directions ({})\n",
               latencies / kRepeats * 1000, bytes / kRepeats,
               notify ? "writer notifies the engine" : "another process writes; found by polling every 100 ms");
  }

  // 4. Idle CPU of the two connected nodes (both engines live in this process).
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double c0 = cpuSeconds();
  auto i0 = Clock_::now();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const double idle = (cpuSeconds() - c0) / seconds(i0, Clock_::now());
  fmt::print("idle CPU, 2 nodes:    {:.2f}% of one core over 5 s (heartbeats + vector polls)\n", idle * 100);

  eb.reset();
  ea.reset();
  std::filesystem::remove_all(base);
  return equal ? 0 : 1;
}

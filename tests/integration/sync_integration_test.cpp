// Sync between real nodes: the CLI flow a newcomer follows, the same person registered on two
// offices, and `serve` processes killed with SIGKILL in the middle of a catch-up.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include "app/node.h"
#include "sync/engine.h"
#include "sync/identity.h"
#include "sync/trust_store.h"
#include "tests/integration/process_support.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using namespace unionsync::testing;
using namespace std::chrono_literals;

namespace {

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step = 100ms) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(step);
  }
  return condition();
}

std::string digestOf(const std::string& dir) {
  auto r = runCli(dir, {"digest"});
  return r.exitCode == 0 ? firstLine(r.out) : "error: " + r.out;
}

VersionVector vectorOf(const std::string& dir) {
  auto r = runCli(dir, {"status", "--json"});
  VersionVector vv;
  if (r.exitCode != 0) return vv;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& [hex, seq] : j["versionVector"].items()) vv[std::stoull(hex, nullptr, 16)] = seq.get<std::uint64_t>();
  return vv;
}

// init + key exchange, the way the README tells a newcomer to pair two nodes.
void pairWithCli(const std::string& a, const std::string& b, std::uint16_t portA, std::uint16_t portB) {
  const std::string keyA = firstLine(runCli(a, {"peer", "key"}).out);
  const std::string keyB = firstLine(runCli(b, {"peer", "key"}).out);
  REQUIRE(keyA.size() == 40);
  REQUIRE(keyB.size() == 40);
  REQUIRE(runCli(a, {"peer", "trust", keyB, "--name", "B", "--address", "tcp://127.0.0.1:" + std::to_string(portB)}).exitCode == 0);
  REQUIRE(runCli(b, {"peer", "trust", keyA, "--name", "A", "--address", "tcp://127.0.0.1:" + std::to_string(portA)}).exitCode == 0);
}

}  // namespace

TEST_SUITE("integration") {
TEST_CASE("cli: two nodes paired with the CLI replicate both ways and refused or unreachable peers fail in one line") {
  TempDir tmp;
  const std::string a = tmp.sub("a"), b = tmp.sub("b"), c = tmp.sub("c");
  REQUIRE(runCli(a, {"init", "--name", "东城"}).exitCode == 0);
  REQUIRE(runCli(b, {"init", "--name", "西城"}).exitCode == 0);
  REQUIRE(runCli(c, {"init", "--name", "陌生"}).exitCode == 0);
  REQUIRE(runCli(a, {"demo", "--members", "300"}).exitCode == 0);
  const std::uint16_t pa = freePort(), pb = freePort();
  pairWithCli(a, b, pa, pb);

  // One-shot sync first (B adopts A's deployment key: it holds no members yet).
  {
    Process serveA(a, {"serve", "--listen", "tcp://127.0.0.1:" + std::to_string(pa), "--discovery", "off"}, tmp.sub("a.log"));
    REQUIRE(eventually([&] { return runCli(a, {"status", "--json"}).out.find("\"serving\": true") != std::string::npos; }, 10s));
    auto r = runCli(b, {"sync", "--peer", "tcp://127.0.0.1:" + std::to_string(pa), "--timeout", "20"});
    CHECK_MESSAGE(r.exitCode == 0, r.out);
    CHECK(r.out.find("synced with") != std::string::npos);
    CHECK(digestOf(a) == digestOf(b));

    // C knows A's key but A does not trust C: refused, with the reason on one line.
    const std::string keyA = firstLine(runCli(a, {"peer", "key"}).out);
    REQUIRE(runCli(c, {"peer", "trust", keyA, "--address", "tcp://127.0.0.1:" + std::to_string(pa)}).exitCode == 0);
    auto refused = runCli(c, {"sync", "--peer", "tcp://127.0.0.1:" + std::to_string(pa), "--timeout", "10"});
    CHECK_MESSAGE(refused.exitCode != 0, refused.out);
    CHECK_MESSAGE(refused.out.find("does not trust") != std::string::npos, refused.out);
    CHECK_MESSAGE(std::count(refused.out.begin(), refused.out.end(), '\n') == 1, refused.out);
    const std::string keyC = firstLine(runCli(c, {"peer", "key"}).out);
    CHECK(eventually([&] { return runCli(a, {"peer", "list", "--json"}).out.find(keyC) != std::string::npos; }, 5s));  // listed for pairing
    CHECK(serveA.stop(SIGTERM) == 0);
  }
  auto unreachable = runCli(b, {"sync", "--peer", "tcp://127.0.0.1:" + std::to_string(pa), "--timeout", "2"});
  CHECK_MESSAGE(unreachable.exitCode != 0, unreachable.out);
  CHECK_MESSAGE(std::count(unreachable.out.begin(), unreachable.out.end(), '\n') == 1, unreachable.out);

  // Both serve; writes made by the CLI next to a running serve replicate both ways.
  Process serveA(a, {"serve", "--listen", "tcp://127.0.0.1:" + std::to_string(pa), "--discovery", "off"}, tmp.sub("a.log"));
  Process serveB(b, {"serve", "--listen", "tcp://127.0.0.1:" + std::to_string(pb), "--discovery", "off"}, tmp.sub("b.log"));
  REQUIRE(runCli(a, {"org", "add", "name=甲方新工会", "type=企业工会"}).exitCode == 0);
  REQUIRE(runCli(b, {"org", "add", "name=乙方新工会", "type=企业工会"}).exitCode == 0);
  CHECK_MESSAGE(eventually([&] { return digestOf(a) == digestOf(b); }, 15s), runCli(b, {"status"}).out);
  // Searched for: the demo district holds more unions than a default listing shows.
  CHECK(runCli(b, {"org", "list", "--search", "甲方"}).out.find("甲方新工会") != std::string::npos);
  CHECK(runCli(a, {"org", "list", "--search", "乙方"}).out.find("乙方新工会") != std::string::npos);
  CHECK(eventually([&] {
    auto status = nlohmann::json::parse(runCli(b, {"status", "--json"}).out);
    return status["serving"] == true && status["peers"][0]["state"] == "live";
  }, 5s));
  CHECK(serveA.stop(SIGTERM) == 0);
  CHECK(serveB.stop(SIGINT) == 0);
}

}  // TEST_SUITE integration

TEST_SUITE("slow") {
TEST_CASE("[slow] serve processes killed with SIGKILL mid catch-up recover and converge") {
  TempDir tmp;
  const std::string a = tmp.sub("a"), b = tmp.sub("b");
  REQUIRE(runCli(a, {"init", "--name", "A"}).exitCode == 0);
  REQUIRE(runCli(b, {"init", "--name", "B"}).exitCode == 0);
  REQUIRE(runCli(a, {"demo", "--members", "100000"}).exitCode == 0);
  const std::uint16_t pa = freePort(), pb = freePort();
  pairWithCli(a, b, pa, pb);
  auto serve = [&](const std::string& dir, std::uint16_t port, const std::string& log) {
    return std::make_unique<Process>(dir, std::vector<std::string>{"serve", "--listen", "tcp://127.0.0.1:" + std::to_string(port),
                                                                  "--discovery", "off"},
                                     log);
  };
  std::mt19937 rng(20261123);
  constexpr int kTrials = 8;
  VersionVector acknowledged;
  for (int trial = 0; trial < kTrials; ++trial) {
    auto sa = serve(a, pa, tmp.sub("a.log"));
    auto sb = serve(b, pb, tmp.sub("b.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 500));
    // What B holds now was applied and acknowledged; it must survive the kill.
    VersionVector before = vectorOf(b);
    switch (rng() % 3) {
      case 0: sa->stop(SIGKILL); sb->stop(SIGKILL); break;
      case 1: sb->stop(SIGKILL); sa->stop(SIGTERM); break;
      default: sa->stop(SIGKILL); sb->stop(SIGTERM); break;
    }
    // The stores open cleanly after the kill, and nothing B had is lost.
    CHECK(digestOf(a).size() == 64);
    CHECK(digestOf(b).size() == 64);
    VersionVector after = vectorOf(b);
    CHECK(covers(after, before));
    acknowledged = after;
    MESSAGE("trial " << trial << ": B holds " << (after.empty() ? 0 : after.begin()->second) << " changes of A");
  }
  auto sa = serve(a, pa, tmp.sub("a.log"));
  auto sb = serve(b, pb, tmp.sub("b.log"));
  CHECK(eventually([&] { return digestOf(a) == digestOf(b); }, 120s, 500ms));
  CHECK(covers(vectorOf(b), acknowledged));
  CHECK(sa->stop(SIGTERM) == 0);
  CHECK(sb->stop(SIGTERM) == 0);
}
}  // TEST_SUITE slow

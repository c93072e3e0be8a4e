// PeerState: the published names, and an unreachable peer reported as such (issue 8).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

#include "sync/peer_state.h"
#include "tests/sync/sync_support.h"

using namespace unionsync;
using namespace unionsync::testing;
using namespace std::chrono_literals;

namespace {

// A socket bound to a free 127.0.0.1 port; listening only when asked (a peer whose computer
// answers TCP but never speaks). Closed on destruction.
struct LoopbackPort {
  int fd = -1;
  std::uint16_t port = 0;
  explicit LoopbackPort(bool listen) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    if (listen) REQUIRE(::listen(fd, 8) == 0);
  }
  ~LoopbackPort() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port); }
};

std::optional<PeerState> stateOf(const Engine& engine, const std::string& key) {
  auto s = engine.status();
  const PeerStatus* p = s->findPeer(key);
  return p ? std::optional<PeerState>(p->state) : std::nullopt;
}

// Starts `a` with `b` trusted at `address`, b never running; the result is a's view of b.
void expectUnreachable(const std::string& address) {
  TestNode a("A", 1), b("B", 2);
  pairNodes(a, b, address);
  auto ea = startEngine(a, testEngineOptions(a, false));
  const std::string kb = b.identity().publicKey;
  REQUIRE(eventually([&] { return stateOf(*ea, kb) == PeerState::Unreachable; }, 8s));
  CHECK_FALSE(ea->status()->findPeer(kb)->lastError.empty());  // the cause, for the detail line
  // It stays unreachable across the retries (reconnectMaxMs is 1 s in tests): never idle or
  // backoff, which the GUI would show as "not connected" or hide the cause.
  const auto until = std::chrono::steady_clock::now() + 2500ms;
  while (std::chrono::steady_clock::now() < until) {
    const auto state = stateOf(*ea, kb);
    REQUIRE(state.has_value());
    CHECK_MESSAGE(*state == PeerState::Unreachable, peerStateName(*state));
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace

TEST_CASE("peer state names round-trip and keep their published spelling") {
  const PeerState all[] = {PeerState::Idle,    PeerState::Connecting,  PeerState::Handshake,
                           PeerState::CatchingUp, PeerState::Live,     PeerState::Backoff,
                           PeerState::Unreachable, PeerState::Refused, PeerState::DifferentDeployment,
                           PeerState::Error,   PeerState::Revoked,     PeerState::Closed};
  std::set<std::string_view> names;
  for (PeerState s : all) {
    CHECK_FALSE(peerStateName(s).empty());
    CHECK(peerStateFromName(peerStateName(s)) == s);
    names.insert(peerStateName(s));
  }
  CHECK(names.size() == std::size(all));
  CHECK(peerStateName(PeerState::CatchingUp) == "catching-up");
  CHECK(peerStateName(PeerState::DifferentDeployment) == "different-deployment");
  CHECK(peerStateName(PeerState::Unreachable) == "unreachable");
  CHECK_FALSE(peerStateFromName("offline").has_value());
  CHECK_FALSE(peerStateFromName("").has_value());
  CHECK_FALSE(peerStateFromName("Live").has_value());
}

TEST_CASE("engine: a peer with nothing listening on its port is unreachable, not idle") {
  LoopbackPort port(false);
  const std::string address = port.endpoint();
  port.close();  // now nothing listens there
  expectUnreachable(address);
}

TEST_CASE("engine: a peer that accepts TCP but never answers is unreachable after the hello timeout") {
  LoopbackPort port(true);  // the kernel completes the connection; nobody ever speaks
  expectUnreachable(port.endpoint());
}

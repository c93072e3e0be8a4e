#include "sync/discovery.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "sync/identity.h"

namespace unionsync {

std::string encodeBeacon(const Beacon& b) {
  nlohmann::json j{{"app", "unionsync"}, {"v", 1},           {"nodeId", b.nodeId},
                   {"name", b.name},     {"port", b.syncPort}, {"fp", b.fingerprint},
                   {"key", b.publicKey}};
  return j.dump();
}

Result<Beacon> decodeBeacon(std::string_view datagram) {
  if (datagram.size() > kMaxBeaconBytes) return fail("beacon too large");
  try {
    auto j = nlohmann::json::parse(datagram);
    if (!j.is_object() || j.value("app", "") != "unionsync") return fail("not a unionsync beacon");
    if (j.value("v", 0) != 1) return fail("unknown beacon version");
    Beacon b;
    b.nodeId = j.at("nodeId").get<std::string>();
    b.name = j.at("name").get<std::string>();
    int port = j.at("port").get<int>();
    if (port <= 0 || port > 65535) return fail("bad port in beacon");
    b.syncPort = static_cast<std::uint16_t>(port);
    b.fingerprint = j.at("fp").get<std::string>();
    b.publicKey = j.at("key").get<std::string>();
    if (!isValidPublicKey(b.publicKey)) return fail("bad key in beacon");
    if (fingerprintOf(b.publicKey) != b.fingerprint) return fail("beacon fingerprint does not match key");
    if (b.name.size() > 256 || b.nodeId.size() > 64) return fail("beacon field too long");
    return b;
  } catch (const std::exception& e) {
    return fail(std::string("malformed beacon: ") + e.what());
  }
}

Result<Discovery> Discovery::open(const DiscoveryOptions& options) {
  Discovery d;
  d.fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (d.fd_ < 0) return fail(std::string("无法创建 UDP 套接字 / cannot create UDP socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(d.fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(d.fd_, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  ::setsockopt(d.fd_, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(options.port);
  if (::inet_pton(AF_INET, options.bindAddress.c_str(), &addr.sin_addr) != 1) {
    return fail("无效的发现地址 / bad discovery bind address: " + options.bindAddress);
  }
  if (::bind(d.fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return fail("无法绑定发现端口 " + std::to_string(options.port) + " / cannot bind discovery port: " +
                std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(d.fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  d.port_ = ntohs(addr.sin_port);

  std::vector<std::string> targets = options.targets;
  if (targets.empty()) targets.push_back("255.255.255.255:" + std::to_string(d.port_));
  for (const auto& t : targets) {
    auto colon = t.rfind(':');
    in_addr ip{};
    if (colon == std::string::npos || ::inet_pton(AF_INET, t.substr(0, colon).c_str(), &ip) != 1) {
      return fail("无效的信标目标 / bad beacon target: " + t);
    }
    int port = std::atoi(t.c_str() + colon + 1);
    if (port <= 0 || port > 65535) return fail("无效的信标目标 / bad beacon target: " + t);
    d.targets_.emplace_back(ip.s_addr, htons(static_cast<std::uint16_t>(port)));
  }
  return d;
}

Discovery::Discovery(Discovery&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), port_(other.port_), targets_(std::move(other.targets_)) {}

Discovery& Discovery::operator=(Discovery&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
    targets_ = std::move(other.targets_);
  }
  return *this;
}

Discovery::~Discovery() {
  if (fd_ >= 0) ::close(fd_);
}

void Discovery::send(const Beacon& self) {
  std::string text = encodeBeacon(self);
  for (const auto& [ip, port] : targets_) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = ip;
    addr.sin_port = port;
    (void)::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }
}

std::vector<Beacon> Discovery::receive() {
  std::vector<Beacon> out;
  char buffer[kMaxBeaconBytes + 1];
  for (int i = 0; i < 64; ++i) {  // bounded: a flood cannot starve the engine
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) break;
    if (static_cast<std::size_t>(n) > kMaxBeaconBytes) continue;
    auto beacon = decodeBeacon(std::string_view(buffer, static_cast<std::size_t>(n)));
    if (!beacon) continue;
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    beacon->sourceIp = ip;
    out.push_back(std::move(*beacon));
  }
  return out;
}

}  // namespace unionsync

// LAN discovery with plain UDP beacons (libzmq's RADIO/DISH is not in Debian's build).
//
// Contract:
// - A beacon announces node id, name, sync port, key fingerprint and public key. It is
//   information only: it never grants trust. The receiver recomputes the fingerprint from the
//   key and drops beacons where they disagree, and drops anything malformed or oversized.
// - The socket binds `port` with SO_REUSEADDR/SO_REUSEPORT (several nodes on one machine) and
//   sends to `targets` ("IP:PORT"); by default the limited broadcast 255.255.255.255:port.
//   Tests use 127.0.0.1 targets only.
// - Non-blocking; the owner polls fd() and calls receive() when readable, and send() on its
//   own timer. Not thread-safe: one owner (the engine thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/types.h"

namespace unionsync {

inline constexpr std::uint16_t kDefaultDiscoveryPort = 7401;
inline constexpr std::size_t kMaxBeaconBytes = 1024;

struct DiscoveryOptions {
  std::uint16_t port = kDefaultDiscoveryPort;
  std::string bindAddress = "0.0.0.0";
  std::vector<std::string> targets;  // "IP:PORT"; empty: 255.255.255.255:<port>
};

struct Beacon {
  std::string nodeId;
  std::string name;
  std::uint16_t syncPort = 0;
  std::string fingerprint;
  std::string publicKey;
  std::string sourceIp;  // filled in by receive()
};

std::string encodeBeacon(const Beacon& beacon);
// Fails on anything that is not a well-formed beacon with a consistent fingerprint.
Result<Beacon> decodeBeacon(std::string_view datagram);

class Discovery {
 public:
  static Result<Discovery> open(const DiscoveryOptions& options);
  Discovery(Discovery&& other) noexcept;
  Discovery& operator=(Discovery&& other) noexcept;
  Discovery(const Discovery&) = delete;
  Discovery& operator=(const Discovery&) = delete;
  ~Discovery();

  int fd() const { return fd_; }
  std::uint16_t port() const { return port_; }  // actual bound port
  // Sends one beacon to every target; failures to individual targets are ignored.
  void send(const Beacon& self);
  // Drains the socket; returns the valid beacons received.
  std::vector<Beacon> receive();

 private:
  Discovery() = default;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<std::pair<std::uint32_t, std::uint16_t>> targets_;  // network order
};

}  // namespace unionsync

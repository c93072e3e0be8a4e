// The engine's side of LAN discovery: its own beacons out, others' beacons in (a trusted
// peer's new address, or an unpaired node to list).
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "sync/engine_core.h"

namespace unionsync {

std::uint16_t Engine::Core::listenPort() const {
  for (const auto& ep : endpoints) {
    auto colon = ep.rfind(':');
    if (colon != std::string::npos) return static_cast<std::uint16_t>(std::atoi(ep.c_str() + colon + 1));
  }
  return 0;
}

void Engine::Core::sendBeacon() {
  Beacon self;
  self.nodeId = info.nodeId;
  self.name = info.nodeName;
  self.syncPort = listenPort();
  self.fingerprint = identity.fingerprint;
  self.publicKey = identity.publicKey;
  if (self.syncPort != 0) discovery->send(self);
}

void Engine::Core::handleBeacons() {
  for (auto& beacon : discovery->receive()) {
    if (beacon.publicKey == identity.publicKey) continue;
    const std::string address = fmt::format("tcp://{}:{}", beacon.sourceIp, beacon.syncPort);
    auto it = peers.find(beacon.publicKey);
    if (it != peers.end() && it->second.trusted) {
      PeerEntry& e = it->second;
      if (std::find(e.addresses.begin(), e.addresses.end(), address) == e.addresses.end()) {
        log(fmt::format("发现已信任的节点「{}」于 {} / found trusted peer '{}' at {}", e.name, address, e.name, address));
        e.addresses.insert(e.addresses.begin(), address);
        e.nextAddress = 0;
        e.nextAttemptMs = std::min(e.nextAttemptMs, clock.nowMs());
        e.persistPending = true;
        dirty = true;
      }
      continue;
    }
    DiscoveredPeer d;
    d.publicKey = beacon.publicKey;
    d.fingerprint = beacon.fingerprint;
    d.name = beacon.name;
    d.nodeId = beacon.nodeId;
    d.address = address;
    d.lastSeenMs = clock.nowMs();
    bool known = false;
    for (const auto& existing : trust.discovered()) known = known || existing.publicKey == d.publicKey;
    if (!known) {
      log(fmt::format("发现未配对的节点「{}」{}（指纹 {}）/ found unpaired node '{}' at {} (fingerprint {})",
                      d.name, address, d.fingerprint, d.name, address, d.fingerprint));
    }
    trust.noteDiscovered(std::move(d));
    dirty = true;
  }
}

}  // namespace unionsync

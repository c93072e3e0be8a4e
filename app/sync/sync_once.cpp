#include "app/sync/sync_once.h"

#include <algorithm>

#include <fmt/format.h>

namespace unionsync {

Result<PeerStatus> syncOnce(SyncService& service, const std::string& address, std::chrono::milliseconds timeout) {
  auto peers = service.peers();
  if (!peers) return std::unexpected(peers.error());
  std::string key;  // of the trusted peer known at `address`; empty: every trusted key is tried
  std::size_t trusted = 0;
  for (const auto& p : *peers) {
    if (p.state != TrustState::Trusted) continue;
    ++trusted;
    if (std::find(p.addresses.begin(), p.addresses.end(), address) != p.addresses.end()) key = p.publicKey;
  }
  if (trusted == 0) {
    return fail("尚未信任任何节点：先运行 peer trust KEY --address " + address +
                " / no trusted peers: run peer trust KEY --address " + address + " first");
  }
  SyncStartOptions options;
  options.engine.autoConnect = false;  // this peer only
  if (auto started = service.start(std::move(options)); !started) return std::unexpected(started.error());
  service.connect(address, key);

  auto matches = [&](const PeerStatus& p) { return key.empty() ? p.address == address : p.publicKey == key; };
  auto status = service
                    .waitFor(
                        [&](const SyncStatus& s) {
                          for (const auto& p : s.peers) {
                            if (!matches(p)) continue;
                            // Caught up both ways and the fingerprints compared once (the verification).
                            if (p.caughtUp && (p.current.verifications > 0 || p.current.partial)) return true;
                            if (p.state == PeerState::Refused || p.state == PeerState::DifferentDeployment ||
                                p.state == PeerState::Error)
                              return true;
                          }
                          return false;
                        },
                        timeout)
                    .first;
  service.stop();
  const PeerStatus* peer = nullptr;
  if (status) {
    for (const auto& p : status->peers) {
      if (matches(p)) peer = &p;
    }
  }
  if (!peer || !peer->caughtUp) {
    std::string reason = peer && !peer->lastError.empty() ? peer->lastError
                         : status                         ? status->lastConnectError
                                                          : std::string();
    const double seconds = static_cast<double>(timeout.count()) / 1000.0;
    if (reason.empty()) reason = fmt::format("{} 秒内无应答 / no answer within {} s", seconds, seconds);
    return fail(fmt::format("与 {} 同步失败 / sync with {} failed: {}", address, address, reason));
  }
  return *peer;
}

}  // namespace unionsync

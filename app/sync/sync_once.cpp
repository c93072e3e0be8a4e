#include "app/sync/sync_once.h"

#include <algorithm>

#include <fmt/format.h>

namespace unionsync {

namespace {
constexpr std::chrono::milliseconds kWatchSlice{100};
}  // namespace

Result<PeerStatus> syncOnce(SyncService& service, const std::string& address, std::chrono::milliseconds timeout,
                            const SyncWatch& watch) {
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
  auto peerIn = [&](const std::shared_ptr<const SyncStatus>& s) -> const PeerStatus* {
    const PeerStatus* found = nullptr;
    if (s)
      for (const auto& p : s->peers)
        if (matches(p)) found = &p;
    return found;
  };
  auto finished = [&](const SyncStatus& s) {
    for (const auto& p : s.peers) {
      if (!matches(p)) continue;
      // Caught up both ways and the fingerprints compared once (the verification).
      if (p.caughtUp && (p.current.verifications > 0 || p.current.partial)) return true;
      if (p.state == PeerState::Refused || p.state == PeerState::DifferentDeployment || p.state == PeerState::Error)
        return true;
    }
    return false;
  };
  // Waited for in slices, so that the watcher sees progress and a cancel is noticed soon.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::shared_ptr<const SyncStatus> status;
  bool cancelled = false;
  while (!(cancelled = watch.cancel && watch.cancel->load())) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto [latest, done] = service.waitFor(finished, std::clamp(left, std::chrono::milliseconds(0), kWatchSlice));
    if (latest) status = latest;
    if (done || !latest || !latest->running || left <= kWatchSlice) break;
    if (const PeerStatus* p = peerIn(status); p && watch.progress) watch.progress(*p);
  }
  service.stop();
  const PeerStatus* peer = peerIn(status);
  if (cancelled) {
    if (peer) return *peer;
    return fail(fmt::format("已中断：尚未与 {} 建立会话，未接收任何变更 / interrupted before a session with {} began: nothing "
                            "was received",
                            address, address));
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

#include "sync/peer_book.h"

#include <algorithm>

#include <fmt/format.h>

#include "sync/engine_core.h"

namespace unionsync {
namespace {

constexpr std::int64_t kDifferentDeploymentBackoffMs = 5 * 60 * 1000;
// A peer sending many bad changes must not flood the log: one line per peer per this long,
// which counts the refusals it stands for.
constexpr std::int64_t kRefusalLogMs = 10000;

}  // namespace

std::string Engine::Core::peerName(const std::string& key) const {
  auto it = peers.find(key);
  if (it != peers.end() && !it->second.name.empty()) return it->second.name;
  return fingerprintOf(key).substr(0, 9);
}

void Engine::Core::loadPeersFromTrust() {
  std::set<std::string> seen;
  for (const auto& tp : trust.peers()) {
    seen.insert(tp.publicKey);
    auto [it, inserted] = peers.try_emplace(tp.publicKey);
    PeerEntry& e = it->second;
    if (inserted) {
      e.key = tp.publicKey;
      e.fingerprint = fingerprintOf(tp.publicKey);
      e.lastContactMs = tp.lastContactMs;
      e.lastSyncMs = tp.lastSyncMs;
      e.peerVector = tp.versionVector;
      e.nodeId = tp.nodeId;
      e.lastError = tp.lastError;
      e.verifiedEqualMs = tp.verifiedEqualMs;
      e.refusedChanges = tp.refusedChanges;
      e.lastRefusal = tp.lastRefusal;
      e.lastRefusalMs = tp.lastRefusalMs;
    }
    e.name = tp.name;
    for (auto a = tp.addresses.rbegin(); a != tp.addresses.rend(); ++a) {
      if (std::find(e.addresses.begin(), e.addresses.end(), *a) == e.addresses.end()) {
        e.addresses.insert(e.addresses.begin(), *a);
      }
    }
    bool trustedNow = tp.state == TrustState::Trusted;
    if (e.trusted && !trustedNow) {
      log(fmt::format("已撤销对「{}」的信任，断开连接 / trust in '{}' revoked: disconnecting", e.name, e.name));
    }
    if (!e.trusted && trustedNow) e.nextAttemptMs = 0, e.backoffMs = 0, e.failState.reset();
    e.trusted = trustedNow;
  }
  for (auto& [key, e] : peers) {
    if (!seen.count(key)) e.trusted = false;
  }
  // Sessions of peers no longer admitted end now (a certified peer stays: its certificate,
  // not the trust store, admits it).
  // Sessions of peers no longer trusted end now.
  for (auto& link : links) {
    auto it = peers.find(link->key);
    if (link->probe) continue;
    if ((it == peers.end() || !it->second.admitted()) && !link->session->closed()) {
      link->session->close(WireErrorCode::NotTrusted, "本节点已撤销对你的信任 / this node no longer trusts you", true);
    }
  }
  dirty = true;
}

bool Engine::Core::wantsConnection(const PeerEntry& e) const {
  return e.admitted() && !e.addresses.empty() && (options.autoConnect || e.manual);
}

bool Engine::Core::hasLink(const std::string& key) const {
  for (const auto& link : links) {
    if (link->key == key && !link->probe) return true;
  }
  return false;
}

SessionConfig Engine::Core::sessionConfigFor(const std::string& key) const {
  SessionConfig config = options.session;
  auto it = peers.find(key);
  if (it != peers.end() && it->second.batchDivisor > 1) {
    config.batchMaxChanges = std::max<std::size_t>(16, config.batchMaxChanges / it->second.batchDivisor);
    config.batchMaxBytes = std::max<std::size_t>(16 * 1024, config.batchMaxBytes / it->second.batchDivisor);
  }
  return config;
}

void Engine::Core::schedule(PeerEntry& e, bool wasActive, bool differentDeployment) {
  if (wasActive) e.backoffMs = 0;
  e.backoffMs = e.backoffMs == 0 ? options.reconnectMinMs : std::min(e.backoffMs * 2, options.reconnectMaxMs);
  if (differentDeployment) e.backoffMs = std::max(e.backoffMs, kDifferentDeploymentBackoffMs);
  e.nextAttemptMs = clock.nowMs() + e.backoffMs;
}

void Engine::Core::observe(Link& link) {
  Session& s = *link.session;
  auto it = peers.find(link.key);
  if (it == peers.end() || (link.probe && s.state() != SessionState::Active)) return;
  PeerEntry& e = it->second;
  if (s.state() == SessionState::Active && !link.reachedActive) {
    link.reachedActive = true;
    e.sessions++;
    e.failState.reset();
    e.lastError.clear();
    e.backoffMs = 0;
    e.nodeId = s.peerHello()->nodeId;
    if (e.name.empty()) e.name = s.peerHello()->name;
    e.certificate = s.rules() ? s.rules()->describe() : std::string();
    if (link.outbound) {
      std::erase(e.addresses, link.address);
      e.addresses.insert(e.addresses.begin(), link.address);
      e.nextAddress = 0;
      e.lastAddress = link.address;
    }
    if (link.probe) {
      // The guess was right: this key lives at this address. Close the other guesses.
      link.probe = false;
      for (auto& other : links) {
        if (other.get() != &link && other->probe) other->session->close(WireErrorCode::Unknown, "", false);
      }
      e.manual = true;
    }
    log(fmt::format("已连接「{}」（{}，{}）/ connected to '{}' ({}, {})", e.name, link.outbound ? "主动" : "被动",
                    link.outbound ? link.address : "inbound", e.name, link.outbound ? "outgoing" : "incoming",
                    link.outbound ? link.address : "inbound"));
    if (s.stats().adoptedDeploymentKey) {
      log(fmt::format("已采用「{}」的部署密钥 / adopted the deployment key of '{}'", e.name, e.name));
    }
    e.lastContactMs = clock.nowMs();
    persist(e);
    dirty = true;
  }
  noteRefusals(link, e, clock.nowMs());
  noteVerification(link, e);
  if (s.state() != SessionState::Active) return;
  const std::int64_t now = clock.nowMs();
  if (s.lastReceiveMs() > e.lastContactMs) {
    e.lastContactMs = s.lastReceiveMs();
    e.persistPending = true;
  }
  e.current = s.stats();
  e.peerVector = s.peerVector();
  const std::uint64_t rounds = s.stats().roundsAcked + s.stats().caughtUpReceived;
  if (s.caughtUpBothWays() && rounds != link.lastRoundsSeen) {
    link.lastRoundsSeen = rounds;
    e.lastSyncMs = now;
    e.persistPending = true;
    dirty = true;
    if (!link.reportedCaughtUp) {
      link.reportedCaughtUp = true;
      e.batchDivisor = 1;
      log(fmt::format("与「{}」同步完成：发送 {} 条，接收 {} 条变更，冲突 {} / caught up with '{}': sent {}, "
                      "received {} changes, {} conflicts",
                      e.name, s.stats().changesSent, s.stats().changesReceived, s.stats().conflicts, e.name,
                      s.stats().changesSent, s.stats().changesReceived, s.stats().conflicts));
      persist(e);
    }
  }
}

// Counts the changes the store refused in this session since last seen, keeps the latest
// reason for the status, and logs them, rate-limited.
void Engine::Core::noteRefusals(Link& link, PeerEntry& e, std::int64_t now) {
  const SessionStats& st = link.session->stats();
  if (st.changesRefused <= link.refusalsSeen) return;
  const std::uint64_t fresh = st.changesRefused - link.refusalsSeen;
  link.refusalsSeen = st.changesRefused;
  e.refusedChanges += fresh;
  e.lastRefusal = st.lastRefusal;
  e.lastRefusalMs = now;
  e.persistPending = true;
  dirty = true;
  if (now - e.lastRefusalLogMs < kRefusalLogMs) {
    e.refusalsNotLogged += fresh;
    return;
  }
  const std::uint64_t count = fresh + e.refusalsNotLogged;
  e.refusalsNotLogged = 0;
  e.lastRefusalLogMs = now;
  log(fmt::format("拒收「{}」发来的 {} 条变更，最近一条：{} / refused {} changes from '{}', the latest: {}", e.name,
                  count, st.lastRefusal, count, e.name, st.lastRefusal));
}

// Takes the session's finished verifications: the verified-equal time for `status` and
// peers.json, and a log line when one repaired records or lowered vector entries.
void Engine::Core::noteVerification(Link& link, PeerEntry& e) {
  const SessionStats& st = link.session->stats();
  if (st.verifications <= link.verificationsSeen) return;
  link.verificationsSeen = st.verifications;
  if (st.verifiedEqualMs > e.verifiedEqualMs) e.verifiedEqualMs = st.verifiedEqualMs;
  // The badge says what is true now: no "verified equal" while a difference persists.
  if (st.verifyDiffers) e.verifiedEqualMs = 0;
  e.verifyDiffers = st.verifyDiffers;
  e.persistPending = true;
  dirty = true;
  const auto& last = link.session->lastVerification();
  if (!last || (last->recordsSent + last->recordsReceived == 0 && last->lowered.empty())) return;
  log(fmt::format("与「{}」核对发现差异：修复 {} 条记录（发送 {}，接收 {}），调低 {} 个版本向量条目 / verification "
                  "with '{}' found differences: repaired {} records (sent {}, received {}), lowered {} version "
                  "vector entries",
                  e.name, last->recordsSent + last->recordsReceived, last->recordsSent, last->recordsReceived,
                  last->lowered.size(), e.name, last->recordsSent + last->recordsReceived, last->recordsSent,
                  last->recordsReceived, last->lowered.size()));
}

void Engine::Core::persist(PeerEntry& e) {
  e.persistPending = false;
  e.lastPersistMs = clock.nowMs();
  const PeerEntry copy = e;
  auto r = trust.update([&](std::vector<TrustedPeer>& list) {
    for (auto& tp : list) {
      if (tp.publicKey != copy.key) continue;
      tp.lastContactMs = std::max(tp.lastContactMs, copy.lastContactMs);
      tp.lastSyncMs = std::max(tp.lastSyncMs, copy.lastSyncMs);
      if (!copy.nodeId.empty()) tp.nodeId = copy.nodeId;
      if (!copy.peerVector.empty()) tp.versionVector = copy.peerVector;
      tp.lastError = copy.lastError;
      tp.verifiedEqualMs = copy.verifyDiffers ? 0 : std::max(tp.verifiedEqualMs, copy.verifiedEqualMs);
      tp.refusedChanges = copy.refusedChanges;
      tp.lastRefusal = copy.lastRefusal;
      tp.lastRefusalMs = copy.lastRefusalMs;
      for (auto a = copy.addresses.rbegin(); a != copy.addresses.rend(); ++a) {
        if (std::find(tp.addresses.begin(), tp.addresses.end(), *a) == tp.addresses.end()) {
          tp.addresses.insert(tp.addresses.begin(), *a);
        }
      }
      if (!copy.addresses.empty() && tp.addresses.front() != copy.addresses.front()) {
        std::erase(tp.addresses, copy.addresses.front());
        tp.addresses.insert(tp.addresses.begin(), copy.addresses.front());
      }
      if (tp.name.empty()) tp.name = copy.name;
    }
  });
  if (!r) log(r.error().message);
}

}  // namespace unionsync

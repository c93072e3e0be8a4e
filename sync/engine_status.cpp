// The status snapshot the engine publishes for other threads (Engine::status, waitFor).
#include <algorithm>

#include "sync/engine_core.h"

namespace unionsync {
namespace {

std::uint64_t pendingEstimate(const VersionVector& local, const VersionVector& peer) {
  std::uint64_t total = 0;
  for (const auto& [origin, seq] : local) {
    auto it = peer.find(origin);
    std::uint64_t held = it == peer.end() ? 0 : it->second;
    if (seq > held) total += seq - held;
  }
  return total;
}

}  // namespace

void addStats(SessionStats& into, const SessionStats& s) {
  into.changesSent += s.changesSent;
  into.changesReceived += s.changesReceived;
  into.batchesSent += s.batchesSent;
  into.batchesReceived += s.batchesReceived;
  into.transactions += s.transactions;
  into.bytesSent += s.bytesSent;
  into.bytesReceived += s.bytesReceived;
  into.fieldsWon += s.fieldsWon;
  into.conflicts += s.conflicts;
  into.changesRefused += s.changesRefused;
  into.changesParked += s.changesParked;
  into.claimsClamped += s.claimsClamped;
  into.verifiedEqualMs = std::max(into.verifiedEqualMs, s.verifiedEqualMs);
  into.verifications += s.verifications;
  into.repairedRecords += s.repairedRecords;
  into.loweredEntries += s.loweredEntries;
  into.reconcileBytes += s.reconcileBytes;
  if (!s.lastRefusal.empty()) into.lastRefusal = s.lastRefusal;
  into.roundsAcked += s.roundsAcked;
  into.caughtUpReceived += s.caughtUpReceived;
  into.adoptedDeploymentKey = into.adoptedDeploymentKey || s.adoptedDeploymentKey;
  into.partial = into.partial || s.partial;
  into.recordsHandedOff += s.recordsHandedOff;
}

const PeerStatus* SyncStatus::findPeer(std::string_view publicKey) const {
  for (const auto& p : peers) {
    if (p.publicKey == publicKey) return &p;
  }
  return nullptr;
}

void Engine::Core::publish() {
  dirty = false;
  auto s = std::make_shared<SyncStatus>();
  s->nodeId = info.nodeId;
  s->name = info.nodeName;
  s->publicKey = identity.publicKey;
  s->fingerprint = identity.fingerprint;
  s->listenEndpoints = endpoints;
  s->discoveryPort = discovery ? discovery->port() : 0;
  s->versionVector = localVector;
  s->startedMs = startedMs;
  s->refusedConnections = refusedConnections;
  s->lastConnectError = lastConnectError;
  s->discovered = trust.discovered();
  s->running = true;
  const std::int64_t now = clock.nowMs();
  for (const auto& [key, e] : peers) {
    PeerStatus p;
    p.publicKey = key;
    p.name = e.name;
    p.fingerprint = e.fingerprint;
    p.nodeId = e.nodeId;
    p.address = e.lastAddress.empty() && !e.addresses.empty() ? e.addresses.front() : e.lastAddress;
    p.lastError = e.lastError;
    p.lastContactMs = e.lastContactMs;
    p.lastSyncMs = e.lastSyncMs;
    p.sessions = e.sessions;
    p.current = e.current;
    p.total = e.total;
    p.pendingEstimate = pendingEstimate(localVector, e.peerVector);
    p.verifiedEqualMs = e.verifiedEqualMs;
    p.verifyDiffers = e.verifyDiffers;
    p.refusedChanges = e.refusedChanges;
    p.lastRefusal = e.lastRefusal;
    p.lastRefusalMs = e.lastRefusalMs;
    p.certified = e.certified;
    p.certificate = e.certificate;
    const Link* link = nullptr;
    for (const auto& l : links) {
      if (l->key == key && !l->probe && !l->session->closed()) link = l.get();
    }
    if (!e.admitted()) {
      p.state = PeerState::Revoked;
    } else if (link) {
      p.direction = link->outbound ? "out" : "in";
      p.current = link->session->stats();
      p.total = e.total;
      addStats(p.total, p.current);
      switch (link->session->state()) {
        case SessionState::AwaitingHello:
          // A retry of a peer that was unreachable stays so until it answers: the state
          // would otherwise flicker to "connecting" on every attempt.
          p.state = !link->outbound                          ? PeerState::Handshake
                    : e.failState == PeerState::Unreachable ? PeerState::Unreachable
                                                            : PeerState::Connecting;
          break;
        case SessionState::AwaitingKey: p.state = PeerState::Handshake; break;
        case SessionState::Active:
          p.caughtUp = link->session->caughtUpBothWays();
          p.state = p.caughtUp ? PeerState::Live : PeerState::CatchingUp;
          break;
        case SessionState::Closed: p.state = PeerState::Closed; break;
      }
    } else if (e.failState) {
      p.state = *e.failState;
    } else if (wantsConnection(e) && e.nextAttemptMs > now) {
      p.state = PeerState::Backoff;
    } else {
      p.state = PeerState::Idle;
    }
    s->lastSyncMs = std::max(s->lastSyncMs, e.lastSyncMs);
    s->peers.push_back(std::move(p));
  }
  {
    std::lock_guard lock(statusMutex);
    s->generation = ++generation;
    snapshot = std::move(s);
  }
  statusChanged.notify_all();
}

}  // namespace unionsync

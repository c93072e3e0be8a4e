#include "app/sync/sync_service.h"


#include <fmt/format.h>

#include <algorithm>

namespace unionsync {

SyncService::SyncService(Store& store, Clock& clock, std::string dataDir, ChangeFeed& changes,
                         std::shared_ptr<FederationPolicy> federation)
    : store_(store), clock_(clock), dataDir_(std::move(dataDir)), changes_(changes), federation_(std::move(federation)) {}

SyncService::~SyncService() { stop(); }

std::shared_ptr<Engine> SyncService::engine() const {
  std::lock_guard lock(mutex_);
  return engine_;
}

Result<void> SyncService::start(SyncStartOptions options) {
  stop();  // frees the old engine's port first
  EngineOptions engine = std::move(options.engine);
  engine.federation = federation_;
  engine.dataDir = dataDir_;
  engine.listen.clear();
  if (!options.listen.empty()) engine.listen.push_back(options.listen);
  engine.discovery = options.discovery;
  engine.log = std::move(options.log);
  // The change feed wakes the engine for every commit (below): its own poll only backs it up.
  engine.pollIntervalMs = std::max(engine.pollIntervalMs, kBackstopPollMs);
  std::string problem;
  auto started = Engine::start(store_, clock_, engine);
  if (!started && options.fallBack && engine.discovery) {
    // LAN discovery may be what failed (no broadcast on this network): try without it.
    problem = started.error().message;
    engine.discovery = false;
    started = Engine::start(store_, clock_, engine);
  }
  if (!started && options.fallBack && !engine.listen.empty()) {
    // Listening is what failed: keep syncing outwards, and say why nobody can connect in.
    problem = started.error().message;
    engine.listen.clear();
    started = Engine::start(store_, clock_, engine);
  }
  std::lock_guard lock(mutex_);
  if (!started) {
    startProblem_ = started.error().message;
    return std::unexpected(started.error());
  }
  // Dropping discovery alone is not worth a warning when listening then worked.
  startProblem_ = engine.listen.empty() && !options.listen.empty() ? problem : std::string();
  engine_ = std::shared_ptr<Engine>(std::move(*started));
  // A wake runs on the committing thread (or the feed's poll thread) and only posts to the
  // engine's queue. Subscribed under the lock so stop() finds it; stop() ends it outside.
  wakeEngine_ = changes_.subscribe([this] {
    if (auto e = this->engine()) e->notifyLocalChange();
  });
  return {};
}

void SyncService::stop() {
  std::shared_ptr<Engine> old;
  ChangeFeed::Subscription wake;
  {
    std::lock_guard lock(mutex_);
    old = std::move(engine_);
    wake = std::move(wakeEngine_);
  }
  // Outside the lock: ending the subscription waits for a running wake, which takes it.
  wake.reset();
  if (old) old->stop();
}

bool SyncService::running() const { return engine() != nullptr; }

std::string SyncService::startProblem() const {
  std::lock_guard lock(mutex_);
  return startProblem_;
}

std::shared_ptr<const SyncStatus> SyncService::status() const {
  auto e = engine();
  return e ? e->status() : nullptr;
}

std::pair<std::shared_ptr<const SyncStatus>, bool> SyncService::waitFor(
    const std::function<bool(const SyncStatus&)>& done, std::chrono::milliseconds timeout) const {
  auto e = engine();
  if (!e) return {nullptr, false};
  return e->waitFor(done, timeout);
}

void SyncService::connect(const std::string& address, const std::string& publicKey) {
  if (auto e = engine()) e->connect(address, publicKey);
}

Result<OwnKey> SyncService::ownKey() const {
  auto id = loadOrCreateIdentity(dataDir_);
  if (!id) return std::unexpected(id.error());
  auto signing = loadOrCreateSigningKey(dataDir_);
  if (!signing) return std::unexpected(signing.error());
  const std::string hex =
      hexOf(std::string_view(reinterpret_cast<const char*>(signing->publicKey.data()), signing->publicKey.size()));
  return OwnKey{id->publicKey, id->fingerprint, hex};
}

Result<TrustedPeer> SyncService::trust(const std::string& publicKey, const std::string& name,
                                       const std::string& address) {
  auto own = ownKey();
  if (!own) return std::unexpected(own.error());
  if (publicKey == own->publicKey) return fail("这是本节点自己的公钥 / this is this node's own key");
  auto store = TrustStore::open(dataDir_);
  if (!store) return std::unexpected(store.error());
  auto peer = store->trust(publicKey, name, address, clock_.nowMs());
  if (!peer) return peer;
  if (auto e = engine()) {
    e->trustChanged();
    if (!address.empty()) e->connect(address, publicKey);
  }
  return peer;
}

Result<TrustedPeer> SyncService::revoke(const std::string& keyOrName) {
  auto store = TrustStore::open(dataDir_);
  if (!store) return std::unexpected(store.error());
  auto peer = store->revoke(keyOrName);
  if (!peer) return peer;
  if (auto e = engine()) e->trustChanged();
  return peer;
}

Result<std::vector<TrustedPeer>> SyncService::peers() const {
  auto store = TrustStore::open(dataDir_);
  if (!store) return std::unexpected(store.error());
  return store->peers();
}

std::vector<DiscoveredPeer> SyncService::discovered() const {
  auto s = status();
  if (!s) return {};
  std::vector<DiscoveredPeer> out;
  for (const DiscoveredPeer& d : s->discovered)
    if (!s->findPeer(d.publicKey)) out.push_back(d);
  return out;
}

std::pair<std::size_t, bool> SyncService::pendingFor(const VersionVector& peerVector) const {
  constexpr std::size_t kCap = 10000;
  ChangeBatch batch = store_.changesSince(peerVector, ChangeCursor{}, kCap, SIZE_MAX);
  return {batch.changes.size(), !batch.done};
}

std::size_t SyncService::parkedCount() const { return store_.parkedCount(); }

}  // namespace unionsync

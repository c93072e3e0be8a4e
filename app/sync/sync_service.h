// The sync part of the facade: the node's running sync engine and its trust store, owned by
// Node (Node::sync()). The CLI and the GUI start, stop and ask the engine only through this
// class and never open the trust store or the identity themselves.
//
// Contract:
// - At most one engine runs per SyncService; start() stops a running one first (its port is
//   free again before the new one binds).
// - Every method may be called from any thread (one mutex guards the engine pointer; the
//   engine's own methods are thread-safe). Methods that talk to the engine are no-ops (or
//   return empty) while none runs.
// - Trust changes take the trust store's file lock (another process may hold it briefly) and
//   tell the running engine at once.
// - While an engine runs, the service listens to the node's change feed (app/changes.h) and
//   wakes the engine on every commit: this process's writes and received batches at once,
//   other processes' within the feed's poll interval. The engine's own version-vector poll
//   is then only a slow backstop (kBackstopPollMs), so callers never notify.
// - Destroying the service stops the engine; Node destroys it before the store.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/changes.h"
#include "app/sync/sync_types.h"

namespace unionsync {

struct SyncStartOptions {
  std::string listen;  // tcp://IP:PORT ("*" or 0 as port picks a free one); empty: outgoing only
  bool discovery = false;  // LAN beacons
  // When listening or discovery cannot start (a busy port, no broadcast): start without
  // discovery, then without listening, and say why in startProblem(). Without it such a
  // failure fails start().
  bool fallBack = false;
  std::function<void(const std::string&)> log;  // status lines; called on the engine thread
  // The rest of the engine's settings (discovery port and targets, intervals, session
  // limits). The status file is app's (status_file.h). Its dataDir, listen, discovery and log are replaced by the above.
  EngineOptions engine;
};

class SyncService {
 public:
  // The engine's own poll while the feed wakes it: it only guards against a missed wake.
  static constexpr std::int64_t kBackstopPollMs = 60'000;

  // `store` and `changes` (the node's feed of that store) must outlive the service.
  // `federation` (may be null: no deployment rules) is handed to every engine started.
  SyncService(Store& store, Clock& clock, std::string dataDir, ChangeFeed& changes,
              std::shared_ptr<FederationPolicy> federation = nullptr);
  ~SyncService();
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

  // --- the engine ---------------------------------------------------------------------------
  // (Re)starts the engine. Fails with the engine's message (naming the address) when it could
  // not start at all; with fallBack it fails only when even an outgoing-only engine cannot.
  Result<void> start(SyncStartOptions options);
  // Tells peers we are leaving and stops the engine. Idempotent.
  void stop();
  bool running() const;
  // Why the last start() had to drop listening or discovery ("" when it did not, or before
  // any start). After a failed start(): why it failed.
  std::string startProblem() const;
  // The engine's latest snapshot; null while no engine runs.
  std::shared_ptr<const SyncStatus> status() const;
  // Blocks until `done(status)` holds or `timeout` passes: the last snapshot and whether the
  // predicate held. {null, false} at once while no engine runs.
  std::pair<std::shared_ptr<const SyncStatus>, bool> waitFor(const std::function<bool(const SyncStatus&)>& done,
                                                             std::chrono::milliseconds timeout) const;
  // Connects to `address` (tcp://HOST:PORT): with a key that trusted peer, else the trusted
  // peer known at that address, else every trusted key is tried on it.
  void connect(const std::string& address, const std::string& publicKey = {});
  // --- trust --------------------------------------------------------------------------------
  // This node's key, created on first use. Fails when <dataDir>/sync cannot be written.
  Result<OwnKey> ownKey() const;
  // Trusts `publicKey` (or renames / re-trusts it), putting `address` first when given, and
  // connects there when the engine runs. Fails on this node's own key or an invalid key.
  Result<TrustedPeer> trust(const std::string& publicKey, const std::string& name, const std::string& address);
  // Revokes the peer with this key or name; fails when none (or several by that name) match.
  Result<TrustedPeer> revoke(const std::string& keyOrName);
  // Trusted and revoked peers as the trust store file holds them now.
  Result<std::vector<TrustedPeer>> peers() const;
  // Seen on the network or refused, not trusted (from the running engine; empty without one).
  std::vector<DiscoveredPeer> discovered() const;

  // --- figures for status displays ------------------------------------------------------------
  // Changes this node holds that a peer with `peerVector` lacks, and whether the count was
  // capped (10000: "10000+").
  std::pair<std::size_t, bool> pendingFor(const VersionVector& peerVector) const;
  // Received changes waiting for a record not yet held.
  std::size_t parkedCount() const;

 private:
  std::shared_ptr<Engine> engine() const;  // the running engine or null

  Store& store_;
  Clock& clock_;
  std::string dataDir_;
  mutable std::mutex mutex_;
  std::shared_ptr<Engine> engine_;  // shared so a caller's waitFor survives a concurrent stop()
  ChangeFeed& changes_;
  std::shared_ptr<FederationPolicy> federation_;
  ChangeFeed::Subscription wakeEngine_;  // held while engine_ runs
  std::string startProblem_;
};

}  // namespace unionsync

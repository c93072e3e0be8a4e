// The sync engine: one thread that owns every ZeroMQ socket of a node (ZAP handler, ROUTER
// for listening, one DEALER per outgoing peer), the discovery socket and all sessions.
//
// Contract:
// - start() creates the CURVE identity if needed, starts the ZAP handler on
//   inproc://zeromq.zap.01 of the engine's own ZeroMQ context and only then binds the
//   listening endpoint (libzmq admits any client knowing the server key when no handler
//   runs). Bind failures come back as an Error from start(); after that the thread runs
//   until stop() or destruction.
// - The ZAP handler admits only CURVE clients whose public key is Trusted in the trust store
//   (re-read when another process changes it) or, with options.federation, that hold a valid
//   certificate of this node's deployment (re-checked every few seconds: a revoked or expired
//   certificate ends its sessions). A refusal is logged with the key's
//   fingerprint and listed as a refused peer in the status, so the user can pair.
// - Other threads talk to the engine only through the methods below (a command queue woken
//   by an eventfd) and read immutable snapshots (status()); they never touch its sockets.
// - Local writes by any process are noticed by polling Store::versionVector() every
//   pollIntervalMs (or at once after notifyLocalChange()) and pushed to every live session;
//   changes received from one peer are relayed to the others the same way.
// - A dead, slow or hostile peer only ever affects its own session: every socket call is
//   non-blocking, malformed input closes that session, reconnects back off exponentially.
// - Idle: the thread blocks in zmq_poll; it wakes every pollIntervalMs for a cheap read of
//   the version vector and once a second or so for heartbeats.
// - `clock` must be a real clock for timeouts and heartbeats to advance.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/clock.h"
#include "store/store.h"
#include "sync/discovery.h"
#include "sync/peer_rules.h"
#include "sync/peer_state.h"
#include "sync/session.h"
#include "sync/trust_store.h"

namespace unionsync {

inline constexpr std::uint16_t kDefaultSyncPort = 7400;
inline constexpr std::string_view kDefaultListen = "tcp://0.0.0.0:7400";

struct EngineOptions {
  std::string dataDir;                // identity and trust store live in <dataDir>/sync
  std::vector<std::string> listen;    // e.g. "tcp://0.0.0.0:7400"; port 0 or * picks a free one
  bool autoConnect = true;            // connect to trusted peers with known addresses
  bool discovery = false;
  DiscoveryOptions discoveryOptions;
  std::int64_t beaconIntervalMs = 5000;
  std::int64_t pollIntervalMs = 100;  // version-vector poll for other processes' writes
  std::int64_t reconnectMinMs = 500;
  std::int64_t reconnectMaxMs = 30000;
  SessionConfig session;
  std::function<void(const std::string&)> log;  // status lines; called on the engine thread
  // The deployment's certificates (sync/peer_rules.h); null: only peers paired by hand, no
  // rules. Shared with the application, which keeps it current; called on the engine thread.
  std::shared_ptr<FederationPolicy> federation;
};

struct PeerStatus {
  std::string publicKey;
  std::string name;
  std::string fingerprint;
  std::string nodeId;
  std::string address;     // of the current or last outgoing connection
  PeerState state = PeerState::Idle;  // peerStateName() gives the published name
  std::string direction;   // "out", "in" or "" (no session)
  std::string lastError;
  std::int64_t lastContactMs = 0;
  std::int64_t lastSyncMs = 0;
  bool caughtUp = false;   // the current session has completed a round both ways
  std::uint64_t sessions = 0;  // sessions that reached the active state
  std::uint64_t pendingEstimate = 0;  // upper bound on changes the peer lacks
  SessionStats current;    // of the current (or last) session
  SessionStats total;      // over all sessions since the engine started
  std::int64_t verifiedEqualMs = 0;  // last fingerprint check that found both stores equal
  bool verifyDiffers = false;        // the latest checks found differences a repair cannot mend
  std::uint64_t refusedChanges = 0;  // received changes refused by the store, ever
  std::string lastRefusal;           // why the latest one was refused
  std::int64_t lastRefusalMs = 0;
  bool certified = false;     // admitted by a certificate of our deployment, not paired by hand
  std::string certificate;    // the rules in force with it (PeerRules::describe), "" without
};

struct SyncStatus {
  std::string nodeId;
  std::string name;
  std::string publicKey;
  std::string fingerprint;
  std::vector<std::string> listenEndpoints;  // resolved (actual ports)
  std::uint16_t discoveryPort = 0;
  VersionVector versionVector;
  std::vector<PeerStatus> peers;
  std::vector<DiscoveredPeer> discovered;  // seen or refused, not trusted
  std::int64_t startedMs = 0;
  std::int64_t lastSyncMs = 0;
  std::uint64_t refusedConnections = 0;
  std::string lastConnectError;  // latest failure of an outgoing connection (any peer)
  std::uint64_t generation = 0;  // increases with every published snapshot
  bool running = true;

  const PeerStatus* findPeer(std::string_view publicKey) const;
};

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> start(Store& store, Clock& clock, EngineOptions options);
  ~Engine();  // stop() and join
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Tells peers we are leaving and stops the thread. Idempotent.
  void stop();

  // Connects to `address` (tcp://HOST:PORT). With a key, that trusted peer; without, the
  // trusted peer whose address it is, or else every trusted key is tried on it.
  void connect(const std::string& address, const std::string& publicKey = {});
  // A local write was made in this process: push it without waiting for the next poll.
  void notifyLocalChange();
  // The trust store was changed in this process (other processes are noticed by polling).
  void trustChanged();

  std::shared_ptr<const SyncStatus> status() const;
  // Blocks until `done(status)` holds or `timeout` passes; returns the last snapshot seen
  // and whether the predicate held.
  std::pair<std::shared_ptr<const SyncStatus>, bool> waitFor(
      const std::function<bool(const SyncStatus&)>& done, std::chrono::milliseconds timeout) const;

  struct Core;

 private:
  explicit Engine(std::unique_ptr<Core> core);
  std::unique_ptr<Core> core_;
};

}  // namespace unionsync

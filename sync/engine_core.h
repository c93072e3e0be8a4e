// The engine's state and its methods (engine-internal; the contract is in engine.h). Every
// method runs on the engine thread except post() and the snapshot fields under statusMutex.
// The methods live in one file per job:
//   engine.cpp          setup, main loop, timers, commands, shutdown, the public API
//   admission.cpp       ZAP requests, refused handshakes, admitting an incoming connection
//   links.cpp           outgoing and incoming links: sockets, frames, monitors, closing
//   peer_book.cpp       peers from the trust store, backoff, progress, saving to the store
//   engine_discovery.cpp LAN beacons in and out
//   engine_status.cpp   the published SyncStatus snapshot
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "sync/engine.h"
#include "sync/identity.h"
#include "sync/links.h"
#include "sync/peer_book.h"

namespace unionsync {

inline constexpr int kSocketHwm = 10000;
inline constexpr std::size_t kFramesPerWake = 64;

// SessionStats summed over sessions (maxima for times, latest refusal).
void addStats(SessionStats& into, const SessionStats& s);

struct Engine::Core {
  Store& store;
  Clock& clock;
  EngineOptions options;
  Identity identity;
  StoreInfo info;
  TrustStore trust;

  zmq::context_t context{1};
  std::unique_ptr<zmq::socket_t> zap;
  std::unique_ptr<zmq::socket_t> router;
  std::unique_ptr<zmq::socket_t> routerMonitor;
  std::optional<Discovery> discovery;
  std::vector<std::string> endpoints;
  int wakeFd = -1;

  std::vector<std::unique_ptr<Link>> links;
  std::map<std::string, PeerEntry> peers;
  std::deque<std::string> closedRoutingIds;
  std::set<std::string> closedRoutingIdSet;
  std::uint64_t nextLinkId = 1;
  std::uint64_t refusedConnections = 0;
  std::string lastConnectError;

  VersionVector localVector;
  std::int64_t startedMs = 0;
  std::int64_t nextPollMs = 0;
  std::int64_t nextTickMs = 0;
  std::int64_t nextTrustCheckMs = 0;
  std::int64_t nextBeaconMs = 0;
  bool dirty = true;
  bool localChanged = false;

  // Command queue (any thread -> engine thread).
  std::mutex commandMutex;
  std::deque<std::function<void()>> commands;
  bool stopRequested = false;
  std::atomic<bool> stopping{false};  // read inside long frame loops

  // Published snapshot (engine thread -> any thread).
  mutable std::mutex statusMutex;
  mutable std::condition_variable statusChanged;
  std::shared_ptr<const SyncStatus> snapshot;
  std::uint64_t generation = 0;

  std::thread thread;

  Core(Store& s, Clock& c, EngineOptions o, Identity id, TrustStore t)
      : store(s), clock(c), options(std::move(o)), identity(std::move(id)), trust(std::move(t)) {}

  // --- engine.cpp ---------------------------------------------------------------------------
  void log(const std::string& line);
  void post(std::function<void()> command);  // any thread
  Result<void> setUp();
  void run();
  // Frame loops stop after this much work so commands, timers and other peers get their turn
  // (a fast sender would otherwise keep one loop busy for the whole catch-up).
  static constexpr std::chrono::milliseconds kWorkBudget{50};
  bool overBudget(std::chrono::steady_clock::time_point start) const;
  bool runCommands();
  void timers();
  void shutdown();

  // --- admission.cpp ------------------------------------------------------------------------
  void handleZap();
  // Re-checks the certificates of admitted certified peers; ends the sessions of those that
  // lost theirs (revoked, expired).
  void recheckCertified();
  // Adds the deployment's certified nodes with an address (FederationPolicy::certifiedPeers)
  // to the peers this engine dials, as if paired by hand but admitted by certificate.
  void learnCertifiedPeers();
  // What a new session with `key` uses for its rules (Session::setRulesSource).
  Session::RulesSource rulesSourceFor(const std::string& key);
  void handleRouterMonitor();
  Link* acceptInbound(const std::string& rid, const std::string& key, std::string_view payload);

  // --- links.cpp ----------------------------------------------------------------------------
  Link* openOutboundTo(const std::string& key, const std::string& address, bool probe);
  void openOutbound(PeerEntry& e);
  void handleDealer(Link& link);
  void handleMonitor(Link& link);
  void rememberClosedRoutingId(const std::string& rid);
  void sendToRouter(Link* link, std::string&& frame);
  void replyError(const std::string& rid, WireErrorCode code, const std::string& reason);
  void handleRouter();
  // Hands frames [from, to) of one connection to its session (Session::receive: the caller
  // ends with Session::endOfFrames).
  void handleRouterFrames(std::vector<std::pair<std::string, zmq::message_t>>& frames, std::size_t from,
                          std::size_t to);
  void reap();
  void finish(Link& link);

  // --- peer_book.cpp ------------------------------------------------------------------------
  std::string peerName(const std::string& key) const;
  void loadPeersFromTrust();
  bool wantsConnection(const PeerEntry& e) const;
  bool hasLink(const std::string& key) const;
  SessionConfig sessionConfigFor(const std::string& key) const;
  void schedule(PeerEntry& e, bool wasActive, bool differentDeployment);
  void observe(Link& link);
  void noteRefusals(Link& link, PeerEntry& e, std::int64_t now);
  void noteVerification(Link& link, PeerEntry& e);
  void persist(PeerEntry& e);

  // --- engine_discovery.cpp -----------------------------------------------------------------
  std::uint16_t listenPort() const;
  void sendBeacon();
  void handleBeacons();

  // --- engine_status.cpp --------------------------------------------------------------------
  void publish();
};

}  // namespace unionsync

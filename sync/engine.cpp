#include "sync/engine.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "sync/identity.h"

namespace unionsync {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr const char* kZapDomain = "unionsync";
constexpr int kSocketHwm = 10000;
constexpr std::size_t kFramesPerWake = 64;
constexpr std::size_t kMaxClosedRoutingIds = 4096;
constexpr std::int64_t kTickMs = 250;
constexpr std::int64_t kTrustCheckMs = 1000;
constexpr std::int64_t kPersistMs = 60000;  // contact bookkeeping; catch-ups are saved at once
constexpr std::int64_t kStatusFileMs = 250;
constexpr std::int64_t kDifferentDeploymentBackoffMs = 5 * 60 * 1000;
constexpr int kShutdownLingerMs = 200;
// A peer sending many bad changes must not flood the log: one line per peer per this long,
// which counts the refusals it stands for.
constexpr std::int64_t kRefusalLogMs = 10000;

std::string refusedByPeerReason() {
  return "对方拒绝连接：对方尚未信任本节点，请在对方运行 peer trust 加入本节点公钥 / refused: the "
         "peer does not trust this node; run `peer trust` with this node's key there";
}

std::uint64_t pendingEstimate(const VersionVector& local, const VersionVector& peer) {
  std::uint64_t total = 0;
  for (const auto& [origin, seq] : local) {
    auto it = peer.find(origin);
    std::uint64_t held = it == peer.end() ? 0 : it->second;
    if (seq > held) total += seq - held;
  }
  return total;
}

void addStats(SessionStats& into, const SessionStats& s) {
  into.changesSent += s.changesSent;
  into.changesReceived += s.changesReceived;
  into.batchesSent += s.batchesSent;
  into.batchesReceived += s.batchesReceived;
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
}

// "tcp://host:0" -> "tcp://host:*" (libzmq's spelling for an ephemeral port).
std::string bindSpelling(const std::string& endpoint) {
  if (endpoint.size() > 2 && endpoint.ends_with(":0")) {
    return endpoint.substr(0, endpoint.size() - 1) + "*";
  }
  return endpoint;
}

}  // namespace

const PeerStatus* SyncStatus::findPeer(std::string_view publicKey) const {
  for (const auto& p : peers) {
    if (p.publicKey == publicKey) return &p;
  }
  return nullptr;
}

// One connection and its session.
struct Link {
  std::uint64_t id = 0;
  std::string key;
  bool outbound = false;
  std::unique_ptr<zmq::socket_t> dealer;   // outbound
  std::unique_ptr<zmq::socket_t> monitor;  // outbound
  std::string address;                     // outbound
  bool probe = false;                      // outbound to an address whose key we guess
  std::string routingId;                   // inbound
  std::unique_ptr<Session> session;
  bool sendFailed = false;
  bool reachedActive = false;
  bool reportedCaughtUp = false;
  std::uint64_t lastRoundsSeen = 0;
  std::uint64_t refusalsSeen = 0;  // of this session's changesRefused, already counted
  std::uint64_t verificationsSeen = 0;  // of this session's verifications, already taken
  std::string failure;      // transport-level reason (from the monitor)
  std::optional<PeerState> failState;  // Refused, Unreachable, ... (none: an ordinary end)
};

struct PeerEntry {
  std::string key;
  std::string name;
  std::string fingerprint;
  std::string nodeId;
  std::vector<std::string> addresses;
  bool trusted = true;
  bool manual = false;
  std::size_t nextAddress = 0;
  std::int64_t backoffMs = 0;
  std::int64_t nextAttemptMs = 0;
  std::optional<PeerState> failState;  // why the last session failed; kept until one succeeds
  std::string lastError;
  std::string lastAddress;
  std::int64_t lastContactMs = 0;
  std::int64_t lastSyncMs = 0;
  std::int64_t lastPersistMs = 0;
  bool persistPending = false;
  VersionVector peerVector;
  // Batches shrink (halve, down to 1/16) after a session with this peer broke off before it
  // caught up: on a link that keeps dropping, large batches would never get through.
  std::size_t batchDivisor = 1;
  std::int64_t verifiedEqualMs = 0;
  bool verifyDiffers = false;
  std::uint64_t refusedChanges = 0;
  std::string lastRefusal;
  std::int64_t lastRefusalMs = 0;
  std::int64_t lastRefusalLogMs = 0;    // refusal log lines: at most one per kRefusalLogMs
  std::uint64_t refusalsNotLogged = 0;
  std::uint64_t sessions = 0;
  SessionStats current;
  SessionStats total;
};

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
  std::int64_t nextStatusFileMs = 0;
  std::string lastStatusFileText;
  std::uint64_t lastStatusFileGeneration = 0;
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

  // ---------------------------------------------------------------------------------------
  void log(const std::string& line) {
    if (options.log) options.log(line);
  }

  void post(std::function<void()> command) {
    {
      std::lock_guard lock(commandMutex);
      commands.push_back(std::move(command));
    }
    std::uint64_t one = 1;
    (void)!::write(wakeFd, &one, sizeof one);
  }

  std::string peerName(const std::string& key) const {
    auto it = peers.find(key);
    if (it != peers.end() && !it->second.name.empty()) return it->second.name;
    return fingerprintOf(key).substr(0, 9);
  }

  // --- setup -------------------------------------------------------------------------------
  Result<void> setUp() {
    info = store.info();
    startedMs = clock.nowMs();
    wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd < 0) return fail("cannot create eventfd");
    try {
      // ZAP handler first: libzmq admits every CURVE client when no handler is bound.
      zap = std::make_unique<zmq::socket_t>(context, zmq::socket_type::rep);
      zap->set(zmq::sockopt::linger, 0);
      zap->bind(kZapEndpoint);
      for (const auto& endpoint : options.listen) {
        if (!router) {
          router = std::make_unique<zmq::socket_t>(context, zmq::socket_type::router);
          router->set(zmq::sockopt::curve_server, 1);
          router->set(zmq::sockopt::curve_secretkey, identity.secretKey);
          router->set(zmq::sockopt::zap_domain, kZapDomain);
          router->set(zmq::sockopt::router_mandatory, 1);
          router->set(zmq::sockopt::linger, 0);
          router->set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(kMaxMessageBytes + 4096));
          router->set(zmq::sockopt::sndhwm, kSocketHwm);
          router->set(zmq::sockopt::rcvhwm, kSocketHwm);
          std::string monitorEndpoint = fmt::format("inproc://unionsync-router-monitor-{}", nextLinkId++);
          if (zmq_socket_monitor(router->handle(), monitorEndpoint.c_str(),
                                 ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                     ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) == 0) {
            routerMonitor = std::make_unique<zmq::socket_t>(context, zmq::socket_type::pair);
            routerMonitor->connect(monitorEndpoint);
          }
        }
        try {
          router->bind(bindSpelling(endpoint));
        } catch (const zmq::error_t& e) {
          return fail(fmt::format("无法监听 {}：{} / cannot listen on {}: {}", endpoint, e.what(), endpoint,
                                  e.what()));
        }
        endpoints.push_back(router->get(zmq::sockopt::last_endpoint));
      }
    } catch (const zmq::error_t& e) {
      return fail(std::string("ZeroMQ 初始化失败 / ZeroMQ setup failed: ") + e.what());
    }
    if (options.discovery) {
      auto d = Discovery::open(options.discoveryOptions);
      if (!d) return std::unexpected(d.error());
      discovery.emplace(std::move(*d));
    }
    loadPeersFromTrust();
    localVector = store.versionVector();
    publish();
    return {};
  }

  void loadPeersFromTrust() {
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
    // Sessions of peers no longer trusted end now.
    for (auto& link : links) {
      auto it = peers.find(link->key);
      if (link->probe) continue;
      if ((it == peers.end() || !it->second.trusted) && !link->session->closed()) {
        link->session->close(WireErrorCode::NotTrusted, "本节点已撤销对你的信任 / this node no longer trusts you", true);
      }
    }
    dirty = true;
  }

  // --- main loop ----------------------------------------------------------------------------
  void run() {
    std::vector<zmq::pollitem_t> items;
    std::vector<Link*> itemLinks;
    while (true) {
      std::int64_t now = clock.nowMs();
      std::int64_t wait = std::max<std::int64_t>(0, std::min({nextPollMs, nextTickMs}) - now);
      for (const auto& [key, e] : peers) {
        if (wantsConnection(e) && !hasLink(key)) wait = std::min(wait, std::max<std::int64_t>(0, e.nextAttemptMs - now));
      }
      if (discovery) wait = std::min(wait, std::max<std::int64_t>(0, nextBeaconMs - now));
      wait = std::min<std::int64_t>(wait, 1000);

      items.clear();
      itemLinks.clear();
      items.push_back({nullptr, wakeFd, ZMQ_POLLIN, 0});
      items.push_back({zap->handle(), 0, ZMQ_POLLIN, 0});
      std::size_t routerIndex = 0, routerMonitorIndex = 0, discoveryIndex = 0;
      if (router) {
        routerIndex = items.size();
        items.push_back({router->handle(), 0, ZMQ_POLLIN, 0});
      }
      if (routerMonitor) {
        routerMonitorIndex = items.size();
        items.push_back({routerMonitor->handle(), 0, ZMQ_POLLIN, 0});
      }
      if (discovery) {
        discoveryIndex = items.size();
        items.push_back({nullptr, discovery->fd(), ZMQ_POLLIN, 0});
      }
      const std::size_t firstLink = items.size();
      for (auto& link : links) {
        if (!link->outbound) continue;
        items.push_back({link->dealer->handle(), 0, ZMQ_POLLIN, 0});
        items.push_back({link->monitor->handle(), 0, ZMQ_POLLIN, 0});
        itemLinks.push_back(link.get());
      }

      try {
        zmq::poll(items.data(), items.size(), std::chrono::milliseconds(wait));
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) log(std::string("poll: ") + e.what());
      }

      if (items[0].revents & ZMQ_POLLIN) {
        std::uint64_t value = 0;
        (void)!::read(wakeFd, &value, sizeof value);
      }
      if (runCommands()) break;
      if (items[1].revents & ZMQ_POLLIN) handleZap();
      if (router && (items[routerIndex].revents & ZMQ_POLLIN)) handleRouter();
      if (routerMonitor && (items[routerMonitorIndex].revents & ZMQ_POLLIN)) handleRouterMonitor();
      if (discovery && (items[discoveryIndex].revents & ZMQ_POLLIN)) handleBeacons();
      for (std::size_t i = 0; i < itemLinks.size(); ++i) {
        Link* link = itemLinks[i];
        if (items[firstLink + 2 * i].revents & ZMQ_POLLIN) handleDealer(*link);
        if (items[firstLink + 2 * i + 1].revents & ZMQ_POLLIN) handleMonitor(*link);
      }
      timers();
      reap();
      if (dirty) publish();
    }
    shutdown();
  }

  // Frame loops stop after this much work so commands, timers and other peers get their turn
  // (a fast sender would otherwise keep one loop busy for the whole catch-up).
  static constexpr std::chrono::milliseconds kWorkBudget{50};
  bool overBudget(std::chrono::steady_clock::time_point start) const {
    return stopping.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() - start > kWorkBudget;
  }

  bool runCommands() {
    std::deque<std::function<void()>> batch;
    bool stop = false;
    {
      std::lock_guard lock(commandMutex);
      batch.swap(commands);
      stop = stopRequested;
    }
    for (auto& command : batch) command();
    return stop;
  }

  void timers() {
    const std::int64_t now = clock.nowMs();
    if (now >= nextPollMs || localChanged) {
      nextPollMs = now + options.pollIntervalMs;
      VersionVector vv = store.versionVector();
      if (vv != localVector || localChanged) {
        localVector = std::move(vv);
        dirty = true;
      }
      localChanged = false;
      for (auto& link : links) {
        if (link->session->state() == SessionState::Active) link->session->pump(localVector);
      }
    }
    if (now >= nextTickMs) {
      nextTickMs = now + kTickMs;
      for (auto& link : links) link->session->tick();
      for (auto& [key, e] : peers) {
        if (e.persistPending && now - e.lastPersistMs >= kPersistMs) persist(e);
      }
    }
    if (now >= nextTrustCheckMs) {
      nextTrustCheckMs = now + kTrustCheckMs;
      auto changed = trust.reloadIfChanged();
      if (changed && *changed) loadPeersFromTrust();
    }
    if (discovery && now >= nextBeaconMs) {
      nextBeaconMs = now + options.beaconIntervalMs;
      Beacon self;
      self.nodeId = info.nodeId;
      self.name = info.nodeName;
      self.syncPort = listenPort();
      self.fingerprint = identity.fingerprint;
      self.publicKey = identity.publicKey;
      if (self.syncPort != 0) discovery->send(self);
    }
    for (auto& [key, e] : peers) {
      if (wantsConnection(e) && now >= e.nextAttemptMs && !hasLink(key)) openOutbound(e);
    }
    // Track progress for status lines and the trust store.
    for (auto& link : links) observe(*link);
    if (options.writeStatusFile && now >= nextStatusFileMs) {
      nextStatusFileMs = now + kStatusFileMs;
      writeStatusFile();
    }
  }

  std::uint16_t listenPort() const {
    for (const auto& ep : endpoints) {
      auto colon = ep.rfind(':');
      if (colon != std::string::npos) return static_cast<std::uint16_t>(std::atoi(ep.c_str() + colon + 1));
    }
    return 0;
  }

  bool wantsConnection(const PeerEntry& e) const {
    return e.trusted && !e.addresses.empty() && (options.autoConnect || e.manual);
  }

  bool hasLink(const std::string& key) const {
    for (const auto& link : links) {
      if (link->key == key && !link->probe) return true;
    }
    return false;
  }

  SessionConfig sessionConfigFor(const std::string& key) const {
    SessionConfig config = options.session;
    auto it = peers.find(key);
    if (it != peers.end() && it->second.batchDivisor > 1) {
      config.batchMaxChanges = std::max<std::size_t>(16, config.batchMaxChanges / it->second.batchDivisor);
      config.batchMaxBytes = std::max<std::size_t>(16 * 1024, config.batchMaxBytes / it->second.batchDivisor);
    }
    return config;
  }

  // --- outbound -------------------------------------------------------------------------------
  Link* openOutboundTo(const std::string& key, const std::string& address, bool probe) {
    auto link = std::make_unique<Link>();
    link->id = nextLinkId++;
    link->key = key;
    link->outbound = true;
    link->address = address;
    link->probe = probe;
    try {
      link->dealer = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
      auto& s = *link->dealer;
      s.set(zmq::sockopt::curve_serverkey, key);
      s.set(zmq::sockopt::curve_publickey, identity.publicKey);
      s.set(zmq::sockopt::curve_secretkey, identity.secretKey);
      s.set(zmq::sockopt::linger, 0);
      s.set(zmq::sockopt::reconnect_ivl, -1);  // one socket = one connection; we back off ourselves
      s.set(zmq::sockopt::maxmsgsize, static_cast<std::int64_t>(kMaxMessageBytes + 4096));
      s.set(zmq::sockopt::sndhwm, kSocketHwm);
      s.set(zmq::sockopt::rcvhwm, kSocketHwm);
      std::string monitorEndpoint = fmt::format("inproc://unionsync-link-monitor-{}", link->id);
      if (zmq_socket_monitor(s.handle(), monitorEndpoint.c_str(),
                             ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) != 0) {
        throw zmq::error_t();
      }
      link->monitor = std::make_unique<zmq::socket_t>(context, zmq::socket_type::pair);
      link->monitor->connect(monitorEndpoint);
      s.connect(address);
    } catch (const zmq::error_t& e) {
      lastConnectError = fmt::format("无法连接 {}：{} / cannot connect to {}: {}", address, e.what(), address, e.what());
      log(lastConnectError);
      return nullptr;
    }
    Link* raw = link.get();
    raw->session = std::make_unique<Session>(store, clock, sessionConfigFor(key), true, [this, raw](std::string&& frame) {
      if (raw->sendFailed) return;
      try {
        if (!raw->dealer->send(zmq::buffer(frame), zmq::send_flags::dontwait)) raw->sendFailed = true;
      } catch (const zmq::error_t&) {
        raw->sendFailed = true;
      }
    });
    links.push_back(std::move(link));
    raw->session->start();
    dirty = true;
    return raw;
  }

  void openOutbound(PeerEntry& e) {
    const std::string& address = e.addresses[e.nextAddress % e.addresses.size()];
    e.nextAddress++;
    e.lastAddress = address;
    if (!openOutboundTo(e.key, address, false)) schedule(e, false, false);
  }

  void schedule(PeerEntry& e, bool wasActive, bool differentDeployment) {
    if (wasActive) e.backoffMs = 0;
    e.backoffMs = e.backoffMs == 0 ? options.reconnectMinMs : std::min(e.backoffMs * 2, options.reconnectMaxMs);
    if (differentDeployment) e.backoffMs = std::max(e.backoffMs, kDifferentDeploymentBackoffMs);
    e.nextAttemptMs = clock.nowMs() + e.backoffMs;
  }

  void handleDealer(Link& link) {
    const auto start = std::chrono::steady_clock::now();
    while (!link.session->closed() && !overBudget(start)) {
      // Take what has arrived, then hand it over at once: consecutive batches share a commit.
      std::vector<zmq::message_t> frames;
      while (frames.size() < kFramesPerWake) {
        zmq::message_t msg;
        std::optional<std::size_t> got;
        try {
          got = link.dealer->recv(msg, zmq::recv_flags::dontwait);
        } catch (const zmq::error_t&) {
          break;
        }
        if (!got) break;
        bool more = msg.more();
        while (more) {  // a DEALER peer frame is one part; drop extra parts
          zmq::message_t extra;
          (void)link.dealer->recv(extra, zmq::recv_flags::dontwait);
          more = extra.more();
        }
        frames.push_back(std::move(msg));
      }
      if (frames.empty()) break;
      std::vector<std::string_view> views;
      views.reserve(frames.size());
      for (const auto& f : frames) views.emplace_back(static_cast<const char*>(f.data()), f.size());
      link.session->onFrames(views);
      dirty = true;
    }
  }

  void handleMonitor(Link& link) {
    while (true) {
      zmq::message_t eventMsg;
      std::optional<std::size_t> got;
      try {
        got = link.monitor->recv(eventMsg, zmq::recv_flags::dontwait);
      } catch (const zmq::error_t&) {
        return;
      }
      if (!got) return;
      zmq::message_t addressMsg;
      if (eventMsg.more()) (void)link.monitor->recv(addressMsg, zmq::recv_flags::dontwait);
      if (eventMsg.size() < 6) continue;
      std::uint16_t event = 0;
      std::int32_t value = 0;
      std::memcpy(&event, eventMsg.data(), 2);
      std::memcpy(&value, static_cast<const char*>(eventMsg.data()) + 2, 4);
      if (link.session->closed()) continue;
      switch (event) {
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
          link.failure = refusedByPeerReason();
          link.failState = PeerState::Refused;
          link.session->close(WireErrorCode::NotTrusted, link.failure, false);
          break;
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
          link.failure = fmt::format(
              "握手失败：{} 的公钥与地址不符或对方不是 unionsync 节点 / handshake failed: wrong key for {} "
              "or not a unionsync node",
              link.address, link.address);
          link.failState = PeerState::Refused;
          link.session->close(WireErrorCode::Unknown, link.failure, false);
          break;
        case ZMQ_EVENT_DISCONNECTED:
          link.failure = "连接断开 / disconnected";
          link.failState = link.reachedActive ? std::nullopt : std::optional(PeerState::Unreachable);
          link.session->close(WireErrorCode::Unknown, link.failure, false);
          break;
        case ZMQ_EVENT_CLOSED:
          if (link.session->state() == SessionState::AwaitingHello) {
            link.failure = fmt::format("无法连接 {} / cannot reach {}", link.address, link.address);
            link.failState = PeerState::Unreachable;
            link.session->close(WireErrorCode::Unknown, link.failure, false);
          }
          break;
        default:
          break;
      }
      dirty = true;
    }
  }

  // --- inbound --------------------------------------------------------------------------------
  void handleZap() {
    for (std::size_t i = 0; i < kFramesPerWake; ++i) {
      std::vector<zmq::message_t> parts;
      while (true) {
        zmq::message_t part;
        std::optional<std::size_t> got;
        try {
          got = zap->recv(part, zmq::recv_flags::dontwait);
        } catch (const zmq::error_t&) {
          return;
        }
        if (!got) break;
        bool more = part.more();
        parts.push_back(std::move(part));
        if (!more) break;
      }
      if (parts.empty()) return;
      auto text = [&](std::size_t i) {
        return i < parts.size() ? std::string(static_cast<const char*>(parts[i].data()), parts[i].size())
                                : std::string();
      };
      const std::string version = text(0), requestId = text(1), address = text(3), mechanism = text(5);
      std::string key = mechanism == "CURVE" ? z85OfRawKey(text(6)) : std::string();
      const bool admit = !key.empty() && trust.isTrusted(key);
      if (!admit) {
        refusedConnections++;
        if (!key.empty()) {
          DiscoveredPeer d;
          d.publicKey = key;
          d.fingerprint = fingerprintOf(key);
          d.address = address;
          d.lastSeenMs = clock.nowMs();
          d.refused = true;
          trust.noteDiscovered(d);
          log(fmt::format("拒绝未信任的节点 {}（指纹 {}）；如要配对：peer trust {} / refused untrusted node "
                          "{} (fingerprint {}); to pair: peer trust {}",
                          address, d.fingerprint, key, address, d.fingerprint, key));
        } else {
          log(fmt::format("拒绝非 CURVE 连接 {} / refused a non-CURVE connection from {}", address, address));
        }
        dirty = true;
      }
      std::vector<std::string> reply = {"1.0", requestId, admit ? "200" : "400",
                                        admit ? "OK" : "not trusted", admit ? key : "", ""};
      try {
        for (std::size_t j = 0; j < reply.size(); ++j) {
          zap->send(zmq::buffer(reply[j]), j + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
        }
      } catch (const zmq::error_t&) {
      }
      (void)version;
    }
  }

  void handleRouterMonitor() {
    while (true) {
      zmq::message_t eventMsg;
      std::optional<std::size_t> got;
      try {
        got = routerMonitor->recv(eventMsg, zmq::recv_flags::dontwait);
      } catch (const zmq::error_t&) {
        return;
      }
      if (!got) return;
      zmq::message_t addressMsg;
      if (eventMsg.more()) (void)routerMonitor->recv(addressMsg, zmq::recv_flags::dontwait);
      if (eventMsg.size() < 6) continue;
      std::uint16_t event = 0;
      std::memcpy(&event, eventMsg.data(), 2);
      if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
        refusedConnections++;
        log("拒绝了一个明文或无效的握手 / refused a plaintext or invalid handshake");
        dirty = true;
      }
    }
  }

  void rememberClosedRoutingId(const std::string& rid) {
    if (closedRoutingIdSet.insert(rid).second) {
      closedRoutingIds.push_back(rid);
      if (closedRoutingIds.size() > kMaxClosedRoutingIds) {
        closedRoutingIdSet.erase(closedRoutingIds.front());
        closedRoutingIds.pop_front();
      }
    }
  }

  void sendToRouter(Link* link, std::string&& frame) {
    if (link->sendFailed) return;
    try {
      if (!router->send(zmq::buffer(link->routingId), zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
          !router->send(zmq::buffer(frame), zmq::send_flags::dontwait)) {
        link->sendFailed = true;
      }
    } catch (const zmq::error_t&) {
      link->sendFailed = true;
    }
  }

  void replyError(const std::string& rid, WireErrorCode code, const std::string& reason) {
    std::string frame = encodeMessage(ErrorMsg{code, reason});
    try {
      if (router->send(zmq::buffer(rid), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
        (void)router->send(zmq::buffer(frame), zmq::send_flags::dontwait);
      }
    } catch (const zmq::error_t&) {
    }
  }

  void handleRouter() {
    const auto start = std::chrono::steady_clock::now();
    while (!overBudget(start)) {
      std::vector<std::pair<std::string, zmq::message_t>> frames;  // (routing id, payload)
      while (frames.size() < kFramesPerWake) {
        std::vector<zmq::message_t> parts;
        while (true) {
          zmq::message_t part;
          std::optional<std::size_t> got;
          try {
            got = router->recv(part, zmq::recv_flags::dontwait);
          } catch (const zmq::error_t&) {
            break;
          }
          if (!got) break;
          bool more = part.more();
          parts.push_back(std::move(part));
          if (!more) break;
        }
        if (parts.empty()) break;
        if (parts.size() != 2) continue;  // a DEALER sends exactly one part
        frames.emplace_back(std::string(static_cast<const char*>(parts[0].data()), parts[0].size()),
                            std::move(parts[1]));
      }
      if (frames.empty()) return;
      dirty = true;
      // Consecutive frames of one connection are handled together.
      for (std::size_t i = 0; i < frames.size();) {
        std::size_t j = i + 1;
        while (j < frames.size() && frames[j].first == frames[i].first) ++j;
        handleRouterFrames(frames, i, j);
        i = j;
      }
    }
  }

  void handleRouterFrames(std::vector<std::pair<std::string, zmq::message_t>>& frames, std::size_t from,
                          std::size_t to) {
    const std::string& rid = frames[from].first;
    if (closedRoutingIdSet.count(rid)) return;
    Link* link = nullptr;
    for (auto& l : links) {
      if (!l->outbound && l->routingId == rid) link = l.get();
    }
    if (!link) {
      std::string key;
      try {
        const char* userId = frames[from].second.gets("User-Id");
        if (userId) key = userId;
      } catch (const zmq::error_t&) {
      }
      zmq::message_t& first = frames[from].second;
      link = acceptInbound(rid, key, std::string_view(static_cast<const char*>(first.data()), first.size()));
      ++from;
      if (!link) return;
    }
    std::vector<std::string_view> views;
    for (std::size_t k = from; k < to; ++k) {
      views.emplace_back(static_cast<const char*>(frames[k].second.data()), frames[k].second.size());
    }
    if (!views.empty()) link->session->onFrames(views);
  }

  Link* acceptInbound(const std::string& rid, const std::string& key, std::string_view payload) {
    auto it = peers.find(key);
    if (key.empty() || it == peers.end() || !it->second.trusted) {
      replyError(rid, WireErrorCode::NotTrusted, "本节点不信任你 / this node does not trust you");
      rememberClosedRoutingId(rid);
      return nullptr;
    }
    // One session per pair of nodes: when both connected at once, keep the connection made by
    // the node with the smaller key (both sides apply the same rule).
    for (auto& l : links) {
      if (l->key != key || l->session->closed()) continue;
      if (l->outbound && !l->probe) {
        if (identity.publicKey < key) {
          replyError(rid, WireErrorCode::DuplicateSession, "duplicate session: keeping mine");
          rememberClosedRoutingId(rid);
          return nullptr;
        }
        l->failure.clear();
        l->session->close(WireErrorCode::DuplicateSession, "duplicate session: keeping the peer's", false);
      } else if (!l->outbound) {
        // The peer reconnected: its old connection is gone.
        l->session->close(WireErrorCode::Unknown, "replaced by a new connection", false);
      }
    }
    auto link = std::make_unique<Link>();
    link->id = nextLinkId++;
    link->key = key;
    link->outbound = false;
    link->routingId = rid;
    Link* raw = link.get();
    raw->session = std::make_unique<Session>(store, clock, sessionConfigFor(key), false,
                                             [this, raw](std::string&& frame) { sendToRouter(raw, std::move(frame)); });
    links.push_back(std::move(link));
    raw->session->onFrame(payload);
    return raw;
  }

  // --- discovery ------------------------------------------------------------------------------
  void handleBeacons() {
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

  // --- bookkeeping ----------------------------------------------------------------------------
  void observe(Link& link) {
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
  void noteRefusals(Link& link, PeerEntry& e, std::int64_t now) {
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
  void noteVerification(Link& link, PeerEntry& e) {
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

  void persist(PeerEntry& e) {
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

  void reap() {
    for (auto& link : links) {
      if (link->sendFailed && !link->session->closed()) {
        link->failure = "发送失败（对方断开或过慢）/ send failed (peer gone or too slow)";
        link->session->close(WireErrorCode::Unknown, link->failure, false);
      }
    }
    bool any = false;
    for (auto& link : links) any = any || link->session->closed();
    if (!any) return;
    std::vector<std::unique_ptr<Link>> keep;
    for (auto& link : links) {
      if (!link->session->closed()) {
        keep.push_back(std::move(link));
        continue;
      }
      finish(*link);
    }
    links = std::move(keep);
    dirty = true;
  }

  void finish(Link& link) {
    observe(link);
    Session& s = *link.session;
    std::string reason = link.failure.empty() ? s.closeReason() : link.failure;
    // Errors a peer sends carry their own bilingual reason.
    if (s.closedByPeer() && s.closeCode() == WireErrorCode::ShuttingDown) reason = "对方已停止 / the peer stopped";
    std::optional<PeerState> failState = link.failState;
    if (s.closeCode() == WireErrorCode::DifferentDeployment) failState = PeerState::DifferentDeployment;
    if (s.closeCode() == WireErrorCode::NotTrusted && s.closedByPeer()) failState = PeerState::Refused, reason = refusedByPeerReason();
    if (s.closeCode() == WireErrorCode::IncompatibleVersion || s.closeCode() == WireErrorCode::BadMagic ||
        s.closeCode() == WireErrorCode::Malformed || s.closeCode() == WireErrorCode::ApplyFailed ||
        s.closeCode() == WireErrorCode::OutOfOrder || s.closeCode() == WireErrorCode::ClockAhead ||
        s.closeCode() == WireErrorCode::FalseClaim) {
      if (!failState) failState = PeerState::Error;
    }
    // An outgoing connection that ended on our side before any session (the hello timed
    // out: a silent port, a firewall dropping packets) is as unreachable as a refused port.
    if (!failState && link.outbound && !link.reachedActive && !s.closedByPeer() &&
        s.closeCode() == WireErrorCode::Unknown) {
      failState = PeerState::Unreachable;
    }
    if (link.outbound) {
      zmq_socket_monitor(link.dealer->handle(), nullptr, 0);
      link.monitor.reset();
      link.dealer.reset();
    } else {
      rememberClosedRoutingId(link.routingId);
    }
    auto it = peers.find(link.key);
    const bool benign = s.closeCode() == WireErrorCode::DuplicateSession && !s.closedByPeer();
    if (link.probe) {
      if (!reason.empty()) lastConnectError = reason;
      return;
    }
    if (it == peers.end()) return;
    PeerEntry& e = it->second;
    addStats(e.total, s.stats());
    e.current = s.stats();
    if (link.reachedActive && !s.caughtUpBothWays() && !s.closedByPeer() &&
        s.closeCode() != WireErrorCode::ShuttingDown && s.closeCode() != WireErrorCode::DuplicateSession) {
      e.batchDivisor = std::min<std::size_t>(e.batchDivisor * 2, 16);
    }
    if (!benign && !reason.empty() && s.closeCode() != WireErrorCode::DuplicateSession) {
      const bool quiet = e.failState == failState && e.lastError == reason;  // repeated failure
      e.lastError = reason;
      e.failState = failState;
      if (link.outbound) lastConnectError = reason;
      if (!quiet) log(fmt::format("「{}」：{}", e.name, reason));
      e.persistPending = true;
    }
    if (link.outbound) schedule(e, link.reachedActive, failState == PeerState::DifferentDeployment);
  }

  // --- status ---------------------------------------------------------------------------------
  void publish() {
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
      const Link* link = nullptr;
      for (const auto& l : links) {
        if (l->key == key && !l->probe && !l->session->closed()) link = l.get();
      }
      if (!e.trusted) {
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

  void writeStatusFile() {
    auto s = [&] {
      std::lock_guard lock(statusMutex);
      return snapshot;
    }();
    if (!s || s->generation == lastStatusFileGeneration) return;
    lastStatusFileGeneration = s->generation;
    nlohmann::json j;
    j["pid"] = static_cast<long>(::getpid());
    j["updated"] = clock.nowMs();
    j["listen"] = s->listenEndpoints;
    j["discoveryPort"] = s->discoveryPort;
    j["refusedConnections"] = s->refusedConnections;
    j["peers"] = nlohmann::json::array();
    for (const auto& p : s->peers) {
      j["peers"].push_back({{"key", p.publicKey},
                            {"name", p.name},
                            {"state", peerStateName(p.state)},
                            {"direction", p.direction},
                            {"address", p.address},
                            {"pendingEstimate", p.pendingEstimate},
                            {"changesSent", p.total.changesSent},
                            {"changesReceived", p.total.changesReceived},
                            {"lastError", p.lastError},
                            {"verifiedEqual", p.verifiedEqualMs},
                            {"refusedChanges", p.refusedChanges},
                            {"lastRefusal", p.lastRefusal}});
    }
    j["discovered"] = nlohmann::json::array();
    for (const auto& d : s->discovered) {
      j["discovered"].push_back({{"key", d.publicKey},
                                 {"fingerprint", d.fingerprint},
                                 {"name", d.name},
                                 {"address", d.address},
                                 {"lastSeen", d.lastSeenMs},
                                 {"refused", d.refused}});
    }
    // Compare without the timestamp so an idle node does not rewrite the file.
    nlohmann::json compare = j;
    compare.erase("updated");
    std::string key = compare.dump();
    if (key == lastStatusFileText) return;
    lastStatusFileText = key;
    auto dir = syncDirectory(options.dataDir);
    if (!dir) return;
    std::string path = *dir + "/status.json";
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << j.dump(2) << "\n";
      if (!out) return;
    }
    std::rename(tmp.c_str(), path.c_str());
  }

  void shutdown() {
    for (auto& link : links) {
      if (link->session->state() == SessionState::Active || link->session->state() == SessionState::AwaitingKey) {
        link->session->close(WireErrorCode::ShuttingDown, "节点正在关闭 / the node is shutting down", true);
      }
      if (link->outbound) {
        link->dealer->set(zmq::sockopt::linger, kShutdownLingerMs);
      }
    }
    if (router) router->set(zmq::sockopt::linger, kShutdownLingerMs);
    for (auto& [key, e] : peers) {
      if (e.persistPending) persist(e);
    }
    for (auto& link : links) {
      if (link->outbound) {
        zmq_socket_monitor(link->dealer->handle(), nullptr, 0);
        link->monitor.reset();
        link->dealer.reset();
      }
    }
    links.clear();
    if (routerMonitor) {
      zmq_socket_monitor(router->handle(), nullptr, 0);
      routerMonitor.reset();
    }
    router.reset();
    zap.reset();
    if (options.writeStatusFile) {
      if (auto dir = syncDirectory(options.dataDir)) ::unlink((*dir + "/status.json").c_str());
    }
    {
      std::lock_guard lock(statusMutex);
      if (snapshot) {
        auto last = std::make_shared<SyncStatus>(*snapshot);
        last->running = false;
        last->generation = ++generation;
        snapshot = std::move(last);
      }
    }
    statusChanged.notify_all();
  }
};

// ---------------------------------------------------------------------------------------------

Engine::Engine(std::unique_ptr<Core> core) : core_(std::move(core)) {}

Result<std::unique_ptr<Engine>> Engine::start(Store& store, Clock& clock, EngineOptions options) {
  auto identity = loadOrCreateIdentity(options.dataDir);
  if (!identity) return std::unexpected(identity.error());
  auto trust = TrustStore::open(options.dataDir);
  if (!trust) return std::unexpected(trust.error());
  auto core = std::make_unique<Core>(store, clock, std::move(options), std::move(*identity), std::move(*trust));
  if (auto r = core->setUp(); !r) {
    if (core->wakeFd >= 0) ::close(core->wakeFd);
    return std::unexpected(r.error());
  }
  Core* raw = core.get();
  raw->thread = std::thread([raw] { raw->run(); });
  return std::unique_ptr<Engine>(new Engine(std::move(core)));
}

Engine::~Engine() {
  stop();
  if (core_->wakeFd >= 0) ::close(core_->wakeFd);
}

void Engine::stop() {
  {
    std::lock_guard lock(core_->commandMutex);
    core_->stopRequested = true;
  }
  core_->stopping = true;
  std::uint64_t one = 1;
  (void)!::write(core_->wakeFd, &one, sizeof one);
  if (core_->thread.joinable()) core_->thread.join();
}

void Engine::connect(const std::string& address, const std::string& publicKey) {
  Core* c = core_.get();
  c->post([c, address, publicKey] {
    auto manual = [&](PeerEntry& e) {
      std::erase(e.addresses, address);
      e.addresses.insert(e.addresses.begin(), address);
      e.nextAddress = 0;
      e.manual = true;
      e.backoffMs = 0;
      e.nextAttemptMs = 0;
      e.failState.reset();
    };
    if (!publicKey.empty()) {
      auto it = c->peers.find(publicKey);
      if (it == c->peers.end() || !it->second.trusted) {
        c->lastConnectError = "未信任此公钥 / this key is not trusted: run peer trust first";
        c->dirty = true;
        return;
      }
      manual(it->second);
      return;
    }
    for (auto& [key, e] : c->peers) {
      if (e.trusted && std::find(e.addresses.begin(), e.addresses.end(), address) != e.addresses.end()) {
        manual(e);
        return;
      }
    }
    // Unknown address: try every trusted key on it; CURVE only succeeds with the right one.
    bool any = false;
    for (auto& [key, e] : c->peers) {
      if (!e.trusted || c->hasLink(key)) continue;
      any = true;
      c->openOutboundTo(key, address, true);
    }
    if (!any) {
      c->lastConnectError = "没有已信任的节点：先运行 peer trust / no trusted peers: run peer trust first";
      c->dirty = true;
    }
  });
}

void Engine::notifyLocalChange() {
  Core* c = core_.get();
  c->post([c] { c->localChanged = true; });
}

void Engine::trustChanged() {
  Core* c = core_.get();
  c->post([c] {
    if (auto r = c->trust.reloadIfChanged(); r && *r) c->loadPeersFromTrust();
  });
}

std::shared_ptr<const SyncStatus> Engine::status() const {
  std::lock_guard lock(core_->statusMutex);
  return core_->snapshot;
}

std::pair<std::shared_ptr<const SyncStatus>, bool> Engine::waitFor(
    const std::function<bool(const SyncStatus&)>& done, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(core_->statusMutex);
  while (true) {
    auto s = core_->snapshot;
    if (s && done(*s)) return {s, true};
    if (s && !s->running) return {s, false};
    if (core_->statusChanged.wait_until(lock, deadline) == std::cv_status::timeout) {
      s = core_->snapshot;
      return {s, s && done(*s)};
    }
  }
}

}  // namespace unionsync

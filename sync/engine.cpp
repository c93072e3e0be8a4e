#include "sync/engine.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include <fmt/format.h>

#include "sync/admission.h"
#include "sync/engine_core.h"

namespace unionsync {
namespace {

constexpr std::int64_t kTickMs = 250;
constexpr std::int64_t kTrustCheckMs = 1000;
constexpr std::int64_t kPersistMs = 60000;  // contact bookkeeping; catch-ups are saved at once
constexpr int kShutdownLingerMs = 200;

// "tcp://host:0" -> "tcp://host:*" (libzmq's spelling for an ephemeral port).
std::string bindSpelling(const std::string& endpoint) {
  if (endpoint.size() > 2 && endpoint.ends_with(":0")) {
    return endpoint.substr(0, endpoint.size() - 1) + "*";
  }
  return endpoint;
}

}  // namespace

void Engine::Core::log(const std::string& line) {
  if (options.log) options.log(line);
}

void Engine::Core::post(std::function<void()> command) {
  {
    std::lock_guard lock(commandMutex);
    commands.push_back(std::move(command));
  }
  std::uint64_t one = 1;
  (void)!::write(wakeFd, &one, sizeof one);
}

Result<void> Engine::Core::setUp() {
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

void Engine::Core::run() {
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

bool Engine::Core::overBudget(std::chrono::steady_clock::time_point start) const {
  return stopping.load(std::memory_order_relaxed) || std::chrono::steady_clock::now() - start > kWorkBudget;
}

bool Engine::Core::runCommands() {
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

void Engine::Core::timers() {
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
    recheckCertified();
  }
  if (discovery && now >= nextBeaconMs) {
    nextBeaconMs = now + options.beaconIntervalMs;
    sendBeacon();
  }
  for (auto& [key, e] : peers) {
    if (wantsConnection(e) && now >= e.nextAttemptMs && !hasLink(key)) openOutbound(e);
  }
  // Track progress for status lines and the trust store.
  for (auto& link : links) observe(*link);
}

void Engine::Core::shutdown() {
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

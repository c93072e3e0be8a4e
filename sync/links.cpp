#include "sync/links.h"

#include <cstring>
#include <iterator>

#include <fmt/format.h>
#include <zmq_addon.hpp>

#include "sync/admission.h"
#include "sync/engine_core.h"

namespace unionsync {
namespace {

constexpr std::size_t kMaxClosedRoutingIds = 4096;

// Batches a session keeps back for frames still waiting are applied after this long anyway
// (frames of other links on the shared router socket must not keep them waiting).
constexpr std::int64_t kMaxKeptMs = 200;

// A message is waiting on `socket` (ZMQ_EVENTS; false when the socket cannot say).
bool readable(zmq::socket_t& socket) {
  try {
    return (socket.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0;
  } catch (const zmq::error_t&) {
    return false;
  }
}

// After a handler handed `session` the frames it read: the batches it keeps back share a
// transaction with the frames still waiting (the poll returns at once for them), unless
// none wait or they have waited kMaxKeptMs.
void endOfFramesUnlessMoreWait(Session& session, bool moreWaiting, std::int64_t nowMs) {
  const std::int64_t kept = session.keptSinceMs();
  if (!moreWaiting || (kept > 0 && nowMs - kept >= kMaxKeptMs)) session.endOfFrames();
}

}  // namespace

std::optional<MonitorEvent> readMonitorEvent(zmq::socket_t& monitor) {
  std::vector<zmq::message_t> parts;  // event number and value, then the endpoint
  try {
    if (!zmq::recv_multipart(monitor, std::back_inserter(parts), zmq::recv_flags::dontwait)) return std::nullopt;
  } catch (const zmq::error_t&) {
    return std::nullopt;
  }
  MonitorEvent event;
  if (parts.front().size() < 6) return event;
  std::memcpy(&event.event, parts.front().data(), 2);
  std::memcpy(&event.value, static_cast<const char*>(parts.front().data()) + 2, 4);
  return event;
}

Link* Engine::Core::openOutboundTo(const std::string& key, const std::string& address, bool probe) {
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
  raw->session->setRulesSource(rulesSourceFor(key));
  links.push_back(std::move(link));
  raw->session->start();
  dirty = true;
  return raw;
}

void Engine::Core::openOutbound(PeerEntry& e) {
  const std::string& address = e.addresses[e.nextAddress % e.addresses.size()];
  e.nextAddress++;
  e.lastAddress = address;
  if (!openOutboundTo(e.key, address, false)) schedule(e, false, false);
}

void Engine::Core::handleDealer(Link& link) {
  const auto start = std::chrono::steady_clock::now();
  bool drained = false;
  while (!link.session->closed() && !overBudget(start)) {
    // Take what has arrived, then hand it over at once: consecutive batches share a commit.
    std::vector<zmq::message_t> frames;
    while (frames.size() < kFramesPerWake) {
      std::vector<zmq::message_t> parts;
      try {
        if (!zmq::recv_multipart(*link.dealer, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
      } catch (const zmq::error_t&) {
        break;
      }
      frames.push_back(std::move(parts.front()));  // a DEALER peer frame is one part; drop extra parts
    }
    if (frames.empty()) {
      drained = true;
      break;
    }
    std::vector<std::string_view> views;
    views.reserve(frames.size());
    for (const auto& f : frames) views.emplace_back(static_cast<const char*>(f.data()), f.size());
    link.session->receive(views);
    dirty = true;
  }
  endOfFramesUnlessMoreWait(*link.session, !drained && readable(*link.dealer), clock.nowMs());
}

void Engine::Core::handleMonitor(Link& link) {
  while (auto ev = readMonitorEvent(*link.monitor)) {
    if (ev->event == 0) continue;
    if (link.session->closed()) continue;
    switch (ev->event) {
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

void Engine::Core::rememberClosedRoutingId(const std::string& rid) {
  if (closedRoutingIdSet.insert(rid).second) {
    closedRoutingIds.push_back(rid);
    if (closedRoutingIds.size() > kMaxClosedRoutingIds) {
      closedRoutingIdSet.erase(closedRoutingIds.front());
      closedRoutingIds.pop_front();
    }
  }
}

void Engine::Core::sendToRouter(Link* link, std::string&& frame) {
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

void Engine::Core::replyError(const std::string& rid, WireErrorCode code, const std::string& reason) {
  std::string frame = encodeMessage(ErrorMsg{code, reason});
  try {
    if (router->send(zmq::buffer(rid), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      (void)router->send(zmq::buffer(frame), zmq::send_flags::dontwait);
    }
  } catch (const zmq::error_t&) {
  }
}

void Engine::Core::handleRouter() {
  const auto start = std::chrono::steady_clock::now();
  bool drained = false;
  while (!overBudget(start)) {
    std::vector<std::pair<std::string, zmq::message_t>> frames;  // (routing id, payload)
    while (frames.size() < kFramesPerWake) {
      std::vector<zmq::message_t> parts;
      try {
        if (!zmq::recv_multipart(*router, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
      } catch (const zmq::error_t&) {
        break;
      }
      if (parts.size() != 2) continue;  // a DEALER sends exactly one part
      frames.emplace_back(parts[0].to_string(), std::move(parts[1]));
    }
    if (frames.empty()) {
      drained = true;
      break;
    }
    dirty = true;
    // Consecutive frames of one connection are handled together.
    for (std::size_t i = 0; i < frames.size();) {
      std::size_t j = i + 1;
      while (j < frames.size() && frames[j].first == frames[i].first) ++j;
      handleRouterFrames(frames, i, j);
      i = j;
    }
  }
  const bool moreWaiting = !drained && readable(*router);  // of any incoming link
  for (auto& link : links)
    if (!link->outbound) endOfFramesUnlessMoreWait(*link->session, moreWaiting, clock.nowMs());
}

void Engine::Core::handleRouterFrames(std::vector<std::pair<std::string, zmq::message_t>>& frames,
                                      std::size_t from, std::size_t to) {
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
  if (!views.empty()) link->session->receive(views);
}

void Engine::Core::reap() {
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

void Engine::Core::finish(Link& link) {
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

}  // namespace unionsync

#include "sync/admission.h"

#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <zmq_addon.hpp>

#include "sync/engine_core.h"

namespace unionsync {

std::optional<ZapRequest> readZapRequest(zmq::socket_t& zap) {
  // ZAP 1.0 frames: version, request id, domain, address, identity, mechanism, credentials.
  std::vector<zmq::message_t> parts;
  try {
    if (!zmq::recv_multipart(zap, std::back_inserter(parts), zmq::recv_flags::dontwait)) return std::nullopt;
  } catch (const zmq::error_t&) {
    return std::nullopt;
  }
  auto text = [&](std::size_t i) { return i < parts.size() ? parts[i].to_string() : std::string(); };
  ZapRequest request;
  request.requestId = text(1);
  request.address = text(3);
  if (text(5) == "CURVE") request.publicKey = z85OfRawKey(text(6));
  return request;
}

void sendZapReply(zmq::socket_t& zap, const ZapRequest& request, bool admit) {
  std::vector<std::string> reply = {"1.0", request.requestId, admit ? "200" : "400",
                                    admit ? "OK" : "not trusted", admit ? request.publicKey : "", ""};
  try {
    for (std::size_t j = 0; j < reply.size(); ++j) {
      zap.send(zmq::buffer(reply[j]), j + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  } catch (const zmq::error_t&) {
  }
}

std::string refusedByPeerReason() {
  return "对方拒绝连接：对方尚未信任本节点，请在对方运行 peer trust 加入本节点公钥 / refused: the "
         "peer does not trust this node; run `peer trust` with this node's key there";
}

void Engine::Core::handleZap() {
  for (std::size_t i = 0; i < kFramesPerWake; ++i) {
    auto request = readZapRequest(*zap);
    if (!request) return;
    const std::string& key = request->publicKey;
    const std::string& address = request->address;
    bool admit = !key.empty() && trust.isTrusted(key);
    std::string certificateProblem;
    if (!admit && !key.empty() && options.federation) {
      auto certified = options.federation->admit(key);
      if (certified) {
        admit = true;
        auto [it, inserted] = peers.try_emplace(key);
        PeerEntry& e = it->second;
        if (inserted) {
          e.key = key;
          e.fingerprint = fingerprintOf(key);
          e.trusted = false;
        }
        if (!e.certified) log(fmt::format("接受持有本部署证书的节点「{}」({}) / admitted '{}' ({}) by its certificate",
                                          *certified, address, *certified, address));
        e.certified = true;
        if (e.name.empty()) e.name = *certified;
      } else {
        certificateProblem = certified.error().message;
      }
    }
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
        if (!certificateProblem.empty())
          log(fmt::format("拒绝节点 {}（指纹 {}）：{} / refused node {} (fingerprint {}): {}", address, d.fingerprint,
                          certificateProblem, address, d.fingerprint, certificateProblem));
        else log(fmt::format("拒绝未信任的节点 {}（指纹 {}）；如要配对：peer trust {} / refused untrusted node "
                        "{} (fingerprint {}); to pair: peer trust {}",
                        address, d.fingerprint, key, address, d.fingerprint, key));
      } else {
        log(fmt::format("拒绝非 CURVE 连接 {} / refused a non-CURVE connection from {}", address, address));
      }
      dirty = true;
    }
    sendZapReply(*zap, *request, admit);
  }
}

// Clients that fail the handshake before ZAP (plaintext, garbage) only show up here.
void Engine::Core::handleRouterMonitor() {
  while (auto event = readMonitorEvent(*routerMonitor)) {
    if (event->event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL || event->event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) {
      refusedConnections++;
      log("拒绝了一个明文或无效的握手 / refused a plaintext or invalid handshake");
      dirty = true;
    }
  }
}

Link* Engine::Core::acceptInbound(const std::string& rid, const std::string& key, std::string_view payload) {
  auto it = peers.find(key);
  if (key.empty() || it == peers.end() || !it->second.admitted()) {
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
  raw->session->setRulesSource(rulesSourceFor(key));
  links.push_back(std::move(link));
  raw->session->onFrame(payload);
  return raw;
}

Session::RulesSource Engine::Core::rulesSourceFor(const std::string& key) {
  if (!options.federation) return {};
  std::shared_ptr<FederationPolicy> federation = options.federation;
  return [federation, key](const HelloMsg& hello) { return federation->rulesFor(key, hello.origin); };
}

void Engine::Core::recheckCertified() {
  if (!options.federation) return;
  learnCertifiedPeers();
  for (auto& [key, e] : peers) {
    if (!e.certified) continue;
    auto still = options.federation->admit(key);
    if (still) continue;
    e.certified = false;
    log(fmt::format("节点「{}」的证书已失效：{} / the certificate of '{}' no longer holds: {}", e.name,
                    still.error().message, e.name, still.error().message));
    if (e.trusted) continue;
    for (auto& link : links) {
      if (link->key == key && !link->session->closed())
        link->session->close(WireErrorCode::NotTrusted, "证书已失效 / certificate no longer valid: " + still.error().message,
                             true);
    }
    dirty = true;
  }
}

void Engine::Core::learnCertifiedPeers() {
  for (const CertifiedPeer& peer : options.federation->certifiedPeers()) {
    if (peer.curveKeyZ85 == identity.publicKey || !isValidPublicKey(peer.curveKeyZ85)) continue;
    auto [it, inserted] = peers.try_emplace(peer.curveKeyZ85);
    PeerEntry& e = it->second;
    if (inserted) {
      e.key = peer.curveKeyZ85;
      e.fingerprint = fingerprintOf(peer.curveKeyZ85);
    }
    if (e.name.empty()) e.name = peer.name;
    if (!e.certified) {
      e.certified = true;
      dirty = true;
    }
    if (std::find(e.addresses.begin(), e.addresses.end(), peer.address) == e.addresses.end()) {
      e.addresses.push_back(peer.address);
      dirty = true;
    }
  }
}

}  // namespace unionsync

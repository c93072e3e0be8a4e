// Sync commands: peer key|trust|revoke|list, serve, sync, status.
//
// Scripts depend on these names and on `peer key` printing the public key alone on its first
// line. Failures print one line on stderr and exit non-zero (reportFailure).
#include <signal.h>
#include <time.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/cli_progress.h"
#include "app/federation/federation.h"
#include "app/node.h"
#include "app/sync/status_file.h"
#include "app/sync/sync_once.h"
#include "app/sync/sync_service.h"

namespace unionsync {

namespace {

struct SyncCliOptions {
  bool codeOnly = false;
  std::string key;
  std::string name;
  std::string address;
  std::string keyOrName;
  std::string listen = std::string(kDefaultListen);
  std::string discovery = "on";
  std::uint16_t discoveryPort = kDefaultDiscoveryPort;
  std::vector<std::string> beaconTargets;
  double beaconInterval = 5.0;
  std::string peer;
  double timeout = 30.0;
};

std::string timeText(std::int64_t ms) {
  if (ms <= 0) return "—";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string originHex(Origin origin) { return fmt::format("{:016x}", origin); }

nlohmann::json vectorJson(const VersionVector& vv) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [origin, seq] : vv) j[originHex(origin)] = seq;
  return j;
}

// Serialises status lines from the engine thread and the main thread.
struct LinePrinter {
  std::mutex mutex;
  void operator()(const std::string& line) {
    std::lock_guard lock(mutex);
    std::cout << "[" << timeText(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count())
              << "] " << line << std::endl;
  }
};

int runPeerKey(CliContext& ctx, bool codeOnly) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto id = (*node)->sync().ownKey();
  if (!id) return reportFailure(id.error());
  auto code = (*node)->federation().nodeCode();
  if (!code) return reportFailure(code.error());
  if (codeOnly) {
    std::cout << *code << "\n";
    return 0;
  }
  std::cout << id->publicKey << "\n" << id->fingerprint << "\n"
            << "签名公钥 / signing key: " << id->signingKey << "\n"
            << "节点码（上级工会授权时用）/ node code (for grant): " << *code << "\n";
  return 0;
}

int runPeerTrust(CliContext& ctx, const SyncCliOptions& o) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto id = (*node)->sync().ownKey();
  if (!id) return reportFailure(id.error());
  auto peer = (*node)->sync().trust(o.key, o.name, o.address);  // refuses this node's own key
  if (!peer) return reportFailure(peer.error());
  std::cout << fmt::format("已信任「{}」，指纹 {} / trusted '{}', fingerprint {}\n", peer->name,
                           fingerprintOf(peer->publicKey), peer->name, fingerprintOf(peer->publicKey));
  std::cout << fmt::format("请与对方核对指纹；对方也需运行 / compare the fingerprint with the peer; it must also run:\n"
                           "  unionsync peer trust {}\n",
                           id->publicKey);
  return 0;
}

int runPeerRevoke(CliContext& ctx, const SyncCliOptions& o) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto peer = (*node)->sync().revoke(o.keyOrName);
  if (!peer) return reportFailure(peer.error());
  std::cout << fmt::format("已撤销对「{}」的信任 / revoked trust in '{}'\n", peer->name, peer->name);
  return 0;
}

// A peer's state as `peer list` and `status` print it: the engine's name, or "offline" when
// no running serve reports the peer (or reports a state this build does not know).
std::string peerStateText(std::optional<PeerState> state) {
  return state ? std::string(peerStateName(*state)) : std::string("offline");
}

// The state a running serve published in status.json for `key`; nullopt if none.
std::optional<PeerState> servedPeerState(const std::optional<ServedStatus>& live, const std::string& key) {
  const ServedPeer* p = live ? live->findPeer(key) : nullptr;
  return p ? p->state : std::nullopt;
}

// A discovered peer as `peer list --json` prints it (the fields status.json has).
nlohmann::json discoveredJson(const DiscoveredPeer& d) {
  return {{"key", d.publicKey}, {"fingerprint", d.fingerprint}, {"name", d.name},
          {"address", d.address}, {"lastSeen", d.lastSeenMs},   {"refused", d.refused}};
}

int runPeerList(CliContext& ctx) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto trusted = (*node)->sync().peers();
  if (!trusted) return reportFailure(trusted.error());
  auto live = readStatusFile(ctx.dataDir);
  auto stateOf = [&](const TrustedPeer& p) {
    return p.state == TrustState::Revoked ? std::optional(PeerState::Revoked) : servedPeerState(live, p.publicKey);
  };
  if (ctx.json) {
    nlohmann::json out{{"trusted", nlohmann::json::array()}, {"discovered", nlohmann::json::array()}};
    for (const auto& p : (*trusted)) {
      out["trusted"].push_back({{"key", p.publicKey},
                                {"name", p.name},
                                {"fingerprint", fingerprintOf(p.publicKey)},
                                {"addresses", p.addresses},
                                {"trust", std::string(trustStateName(p.state))},
                                {"state", peerStateText(stateOf(p))},
                                {"added", p.addedMs},
                                {"lastContact", p.lastContactMs},
                                {"lastSync", p.lastSyncMs},
                                {"lastError", p.lastError}});
    }
    if (live) {
      for (const auto& d : live->discovered) out["discovered"].push_back(discoveredJson(d));
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "已信任的节点 / trusted peers:\n";
  if ((*trusted).empty()) std::cout << "  （无 / none）\n";
  for (const auto& p : (*trusted)) {
    std::cout << fmt::format("  {}  {}  [{}]\n", p.name, fingerprintOf(p.publicKey), peerStateText(stateOf(p)))
              << fmt::format("    key {}\n", p.publicKey)
              << fmt::format("    地址 address: {}\n", p.addresses.empty() ? "—" : fmt::format("{}", fmt::join(p.addresses, ", ")))
              << fmt::format("    最近联系 last contact: {}   最近同步 last sync: {}\n", timeText(p.lastContactMs),
                             timeText(p.lastSyncMs));
    if (!p.lastError.empty()) std::cout << fmt::format("    最近错误 last error: {}\n", p.lastError);
  }
  std::cout << "发现但未信任 / discovered, not trusted:\n";
  if (!live) {
    std::cout << "  （serve 未运行 / serve is not running）\n";
  } else if (live->discovered.empty()) {
    std::cout << "  （无 / none）\n";
  } else {
    for (const auto& d : live->discovered) {
      std::cout << fmt::format("  {}  {}  {}{}\n    key {}\n", d.name, d.fingerprint, d.address,
                               d.refused ? "  (曾被拒绝 refused)" : "", d.publicKey);
    }
  }
  return 0;
}

int runServe(CliContext& ctx, const SyncCliOptions& o) {
  if (o.discovery != "on" && o.discovery != "off") return reportFailure("--discovery 应为 on 或 off / must be on or off");
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());

  // Block the stop signals before the engine thread starts, so only sigtimedwait sees them.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  auto printer = std::make_shared<LinePrinter>();
  SyncService& sync = (*node)->sync();
  SyncStartOptions options;
  options.listen = o.listen;
  options.discovery = o.discovery == "on";
  options.engine.discoveryOptions.port = o.discoveryPort;
  options.engine.discoveryOptions.targets = o.beaconTargets;
  options.engine.beaconIntervalMs = static_cast<std::int64_t>(o.beaconInterval * 1000);
  options.log = [printer](const std::string& line) { (*printer)(line); };
  if (auto started = sync.start(options); !started) return reportFailure(started.error());
  // `status` and `peer list` in other processes read what this serve is doing from here.
  auto statusFile = std::make_unique<StatusFileWriter>(ctx.dataDir, (*node)->clock(), [&sync] { return sync.status(); });
  auto status = sync.status();
  (*printer)(fmt::format("节点「{}」开始服务 / serving node '{}'", status->name, status->name));
  for (const auto& ep : status->listenEndpoints) (*printer)(fmt::format("监听 / listening on {}", ep));
  (*printer)(fmt::format("公钥 / key {}  指纹 / fingerprint {}", status->publicKey, status->fingerprint));
  if (options.discovery) (*printer)(fmt::format("局域网发现 / discovery on UDP port {}", status->discoveryPort));
  (*printer)(fmt::format("已信任 {} 个节点；按 Ctrl-C 停止 / {} trusted peers; Ctrl-C stops", status->peers.size(),
                         status->peers.size()));

  std::string lastSummary;
  while (true) {
    timespec wait{1, 0};
    int sig = sigtimedwait(&stopSignals, nullptr, &wait);
    if (sig == SIGINT || sig == SIGTERM) break;
    auto s = sync.status();
    if (!s || !s->running) break;
    std::string summary;
    for (const auto& p : s->peers) summary += fmt::format("{}={} ", p.name, peerStateName(p.state));
    if (summary != lastSummary && !summary.empty()) {
      lastSummary = summary;
      (*printer)(fmt::format("节点状态 / peers: {}", summary));
    }
  }
  (*printer)("正在停止 / stopping");
  statusFile.reset();  // deletes the file: nobody serves this data directory any more
  sync.stop();
  (*printer)("已停止 / stopped");
  pthread_sigmask(SIG_UNBLOCK, &stopSignals, nullptr);
  return 0;
}

int runSync(CliContext& ctx, const SyncCliOptions& o) {
  if (o.peer.rfind("tcp://", 0) != 0) return reportFailure("--peer 应为 tcp://HOST:PORT / --peer must look like tcp://HOST:PORT");
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  InterruptGuard interrupt;
  ProgressLine line(progressWanted(ctx.json), {"已接收", "received", "条变更", "changes"});
  auto sentNote = [](const SessionStats& s) {
    const std::string sent = groupedDigits(s.changesSent);
    const double in = static_cast<double>(s.bytesReceived) / 1e6, out = static_cast<double>(s.bytesSent) / 1e6;
    return ProgressNote{fmt::format("已发送 {} 条，收 {:.1f} MB，发 {:.1f} MB", sent, in, out),
                        fmt::format("sent {}, {:.1f} MB in, {:.1f} MB out", sent, in, out)};
  };
  auto showProgress = [&](const PeerStatus& p) { line.update(p.current.changesReceived, 0, sentNote(p.current)); };
  auto peer = syncOnce((*node)->sync(), o.peer, std::chrono::milliseconds(static_cast<std::int64_t>(o.timeout * 1000)),
                       SyncWatch{showProgress, interrupt.flag()});
  if (peer) line.finish(peer->current.changesReceived, 0, sentNote(peer->current));
  line.finish();
  if (interrupt.interrupted()) {
    if (!peer) return reportInterrupted(peer.error().message);
    const std::string received = groupedDigits(peer->current.changesReceived);
    const std::string sent = groupedDigits(peer->current.changesSent);
    return reportInterrupted(fmt::format("已中断：已接收并存入 {} 条变更，已发送 {} 条；再次同步会补上其余的 / interrupted: {} changes "
                                         "received and stored, {} sent; syncing again brings the rest",
                                         received, sent, received, sent));
  }
  if (!peer) return reportFailure(peer.error());
  const SessionStats& s = peer->current;
  if (ctx.json) {
    std::cout << nlohmann::json{{"peer", peer->name},
                                {"key", peer->publicKey},
                                {"address", o.peer},
                                {"changesSent", s.changesSent},
                                {"changesReceived", s.changesReceived},
                                {"fieldsWon", s.fieldsWon},
                                {"conflicts", s.conflicts},
                                {"bytesSent", s.bytesSent},
                                {"bytesReceived", s.bytesReceived},
                                {"adoptedDeploymentKey", s.adoptedDeploymentKey},
                                {"verified", s.verifications > 0},
                                {"verifiedEqual", s.verifiedEqualMs > 0},
                                {"repairedRecords", s.repairedRecords},
                                {"loweredEntries", s.loweredEntries},
                                {"changesRefused", s.changesRefused},
                                {"lastRefusal", s.lastRefusal},
                                {"digest", (*node)->digest()}}
                     .dump(2)
              << "\n";
    return 0;
  }
  std::cout << fmt::format("已与「{}」同步 / synced with '{}' ({})\n", peer->name, peer->name, o.peer)
            << fmt::format("  发送 sent: {} 条变更 changes   接收 received: {} 条变更 changes\n", s.changesSent,
                           s.changesReceived)
            << fmt::format("  新冲突 new conflicts: {}   线上字节 bytes: {} out / {} in\n", s.conflicts, s.bytesSent,
                           s.bytesReceived);
  if (s.adoptedDeploymentKey) std::cout << "  已采用对方的部署密钥 / adopted the peer's deployment key\n";
  if (s.changesRefused > 0)
    std::cout << fmt::format("  拒收 refused: {} 条不合规的变更 invalid changes（最近 latest: {}）\n", s.changesRefused,
                             s.lastRefusal);
  if (s.partial)
    std::cout << "  双方范围不同，不比对指纹 / the two nodes hold different scopes: not compared\n";
  else if (s.verifications == 0)
    std::cout << "  未能核对数据（对方版本较旧或超时）/ not verified (older peer or timed out)\n";
  else if (s.verifiedEqualMs > 0 && s.repairedRecords == 0)
    std::cout << "  ✓ 核对一致 / verified equal\n";
  else
    std::cout << fmt::format("  核对发现差异：修复 {} 条记录，调低 {} 个版本向量条目{} / verification found differences: "
                             "repaired {} records, lowered {} version vector entries{}\n",
                             s.repairedRecords, s.loweredEntries, s.verifiedEqualMs > 0 ? "，现已一致" : "",
                             s.repairedRecords, s.loweredEntries, s.verifiedEqualMs > 0 ? ", now equal" : "");
  return 0;
}

int runStatus(CliContext& ctx) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  const SyncService& sync = (*node)->sync();
  auto id = sync.ownKey();
  if (!id) return reportFailure(id.error());
  auto trusted = sync.peers();
  if (!trusted) return reportFailure(trusted.error());
  StoreInfo info = (*node)->info();
  VersionVector vv = (*node)->versionVector();
  auto live = readStatusFile(ctx.dataDir);
  const std::size_t conflicts = (*node)->conflicts().size();
  const std::size_t parked = sync.parkedCount();

  nlohmann::json peers = nlohmann::json::array();
  std::int64_t lastSync = 0;
  for (const auto& p : (*trusted)) {
    std::optional<PeerState> state;
    std::optional<std::size_t> livePending;
    const ServedPeer* served = live ? live->findPeer(p.publicKey) : nullptr;
    if (p.state == TrustState::Revoked) {
      state = PeerState::Revoked;
    } else if (const ServedPeer* lp = served) {
      state = lp->state;
      if (state == PeerState::Live) livePending = static_cast<std::size_t>(lp->pendingEstimate);
    }
    // A live peer's vector is known to the running serve; otherwise use the last one saved.
    auto [pending, capped] = livePending ? std::pair<std::size_t, bool>{*livePending, false}
                                         : sync.pendingFor(p.versionVector);
    lastSync = std::max(lastSync, p.lastSyncMs);
    peers.push_back({{"name", p.name},
                     {"key", p.publicKey},
                     {"fingerprint", fingerprintOf(p.publicKey)},
                     {"state", peerStateText(state)},
                     {"addresses", p.addresses},
                     {"lastContact", p.lastContactMs},
                     {"lastSync", p.lastSyncMs},
                     {"pending", pending},
                     {"pendingCapped", capped},
                     {"lastError", p.lastError},
                     {"verifiedEqual", p.verifiedEqualMs},
                     {"refusedChanges", p.refusedChanges},
                     {"lastRefusal", p.lastRefusal},
                     {"lastRefusalAt", p.lastRefusalMs},
                     {"certified", false},
                     {"certificate", served ? served->certificate : ""},
                     {"partial", served && served->partial}});
  }
  // Peers admitted by their certificates are not in the trust store: only a running node
  // knows them.
  for (const ServedPeer& lp : live ? live->peers : std::vector<ServedPeer>{}) {
    if (!lp.certified || std::any_of((*trusted).begin(), (*trusted).end(), [&](const TrustedPeer& t) { return t.publicKey == lp.key; }))
      continue;
    peers.push_back({{"name", lp.name},
                     {"key", lp.key},
                     {"fingerprint", fingerprintOf(lp.key)},
                     {"state", peerStateText(lp.state)},
                     {"addresses", nlohmann::json::array({lp.address})},
                     {"lastContact", 0},
                     {"lastSync", 0},
                     {"pending", lp.pendingEstimate},
                     {"pendingCapped", false},
                     {"lastError", lp.lastError},
                     {"verifiedEqual", lp.verifiedEqualMs},
                     {"refusedChanges", lp.refusedChanges},
                     {"lastRefusal", lp.lastRefusal},
                     {"lastRefusalAt", 0},
                     {"certified", true},
                     {"certificate", lp.certificate},
                     {"partial", lp.partial}});
  }
  if (ctx.json) {
    nlohmann::json out{{"nodeId", info.nodeId},
                       {"name", info.nodeName},
                       {"origin", originHex(info.origin)},
                       {"publicKey", id->publicKey},
                       {"fingerprint", id->fingerprint},
                       {"versionVector", vectorJson(vv)},
                       {"serving", live.has_value()},
                       {"listen", live ? nlohmann::json(live->listen) : nlohmann::json::array()},
                       {"conflicts", conflicts},
                       {"parked", parked},
                       {"lastSync", lastSync},
                       {"peers", peers}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << fmt::format("节点 node: {} ({})\n", info.nodeName, info.nodeId)
            << fmt::format("指纹 fingerprint: {}\n", id->fingerprint)
            << fmt::format("服务 serve: {}\n",
                           live ? fmt::format("运行中 running, pid {}, {}", static_cast<long>(live->pid), fmt::join(live->listen, ", "))
                                : std::string("未运行 not running"))
            << "版本向量 version vector:\n";
  for (const auto& [origin, seq] : vv) {
    std::cout << fmt::format("  {}  {}{}\n", originHex(origin), seq, origin == info.origin ? "  (本节点 this node)" : "");
  }
  std::cout << fmt::format("待核对冲突 conflicts to review: {}\n", conflicts);
  if (parked > 0)
    std::cout << fmt::format("等待关联记录的收到变更 received changes waiting for a record not yet here: {}\n", parked);
  std::cout
            << fmt::format("最近同步 last sync: {}\n", timeText(lastSync)) << "节点 peers:\n";
  if (peers.empty()) std::cout << "  （无 / none）\n";
  for (const auto& p : peers) {
    std::cout << fmt::format("  {}  [{}]  待发送 pending: {}{}  最近同步 last sync: {}\n", p["name"].get<std::string>(),
                             p["state"].get<std::string>(), p["pending"].get<std::size_t>(),
                             p["pendingCapped"].get<bool>() ? "+" : "", timeText(p["lastSync"].get<std::int64_t>()));
    if (const auto& certificate = p["certificate"].get_ref<const std::string&>(); !certificate.empty())
      std::cout << fmt::format("    证书 certificate: {}{}\n", certificate, p["certified"].get<bool>() ? "（凭证书接入 / admitted by it）" : "");
    const auto verified = p["verifiedEqual"].get<std::int64_t>();
    if (verified > 0)
      std::cout << fmt::format("    ✓ 核对一致于 {} / verified equal at {}\n", timeText(verified), timeText(verified));
    else if (p["partial"].get<bool>())
      std::cout << "    双方范围不同，不比对指纹 / the two hold different scopes: not compared\n";
    else
      std::cout << "    未核对 / not verified yet\n";
    if (const auto refused = p["refusedChanges"].get<std::uint64_t>(); refused > 0)
      std::cout << fmt::format("    拒收 refused: {} 条变更 changes（最近 latest {}: {}）\n", refused,
                               timeText(p["lastRefusalAt"].get<std::int64_t>()), p["lastRefusal"].get<std::string>());
    if (const auto& error = p["lastError"].get_ref<const std::string&>(); !error.empty())
      std::cout << fmt::format("    最近错误 last error: {}\n", error);
  }
  return 0;
}

}  // namespace

void registerSyncCommands(CLI::App& root, CliContext& ctx) {
  auto o = std::make_shared<SyncCliOptions>();

  auto* peer = root.add_subcommand("peer", "配对：公钥、信任、撤销、列表 / pairing: key, trust, revoke, list");
  peer->require_subcommand(1);

  auto* key = peer->add_subcommand("key", "本节点公钥（第一行）、指纹、签名公钥和节点码 / this node's public key (first "
                                          "line), fingerprint, signing key and node code");
  key->add_flag("--code", o->codeOnly, "只打印节点码（用于 grant）/ print only the node code (for grant)");
  key->callback([&ctx, o] { ctx.run = [&ctx, o] { return runPeerKey(ctx, o->codeOnly); }; });

  auto* trust = peer->add_subcommand("trust", "信任一个节点的公钥 / trust a node's public key");
  trust->add_option("KEY", o->key, "对方的公钥（Z85，40 个字符）/ the peer's public key (Z85)")->required();
  trust->add_option("--name", o->name, "名称 / name");
  trust->add_option("--address", o->address, "地址 / address tcp://HOST:PORT");
  trust->callback([&ctx, o] { ctx.run = [&ctx, o] { return runPeerTrust(ctx, *o); }; });

  auto* revoke = peer->add_subcommand("revoke", "撤销信任 / revoke trust");
  revoke->add_option("KEY_OR_NAME", o->keyOrName, "公钥或名称 / key or name")->required();
  revoke->callback([&ctx, o] { ctx.run = [&ctx, o] { return runPeerRevoke(ctx, *o); }; });

  auto* list = peer->add_subcommand("list", "已信任与已发现的节点 / trusted and discovered peers");
  addJsonFlag(list, ctx);
  list->callback([&ctx] { ctx.run = [&ctx] { return runPeerList(ctx); }; });

  auto* serve = root.add_subcommand("serve", "运行节点并与已信任的节点同步，直到 Ctrl-C / run the node until SIGINT/SIGTERM");
  serve->add_option("--listen", o->listen, "监听地址 / listen address tcp://IP:PORT");
  serve->add_option("--discovery", o->discovery, "局域网发现 on|off / LAN discovery");
  serve->add_option("--discovery-port", o->discoveryPort, "发现端口 / discovery UDP port");
  serve->add_option("--beacon-target", o->beaconTargets,
                    "信标发往 IP:PORT（默认广播；测试用 127.0.0.1）/ send beacons to IP:PORT (default broadcast)");
  serve->add_option("--beacon-interval", o->beaconInterval, "信标间隔秒数 / seconds between beacons");
  serve->callback([&ctx, o] { ctx.run = [&ctx, o] { return runServe(ctx, *o); }; });

  auto* sync = root.add_subcommand("sync", "与一个已信任的节点同步一次 / one sync session with a trusted peer");
  sync->add_option("--peer", o->peer, "对方地址 / peer address tcp://HOST:PORT")->required();
  sync->add_option("--timeout", o->timeout, "超时秒数 / timeout in seconds");
  addJsonFlag(sync, ctx);
  sync->callback([&ctx, o] { ctx.run = [&ctx, o] { return runSync(ctx, *o); }; });

  auto* status = root.add_subcommand("status", "同步状态：版本向量、节点、待发送、最近同步 / sync status");
  addJsonFlag(status, ctx);
  status->callback([&ctx] { ctx.run = [&ctx] { return runStatus(ctx); }; });
}

}  // namespace unionsync

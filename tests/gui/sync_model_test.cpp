#include <doctest/doctest.h>

#include "gui/sync_model.h"

using namespace unionsync;
using namespace unionsync::gui;

namespace {
PeerStatus peer(PeerState state) {
  PeerStatus p;
  p.name = "东城";
  p.state = state;
  p.address = "tcp://192.168.1.20:7400";
  return p;
}
}  // namespace

TEST_CASE("peer states in a cadre's words") {
  const Tr zh(Lang::Zh), en(Lang::En);
  PeerStatus p = peer(PeerState::Live);
  p.caughtUp = true;
  CHECK(describePeer(p, zh).state == "已同步");
  CHECK(describePeer(p, en).tone == Tone::Good);
  p.pendingEstimate = 120;
  CHECK(describePeer(p, en).state == "Syncing 120 changes");
  CHECK(describePeer(peer(PeerState::CatchingUp), zh).tone == Tone::Busy);
  CHECK(describePeer(peer(PeerState::Connecting), en).state == "Connecting");

  PeerStatus down = peer(PeerState::Backoff);
  CHECK(describePeer(down, en).state == "Unreachable");
  down.lastContactMs = 1'781'524'800'000;
  down.lastError = "连接超时 / connection timed out";
  const PeerLine line = describePeer(down, en);
  CHECK(line.state.starts_with("Unreachable since "));
  CHECK(line.detail == "connection timed out");
  CHECK(line.tone == Tone::Bad);

  PeerStatus refused = peer(PeerState::Refused);
  CHECK(describePeer(refused, zh).state == "被拒绝");
  CHECK_FALSE(describePeer(refused, zh).detail.empty());  // says what to do
  CHECK(describePeer(peer(PeerState::DifferentDeployment), en).tone == Tone::Bad);
  CHECK(describePeer(peer(PeerState::Revoked), en).state == "Revoked");
  PeerStatus idle = peer(PeerState::Idle);
  idle.address.clear();
  CHECK_FALSE(describePeer(idle, zh).detail.empty());
}

TEST_CASE("the status bar sums the peers up") {
  const Tr en(Lang::En);
  SyncStatus s;
  CHECK(summarizeSync(s, en).state == "Not paired with any computer");
  PeerStatus a = peer(PeerState::Live);
  a.caughtUp = true;
  s.peers = {a, peer(PeerState::Backoff), peer(PeerState::Revoked)};
  CHECK(summarizeSync(s, en).state == "1 of 2 in sync, 1 unreachable");
  s.peers.push_back(peer(PeerState::CatchingUp));
  CHECK(summarizeSync(s, en).tone == Tone::Busy);
}

TEST_CASE("the in-sync badge and refused changes beside a peer") {
  const Tr zh(Lang::Zh), en(Lang::En);
  PeerStatus p = peer(PeerState::Live);
  p.caughtUp = true;
  CHECK(describePeer(p, en).verified == "Not verified yet");
  CHECK(describePeer(p, en).verifiedTone == Tone::Quiet);
  p.verifiedEqualMs = 1'781'524'800'000;
  const PeerLine line = describePeer(p, zh);
  CHECK(line.verified.starts_with("✓ 数据核对一致"));
  CHECK(line.verifiedTone == Tone::Good);
  CHECK(line.refusals.empty());
  p.refusedChanges = 3;
  p.lastRefusal = "身份证号校验位错误 / wrong ID number check digit";
  CHECK(describePeer(p, en).refusals == "Refused 3 invalid changes");
  CHECK(describePeer(p, en).refusalReason.ends_with("): wrong ID number check digit"));
  CHECK(describePeer(peer(PeerState::Revoked), en).verified.empty());
}

TEST_CASE("a peer of another scope is never compared, not 'not verified yet'") {
  const Tr zh(Lang::Zh), en(Lang::En);
  PeerStatus p = peer(PeerState::Live);
  p.caughtUp = true;
  p.current.partial = true;
  CHECK(describePeer(p, zh).verified == "范围不同，不比对");
  CHECK(describePeer(p, en).verified == "Scopes differ: not compared");
  CHECK(describePeer(p, en).verifiedTone == Tone::Quiet);
  p.current = {};  // a new session that has not said yet: an earlier one did
  p.total.partial = true;
  CHECK(describePeer(p, en).verified == "Scopes differ: not compared");
  p.state = PeerState::Revoked;
  CHECK(describePeer(p, en).verified.empty());
}

TEST_CASE("a difference a repair cannot mend replaces the badge") {
  const Tr en(Lang::En);
  PeerStatus p = peer(PeerState::Live);
  p.verifiedEqualMs = 1'781'524'800'000;
  p.verifyDiffers = true;
  const PeerLine line = describePeer(p, en);
  CHECK(line.verified.starts_with("Data differ"));
  CHECK(line.verifiedTone == Tone::Bad);
}

TEST_CASE("a peer that cannot be reached says so, not idle") {
  const Tr zh(Lang::Zh), en(Lang::En);
  PeerStatus down = peer(PeerState::Unreachable);
  down.lastError = "无法连接 tcp://192.168.1.20:7400 / cannot reach tcp://192.168.1.20:7400";
  const PeerLine line = describePeer(down, en);
  CHECK(line.state == "Unreachable");
  CHECK(line.tone == Tone::Bad);
  CHECK(line.detail == "cannot reach tcp://192.168.1.20:7400");
  CHECK(describePeer(down, zh).state == "无法连接");
  down.lastError.clear();
  CHECK(describePeer(down, zh).detail == "对方电脑未开机或地址不对");  // says what to check
}

TEST_CASE("federation: a peer's certificate and this node's scope in the UI language") {
  const Tr zh(Lang::Zh), en(Lang::En);
  PeerStatus p = peer(PeerState::Live);
  CHECK(describePeer(p, en).admission == "Paired by hand");
  CHECK(describePeer(p, en).certificate.empty());
  p.certified = true;
  p.certificate = "office 东城街道总工会 until 2027-12-02";
  CHECK(describePeer(p, zh).admissionTone == Tone::Good);
  CHECK(describePeer(p, zh).certificate == "办公室 · 东城街道总工会 · 有效至 2027-12-02");
  p.certificate = "root office 全部 / whole tree until 2036-01-01";
  CHECK(describePeer(p, en).certificate == "root (headquarters) · whole tree · until 2036-01-01");
  p.certificate = "something else";
  CHECK(describePeer(p, en).certificate == "something else");  // an unknown shape as it came

  const OrgNamer names = [](const RecordId&) { return std::string("西城街道总工会"); };
  ScopeInfo info;
  CHECK(describeScope(info, names, en).text.starts_with("Not in a deployment"));
  info.inDeployment = true;
  info.problem = "证书已过期 / the certificate expired";
  CHECK(describeScope(info, names, en).text == "This computer holds no valid certificate: the certificate expired");
  CHECK(describeScope(info, names, en).tone == Tone::Bad);
  ValidGrant g;
  g.scope.org.bytes[0] = 7;  // any organization but the whole tree
  g.scope.role = CertificateRole::Capture;
  info.grant = g;
  const ScopeLine line = describeScope(info, names, zh);
  CHECK(line.text.starts_with("范围：西城街道总工会 · 角色：外展采集 · 有效至 "));
  CHECK(line.tone == Tone::Good);
  CHECK_FALSE(grantsCertificates(info));  // an office without --delegate: the list stays folded
  info.grant->held.certificate.mayDelegate = true;
  CHECK(grantsCertificates(info));
  info.grant->held.certificate.mayDelegate = false;
  info.grant->isRoot = true;
  CHECK(grantsCertificates(info));
  CHECK(describeScope(info, names, zh).text.starts_with("根节点（总工会）"));

  const HeldCertificateRow row = describeHeld(g.held, "已吊销 / revoked", names, en);
  CHECK(row.name.size() == 16);  // no name given: the start of the key
  CHECK(row.role == "office");
  CHECK(row.scope == "the whole tree");
  CHECK(row.validity == "revoked");
  CHECK_FALSE(row.valid);
}

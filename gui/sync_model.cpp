#include "gui/sync_model.h"

#include "gui/field_history.h"
#include "app/model/clock.h"

namespace unionsync::gui {

namespace {

std::string roleWithDelegation(CertificateRole role, bool mayDelegate, const Tr& tr) {
  std::string out = roleName(role, tr);
  if (mayDelegate) out += tr(T::RoleMayDelegate);
  return out;
}

// PeerStatus::certificate reads "[root ]ROLE WHERE until DATE" (app/federation's
// describeGrant, WHERE possibly bilingual): said again in the UI language. Text of another
// shape is shown as it came, so a change of that format degrades to English, not to nothing.
std::string peerCertificate(std::string_view text, const Tr& tr) {
  constexpr std::string_view kRoot = "root ", kUntil = " until ";
  std::string_view rest = text;
  const bool root = rest.starts_with(kRoot);
  if (root) rest.remove_prefix(kRoot.size());
  const auto space = rest.find(' ');
  const auto until = rest.rfind(kUntil);
  if (space == std::string_view::npos || until == std::string_view::npos || until <= space) return std::string(text);
  const std::string where = tr.message(rest.substr(space + 1, until - space - 1));
  const std::string_view date = rest.substr(until + kUntil.size());
  if (root) return tr.format(T::PeerRootCertificate, where, date);
  std::string_view role = rest.substr(0, space);
  for (CertificateRole r : {CertificateRole::Office, CertificateRole::Capture})
    if (role == certificateRoleName(r)) role = roleName(r, tr);
  return tr.format(T::PeerCertificate, role, where, date);
}

void describeFederation(const PeerStatus& p, const Tr& tr, PeerLine& line) {
  line.admission = tr(p.certified ? T::PeerCertified : T::PeerPairedByHand);
  line.admissionTone = p.certified ? Tone::Good : Tone::Quiet;
  if (!p.certificate.empty()) line.certificate = peerCertificate(p.certificate, tr);
  if (p.refusedChanges == 0) return;
  line.refusals = tr.format(T::PeerRefusedChanges, p.refusedChanges);
  line.refusalReason = tr.format(T::PeerLastRefusal, formatTime(p.lastRefusalMs), tr.message(p.lastRefusal));
}

PeerLine describeState(const PeerStatus& p, const Tr& tr) {
  const std::string error = tr.message(p.lastError);
  // Down since the last contact when there was one, otherwise just down.
  auto down = [&](std::string detail) {
    std::string since = p.lastContactMs > 0 ? tr.format(T::PeerUnreachableSince, formatTime(p.lastContactMs))
                                            : std::string(tr(T::PeerUnreachable));
    return PeerLine{std::move(since), std::move(detail), Tone::Bad};
  };
  switch (p.state) {
    case PeerState::Live:
      if (p.caughtUp && p.pendingEstimate == 0)
        return {tr(T::PeerInSync), tr.format(T::PeerLastSync, formatTime(p.lastSyncMs)), Tone::Good};
      [[fallthrough]];
    case PeerState::CatchingUp:
      if (p.pendingEstimate > 0) return {tr.format(T::PeerSyncingN, p.pendingEstimate), {}, Tone::Busy};
      return {tr(T::PeerSyncing), {}, Tone::Busy};
    case PeerState::Connecting:
    case PeerState::Handshake: return {tr(T::PeerConnecting), {}, Tone::Busy};
    case PeerState::Backoff:
    case PeerState::Error: return down(error);
    case PeerState::Unreachable: return down(error.empty() ? std::string(tr(T::PeerUnreachableHint)) : error);
    case PeerState::Refused: return {tr(T::PeerRefused), error.empty() ? tr(T::PeerRefusedHint) : error, Tone::Bad};
    case PeerState::DifferentDeployment:
      return {tr(T::PeerDifferentDeployment), tr(T::PeerDifferentDeploymentHint), Tone::Bad};
    case PeerState::Revoked: return {tr(T::PeerRevoked), {}, Tone::Quiet};
    case PeerState::Idle:
    case PeerState::Closed:
    default: break;
  }
  return {tr(T::PeerIdle), p.address.empty() ? tr(T::PeerNoAddress) : std::string(), Tone::Quiet};
}

}  // namespace

PeerLine describePeer(const PeerStatus& p, const Tr& tr) {
  PeerLine line = describeState(p, tr);
  if (p.verifyDiffers) {
    line.verified = tr(T::PeerVerifyDiffers);
    line.verifiedTone = Tone::Bad;
  } else if (p.verifiedEqualMs > 0) {
    line.verified = tr.format(T::PeerVerifiedEqual, formatTime(p.verifiedEqualMs));
    line.verifiedTone = Tone::Good;
  } else if (p.state != PeerState::Revoked) {
    // Nodes of different scopes hold different stores by design: never compared, not "yet".
    line.verified = tr(p.current.partial || p.total.partial ? T::PeerScopesDiffer : T::PeerNotVerified);
  }
  describeFederation(p, tr, line);
  return line;
}

PeerLine summarizeSync(const SyncStatus& status, const Tr& tr) {
  int inSync = 0, busy = 0, bad = 0, active = 0;
  for (const PeerStatus& p : status.peers) {
    if (p.state == PeerState::Revoked) continue;
    ++active;
    switch (describePeer(p, tr).tone) {
      case Tone::Good: ++inSync; break;
      case Tone::Busy: ++busy; break;
      case Tone::Bad: ++bad; break;
      case Tone::Quiet: break;
    }
  }
  if (active == 0) return {tr(T::SyncNoPeers), {}, Tone::Quiet};
  if (busy > 0) return {tr.format(T::SyncSummaryBusy, busy, active), {}, Tone::Busy};
  if (bad > 0) return {tr.format(T::SyncSummaryBad, inSync, active, bad), {}, Tone::Bad};
  return {tr.format(T::SyncSummaryGood, inSync, active), {}, inSync > 0 ? Tone::Good : Tone::Quiet};
}

std::string scopeName(const RecordId& org, const OrgNamer& orgName, const Tr& tr) {
  return org.isZero() ? std::string(tr(T::ScopeWholeTree)) : orgName(org);
}

const char* roleName(CertificateRole role, const Tr& tr) {
  return tr(role == CertificateRole::Capture ? T::RoleCapture : T::RoleOffice);
}

ScopeLine describeScope(const ScopeInfo& info, const OrgNamer& orgName, const Tr& tr) {
  if (!info.inDeployment) return {tr(T::ScopeNone), Tone::Quiet};
  if (!info.grant) return {tr.format(T::ScopeProblem, tr.message(info.problem)), Tone::Bad};
  const ValidGrant& g = *info.grant;
  const std::string until = dateOf(g.held.certificate.expiresMs);
  if (g.isRoot) return {tr.format(T::ScopeRoot, until), Tone::Good};
  return {tr.format(T::ScopeGrant, scopeName(g.scope.org, orgName, tr),
                    roleWithDelegation(g.scope.role, g.held.certificate.mayDelegate, tr), until),
          Tone::Good};
}

bool grantsCertificates(const ScopeInfo& info) {
  return info.isRoot || (info.grant && (info.grant->isRoot || info.grant->held.certificate.mayDelegate));
}

HeldCertificateRow describeHeld(const HeldCertificate& held, std::string_view problem, const OrgNamer& orgName,
                                const Tr& tr) {
  const Certificate& c = held.certificate;
  // 16 hex digits tell keys apart on screen (what `unionsync scope` prints too).
  return {held.name.empty() ? hexOfKey(c.subjectSigningKey).substr(0, 16) : held.name,
          roleWithDelegation(c.role, c.mayDelegate, tr),
          scopeName(c.scope, orgName, tr),
          dateOf(c.expiresMs),
          problem.empty() ? std::string(tr(T::CertificateValid)) : tr.message(problem),
          problem.empty()};
}

}  // namespace unionsync::gui

#include "gui/sync_model.h"

#include "gui/field_history.h"

namespace unionsync::gui {

namespace {

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
    line.verified = tr(T::PeerNotVerified);
  }
  if (p.refusedChanges > 0) line.refusals = tr.format(T::PeerRefusedChanges, p.refusedChanges, tr.message(p.lastRefusal));
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

}  // namespace unionsync::gui

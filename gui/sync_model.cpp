#include "gui/sync_model.h"

#include "gui/field_history.h"

namespace unionsync::gui {

namespace {

PeerLine describeState(const PeerStatus& p, const Tr& tr) {
  const std::string error = tr.message(p.lastError);
  if (p.state == "live" && p.caughtUp && p.pendingEstimate == 0) return {tr(T::PeerInSync), tr.format(T::PeerLastSync, formatTime(p.lastSyncMs)), Tone::Good};
  if (p.state == "live" || p.state == "catching-up") {
    if (p.pendingEstimate > 0) return {tr.format(T::PeerSyncingN, p.pendingEstimate), {}, Tone::Busy};
    return {tr(T::PeerSyncing), {}, Tone::Busy};
  }
  if (p.state == "connecting" || p.state == "handshake") return {tr(T::PeerConnecting), {}, Tone::Busy};
  if (p.state == "backoff" || p.state == "error") {
    const std::string since = p.lastContactMs > 0 ? tr.format(T::PeerUnreachableSince, formatTime(p.lastContactMs))
                                                  : std::string(tr(T::PeerUnreachable));
    return {since, error, Tone::Bad};
  }
  if (p.state == "refused") return {tr(T::PeerRefused), error.empty() ? tr(T::PeerRefusedHint) : error, Tone::Bad};
  if (p.state == "different-deployment") return {tr(T::PeerDifferentDeployment), tr(T::PeerDifferentDeploymentHint), Tone::Bad};
  if (p.state == "revoked") return {tr(T::PeerRevoked), {}, Tone::Quiet};
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
  } else if (p.state != "revoked") {
    line.verified = tr(T::PeerNotVerified);
  }
  if (p.refusedChanges > 0) line.refusals = tr.format(T::PeerRefusedChanges, p.refusedChanges, tr.message(p.lastRefusal));
  return line;
}

PeerLine summarizeSync(const SyncStatus& status, const Tr& tr) {
  int inSync = 0, busy = 0, bad = 0, active = 0;
  for (const PeerStatus& p : status.peers) {
    if (p.state == "revoked") continue;
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

// Sync engine status (sync/engine.h snapshots) as the Sync view and the status bar say it:
// one state line per peer in the cadre's words — connected, syncing N changes, in sync,
// unreachable since ..., refused: reason.
#pragma once

#include <string>

#include "gui/i18n.h"
#include "app/sync/sync_types.h"

namespace unionsync::gui {

enum class Tone { Good, Busy, Bad, Quiet };

struct PeerLine {
  std::string state;   // short, translated
  std::string detail;  // last error or what to do; may be empty
  Tone tone = Tone::Quiet;
  // The in-sync badge: when a fingerprint check last found both computers' data equal.
  std::string verified;
  Tone verifiedTone = Tone::Quiet;
  std::string refusals;  // changes from this peer that were refused, with the latest reason
};

PeerLine describePeer(const PeerStatus& peer, const Tr& tr);

// One line for the status bar: how many peers are in sync, syncing or unreachable.
PeerLine summarizeSync(const SyncStatus& status, const Tr& tr);

}  // namespace unionsync::gui

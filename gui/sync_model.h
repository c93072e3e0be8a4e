// Sync engine status (sync/engine.h snapshots) as the Sync view and the status bar say it:
// one state line per peer in the cadre's words — connected, syncing N changes, in sync,
// unreachable since ..., refused: reason. And the federation (docs/SYNC.md "Federation"):
// this node's place in its deployment, each peer's certificate, the certificates held.
#pragma once

#include <functional>
#include <string>

#include "gui/i18n.h"
#include "app/federation/federation.h"
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
  std::string refusals;       // how many changes from this peer were refused
  std::string refusalReason;  // when the latest was refused and why
  // How it was admitted: by a certificate of this deployment, or paired by hand.
  std::string admission;
  Tone admissionTone = Tone::Quiet;
  std::string certificate;  // its certificate in the UI language; "" without
};

PeerLine describePeer(const PeerStatus& peer, const Tr& tr);

// One line for the status bar: how many peers are in sync, syncing or unreachable.
PeerLine summarizeSync(const SyncStatus& status, const Tr& tr);

// An organization's name by id (the view reads the store; tests pass a map).
using OrgNamer = std::function<std::string(const RecordId&)>;

// "全部组织" for the zero scope, else the organization's name.
std::string scopeName(const RecordId& org, const OrgNamer& orgName, const Tr& tr);
const char* roleName(CertificateRole role, const Tr& tr);

// This node's place in its deployment: in none, the root, a scope with role and expiry, or
// (Tone::Bad) why it holds no valid certificate.
struct ScopeLine {
  std::string text;
  Tone tone = Tone::Quiet;
};
ScopeLine describeScope(const ScopeInfo& info, const OrgNamer& orgName, const Tr& tr);

// Whether this node certifies others (the root, or an office that may delegate): the list
// of certificates held is theirs to check, so it opens unfolded there.
bool grantsCertificates(const ScopeInfo& info);

// One certificate this node holds (Federation::certificates), as a table row.
struct HeldCertificateRow {
  std::string name;  // the name given at grant, else the start of the subject's key
  std::string role;  // with "may delegate"
  std::string scope;
  std::string expires;
  std::string validity;  // "有效" or why not
  bool valid = false;
};
HeldCertificateRow describeHeld(const HeldCertificate& held, std::string_view problem, const OrgNamer& orgName,
                                const Tr& tr);

}  // namespace unionsync::gui

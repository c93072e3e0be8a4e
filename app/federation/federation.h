// The federation part of the facade (DESIGN.md "Federation", docs/SYNC.md): this node's
// place in its deployment, granting and revoking certificates, and the rules the sync engine
// and the store apply with them. Owned by Node (Node::federation()).
//
// Contract:
// - A node is in no deployment until it grants a certificate (it becomes the root: its own
//   signing key is recorded in <data>/sync/root.pub and it certifies itself for the whole
//   tree) or receives a certificate of its own key whose chain leads to a root (it adopts
//   that root; only peers paired by hand can send to a node in no deployment).
// - Outside a deployment nothing is restricted. Inside, local writes (every path: forms,
//   imports, the CLI) must fall in this node's scope (scope_rules.h), and a node whose
//   certificate was revoked or expired writes nothing.
// - The state is a snapshot reloaded after every commit (the change feed) and when read
//   after a minute (expiry); every method may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/changes.h"
#include "app/federation/federation_state.h"
#include "store/clock.h"
#include "store/store.h"
#include "sync/peer_rules.h"

namespace unionsync {

// What a node is in its deployment, as `scope` shows it.
struct ScopeInfo {
  bool inDeployment = false;
  bool isRoot = false;
  std::optional<ValidGrant> grant;  // this node's valid certificate
  std::string problem;              // in a deployment without a valid certificate: why
  std::string rootKey;              // hex, empty outside a deployment
};

struct GrantRequest {
  std::string nodeCode;  // the grantee's `peer key` node code (node_code.h)
  RecordId scope;        // an organization
  CertificateRole role = CertificateRole::Office;
  bool delegate = false;
  int days = 365;
  std::string name;     // shown for the node (advisory)
  std::string address;  // where it listens (advisory)
};

struct GrantIssued {
  RecordId certificateId;
  Certificate certificate;
  std::string curveKey;  // Z85, for `peer trust`
  bool becameRoot = false;
};

// The shared slot through which the store's local-write check reads this node's rights
// (created before the store, filled by Federation once it runs).
class OwnRights;
std::shared_ptr<OwnRights> makeOwnRights();
LocalWriteCheck makeLocalWriteCheck(std::shared_ptr<OwnRights> rights, Clock& clock);
// The store's signer of local changes (StoreOptions::signLocal): inside a deployment, with a
// valid certificate, each change is signed with <dataDir>/sync/sign.key; else nothing is.
std::function<std::optional<Signature>(const LocalChangeDigest&)> makeChangeSigner(
    std::shared_ptr<OwnRights> rights, std::string dataDir);

class Federation {
 public:
  // `store`, `clock` and `changes` must outlive the federation.
  Federation(Store& store, Clock& clock, std::string dataDir, ChangeFeed& changes, std::shared_ptr<OwnRights> rights);
  ~Federation();
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  // This node's code for `grant` on the issuing node: its CURVE key, signing key and node id.
  Result<std::string> nodeCode() const;
  // Certifies the node of `request.nodeCode` for the subtree of `request.scope`. Becomes the
  // root first when this node is in no deployment. Fails, writing nothing, when this node
  // may not delegate, the scope is not an organization inside its own, a capture role asks
  // to delegate, the days are not 1..3650, or the code is not valid.
  Result<GrantIssued> grant(const GrantRequest& request);
  // Revokes every certificate of the node named by signing key (hex), node code or the
  // name given at grant; only the root or the node that issued it may. Returns the
  // revocation records written.
  Result<std::vector<RecordId>> revokeGrant(std::string_view keyOrName);
  ScopeInfo scope() const;
  // Every certificate held, with its validity now ("" when valid).
  std::vector<std::pair<HeldCertificate, std::string>> certificates() const;

  // The sync engine's view (sync/peer_rules.h); lives as long as the federation.
  std::shared_ptr<FederationPolicy> policy() const { return policy_; }

 private:
  std::shared_ptr<const FederationState> state() const;
  void reload();
  // Records that this node's current origin is its own (sync/certificate.h OriginClaim).
  void writeOriginClaim();

  Store& store_;
  Clock& clock_;
  std::string dataDir_;
  std::shared_ptr<OwnRights> rights_;
  mutable std::mutex mutex_;
  std::shared_ptr<const FederationState> state_;
  mutable std::int64_t loadedMs_ = 0;
  std::shared_ptr<FederationPolicy> policy_;
  ChangeFeed::Subscription reloadOnCommit_;
};

}  // namespace unionsync

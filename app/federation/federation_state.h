// One snapshot of what this node knows of its deployment (federation.h reloads it; the
// engine's rules read it): the certificates checked against the root, and this node's own.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/federation/grant_book.h"

namespace unionsync {

// What the store's local-write check reads: set by Federation on every reload.
class OwnRights {
 public:
  struct Snapshot {
    bool restricted = false;     // in a deployment
    std::optional<Scope> scope;  // empty: no valid certificate, nothing may be written
    std::int64_t expiresMs = 0;
    std::string problem;
  };
  std::shared_ptr<const Snapshot> get() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
  }
  void set(std::shared_ptr<const Snapshot> snapshot) {
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(snapshot);
  }
  // Set when a local write moved a record out of the scope (and at start, not knowing): the
  // next hand-off to a covering peer looks for records to drop (PeerRules::handedOff).
  std::atomic<bool> mayHaveDepartures{true};

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> snapshot_ = std::make_shared<Snapshot>();
};

struct FederationState {
  GrantBook book;
  std::optional<SigningPublicKey> ownKey;  // empty until the node has a signing key
  std::optional<Result<ValidGrant>> own;   // empty outside a deployment
};

}  // namespace unionsync

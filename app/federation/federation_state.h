// One snapshot of what this node knows of its deployment (federation.h reloads it; the
// engine's rules read it): the certificates checked against the root, and this node's own.
#pragma once

#include <optional>

#include "app/federation/grant_book.h"

namespace unionsync {

struct FederationState {
  GrantBook book;
  std::optional<SigningPublicKey> ownKey;  // empty until the node has a signing key
  std::optional<Result<ValidGrant>> own;   // empty outside a deployment
};

}  // namespace unionsync

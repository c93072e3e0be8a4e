// Who answers for a received change (docs/SYNC.md "Signed origins"): the sender that relays
// it, or the origin that wrote it, proven by its signature.
//
// A sender answers for its own writes and, inside its own scope, for the writes of nodes
// whose scope it covers (it could have written them itself): those are judged by the
// sender's rights and need no signature check, so a catch-up from a node above stays as fast
// as without signatures. Every other change must carry a signature of its origin's key (the
// key that claimed the origin, sync/certificate.h OriginClaim) that verifies over the fields
// it carries plus the leafs of those superseded on the way, and is judged by the origin's
// rights. An origin nobody claimed (written before its node joined a deployment), or one
// two unrelated nodes claim (grant_book.h OriginOwner), is the sender's to answer for.
#pragma once

#include <optional>
#include <string>

#include "app/federation/grant_book.h"
#include "app/federation/scope_rules.h"

namespace unionsync {

struct Sender {
  SigningPublicKey key{};
  Scope scope;
  std::string name;
};

// Empty when `change` (turning `before` into `after`) may be stored from `sender`; else why
// not, naming the origin, the sender and the reason ("signature does not verify", "outside
// its scope", "certificate revoked").
std::string receivedChangeRefusal(const GrantBook& book, const Sender& sender, const Change& change,
                                  const std::optional<Record>& before, const Record& after, const RecordLookup& lookup);

// Whether `origin` may be the sender's own (its Hello says so): claimed by its key, or by no one.
bool mayBeOwnOrigin(const GrantBook& book, const SigningPublicKey& senderKey, Origin origin);

}  // namespace unionsync

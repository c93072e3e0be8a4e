// The check of received certificate, revocation and origin claim records (received_check.h calls it for
// those kinds): they prove themselves, so any peer may relay them, but only as issued.
//
// Refused: a field other than the kind's (certificate, name, address / revocation), a
// `deleted` flag (a revocation must never be taken back by deleting it), bytes that do not
// decode or whose signature does not verify with their own issuer key, a record id that is
// not the content id of the bytes (grant_book.h), and name or address written apart from the
// change that carries the certificate (they are the issuer's words, not a relay's).
// Whether the chain leads to this node's root is decided when the certificate is used.
#pragma once

#include <optional>
#include <string>

#include "store/types.h"

namespace unionsync {

// Empty when `change` (of kind Certificate, Revocation or OriginClaim) may be stored; else why not.
std::string federationRecordRefusal(const Change& change);

}  // namespace unionsync

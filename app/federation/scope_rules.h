// Which records a certificate's scope covers, holds and may write (DESIGN.md "Federation").
// Pure functions of a scope, the records and a RecordLookup, so the same rules serve local
// writes (inside the store's write transaction), received changes and what a node sends.
//
// Definitions (docs/SYNC.md "Federation"):
// - A scope is an organization's subtree, or the whole tree (the root, and nodes outside a
//   deployment).
// - A record is *covered* by a scope when it lies in the subtree: an organization itself, any
//   other record by its owner field (KindDef::ownerField). Certificates and revocations are
//   covered by every scope: they prove themselves by their signatures.
// - A node *holds* what its scope covers and the organizations above its scope (the names of
//   its place in the tree). A capture scope holds organizations and activities only: no
//   member's, employer's or membership event's data.
// - A node may *write* a change when the record before it (or, for a new record, after it) is
//   covered: so a union can move a record out of its subtree (a transfer) but never into it
//   from outside; an organization moves only when its old parent is covered too (nobody moves
//   the union its own scope is rooted at). A capture node writes new members and membership events, and activities
//   (check-ins included); nothing else.
#pragma once

#include <optional>
#include <string>

#include "store/store.h"
#include "sync/certificate.h"

namespace unionsync {

struct Scope {
  RecordId org;  // zero: the whole tree
  CertificateRole role = CertificateRole::Office;

  bool wholeTree() const { return org.isZero() && role == CertificateRole::Office; }
};

// Whether organization `org` is `scopeOrg` or lies below it (zero `scopeOrg`: always). Walks
// parents through `lookup`; a cycle or a chain deeper than any real union tree ends the walk
// with false.
bool orgWithin(const RecordLookup& lookup, const RecordId& org, const RecordId& scopeOrg);

// The organization a record belongs to for scoping: itself for an organization, else its
// owner field (empty when not set or not an id).
std::optional<RecordId> scopingOrg(const Record& record);

bool isFederationKind(Kind kind);

bool covers(const Scope& scope, const Record& record, const RecordLookup& lookup);
bool holds(const Scope& scope, const Record& record, const RecordLookup& lookup);
// Whether every record `inner` may hold is covered by `outer` (outer vouches for inner's data).
bool scopeCovers(const Scope& outer, const Scope& inner, const RecordLookup& lookup);

// Empty when a node of `scope` may write the record from `before` to `after`; else why not,
// naming `who` (the node) and the record ("中文 / English").
std::string writeRefusal(const Scope& scope, const std::optional<Record>& before, const Record& after,
                         const RecordLookup& lookup, std::string_view who);

}  // namespace unionsync

// The digest of one organization's subtree: what `unionsync digest --org ORG` prints.
//
// Contract: two nodes that hold the same records of ORG's subtree give the same digest, even
// when each holds different records outside it (a node of a partial replication holds only
// its scope, and must still be able to compare that scope with a peer's).
//
// The subtree's records are every organization in ORG's subtree (OrgTree::subtree: ORG
// included, deleted ones included, since tombstones replicate) and every record of another
// union kind (allKinds(): employer, member, membership event, activity) whose owner field
// (KindDef::ownerField) names one of those organizations. A kind without an owner field is
// never part of a subtree. Each record counts with its replicated state, by the per-record
// hash of the sync fingerprints (recordHash in store/range_fingerprint.h: record key, then
// every field's name, value and stamp, as Store::digest() feeds them; seq and base are left
// out there too), so a subtree digest differs only where those say the records differ.
//
// The whole-store digest (Node::digest) hashes other bytes: the two never compare equal by
// accident, even for a subtree that is the whole store.
#pragma once

#include <string>

#include "app/node.h"

namespace unionsync {

// 64 hex digits. Fails, naming the id, when `org` is not an organization this node holds,
// and when the data kept changing while it was read (another process writing throughout).
Result<std::string> subtreeDigest(const Node& node, const RecordId& org);

}  // namespace unionsync

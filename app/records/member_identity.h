// How one person becomes one member across offices that never talked to each other.
//
// A member's record id is derived from the person's normalized ID number with a keyed hash
// (BLAKE2b keyed with the deployment key every node of a deployment shares). Two offices
// registering the same person offline therefore create the *same* record, and the store's
// field-level merge joins their writes into one member; differing fields (a different
// mobile, say) are kept as conflicts for review. The key stops anyone holding exported ids
// from recovering ID numbers by brute force over birth dates and regions.
//
// The ID number is the member's identity: it is not editable with `set`; a wrongly entered
// number is corrected by deleting the member and adding it again.
#pragma once

#include <span>
#include <string_view>

#include "store/types.h"

namespace unionsync {

// `idType` is the schema's id_type value ("" means 居民身份证); `normalized` is the number as
// normalizeValue returns it. `deploymentKey` is 32 bytes.
RecordId memberIdFromIdNumber(std::string_view deploymentKey, std::string_view idType,
                              std::string_view normalized);

// The same idea for kinds with KindDef::keyFields (funds: one record per union and year): the
// id is a hash of the kind and the key fields' stored values, so two offices entering the
// same union's year offline write one record and the merge joins their fields. Unkeyed: the
// values are record ids and years, nothing personal, and the id stays the same when a new
// node adopts its deployment's key. `values` holds the stored value of each key field.
RecordId recordIdFromKey(Kind kind, std::span<const std::string_view> values);

}  // namespace unionsync

// The schema check of changes received from peers (StoreOptions::validateReceived): what a
// peer sends must be what a local write could have stored. A trusted peer is still a
// stranger to the data (DESIGN.md "What a peer may claim").
//
// A change is judged by the fields it writes, whether or not they win the merge, so that
// nodes receiving the same changes in any order accept the same ones:
// - each field is a schema field of the kind, or a system field: `deleted` "0"/"1"; on
//   activities `p:<member id>` holding a check-in time "YYYY-MM-DD HH:MM" or "";
// - each value is in stored form: normalizeValue(field, value) == value (formats, choices,
//   checksums, mobiles, counts within FieldDef::maxCount, lengths within maxLength, dates
//   from 1800 to tomorrow), money as integer fen;
// - members: a change writing id_number derives the record id from it
//   (memberIdFromIdNumber) and does not change a held number; one writing id_type alone
//   keeps the id derivable; birth_date and gender agree with a resident ID number;
// - references are 32 lower-case hex digits; an organization is not its own parent.
// Refused: the verdict's refusal names kind, field and why (Chinese / English) and never
// repeats a whole ID number.
// Parked (verdict.waitFor): a reference to a record not held yet (a checked-in member for a
// non-empty check-in), and a member change that writes no id_number to a member not held
// yet (its checks need the number, which the creating change carries). The store applies
// parked changes when that record arrives.
// Not refused: cycles through several organizations (two concurrent valid moves can form
// one; OrgTree breaks them deterministically), required fields missing from a new record
// (its fields may arrive in several changes).
// "Tomorrow" comes from `clock`: a date valid on one node becomes valid on a node whose
// clock is behind within a day, and stamps far ahead are refused by the store itself.
#pragma once

#include <functional>
#include <string>

#include "store/clock.h"
#include "store/store.h"

namespace unionsync {

// Returns the deployment key (32 bytes, see member_identity.h); called inside the store's
// write transaction, so it must not start a write itself. Empty means not known yet: member
// changes are then refused.
using DeploymentKeySource = std::function<std::string()>;

// The validator for StoreOptions::validateReceived. It reads nothing but its arguments, the
// key source and the clock (records only through the `lookup` the store hands it), so it is
// safe inside the write transaction. `clock` must outlive the returned function.
ReceivedValidator makeReceivedValidator(DeploymentKeySource deploymentKey, Clock& clock);

}  // namespace unionsync

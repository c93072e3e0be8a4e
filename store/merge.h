// The merge rule of the replicated state, as a pure function over value types: no LMDB, no
// clock, no I/O. Store::apply and Store::write both go through it, and the law tests
// (tests/store/merge_laws_test.cpp) check it on its own.
//
// The rule per field (DESIGN.md "Records and merging"): the greater stamp wins; stamps never
// tie between distinct writes because the origin breaks HLC ties. When the winner's base is
// older than the loser's stamp and their values differ, the winner's writer had not seen the
// loser (every node holds the greatest stamp it has seen, so a writer that had seen it would
// have a base at least that great): the pair is a conflict, kept for review.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/types.h"

namespace unionsync {

// What merging one incoming field write into one held field did.
enum class FieldOutcome : std::uint8_t {
  Duplicate,  // the held field already carries this stamp: nothing changes
  Won,        // the incoming write becomes the field's state
  Lost,       // the held state has the greater stamp and stays
};

// The result of mergeField: the outcome and, when the two writes were concurrent and their
// values differ, which value won and which lost (the loser is kept for review).
struct FieldMerge {
  FieldOutcome outcome = FieldOutcome::Duplicate;
  // Set only when the pair is a conflict: winner and loser as (value, stamp).
  struct Pair {
    std::string winnerValue;
    Stamp winner;
    std::string loserValue;
    Stamp loser;
  };
  std::optional<Pair> conflict;
};

// Merges `incoming` (value, stamp, seq and base of one field write) into `current` (the held
// state of that field, or nullptr when it was never written). Pure: the caller stores
// `incoming` as the field's state exactly when the outcome is Won.
FieldMerge mergeField(const FieldState* current, const FieldState& incoming);

// The outcome of merging one change into a record, before anything is written.
struct RecordMerge {
  Record after;  // the record with every winning field write in place
  // (origin, seq) of the held field writes that were overwritten: their change-index entry
  // goes unless another field of `after` still carries it.
  std::set<std::pair<Origin, std::uint64_t>> displaced;
  std::vector<Conflict> conflicts;  // in the change's field order
  bool won = false;                 // at least one field write won
  std::size_t fieldsWon = 0, fieldsLost = 0, duplicates = 0;
};

// Merges every field write of `change` into `before` (absent: the record is new) with
// mergeField. A change naming one field twice merges the writes in order. Pure.
RecordMerge mergeChange(const std::optional<Record>& before, const Change& change);

// A local write of `value` to a field held as `current` (nullptr: never written), with this
// node's fresh `stamp` and `seq`: the new field state, whose base is the stamp it replaces
// (the writer has seen the value it overwrites, so it never conflicts with it). The local
// clock reads past every stamp it has taken in, so this is mergeField's Won case; it is kept
// apart because a local write replaces the field even when a clock stepped back has left the
// held stamp ahead of `stamp`.
FieldState localFieldWrite(const FieldState* current, std::string value, Stamp stamp, std::uint64_t seq);

}  // namespace unionsync

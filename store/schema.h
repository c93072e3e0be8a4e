// The record kinds and their fields, declared once. The store's indexes, validation, the
// CLI, CSV import/export and the GUI forms all read these tables, so adding a field is one
// line in schema.cpp.
//
// Every value is a UTF-8 string in a normalized form chosen by the field's type (dates
// YYYY-MM-DD, booleans "1"/"0", money integer fen, references 32-hex record ids).
#pragma once

#include <span>
#include <utility>
#include <string>
#include <string_view>

#include "store/types.h"

namespace unionsync {

enum class FieldType {
  Text,
  Date,
  Count,            // non-negative integer
  Money,            // integer fen; entered and shown in yuan
  Bool,             // "1" / "0"; entered as 是/否, 1/0, Y/N
  Choice,           // one of `choices`
  IdNumber,         // GB 11643 resident ID number, normalized
  CreditCode,       // GB 32100 unified social credit code
  UnionCreditCode,  // GB 32100, starting with 81
  Mobile,
  Ref,              // id of a record of kind `refKind`
};

struct FieldDef {
  std::string_view name;  // stable: stored, replicated and used as CSV header
  FieldType type;
  std::string_view zh;    // label shown in Chinese
  std::string_view en;
  bool required = false;
  std::span<const std::string_view> choices = {};
  // Other ways forms write a choice (男性 for 男), read as that choice.
  std::span<const std::pair<std::string_view, std::string_view>> choiceAliases = {};
  Kind refKind = Kind::Organization;
  // Other header names offices use for this column in their spreadsheets.
  std::span<const std::string_view> aliases = {};
  bool indexed = false;   // exact and prefix lookups (search)
  std::size_t maxLength = 200;  // in bytes of UTF-8
  // Count fields: the largest value a union office can have. Bounded so that a sum over
  // 10^7 records still fits in int64 (statistics counters sum these).
  std::int64_t maxCount = 10'000'000;
  // Personal information beyond ID numbers and mobiles (income, health, housing: PIPL), which
  // exports flag. ID numbers and mobiles are personal by their type.
  bool personal = false;
};

struct KindDef {
  Kind kind;
  std::string_view zh;
  std::string_view en;
  std::span<const FieldDef> fields;
  std::string_view ownerField;  // the organization the record belongs to (an org's parent)
  std::string_view titleField;  // what names the record in lists
  // The text listing's columns (after the id).
  std::span<const std::string_view> listColumns = {};
  // The field whose year places the record in a year (`list --year`, yearly figures): a Date
  // or, for per-year records, a Count holding the year. Empty when the kind has none.
  std::string_view dateField = {};
  // When set, the record id derives from these fields' stored values (recordIdFromKey in
  // app/records/member_identity.h), so two offices entering the same thing offline write one
  // record; the fields cannot be changed afterwards.
  std::span<const std::string_view> keyFields = {};
};

// Every record kind also has these system fields, not listed in KindDef::fields:
constexpr std::string_view kDeletedField = "deleted";       // "1" when tombstoned
// The organization (32 hex digits) a record left with its last move, written in the move's
// change: nodes that held the record there learn of the move (docs/SYNC.md "Transfers").
constexpr std::string_view kMovedFromField = "moved_from";
// Activity participants are per-element fields "p:<member id hex>" holding the check-in time
// (YYYY-MM-DD HH:MM) or "" when removed.
constexpr std::string_view kParticipantPrefix = "p:";

// The union's record kinds (what the CLI, the GUI, imports and statistics show).
std::span<const KindDef> allKinds();
// The system kinds that replicate like records but are not the union's (federation
// certificates and revocations; their owner field is empty).
std::span<const KindDef> systemKinds();
const KindDef& kindDef(Kind kind);
// Empty when the kind has no such field.
const FieldDef* findField(Kind kind, std::string_view name);
// Matches a spreadsheet header against field names, Chinese labels and aliases (trimmed,
// case-insensitive for ASCII). Empty when nothing matches.
// `s` without leading and trailing ASCII whitespace and full-width spaces (U+3000), which
// Chinese input methods and copied cells leave.
std::string_view trimSpaces(std::string_view s);
const FieldDef* fieldForHeader(Kind kind, std::string_view header);
// For a header or field name that matched nothing: the fields whose name, label or an alias
// contains it or is contained in it (ASCII case-insensitive), in schema order; may be empty.
std::vector<const FieldDef*> fieldsResembling(Kind kind, std::string_view typed);

// Checks and normalizes one value for storage. An empty value is accepted (returns "") unless
// the field is required; reference existence is checked by the caller, which knows the data.
// `today` (YYYY-MM-DD) bounds dates. Messages name the field's Chinese label.
Result<std::string> normalizeValue(const FieldDef& field, std::string_view value,
                                   std::string_view today);

// A stored value as a person reads it (money in yuan, booleans as 是/否); `english` picks
// the language for booleans.
std::string displayValue(const FieldDef& field, std::string_view stored, bool english = false);

}  // namespace unionsync

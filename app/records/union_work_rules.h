// The rules of the union work records (issue 10: hardship files, assistance, rights cases,
// collective contracts, workers' congresses, funds), one function per kind in
// union_work_rules.cpp, for every path that writes them through the facade (Node::validate:
// forms, the CLI, imports; Node::restore).
//
// - Hardship file: one active (在档) file per member; a new file belongs to the member's union
//   and is 在档, filed today, unless told otherwise; closed_date is not before filed_date.
//   The per-capita monthly income is derived when shown (derivedFields), never stored: two
//   offices may change the income and the household size concurrently, and a stored quotient
//   would then agree with neither.
// - Assistance: granted by the member's union unless `org` says another.
// - Rights case: a closed case (closed_date set) has a result; closed_date not before
//   accepted_date.
// - Funds: the year is a real one; `due` follows payroll × FundsRates::due and the retained and
//   remitted shares follow paid × FundsRates::retained (remitted takes the rest, so the two sum
//   to paid exactly) — while the value held is the one the rate gave (or none), so a value
//   an office entered by hand is never overwritten.
// Amounts are never negative: the schema's money parser refuses a sign.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node.h"

namespace unionsync {

// The rates of union funds (DOMAIN.md: "percentages are settings, not constants"): the
// defaults of the law and the ACFTU's rules, unless a union sets its own.
struct FundsRates {
  int dueBasisPoints = 200;  // 经费 due: 2% of the payroll
  int retainedPercent = 60;  // share of what was paid that the union keeps; the rest goes up
};
inline constexpr FundsRates kDefaultFundsRates{};

// The rates for a funds record of the union `orgHex`: each one from the nearest union up the
// tree that sets it (organization fields funds_due_pct, funds_retained_pct), else the default.
FundsRates fundsRatesFor(const Node& node, std::string_view orgHex);

// Years a funds record may be for.
inline constexpr int kFirstFundsYear = 1950;

// Applies the kind's rules to `values` (normalized values about to be written to the record
// `id`, which is held as `held` unless it is being created): fills derived defaults in and
// returns one error per broken rule, in "中文 / English". Kinds without rules return none.
std::vector<FieldError> applyRecordRules(const Node& node, Kind kind, FieldValues& values,
                                         const std::optional<Record>& held, const std::optional<RecordId>& id);

// A value shown with a record but derived from its fields, never stored.
struct DerivedField {
  std::string name;  // stable, for --json
  std::string zh;
  std::string en;
  std::string value;  // as a person reads it (yuan for money)
};
std::vector<DerivedField> derivedFields(const Record& record);

// A funds default: `fen` × basis points / 10000, rounded half up.
std::int64_t fenShare(std::int64_t fen, std::int64_t parts, std::int64_t whole);

}  // namespace unionsync

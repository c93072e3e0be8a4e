// The consistency rules of a member record, in one place for every path that writes members
// (Node::validate for forms, the CLI and sync edits; the CSV importer for rosters).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/node.h"
#include "store/validation.h"

namespace unionsync {

// Whether a member's ID document is the resident ID card (GB 11643, with a checksum and the
// birth date and gender inside the number). A blank type means the resident ID card.
bool isResidentIdType(std::string_view idType);

// An ID number of another document than the resident ID card (passport, Hong Kong/Macao
// permit ...): no checksum to test, so it is kept as typed without spaces. Fails, naming the
// field by its Chinese label, when nothing is left.
Result<std::string> normalizeOtherIdNumber(const FieldDef& field, std::string_view raw);

// A resident ID number fixes the birth date and gender. Sets `values`' birth_date and gender
// to what `info` says, and returns one error per field `values` gave with another value
// (field "birth_date" or "gender", message naming the value expected). Blank given values are
// filled without error.
std::vector<FieldError> applyIdNumberFacts(const IdNumberInfo& info, FieldValues& values);

}  // namespace unionsync

// Numbers a spreadsheet kept as numbers, and so cut: Excel holds 15 significant digits, so an
// 18-digit ID number typed into a General cell ends in zeros, and a CSV saved from a narrow
// column holds what the cell showed ("1.10105E+17", "1.38E+10"). The digits are gone; the
// row is rejected saying how to keep them next time.
#pragma once

#include <string>
#include <string_view>

#include "store/schema.h"

namespace unionsync {

// What to tell the person when `field`'s value was stored as a number and lost digits
// (bilingual; of ID numbers for ID number fields and member references).
std::string lostDigitsProblem(const FieldDef& field);

// For a CSV cell: what to tell the person when `text` is in Excel's scientific notation
// ("1.10105E+17") in a field of numbers kept as text (ID numbers, mobiles, credit codes,
// member references); else empty. `field` may be null (a column not imported).
std::string scientificNotationProblem(std::string_view text, const FieldDef* field);

}  // namespace unionsync

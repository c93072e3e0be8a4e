// How a cell of an XLSX sheet (xlsx_reader.h) reads as the text an import takes: the text the
// same value would have in a CSV file, as Excel shows it, so both formats import alike.
//
// - Text cells are their text, unchanged: a cell "=1+1" or "'abc" is that text (the XLSX
//   export writes such values as text cells and adds nothing, so nothing is stripped here).
// - Numbers are written as Excel shows them, never "13800138000.0" nor "1.38E+10": whole
//   numbers below 10^15 as their digits, others with Excel's 15 significant digits
//   ("3000.5", "1.10105199001011E+17").
// - A number shown as a date (its cell format is a date format) becomes YYYY-MM-DD, except in
//   a money or count field; in a date field a plain number is read as a date serial too (the
//   cell lost its date format). Serials follow Excel: 1 is 1900-01-01, its fictitious
//   1900-02-29 is kept (and refused by the date check), 1904-based workbooks are shifted.
// - A whole number of 10^15 or more in a field that is not money or a count lost digits: Excel
//   keeps 15 significant digits, so an 18-digit ID number typed as a number ends in zeros.
//   Such a cell is a problem (the row is rejected saying to format the column as text and
//   type the numbers again; for ID numbers and member references, saying it of ID numbers),
//   as is an error value (#N/A ...).
// - Booleans are 是/否 in a yes/no field and TRUE/FALSE (as Excel shows them) elsewhere.
#pragma once

#include <string>

#include "app/io/xlsx_reader.h"
#include "store/schema.h"

namespace unionsync {

struct SheetCellText {
  std::string text;
  std::string problem;  // why a row cannot be imported with this cell (bilingual), or empty
};

// The text of `cell` for `field` (nullptr: a header, title or ignored cell, read as Excel shows
// it with no problem), in a workbook counting dates from 1904 when `date1904`.
SheetCellText xlsxCellText(const XlsxCell& cell, const FieldDef* field, bool date1904);

}  // namespace unionsync

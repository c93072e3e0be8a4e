// Reading the cells of a sheet of an XLSX workbook (what Excel and WPS save), with libzip for
// the ZIP container and expat for the XML parts (xlsx_package.h). Generic: it knows sheets,
// rows and typed cells, nothing of records (import_file.h turns cells into the text an import
// reads).
//
// Contract:
// - XlsxWorkbook::open reads the workbook's sheet list, its shared strings, its cell styles
//   (which number formats are dates) and whether it counts dates from 1904. A sheet is then
//   read row by row (XlsxSheetReader), streaming: memory holds the shared strings and one
//   row, whatever the size of the sheet.
// - Cells come as Excel stores them: text (shared, inline or a formula's text result),
//   numbers as the digits written in the file (with whether their format shows a date),
//   booleans and error values (#N/A ...). A formula cell gives its last computed value.
//   Empty cells and rows without cells are left out. Row and column numbers are Excel's
//   (row 1 is the first row), so messages can name the row a cadre sees.
// - Text is decoded from OOXML's escapes (_x000D_ is a CR, _x005F_ an underscore); phonetic
//   guides (rPh) are not part of a cell's text.
// - Hostile or damaged files fail with a bilingual message naming the file and what is wrong,
//   never a crash or unbounded memory: a file that is not a ZIP (an old .xls is named as such:
//   save it as .xlsx or CSV), a truncated or damaged ZIP (CRC error), a part larger than
//   XlsxLimits::maxPartBytes uncompressed (a zip bomb; the declared size and the bytes
//   actually inflated are both checked), a missing workbook or sheet part, XML that is not
//   well-formed or declares a DTD (entity expansion), a sheet name that does not exist (the
//   names there are are listed), a cell referring to a shared string that does not exist (or
//   to shared strings when the file has none), rows or cells out of order or repeated, and
//   cell references past Excel's last row (1048576) or column (XFD).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

struct XlsxCell {
  enum class Type { Text, Number, Boolean, Error } type = Type::Text;
  std::uint32_t column = 0;  // 0 is column A
  // Text: the text; Number: the number as written in the file ("13800138000",
  // "1.10105199001011E+17"); Boolean: "0" or "1"; Error: "#N/A", "#DIV/0!" ...
  std::string text;
  bool dateFormat = false;  // Number: its cell format shows a date (or a time)
};

struct XlsxRow {
  std::uint32_t number = 0;    // Excel's row number, 1 for the first row
  std::vector<XlsxCell> cells;  // in column order; empty cells left out
};

struct XlsxLimits {
  // The largest uncompressed size of one part of the file. Real workbooks stay far below: a
  // sheet of Excel's 1,048,576 rows of a roster is about 300 MiB.
  std::uint64_t maxPartBytes = std::uint64_t{512} << 20;
};

class XlsxSheetReader;

// An open workbook. Not copyable; movable. The sheet readers it opens must not outlive it.
class XlsxWorkbook {
 public:
  // Fails (see the contract) when the file is not an XLSX workbook or its workbook, shared
  // strings or styles parts are damaged.
  static Result<XlsxWorkbook> open(const std::string& path, const XlsxLimits& limits = {});
  XlsxWorkbook(XlsxWorkbook&&) noexcept;
  XlsxWorkbook& operator=(XlsxWorkbook&&) noexcept;
  ~XlsxWorkbook();

  // The sheets' names, in the order of their tabs.
  const std::vector<std::string>& sheetNames() const;
  // True when the workbook counts dates from 1904-01-01 (old Mac Excel), not 1900.
  bool date1904() const;
  const std::string& path() const;

  // Starts reading the sheet named `name` (exactly), or the first sheet when `name` is empty.
  // Fails when there is no such sheet (listing the names) or its part is missing.
  Result<XlsxSheetReader> sheet(std::string_view name) const;

 private:
  friend class XlsxSheetReader;
  struct Impl;
  explicit XlsxWorkbook(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The rows of one sheet, read in order. Not copyable; movable.
class XlsxSheetReader {
 public:
  XlsxSheetReader(XlsxSheetReader&&) noexcept;
  XlsxSheetReader& operator=(XlsxSheetReader&&) noexcept;
  ~XlsxSheetReader();

  // The next row with at least one cell, or empty at the end of the sheet. Fails (see the
  // contract) naming the sheet and, where it can, the cell; after a failure every call fails.
  Result<std::optional<XlsxRow>> next();
  const std::string& sheetName() const;

 private:
  friend class XlsxWorkbook;
  struct Impl;
  explicit XlsxSheetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Excel's name of a column: 0 is "A", 16383 is "XFD".
std::string xlsxColumnName(std::uint32_t column);

}  // namespace unionsync

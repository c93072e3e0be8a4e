// Writing spreadsheets as XLSX files (what offices open in Excel or WPS), with libxlsxwriter.
//
// Generic: it knows sheets, headers and typed cells, nothing of records. Used by `export
// KIND --out FILE.xlsx` (xlsx_export.h) and by reports.
//
// Contract:
// - Every sheet has a bold header row, frozen, with an autofilter over its columns; column
//   widths fit the longest cell (CJK characters count double), between 6 and 60 characters.
// - Numbers are real numbers that Excel sums: Integer as a whole number (format "0"), Fen as
//   yuan (fen / 100, format "0.00"; exact to the fen up to 2^53 fen), Fraction as a
//   percentage (0.25 → 25.0%, format "0.0%"). Date cells are real dates (format
//   "yyyy-mm-dd"), so they sort and filter as dates. Text is written as text, never read as
//   a number or a formula: a cell "=1+1" is a string cell, which Excel and WPS show as text
//   and never evaluate. Nothing is added to it (unlike CSV's "'", csv.h), so the XLSX import
//   reads back exactly the text written. Empty cells are left out.
// - The file is written under a temporary name next to `path` and renamed into place by
//   close(): a failed or abandoned write leaves no file, and an existing file is replaced
//   whole. `ownerOnly` files (personal information) are mode 0600 throughout, other 0644
//   (less the umask).
// - Memory stays flat whatever the number of rows: rows go to a temporary file as they are
//   added (libxlsxwriter's constant-memory mode; strings are written inline in each sheet,
//   so the file has no sharedStrings.xml).
// - Failures are return values with a bilingual message naming the file (and the sheet, row
//   and column where one is at fault); nothing throws. What fails: the file cannot be
//   created or written (missing directory, no permission, disk full), a sheet name Excel
//   refuses (empty, over 31 characters, one of []:*?/\, starting or ending with ', or used
//   twice ignoring case), more than 1,048,575 data rows or 16,384 columns in a sheet, text
//   that is not UTF-8 (or holds NUL) or is longer than Excel's 32,767 characters per cell, a workbook
//   without sheets, and any call after a failure or after close().
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

// A cell of a sheet: text, a whole number, money in fen (written as yuan, number format
// "0.00"), a fraction (format "0.0%"), or a date.
struct SheetCell {
  enum class Type { Empty, Text, Integer, Fen, Fraction, Date } type = Type::Empty;
  std::string text;         // Text; Date: "YYYY-MM-DD"
  std::int64_t number = 0;  // Integer; Fen: the amount in fen
  double fraction = 0;      // Fraction: 1.0 is 100%

  static SheetCell empty() { return {}; }
  static SheetCell ofText(std::string text) { return {Type::Text, std::move(text)}; }
  static SheetCell ofInteger(std::int64_t n) { return {Type::Integer, {}, n}; }
  static SheetCell ofFen(std::int64_t fen) { return {Type::Fen, {}, fen}; }
  static SheetCell ofFraction(double f) { return {Type::Fraction, {}, 0, f}; }
  // A "YYYY-MM-DD" date; any other text (a partial date, a typo) becomes a Text cell, so no
  // value is lost or turned into a wrong date.
  static SheetCell ofDate(std::string ymd);
};

struct Sheet {
  std::string name;  // the tab's name (see the contract for what Excel refuses)
  std::vector<std::string> headers;
  std::vector<std::vector<SheetCell>> rows;  // a row may be shorter or longer than headers
};

struct XlsxOptions {
  bool ownerOnly = false;  // personal information: create the file mode 0600
};

// Writes a workbook sheet by sheet, row by row. Not copyable; movable (a moved-from writer
// may only be destroyed or assigned to). One thread at a time.
//
//   auto book = XlsxWriter::create(path);
//   if (!book) return error;  book->addSheet("会员", headers);  book->addRow(cells) ...;
//   return book->close();
class XlsxWriter {
 public:
  // Opens the temporary file. Fails when it cannot be created (the message names `path`).
  static Result<XlsxWriter> create(const std::string& path, const XlsxOptions& options = {});
  XlsxWriter(XlsxWriter&&) noexcept;
  XlsxWriter& operator=(XlsxWriter&&) noexcept;
  ~XlsxWriter();  // without a successful close(): removes the temporary file

  // Starts a sheet and writes its header row; the rows added next go to it.
  Result<void> addSheet(std::string_view name, std::span<const std::string> headers);
  // Appends a row to the current sheet. Fails when no sheet was started.
  Result<void> addRow(std::span<const SheetCell> cells);
  // Writes the file and renames it into place. Fails when no sheet was added.
  Result<void> close();

 private:
  struct Impl;
  explicit XlsxWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Writes `sheets`, in order, to the XLSX file `path` (the whole contract above).
Result<void> writeXlsx(const std::string& path, const std::vector<Sheet>& sheets, const XlsxOptions& options = {});

// The width of `text` in a monospace font, as Excel sizes columns: East Asian wide and
// fullwidth characters count 2, others 1.
std::size_t cellTextWidth(std::string_view utf8);

}  // namespace unionsync

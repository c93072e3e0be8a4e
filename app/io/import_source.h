// Reading the rows of a file to import, whatever its format: CSV text (UTF-8 or GBK, csv.h,
// text_encoding.h) or a sheet of an XLSX workbook (xlsx_reader.h), both as rows of text.
//
// XLSX cells become the text the same values would have in a CSV file (xlsx_cell_text.h), so
// every rule of the CSV import applies to them alike; a row's line is then Excel's row number,
// which is what the reports and messages name. A file is read as XLSX when it starts as a ZIP
// file or an old .xls does, or is named .xlsx, .xlsm or .xls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/io/csv.h"
#include "app/io/text_encoding.h"
#include "app/io/xlsx_reader.h"

namespace unionsync {

// Reads and decodes the file at `path` (decodeText). Fails with a message naming the file
// when it cannot be read or decoded.
Result<DecodedText> readImportText(const std::string& path, Encoding encoding);

// The extension of `path` in lower case (".xlsx"), or empty.
std::string lowercaseExtension(const std::string& path);

// True when the file at `path` is read as an XLSX workbook (see the top of this file).
bool isXlsxFile(const std::string& path);

// One reason a row is rejected (or noted): the column at fault as headed in the file (empty
// for the whole row).
struct RowProblem {
  std::string column;
  std::string reason;
  // A problem of the cell itself (ImportRows::problems): its column, whose text is then not
  // checked again for the field (it would only repeat the fault); -1 otherwise.
  int cell = -1;
};

// True when `problems` holds one of the cell in `column`.
bool cellFailed(const std::vector<RowProblem>& problems, std::size_t column);

struct ImportColumns;  // import_file.h

// The rows of a file to import, from the first, as CsvRow: fields are the cells' text, line is
// the CSV line or Excel's row number. Blank rows are skipped (CSV: blank lines; XLSX: rows
// whose cells are all blank).
class ImportRows {
 public:
  ImportRows(ImportRows&&) noexcept;
  ImportRows& operator=(ImportRows&&) noexcept;
  ~ImportRows();

  // The next row, or empty at the end. Its fields are valid until the next call. Fails on
  // CSV that is not well-formed and on a damaged XLSX sheet (xlsx_reader.h), naming the line
  // or cell.
  Result<std::optional<CsvRow>> next();
  // XLSX cells of the row next() returned that cannot be imported, named by their column of
  // `columns` (see readAs); always empty for CSV.
  const std::vector<RowProblem>& problems() const;
  // Reads the cells below the header for the fields of `columns` (which must outlive the
  // rows): dates in date fields, digits lost in text fields (xlsxCellText).
  void readAs(const ImportColumns& columns);

 private:
  friend struct ImportSource;
  struct Impl;
  explicit ImportRows(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A file opened to import: CSV text decoded, or an XLSX workbook with the sheet to read.
struct ImportSource {
  std::string path;
  DecodedText text{{}, Encoding::Utf8, false};   // CSV
  std::shared_ptr<const XlsxWorkbook> workbook;  // XLSX
  std::string sheet;                            // XLSX: the sheet's name

  bool xlsx() const { return workbook != nullptr; }
  // "文件 PATH" or "文件 PATH 的工作表“SHEET”", for messages (Chinese).
  std::string where() const;
  // The rows from the first (the file is read again each time). Fails as the workbook's
  // sheet() does.
  Result<ImportRows> rows() const;
};

// Opens the file at `path`: reads and decodes CSV in `encoding` (readImportText), or opens an
// XLSX workbook and its sheet named `sheet`, the first when empty (XlsxWorkbook::open,
// sheet()). Fails with their messages, and when a sheet is named for a CSV file.
Result<ImportSource> openImportSource(const std::string& path, Encoding encoding = Encoding::Auto,
                                      std::string_view sheet = {});

}  // namespace unionsync

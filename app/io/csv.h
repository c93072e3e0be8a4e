// CSV (RFC 4180) over UTF-8 text in memory, as Excel reads and writes it.
//
// Reading: fields are separated by commas; a field may be quoted with '"', and inside quotes
// "" stands for one quote while commas and line breaks are data. Rows end at LF, CRLF or a
// lone CR (old Mac Excel); each of them is one line break for line numbers, inside quotes
// too. The last row may lack a line end. Blank lines (empty or only spaces/tabs) are
// skipped. Spaces and tabs around an unquoted field are trimmed; quoted content is kept
// exactly, and spaces around the quotes are ignored. A '"' inside an unquoted field is an
// ordinary character.
//
// Spreadsheet formulas: a cell that Excel or WPS would run as a formula (it begins with
// = + - @, a CR, or a tab not followed by digits only) is written with a leading "'", which
// spreadsheets read as "this is text". So that every value survives, a value that already
// begins with "'"s followed by such a start is written with one more "'". The reader strips
// exactly one "'" from a cell that is "'" followed by such a guarded text, so writing and
// reading give back every value unchanged. A tab followed by digits only is excelText's
// marker for long digit strings (csv_export.h) and is safe as it is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

struct CsvRow {
  std::size_t line;  // 1-based line of the file where the row starts
  std::vector<std::string_view> fields;
};

class CsvReader {
 public:
  // Does not copy `text`, which must outlive the reader. A leading UTF-8 BOM is skipped.
  explicit CsvReader(std::string_view text);

  // The next row, or empty at the end of the text. The row's fields view into the text, or
  // for quoted fields containing "" into a buffer of the reader, so they are valid only
  // until the next call.
  // Fails, naming the line, on a quote that is never closed (the line where it opened) or on
  // text after a closing quote. After a failure the reader is at the end.
  Result<std::optional<CsvRow>> next();

 private:
  // Where a field unescaped into unescaped_ goes once the row is complete: appending to
  // unescaped_ may move it, so views into it are made only then.
  struct Unescaped {
    std::size_t field;
    std::size_t offset;
    std::size_t size;
  };

  bool skipBlankLine();
  Result<std::string_view> readField(std::size_t index);
  Result<std::string_view> readQuoted(std::size_t index);
  std::string_view readUnquoted();
  bool skipToSeparator();
  std::unexpected<Error> failAt(std::size_t line, const std::string& zh, const std::string& en);

  const char* pos_;
  const char* end_;
  std::size_t line_ = 1;
  std::size_t lastWidth_ = 0;  // fields in the previous row, to size the next one at once
  std::string unescaped_;
  std::vector<Unescaped> pending_;
};

// Appends `field` to `out`: with a leading "'" when a spreadsheet would run it as a formula
// (see above; quoting alone does not stop Excel from evaluating it), and quoted when a reader
// would otherwise change it (comma, quote, CR, LF, leading or trailing space or tab).
void appendCsvField(std::string& out, std::string_view field);

// True when `text` gets the leading "'" of appendCsvField: it begins with zero or more "'"
// and then =, +, -, @, CR, or a tab that is not followed by digits only.
bool needsFormulaGuard(std::string_view text);

// Appends the fields separated by commas and ended by "\r\n", as Excel writes. A row of one
// empty field is written as "" so that it is not read back as a blank line; a row of no
// fields is an empty line, which readers skip.
void appendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace unionsync

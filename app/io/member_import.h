// Importing a member roster from a CSV file, as offices keep them in Excel.
//
// Contract:
// - The file is UTF-8 (with or without BOM) or GBK, detected unless the caller says which;
//   a file mixing the two is refused naming the first line in the other encoding
//   (decodeText). Rows end at LF, CRLF or a lone CR (old Mac Excel).
// - The header row is the first row, or the first of the first ten rows that names both a
//   name and an ID number column (rosters often carry a title row above the header).
//   Headers are matched with fieldForHeader: English field names, Chinese labels and the
//   aliases offices use (身份证号, 手机号码, 单位, 入会时间 ...). Unknown headers are
//   ignored and listed in the report. A second column for the same field (手机 and 手机号码)
//   is read too: a blank cell in one is filled from the other, and a row where both are
//   filled with values that differ after normalizing is rejected, naming both columns.
// - Required columns: 姓名, 证件号码, and 所属工会 unless a default union is given. When
//   one is missing, or the file cannot be decoded or is not well-formed CSV, the import fails
//   before anything is stored. So does a file without data rows below the header: a file
//   with content never imports as "0 rows, success".
// - 所属工会 names a union by its exact name (or its 32-hex id); a name shared by several
//   unions is rejected as ambiguous. A blank 所属工会 cell falls back to the default union.
// - Every row is validated like Node::validate validates a new member (formats, checksums,
//   birth date and gender derived from a resident ID number and checked against the
//   columns that give them). A row that fails is rejected as a whole and listed in the report
//   with its line number, the columns at fault and the reasons; the other rows are imported.
//   Before that, a cell's text must be fit to store: a NUL, bytes that were not UTF-8
//   (U+FFFD), a byte-order mark (files joined together), control characters and line breaks
//   (outside 备注) reject the row, naming the column; so does a 备注 cell holding lines that
//   look like whole rows (a quote left open swallowed them), and a row repeating the header.
// - Cells that begin with "'" before =, +, -, @ (as our exports guard formulas, csv.h) lose
//   that one "'", so an exported file imports back unchanged.
// - A member is identified by its ID number (member_identity.h): a row whose person is
//   already held updates that member instead of creating a second one. A blank cell leaves
//   the stored value alone (rosters from different offices fill different columns); clear a
//   field with `member set`. New members (and deleted ones imported again) get status 正常
//   unless the row says otherwise.
// - Two rows for the same person in one file: the later row wins field by field; the person
//   counts once (as created, updated or unchanged by the first row) and every later row
//   counts as a duplicate and is named in the report, so nothing is merged silently.
// - Rows are stored in chunks, one write transaction each. If storing fails or the import is
//   cancelled, the rows of the chunks already written stay stored and the report says
//   exactly which lines (`storedThroughLine`) and how many; nothing is half-written.
// - The report file is always written (UTF-8 with BOM, so Excel opens it), mode 0600 as it
//   holds ID numbers (also when a file of that name existed before): columns
//   行号/line, 列/column, 原因/reason, then the original row under its original headers, so
//   a cadre can fix the rows in the report and import the report itself.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "app/io/text_encoding.h"

namespace unionsync {

struct ImportProgress {
  std::size_t rowsDone = 0;   // data rows processed so far (stored or rejected)
  std::size_t rowsTotal = 0;  // data rows in the file
};

struct ImportOptions {
  Encoding encoding = Encoding::Auto;
  // The union of rows with a blank 所属工会 cell, and of every row when there is no such
  // column.
  std::optional<RecordId> defaultOrg;
  // Where the report goes; empty: next to the input, "<input>.rejected.csv".
  std::string reportPath;
  // Rows per write transaction. LMDB rewrites every page a transaction touches, and member
  // ids are spread over the whole key space, so bigger transactions write far fewer bytes
  // per row (docs/BENCHMARKS.md); two chunks are held in memory at a time.
  std::size_t chunkRows = 100000;
  // Called after each stored chunk (may be empty).
  std::function<void(const ImportProgress&)> progress;
  // When set to true (from any thread) the import stops before the next chunk is stored.
  const std::atomic<bool>* cancel = nullptr;
};

// How one column of the file was read.
struct ColumnMapping {
  std::string header;  // as written in the file
  std::string field;   // schema field name, or empty when the column is ignored
  std::string note;    // why it is ignored (unknown header, second column for a field)
};

struct ImportReport {
  // rows == created + updated + unchanged + duplicates + rejected for the rows processed.
  std::size_t rows = 0;        // data rows processed (all of them unless stopped early)
  std::size_t created = 0;     // members that did not exist (or were deleted) before
  std::size_t updated = 0;     // members whose stored fields changed
  std::size_t unchanged = 0;   // members already held with the same values
  std::size_t duplicates = 0;  // later rows for a person already seen in this file
  std::size_t rejected = 0;    // rows not imported (see the report file)
  Encoding detectedEncoding = Encoding::Utf8;
  // Byte sequences of a UTF-8 file that were not UTF-8, and the first line holding one: the
  // rows whose cells hold them are rejected (a damaged byte in other columns is ignored).
  std::size_t damagedBytes = 0;
  std::size_t firstDamagedLine = 0;
  std::size_t headerLine = 1;
  std::vector<ColumnMapping> headerMapping;  // every column, in file order
  std::string reportPath;
  // Rows stored end at this line of the file (0 when none was stored); every processed row
  // up to it is either stored or listed in the report.
  std::size_t storedThroughLine = 0;
  bool cancelled = false;
  // Set when storing failed part way: the chunks before it are stored, the rest is not.
  std::optional<std::string> failure;

  bool complete() const { return !cancelled && !failure; }
  std::vector<std::string> ignoredHeaders() const;
};

// Imports the member roster in the file at `path` into `node`. Fails, storing nothing, when
// the file cannot be read or decoded, is not well-formed CSV, lacks a required column, or
// the report file cannot be written; otherwise returns what happened (see ImportReport).
Result<ImportReport> importMembers(Node& node, const std::string& path, const ImportOptions& options = {});

// The report path used when ImportOptions::reportPath is empty.
std::string defaultReportPath(const std::string& inputPath);

}  // namespace unionsync

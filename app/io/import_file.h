// What every import shares (member rosters, member_import.h; other records,
// record_import.h): reading the file's rows (CSV or XLSX, import_source.h), finding the
// header row, mapping headers to schema fields, checking that a cell's text is fit to store,
// and the rejection report.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/io/csv.h"
#include "app/io/import_source.h"
#include "app/io/text_encoding.h"
#include "store/schema.h"

namespace unionsync {

// The options and the report of an import, the same for members and other records (what
// differs is said in member_import.h and record_import.h).
struct ImportProgress {
  // Data rows processed so far: after each stored chunk, those stored or rejected; member
  // imports also report every few thousand rows read between their large chunks.
  std::size_t rowsDone = 0;
  std::size_t rowsTotal = 0;  // data rows in the file
};

struct ImportOptions {
  Encoding encoding = Encoding::Auto;  // CSV only
  // XLSX: the sheet to read (its exact name); empty: the first. Naming one for a CSV file fails.
  std::string sheet;
  // The union of rows with a blank union cell (所属工会, 受理工会 ...: the kind's owner field),
  // and of every row when there is no such column.
  std::optional<RecordId> defaultOrg;
  // Where the report goes (XLSX when it ends in .xlsx, CSV otherwise); empty: next to the
  // input, defaultReportPath.
  std::string reportPath;
  // Rows per write transaction (members only). LMDB rewrites every page a transaction touches, and member
  // ids are spread over the whole key space, so bigger transactions write far fewer bytes
  // per row (docs/BENCHMARKS.md); two chunks are held in memory at a time.
  std::size_t chunkRows = 100000;
  // Called after each stored chunk (may be empty).
  std::function<void(const ImportProgress&)> progress;
  // When set to true (from any thread) the import stops before the next chunk is stored (a
  // member import within a few thousand rows: the chunk being read is then not stored).
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
  std::size_t created = 0;     // records that did not exist (or were deleted) before
  std::size_t updated = 0;     // records whose stored fields changed
  std::size_t unchanged = 0;   // records already held with the same values
  // Members: later rows for a person already seen in this file (stored, the later row wins).
  // Other records: rows identical to a record held or to an earlier row (not stored again).
  std::size_t duplicates = 0;
  std::size_t rejected = 0;    // rows not imported (see the report file)
  Encoding detectedEncoding = Encoding::Utf8;  // UTF-8 for XLSX
  std::string sheet;                          // XLSX: the sheet read; empty for CSV
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
  // Set when storing failed part way (the rows before it are stored, the rest is not), or
  // when the report could not be written after the rows were stored.
  std::optional<std::string> failure;

  bool complete() const { return !cancelled && !failure; }
  std::vector<std::string> ignoredHeaders() const;
};

// The headers of `mapping` that feed no field.
std::vector<std::string> ignoredHeaders(const std::vector<ColumnMapping>& mapping);

// Which schema field of `kind` each column of the file feeds (fieldForHeader). A second
// column for a field (手机 and 手机号码) is read too: a blank cell in one is filled from the
// other, and a row where both are filled with values that differ is rejected.
struct ImportColumns {
  Kind kind = Kind::Member;
  std::vector<std::string> headers;
  std::vector<const FieldDef*> fields;  // per column; nullptr when ignored
  std::vector<int> firstOfField;        // per column: the first column of its field (itself if first), or -1
  std::vector<ColumnMapping> mapping;

  static ImportColumns map(Kind kind, const std::vector<std::string>& headers);
  // The first column of `field`, or -1.
  int columnOf(std::string_view field) const;
  // The header of `field`'s first column as written, or its Chinese label when the file has
  // none (for messages).
  std::string headerOf(std::string_view field) const;
  // The columns of the field whose first column is `first`: usually just that one.
  std::vector<std::size_t> columnsOfField(std::size_t first) const;
};

// The fields a row must name for it to stand as the header: the kind's required fields but
// its owner (a union given by --org), e.g. 姓名 and 证件号码 for members.
std::vector<std::string_view> headerKeyFields(Kind kind);

// Fails, naming the missing columns in Chinese, when a required field of the kind has no
// column; the owner field may be missing when a default union is given.
Result<void> checkRequiredColumns(const ImportColumns& columns, bool haveDefaultOrg);

// The header row and the number of data rows below it, read in a first pass so that a
// malformed file is refused before anything is stored. The header is the first row, or the
// first of the first ten rows that names every headerKeyFields column (files often carry a
// title row above the header).
struct FileShape {
  std::size_t headerLine = 0;  // 0: the text has no rows
  std::vector<std::string> headers;
  std::size_t dataRows = 0;
};
// Fails as ImportRows::next does.
Result<FileShape> readShape(ImportRows& rows, Kind kind);

// The cell of `row` in `column`, empty when the row is shorter.
std::string_view cellAt(const CsvRow& row, int column);

// True when `row` is the header row again (files joined together).
bool repeatsHeader(const CsvRow& row, const std::vector<std::string>& headers);

// Why the text of a cell cannot be stored as it is, or empty when it can. These are bytes that
// a value would carry invisibly into the store and on to every peer: NUL, bytes that were not
// UTF-8 (decodeText made them U+FFFD), a byte-order mark from files joined together, control
// characters, and line breaks outside the notes. A notes cell holding whole rows (`width` is
// the number of columns) means a quote opened in it was never closed where it should have
// been, so the rows it swallowed would be lost silently.
std::string cellTextProblem(const FieldDef& field, std::string_view cell, std::size_t width);

// The report of an import: columns 行号/line, 列/column, 原因/reason, then the original row
// under its original headers, so a cadre can fix the rows in the report and import the report
// itself. Written as CSV, or as an XLSX workbook (one sheet, every cell text but 行号) when
// the path ends in .xlsx.
class RejectionReport {
 public:
  explicit RejectionReport(const std::vector<std::string>& headers);

  // One line for `row`: all its faulty columns and reasons, then the row as read.
  void add(const CsvRow& row, const std::vector<RowProblem>& problems);
  std::size_t size() const { return rows_.size(); }
  // Drops what was added after size() was `size` (lines of rows not stored after all).
  void truncate(std::size_t size) { rows_.resize(size); }

  // Writes the report, owner-only (it holds ID numbers), replaced whole, so a report left by
  // an earlier import never keeps its old mode: CSV as UTF-8 with BOM (Excel opens it), long
  // digit strings kept as text (excelText); XLSX when `path` ends in .xlsx.
  Result<void> save(const std::string& path) const;

 private:
  Result<void> saveCsv(const std::string& path) const;
  Result<void> saveXlsx(const std::string& path) const;

  std::vector<std::string> header_;
  // Per line: the line number, the columns at fault, the reasons, then the row's cells.
  std::vector<std::vector<std::string>> rows_;
};

// Fails, before anything is imported, when the report cannot be written at `path` or would
// overwrite the file being imported.
Result<void> checkReportWritable(const std::string& path, const std::string& input);

// The report path used when none is given: next to the input, "<input>.rejected.csv", or
// "<input>.rejected.xlsx" for an XLSX input (isXlsxFile).
std::string defaultReportPath(const std::string& inputPath);

// A file ready to import: read, its header found and mapped, its columns checked, and a
// report started (counts zero; encoding or sheet, damaged bytes, header line and mapping,
// report path filled in).
struct OpenedImport {
  ImportSource source;
  ImportColumns columns;
  std::size_t dataRows = 0;
  ImportReport report;
};
// Fails, before anything is stored, when the file cannot be read or decoded, is not
// well-formed CSV or a readable XLSX sheet, is empty, lacks a required column of `kind`, has
// no data rows, or the report cannot be written.
Result<OpenedImport> openImport(Kind kind, const std::string& path, const ImportOptions& options);

// Saves the report of an import whose rows are stored; a failure to save is noted in
// `report.failure` rather than returned, since the rows are stored whatever happens to it.
void saveReport(const RejectionReport& rejections, ImportReport& report);

}  // namespace unionsync

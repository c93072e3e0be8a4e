#include "app/io/import_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "app/io/csv_export.h"
#include "app/io/xlsx_writer.h"

namespace unionsync {

namespace {

// Title rows above the header are searched this far down.
constexpr std::size_t kHeaderSearchRows = 10;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A NUL would cut the line short in spreadsheets (and XLSX cannot hold one): it is shown as
// the replacement character.
std::string withoutNul(std::string_view cell) {
  std::string text(cell);
  for (std::size_t nul; (nul = text.find('\0')) != std::string::npos;) text.replace(nul, 1, "\xEF\xBF\xBD");
  return text;
}

bool looksLikeHeader(Kind kind, const std::vector<std::string>& headers) {
  auto columns = ImportColumns::map(kind, headers);
  return std::ranges::all_of(headerKeyFields(kind), [&](std::string_view f) { return columns.columnOf(f) >= 0; });
}

}  // namespace

// --- columns ---------------------------------------------------------------------------------------

std::vector<std::string> ignoredHeaders(const std::vector<ColumnMapping>& mapping) {
  std::vector<std::string> out;
  for (const auto& m : mapping)
    if (m.field.empty()) out.push_back(m.header);
  return out;
}

ImportColumns ImportColumns::map(Kind kind, const std::vector<std::string>& headers) {
  ImportColumns columns;
  columns.kind = kind;
  columns.headers = headers;
  for (const auto& header : headers) {
    const FieldDef* field = fieldForHeader(kind, header);
    ColumnMapping mapping{header, "", ""};
    int first = -1;
    if (!field) {
      mapping.note = "未识别的列，已忽略 / unknown column, ignored";
    } else {
      mapping.field = std::string(field->name);
      first = columns.columnOf(field->name);
      // A second column for a field is read too: it may fill what the first leaves blank,
      // and a row where the two disagree is rejected rather than one value dropped silently.
      if (first >= 0)
        mapping.note = fmt::format("与前面的“{}”列同为{}，每行两列须一致 / second column for {}: rows must agree",
                                   columns.headers[first], field->zh, field->name);
      else
        first = static_cast<int>(columns.fields.size());
    }
    columns.fields.push_back(field);
    columns.firstOfField.push_back(first);
    columns.mapping.push_back(std::move(mapping));
  }
  return columns;
}

int ImportColumns::columnOf(std::string_view field) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i] && fields[i]->name == field) return static_cast<int>(i);
  return -1;
}

std::string ImportColumns::headerOf(std::string_view field) const {
  int column = columnOf(field);
  if (column >= 0) return headers[column];
  const FieldDef* def = findField(kind, field);
  return def ? std::string(def->zh) : std::string(field);
}

std::vector<std::size_t> ImportColumns::columnsOfField(std::size_t first) const {
  std::vector<std::size_t> out{first};
  for (std::size_t c = first + 1; c < fields.size(); ++c)
    if (firstOfField[c] == static_cast<int>(first)) out.push_back(c);
  return out;
}

std::vector<std::string_view> headerKeyFields(Kind kind) {
  std::vector<std::string_view> out;
  for (const auto& field : kindDef(kind).fields)
    if (field.required && field.name != kindDef(kind).ownerField) out.push_back(field.name);
  return out;
}

Result<void> checkRequiredColumns(const ImportColumns& columns, bool haveDefaultOrg) {
  std::vector<std::string_view> missing;
  for (const auto& field : kindDef(columns.kind).fields) {
    if (!field.required || columns.columnOf(field.name) >= 0) continue;
    if (field.name == kindDef(columns.kind).ownerField && haveDefaultOrg) continue;
    missing.push_back(field.zh);
  }
  if (missing.empty()) return {};
  std::string list;
  for (auto zh : missing) list += (list.empty() ? "" : "、") + std::string(zh);
  return fail(fmt::format("文件缺少必需的列：{}{}，未导入任何数据 / the file lacks required columns ({}); nothing was imported",
                          list, haveDefaultOrg ? "" : "（或用 --org 指定工会）", list));
}

Result<FileShape> readShape(ImportRows& reader, Kind kind) {
  FileShape shape;
  std::size_t rows = 0, headerRow = 0;
  for (;;) {
    auto row = reader.next();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    ++rows;
    if (headerRow != 0 || rows > kHeaderSearchRows) continue;
    std::vector<std::string> fields((*row)->fields.begin(), (*row)->fields.end());
    // The first row stands as header unless a row below it names the key columns.
    if (rows == 1 || looksLikeHeader(kind, fields)) {
      shape.headers = std::move(fields);
      shape.headerLine = (*row)->line;
      if (looksLikeHeader(kind, shape.headers)) headerRow = rows;
    }
  }
  // No row names the key columns: the first row is the header, and the column check will
  // say what is missing.
  if (headerRow == 0 && rows > 0) headerRow = 1;
  shape.dataRows = rows - headerRow;
  return shape;
}

std::string_view cellAt(const CsvRow& row, int column) {
  return column >= 0 && static_cast<std::size_t>(column) < row.fields.size() ? row.fields[column] : std::string_view{};
}

bool repeatsHeader(const CsvRow& row, const std::vector<std::string>& headers) {
  if (row.fields.empty() || headers.empty() || row.fields[0] != headers[0]) return false;  // the quick test for most rows
  for (std::size_t c = 0; c < std::max(row.fields.size(), headers.size()); ++c)
    if (cellAt(row, static_cast<int>(c)) != (c < headers.size() ? std::string_view(headers[c]) : std::string_view()))
      return false;
  return true;
}

std::string cellTextProblem(const FieldDef& field, std::string_view cell, std::size_t width) {
  if (cell.find('\0') != std::string_view::npos)
    return "含有空字符（NUL），文件可能已损坏，请重新输入这一格 / holds a NUL byte (a damaged file?): retype this cell";
  if (cell.find("\xEF\xBF\xBD") != std::string_view::npos)
    return "含有无法识别的字节（显示为�），不是有效的文字，请重新输入这一格或把文件另存为“CSV UTF-8” / holds bytes that are "
           "not UTF-8 text (shown as �): retype this cell or save the file again as CSV UTF-8";
  if (cell.find("\xEF\xBB\xBF") != std::string_view::npos)
    return "含有字节顺序标记（BOM），文件可能由几个文件拼接而成，请删去它 / holds a byte-order mark (U+FEFF): the file looks "
           "joined from several files; delete it";
  const bool multiline = field.name == "notes";
  for (const char c : cell) {
    const bool lineBreak = c == '\n' || c == '\r';
    if (lineBreak && !multiline)
      return "单元格内有换行，请删去换行 / the cell holds a line break: remove it";
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && !lineBreak)
      return "含有控制字符，请重新输入这一格 / holds a control character: retype this cell";
  }
  if (multiline && cell.find_first_of("\r\n") != std::string_view::npos) {
    // A line inside the cell with about as many commas as a row has separators.
    const std::size_t rowLike = std::max<std::size_t>(2, width / 2);
    for (std::size_t start = 0; start < cell.size();) {
      const std::size_t stop = std::min(cell.find_first_of("\r\n", start), cell.size());
      const auto line = cell.substr(start, stop - start);
      if (static_cast<std::size_t>(std::ranges::count(line, ',')) >= rowLike)
        return "这一格里有像整行数据的内容，可能是格中的引号没有结束，后面的行被并入了这一格；请检查引号 / the cell holds what "
               "look like whole rows: a quote in it may not be closed, so the rows after it were taken into it; check the quotes";
      start = stop + 1;
    }
  }
  return {};
}

RejectionReport::RejectionReport(const std::vector<std::string>& headers)
    : header_{"行号/line", "列/column", "原因/reason"} {
  for (const auto& header : headers) header_.push_back(withoutNul(header));
}

void RejectionReport::add(const CsvRow& row, const std::vector<RowProblem>& problems) {
  std::vector<std::string_view> columns;
  std::string reasons;
  for (const auto& p : problems) {
    if (!p.column.empty() && std::ranges::find(columns, p.column) == columns.end()) columns.push_back(p.column);
    reasons += (reasons.empty() ? "" : "；") + p.reason;
  }
  std::vector<std::string> line{std::to_string(row.line), fmt::format("{}", fmt::join(columns, "；")), reasons};
  for (auto cell : row.fields) line.push_back(withoutNul(cell));
  if (line.size() < header_.size()) line.resize(header_.size());
  rows_.push_back(std::move(line));
}

Result<void> RejectionReport::save(const std::string& path) const {
  auto ok = lowercaseExtension(path) == ".xlsx" ? saveXlsx(path) : saveCsv(path);
  if (!ok) return fail(fmt::format("无法写入报告文件 {} / cannot write the report file: {}", path, ok.error().message));
  return {};
}

Result<void> RejectionReport::saveCsv(const std::string& path) const {
  std::string text(kUtf8Bom);
  appendCsvRow(text, header_);
  std::vector<std::string> line;
  for (const auto& row : rows_) {
    // Long digit strings stay text in Excel (excelText); the first three columns are ours.
    line.assign(row.begin(), row.begin() + 3);
    for (std::size_t c = 3; c < row.size(); ++c) line.push_back(excelText(row[c]));
    appendCsvRow(text, line);
  }
  AtomicFile file(path, true);
  auto ok = file.write(text);
  if (ok) ok = file.commit();
  return ok;
}

Result<void> RejectionReport::saveXlsx(const std::string& path) const {
  auto book = XlsxWriter::create(path, XlsxOptions{.ownerOnly = true});
  if (!book) return std::unexpected(book.error());
  if (auto ok = book->addSheet("拒绝的行", header_); !ok) return ok;
  std::vector<SheetCell> cells;
  for (const auto& row : rows_) {
    cells.clear();
    cells.push_back(SheetCell::ofInteger(static_cast<std::int64_t>(std::stoull(row[0]))));
    for (std::size_t c = 1; c < row.size(); ++c) cells.push_back(SheetCell::ofText(row[c]));
    if (auto ok = book->addRow(cells); !ok) return ok;
  }
  return book->close();
}

Result<void> checkReportWritable(const std::string& path, const std::string& input) {
  std::error_code ec;
  if (std::filesystem::equivalent(path, input, ec))
    return fail("报告文件不能是要导入的文件本身 / the report cannot overwrite the file being imported");
  AtomicFile probe(path, true);  // not committed: only tries to create the file beside it
  if (!probe.write("")) return fail(fmt::format("无法写入报告文件 {}，未导入任何数据 / cannot write the report file; nothing was imported", path));
  return {};
}

std::string defaultReportPath(const std::string& inputPath) {
  const std::string extension = lowercaseExtension(inputPath);
  std::string base = inputPath;
  if (extension == ".csv" || extension == ".xlsx") base.resize(base.size() - extension.size());
  return base + (isXlsxFile(inputPath) ? ".rejected.xlsx" : ".rejected.csv");
}

Result<OpenedImport> openImport(Kind kind, const std::string& path, const ImportOptions& options) {
  auto source = openImportSource(path, options.encoding, options.sheet);
  if (!source) return std::unexpected(source.error());
  auto rows = source->rows();
  if (!rows) return std::unexpected(rows.error());
  auto shape = readShape(*rows, kind);
  if (!shape) return std::unexpected(shape.error());
  if (shape->headerLine == 0)
    return fail(fmt::format("{}是空的（或只有空行），未导入任何数据 / the file is empty (or blank lines only); nothing was imported",
                            source->where()));
  ImportColumns columns = ImportColumns::map(kind, shape->headers);
  if (auto ok = checkRequiredColumns(columns, options.defaultOrg.has_value()); !ok) {
    // Workbooks often open with a sheet of instructions: say which sheet was read and which there are.
    if (!source->xlsx() || source->workbook->sheetNames().size() < 2) return std::unexpected(ok.error());
    const auto& sheets = source->workbook->sheetNames();
    return fail(fmt::format("{}；读的是工作表“{}”，数据若在别的工作表，请用 --sheet 指定（有：{}） / the sheet read was \"{}\": if the "
                            "data is on another sheet, name it with --sheet (sheets: {})",
                            ok.error().message, source->sheet, fmt::join(sheets, "、"), source->sheet, fmt::join(sheets, ", ")));
  }
  if (shape->dataRows == 0)
    return fail(fmt::format("{}只有表头（第{}行），下面没有数据行，未导入任何数据 / the file has a header (line {}) but no data "
                            "rows below it; nothing was imported",
                            source->where(), shape->headerLine, shape->headerLine));

  OpenedImport opened{.source = std::move(*source), .columns = std::move(columns), .dataRows = shape->dataRows};
  ImportReport& report = opened.report;
  report.detectedEncoding = opened.source.text.detected;
  report.sheet = opened.source.sheet;
  report.damagedBytes = opened.source.text.replaced;
  report.firstDamagedLine = opened.source.text.firstReplacedLine;
  report.headerLine = shape->headerLine;
  report.headerMapping = opened.columns.mapping;
  report.reportPath = options.reportPath.empty() ? defaultReportPath(path) : options.reportPath;
  if (auto ok = checkReportWritable(report.reportPath, path); !ok) return std::unexpected(ok.error());
  return opened;
}

void saveReport(const RejectionReport& rejections, ImportReport& report) {
  if (auto saved = rejections.save(report.reportPath); !saved) {
    const std::string& message = saved.error().message;
    report.failure = report.failure ? *report.failure + "；" + message : message;
  }
}

}  // namespace unionsync

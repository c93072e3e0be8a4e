#include "app/io/xlsx_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "app/io/record_table.h"
#include "app/io/xlsx_writer.h"

namespace unionsync {

Result<ExportSummary> exportXlsx(const Node& node, Kind kind, const std::string& path, const ExportOptions& options) {
  RecordTable table(node, kind, options.org);
  return exportXlsx(table, allRecords(table), path, options.hooks);
}

Result<ExportSummary> exportXlsx(const RecordTable& table, const RecordSource& records, const std::string& path,
                                 const WorkHooks& hooks) {
  ExportSummary summary{.personalColumns = table.personalHeaders()};
  auto book = XlsxWriter::create(path, XlsxOptions{.ownerOnly = !summary.personalColumns.empty()});
  if (!book) return std::unexpected(book.error());
  const std::vector<std::string> headers = table.headers();
  if (auto ok = book->addSheet(kindDef(table.kind()).zh, headers); !ok) return std::unexpected(ok.error());
  std::optional<Error> failure;
  std::vector<SheetCell> row;
  const Completion completion = records([&](const Record& r) {
    table.sheetRow(r, row);
    if (auto ok = book->addRow(row); !ok) failure = ok.error();
    ++summary.records;
    return !failure;
  }, hooks);
  if (failure) return std::unexpected(*failure);
  // Not closed: the temporary file goes with `book`.
  summary.cancelled = completion == Completion::Cancelled;
  if (summary.cancelled) return summary;
  if (auto ok = book->close(); !ok) return std::unexpected(ok.error());
  return summary;
}

Result<ExportFormat> exportFormatFor(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::ranges::transform(extension, extension.begin(), [](unsigned char c) { return std::tolower(c); });
  if (extension == ".csv") return ExportFormat::Csv;
  if (extension == ".xlsx") return ExportFormat::Xlsx;
  return fail(fmt::format("不知道导出为哪种格式：文件 {} 的扩展名应为 .csv 或 .xlsx / unknown export format for {}: name the file "
                          ".csv or .xlsx",
                          path, path));
}

Result<ExportSummary> exportFile(const Node& node, Kind kind, const std::string& path, const ExportOptions& options) {
  RecordTable table(node, kind, options.org);
  return exportFile(table, allRecords(table), path, options);
}

Result<ExportSummary> exportFile(const RecordTable& table, const RecordSource& records, const std::string& path,
                                 const ExportOptions& options) {
  auto format = exportFormatFor(path);
  if (!format) return std::unexpected(format.error());
  return *format == ExportFormat::Xlsx ? exportXlsx(table, records, path, options.hooks) : exportCsv(table, records, path, options);
}

}  // namespace unionsync

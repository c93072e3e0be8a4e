// Exporting records to an XLSX workbook (one sheet named after the kind, e.g. 困难职工档案),
// and choosing the export format by the file's extension.
//
// Contract:
// - The same columns, rows and scope as the CSV export (record_table.h), typed: money as
//   numbers in yuan with two decimals, counts (years, head counts, 参加会员数) as whole
//   numbers, dates as real dates shown YYYY-MM-DD, everything else (ID numbers, card
//   numbers, names) as text, so Excel sums the amounts and keeps every digit of an ID number.
// - Files with personal information (ExportSummary::personalColumns) are created mode 0600.
//   Written under a temporary name and renamed into place: a failed export leaves no file.
// - Fails with a message naming the file when it cannot be written, or when the kind has
//   more records than an Excel sheet holds (1,048,575): export those as CSV.
#pragma once

#include <optional>
#include <string>

#include "app/io/csv_export.h"

namespace unionsync {

Result<ExportSummary> exportXlsx(const Node& node, Kind kind, const std::string& path, const ExportOptions& options = {});
// The same for the records `records` gives, with `table`'s columns (as exportCsv's overload).
Result<ExportSummary> exportXlsx(const RecordTable& table, const RecordSource& records, const std::string& path,
                                 const WorkHooks& hooks = {});

enum class ExportFormat { Csv, Xlsx };

// The format a file name asks for: ".csv" or ".xlsx", in any letter case. Fails naming the
// file and the formats known for any other name.
Result<ExportFormat> exportFormatFor(const std::string& path);

// Writes the records of `kind` to `path` in the format its extension names (exportCsv,
// exportXlsx; the encoding is for CSV only).
Result<ExportSummary> exportFile(const Node& node, Kind kind, const std::string& path, const ExportOptions& options = {});
Result<ExportSummary> exportFile(const RecordTable& table, const RecordSource& records, const std::string& path,
                                 const ExportOptions& options);

}  // namespace unionsync

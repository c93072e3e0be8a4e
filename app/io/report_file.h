// The annual report (app/model/report.h) as text cells and as a file for the office.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "app/io/text_encoding.h"
#include "app/model/report.h"

namespace unionsync {

// The figures of `stats --json`: the Stats fields in snake case with "year"; rates as
// fractions or null.
nlohmann::json statsJson(const Stats& stats);

// The report as `report --json` prints it: the scope's figures at the top level with "year",
// "org" (id or null) and "name", and "children": [{org, name, ...the same figures}]. Amounts
// in fen, rates as fractions or null when their denominator is 0.
nlohmann::json reportJson(const Report& report);

// The report as rows of text: a header row (指标, the scope, each child union) and one row
// per reportLines() line; counts as digits, money in yuan with two decimals, rates as
// percentages with one decimal (`none` without a denominator). Labels in Chinese, or in
// English when `english`.
std::vector<std::vector<std::string>> reportTextRows(const Report& report, bool english = false,
                                                     std::string_view none = "-");

// Writes the report to `path` as CSV (Chinese labels, `encoding`: UTF-8 with a byte-order
// mark, or GBK), replacing the file whole or not at all. Fails naming the file when it cannot
// be written or `encoding` is Auto.
Result<void> writeReportCsv(const Report& report, const std::string& path, Encoding encoding);

// Writes the report to `path` as an XLSX workbook (xlsx_writer.h): one sheet named by the
// year, Chinese labels, counts as whole numbers, money as yuan with two decimals, rates as
// percentages (an empty cell without a denominator). Fails as writeXlsx does.
Result<void> writeReportXlsx(const Report& report, const std::string& path);

}  // namespace unionsync

// The 报表 (annual report) view's data and the overview's union work charts, from
// Node::report (app/model/report.h): the report's table as text in the UI language (the same
// cells the CLI prints and the CSV holds), the bars of assistance by kind and of cases by
// result, and the name a saved report's file gets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "gui/chart_bar.h"
#include "gui/i18n.h"

namespace unionsync::gui {

struct ReportTable {
  std::optional<RecordId> scope;  // what it answers
  int year = 0;
  Lang lang = Lang::Zh;
  Report report;
  // reportTextRows: a header row (指标, the scope, each child union), then one per figure.
  std::vector<std::vector<std::string>> rows;
};

// Node::report and its text rows. Any thread.
ReportTable buildReportTable(const Node& node, const std::optional<RecordId>& scope, int year, Lang lang);

// 帮扶救助 by kind: the amount granted (yuan) per kind that has any grant, largest first; the
// bar's text also says how many grants (人次).
std::vector<ChartBar> assistanceByKind(const ReportFigures& figures, const Tr& tr);
// 维权案件 closed in the year by result (成功, 部分, 未成, 撤回), in that order; empty when none
// was closed.
std::vector<ChartBar> casesByResult(const CaseFigures& cases, const Tr& tr);

// "嘉禾区总工会-2026年报表": a name that says what the file holds, without extension, with
// characters a file system refuses ('/' and the like) replaced.
std::string reportFileName(std::string_view scopeName, int year, const Tr& tr);
// `path` with its extension (after the last '.' of the file name) replaced by `extension`
// (".xlsx"), or `extension` added when it has none.
std::string withExtension(const std::string& path, std::string_view extension);

}  // namespace unionsync::gui

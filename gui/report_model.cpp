#include "gui/report_model.h"

#include <algorithm>
#include <array>

#include "app/io/report_file.h"
#include "app/node.h"
#include "gui/record_rows.h"

namespace unionsync::gui {

ReportTable buildReportTable(const Node& node, const std::optional<RecordId>& scope, int year, Lang lang) {
  ReportTable table{.scope = scope, .year = year, .lang = lang, .report = node.report(scope, year)};
  table.rows = reportTextRows(table.report, lang == Lang::En);
  if (lang == Lang::En) {
    // Union types and assistance kinds by their English names (rows follow reportLines).
    const Tr tr(lang);
    const auto lines = reportLines(table.report);
    for (std::size_t i = 0; i < lines.size() && i + 1 < table.rows.size(); ++i) {
      std::string& label = table.rows[i + 1].front();
      if (const auto at = label.find(lines[i].choice); !lines[i].choice.empty() && at != std::string::npos)
        label.replace(at, lines[i].choice.size(), tr.choice(lines[i].choice));
    }
  }
  return table;
}

std::vector<ChartBar> assistanceByKind(const ReportFigures& figures, const Tr& tr) {
  std::vector<ChartBar> bars;
  for (const auto& [kind, f] : figures.assistance) {
    if (f.records == 0) continue;
    bars.push_back({std::string(tr.choice(kind)), static_cast<double>(f.amountFen) / 100,
                    tr.format(T::ChartAssistanceValue, yuan(f.amountFen), f.records)});
  }
  std::ranges::stable_sort(bars, std::greater<>{}, &ChartBar::value);
  return bars;
}

std::vector<ChartBar> casesByResult(const CaseFigures& cases, const Tr& tr) {
  if (cases.closed == 0) return {};
  // In the order of the schema's result choices: 成功, 部分, 未成, 撤回.
  const std::array counts{cases.success, cases.partial, cases.failed, cases.withdrawn};
  const auto results = findField(Kind::RightsCase, "result")->choices;
  std::vector<ChartBar> bars;
  for (std::size_t i = 0; i < counts.size() && i < results.size(); ++i)
    bars.push_back({std::string(tr.choice(results[i])), static_cast<double>(counts[i]), std::to_string(counts[i])});
  return bars;
}

std::string reportFileName(std::string_view scopeName, int year, const Tr& tr) {
  std::string name = tr.format(T::ReportFileName, scopeName, year);
  for (char& c : name)
    if (c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|') c = '_';
  return name;
}

std::string withExtension(const std::string& path, std::string_view extension) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  const bool has = dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
  return (has ? path.substr(0, dot) : path) + std::string(extension);
}

}  // namespace unionsync::gui

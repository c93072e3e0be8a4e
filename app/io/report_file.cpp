#include "app/io/report_file.h"

#include <fmt/format.h>

#include <cmath>

#include "app/io/csv.h"
#include "app/io/csv_export.h"
#include "app/io/xlsx_writer.h"
#include "store/validation.h"

namespace unionsync {

namespace {

std::string cellText(const ReportLine& line, const std::optional<double>& value, std::string_view none) {
  if (!value) return std::string(none);
  switch (line.unit) {
    case ReportUnit::Count: return fmt::format("{}", static_cast<std::int64_t>(std::llround(*value)));
    case ReportUnit::Fen: return formatFen(static_cast<std::int64_t>(std::llround(*value)));
    case ReportUnit::Rate: return fmt::format("{:.1f}%", *value * 100);
  }
  return {};
}

nlohmann::json rate(const std::optional<double>& r) { return r ? nlohmann::json(*r) : nlohmann::json(nullptr); }

nlohmann::json assistanceJson(const AssistanceFigures& a) {
  return {{"records", a.records}, {"people", a.people}, {"amount_fen", a.amountFen}};
}

nlohmann::json figuresJson(const ReportFigures& f) {
  nlohmann::json byType = nlohmann::json::object();
  for (const auto& [type, n] : f.organizationsByType) byType[type] = n;
  nlohmann::json assistance = nlohmann::json::object();
  for (const auto& [kind, a] : f.assistance) assistance[kind] = assistanceJson(a);
  const CaseFigures& c = f.cases;
  nlohmann::json j = statsJson(f.stats);
  j.erase("year");
  j.update(nlohmann::json{
      {"organizations_by_type", byType},
      {"transfers_in", f.transfersIn},
      {"transfers_out", f.transfersOut},
      {"hardship_active", f.hardshipActive},
      {"assistance", assistance},
      {"assistance_total", assistanceJson(f.assistanceTotal)},
      {"cases",
       {{"accepted", c.accepted}, {"closed", c.closed}, {"success", c.success}, {"partial", c.partial},
        {"failed", c.failed}, {"withdrawn", c.withdrawn}, {"success_rate", rate(c.successRate())},
        {"workers", c.workers}, {"recovered_fen", c.recoveredFen}}},
      {"contracts", {{"employers", f.contractEmployers}, {"employees", f.contractEmployees}, {"rate", rate(f.contractRate())}}},
      {"congresses", f.congresses},
      {"funds", {{"due_fen", f.fundsDueFen}, {"paid_fen", f.fundsPaidFen}, {"rate", rate(f.fundsRate())}}}});
  return j;
}

nlohmann::json orgJson(const std::optional<RecordId>& org) { return org ? nlohmann::json(org->hex()) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json statsJson(const Stats& s) {
  return {{"year", s.year},
          {"organizations", s.organizations},
          {"members", s.members},
          {"migrant_members", s.migrantMembers},
          {"employers", s.employers},
          {"unionized_employers", s.unionizedEmployers},
          {"unionized_employees", s.unionizedEmployees},
          {"unionized_migrant_employees", s.unionizedMigrantEmployees},
          {"unionization_rate", rate(s.unionizationRate())},
          {"membership_rate", rate(s.membershipRate())},
          {"migrant_membership_rate", rate(s.migrantMembershipRate())},
          {"new_members", s.newMembersThisYear},
          {"new_unions", s.newUnionsThisYear},
          {"activities", s.activitiesThisYear},
          {"participants", s.participantsThisYear}};
}

nlohmann::json reportJson(const Report& report) {
  nlohmann::json j = figuresJson(report.scope.figures);
  j["year"] = report.year;
  j["org"] = orgJson(report.scope.org);
  j["name"] = report.scope.name;
  nlohmann::json children = nlohmann::json::array();
  for (const auto& child : report.children) {
    nlohmann::json c = figuresJson(child.figures);
    c["org"] = orgJson(child.org);
    c["name"] = child.name;
    children.push_back(std::move(c));
  }
  j["children"] = std::move(children);
  return j;
}

std::vector<std::vector<std::string>> reportTextRows(const Report& report, bool english, std::string_view none) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{english ? fmt::format("Figure ({})", report.year) : fmt::format("指标（{}年）", report.year),
                                  report.scope.name};
  for (const auto& child : report.children) header.push_back(child.name);
  rows.push_back(std::move(header));
  for (const ReportLine& line : reportLines(report)) {
    std::vector<std::string> row{english ? line.en : line.zh};
    for (const auto& value : line.values) row.push_back(cellText(line, value, none));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<void> writeReportCsv(const Report& report, const std::string& path, Encoding encoding) {
  if (encoding == Encoding::Auto) return fail("请选择编码 utf-8 或 gbk / choose an encoding: utf-8 or gbk");
  std::string text;
  // A rate without a denominator is an empty cell: a "-" would be guarded as a formula.
  for (const auto& row : reportTextRows(report, false, "")) appendCsvRow(text, row);
  auto bytes = encodeText(text, encoding);
  if (!bytes) return fail(fmt::format("无法按{}编码写出报表 / cannot encode the report: {}", encodingName(encoding),
                                      bytes.error().message));
  AtomicFile file(path, false);
  if (encoding == Encoding::Utf8)
    if (auto ok = file.write("\xEF\xBB\xBF"); !ok) return ok;
  if (auto ok = file.write(*bytes); !ok) return ok;
  return file.commit();
}

Result<void> writeReportXlsx(const Report& report, const std::string& path) {
  Sheet sheet;
  sheet.name = fmt::format("{}年报表", report.year);
  sheet.headers = reportTextRows(report).front();
  for (const ReportLine& line : reportLines(report)) {
    std::vector<SheetCell> row{SheetCell::ofText(line.zh)};
    for (const auto& value : line.values) {
      if (!value) {
        row.push_back(SheetCell::empty());
        continue;
      }
      const auto whole = static_cast<std::int64_t>(std::llround(*value));
      switch (line.unit) {
        case ReportUnit::Count: row.push_back(SheetCell::ofInteger(whole)); break;
        case ReportUnit::Fen: row.push_back(SheetCell::ofFen(whole)); break;
        case ReportUnit::Rate: row.push_back(SheetCell::ofFraction(*value)); break;
      }
    }
    sheet.rows.push_back(std::move(row));
  }
  return writeXlsx(path, {sheet});
}

}  // namespace unionsync

#include <doctest/doctest.h>

#include "gui/report_model.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {

void add(GuiFixture& f, Kind kind, const FieldValues& values) {
  auto id = f.node->add(kind, values);
  if (!id) throw std::runtime_error(id.error().summary());
}

void grant(GuiFixture& f, const RecordId& member, const std::string& kind, const std::string& date, const std::string& amount) {
  add(f, Kind::Assistance, {{"member", member.hex()}, {"kind", kind}, {"date", date}, {"amount", amount}});
}

void closedCase(GuiFixture& f, const std::string& result) {
  add(f, Kind::RightsCase, {{"org", f.enterprise.hex()}, {"kind", "讨薪"}, {"accepted_date", "2026-02-01"},
                            {"closed_date", "2026-03-01"}, {"result", result}});
}

}  // namespace

TEST_CASE("the report table is the CLI's, in the UI language, for the scope and its children") {
  GuiFixture f;
  const RecordId wang = f.member(1, "王秀兰", f.enterprise);
  grant(f, wang, "医疗救助", "2026-01-20", "3000");
  const ReportTable zh = buildReportTable(*f.node, f.district, 2026, Lang::Zh);
  CHECK(zh.year == 2026);
  CHECK(zh.scope == f.district);
  REQUIRE(zh.rows.size() > 5);
  REQUIRE(zh.rows.front().size() == 3);  // 指标, the district, the street below it
  CHECK(zh.rows.front()[1] == "示范区总工会");
  CHECK(zh.rows.front()[2] == "城关街道总工会");
  const ReportTable en = buildReportTable(*f.node, f.district, 2026, Lang::En);
  REQUIRE(en.rows.size() == zh.rows.size());
  CHECK(en.rows[1][0] != zh.rows[1][0]);  // labels translated, figures the same
  CHECK(en.rows[1][1] == zh.rows[1][1]);
  // Every label in English, union types and assistance kinds included.
  for (const auto& row : en.rows)
    CHECK_MESSAGE(row.front().find_first_of("\xE4\xE5\xE6\xE7\xE8\xE9") == std::string::npos, row.front());
}

TEST_CASE("the overview's assistance chart: amount per kind of this year, largest first") {
  GuiFixture f;
  const RecordId wang = f.member(1, "王秀兰", f.enterprise), li = f.member(2, "李建国", f.enterprise);
  grant(f, wang, "生活救助", "2026-01-20", "500");
  grant(f, wang, "医疗救助", "2026-02-20", "3000");
  grant(f, li, "医疗救助", "2026-03-20", "1200.50");
  grant(f, li, "就业帮扶", "2025-12-20", "9000");  // last year
  const ReportTable t = buildReportTable(*f.node, std::nullopt, 2026, Lang::En);
  const auto bars = assistanceByKind(t.report.scope.figures, Tr(Lang::En));
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].label == "Medical aid");
  CHECK(bars[0].value == doctest::Approx(4200.5));
  CHECK(bars[0].shown == "4,200.50 yuan · 2 grants");
  CHECK(bars[1].label == "Living aid");
}

TEST_CASE("the overview's cases chart: closed cases by result, in the schema's order") {
  GuiFixture f;
  CHECK(casesByResult(buildReportTable(*f.node, std::nullopt, 2026, Lang::Zh).report.scope.figures.cases, Tr()).empty());
  closedCase(f, "成功");
  closedCase(f, "成功");
  closedCase(f, "撤回");
  const auto bars = casesByResult(buildReportTable(*f.node, std::nullopt, 2026, Lang::Zh).report.scope.figures.cases, Tr());
  REQUIRE(bars.size() == 4);
  CHECK(bars[0].label == "成功");
  CHECK(bars[0].value == 2);
  CHECK(bars[1].value == 0);
  CHECK(bars[3].label == "撤回");
  CHECK(bars[3].shown == "1");
}

TEST_CASE("a saved report's file name says what it holds and is a valid file name") {
  CHECK(reportFileName("嘉禾区总工会", 2026, Tr(Lang::Zh)) == "嘉禾区总工会-2026年报表");
  CHECK(reportFileName("A/B: union", 2025, Tr(Lang::En)) == "A_B_ union-2025-report");
  CHECK(withExtension("/home/a/报表.xlsx", ".csv") == "/home/a/报表.csv");
  CHECK(withExtension("/home/a/报表", ".xlsx") == "/home/a/报表.xlsx");
  CHECK(withExtension("/home/a.b/报表", ".xlsx") == "/home/a.b/报表.xlsx");  // a dot in a folder is not an extension
  CHECK(withExtension("/home/a/.hidden", ".csv") == "/home/a/.hidden.csv");
}

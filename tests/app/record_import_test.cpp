// Importing records of the union work kinds (hardship files, assistance, rights cases,
// contracts, congresses, funds) and the others (unions, employers, activities) from CSV files
// as Excel saves them: UTF-8 with BOM and CRLF, and GBK.
#include "app/io/record_import.h"

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "app/io/csv_export.h"
#include "app/io/xlsx_export.h"
#include "app/io/text_encoding.h"
#include "data/roster_fixture.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Lines joined with CRLF, as Excel writes them.
std::string crlf(std::initializer_list<std::string_view> lines) {
  std::string out;
  for (auto line : lines) out.append(line).append("\r\n");
  return out;
}

std::string gbk(std::string_view utf8) { return encodeText(utf8, Encoding::Gbk).value(); }

struct Office {
  TestNode t;
  RecordId street = t.addOrg("幸福街道总工会", "街道总工会");
  RecordId community = t.addOrg("阳光社区联合工会", "社区联合工会", street);
  std::string zhang = validId("11010519850612001");
  std::string wang = "11010519491231002X";
  std::string li = validId("11010519900307002");

  Office() {
    for (auto [name, id] : {std::pair{"张伟", zhang}, {"王䶮", wang}, {"李喆", li}}) {
      auto added = t.node->add(Kind::Member, {{"name", name}, {"id_number", id}, {"org", community.hex()}});
      REQUIRE_MESSAGE(added.has_value(), added.error().summary());
    }
  }

  // Writes `bytes` as a file and imports it.
  ImportReport import(Kind kind, const std::string& name, std::string_view bytes, ImportOptions options = {}) {
    const std::string path = t.dir.sub(name);
    writeFile(path, bytes);
    auto report = importRecords(*t.node, kind, path, options);
    REQUIRE_MESSAGE(report.has_value(), report.error().message);
    CHECK(report->complete());
    return *report;
  }

  std::vector<Record> records(Kind kind) const { return t.node->list(ListQuery{.kind = kind, .limit = 0}); }

  std::vector<std::vector<std::string>> reportRows(const ImportReport& r) const {
    std::string text = readFile(r.reportPath);
    REQUIRE(text.starts_with(kBom));
    return csvRows(std::string_view(text).substr(kBom.size()));
  }
};

// The report line for file line `line`, or empty.
std::vector<std::string> reportLine(const std::vector<std::vector<std::string>>& rows, std::size_t line) {
  for (const auto& row : rows)
    if (!row.empty() && row[0] == std::to_string(line)) return row;
  return {};
}

}  // namespace

TEST_CASE("record import: hardship files from an Excel CSV UTF-8 file (BOM, CRLF) with Chinese headers") {
  Office o;
  auto r = o.import(Kind::Hardship, "困难档案.csv",
                    std::string(kBom) + crlf({"身份证号,困难类别,主要致困原因,家庭人口,家庭年收入(元),建档日期,备注",
                                              o.zhang + ",低保户,重特大疾病,4,\"48,000\",2025-03-01,\"夜班\n家中两位老人\"",
                                              o.wang + ",意外致困户,,3,36000元,,"}));
  CHECK(r.rows == 2);
  CHECK(r.created == 2);
  CHECK(r.rejected == 0);
  CHECK(r.detectedEncoding == Encoding::Utf8);
  auto files = o.records(Kind::Hardship);
  REQUIRE(files.size() == 2);
  const Record& zhang = files[0].get("member") == o.t.memberId(o.zhang).hex() ? files[0] : files[1];
  CHECK(zhang.get("household_income") == "4800000");
  CHECK(zhang.get("org") == o.community.hex());  // the member's union
  CHECK(zhang.get("status") == "在档");
  CHECK(zhang.get("cause") == "重特大疾病");
  CHECK(zhang.get("notes") == "夜班\n家中两位老人");
  CHECK(zhang.get("filed_date") == "2025-03-01");
}

TEST_CASE("record import: assistance from a GBK file (Excel's CSV 逗号分隔), aliases and amounts as typed") {
  Office o;
  auto r = o.import(Kind::Assistance, "救助.csv",
                    gbk(crlf({"身份证号码,救助类型,发放日期,救助金额,发放工会,帮扶专项",
                              o.zhang + ",医疗救助,2025-01-20,\"3,000.50\",幸福街道总工会,2025年送温暖",
                              o.wang + ",金秋助学,2025-02-01,3000元,,", o.li + ",生活救助,2025/3/5,800,,"})));
  CHECK(r.detectedEncoding == Encoding::Gbk);
  CHECK(r.created == 3);
  std::map<std::string, std::string> amounts, orgs;
  for (const auto& a : o.records(Kind::Assistance)) {
    amounts[std::string(a.get("kind"))] = a.get("amount");
    orgs[std::string(a.get("kind"))] = a.get("org");
  }
  CHECK(amounts["医疗救助"] == "300050");
  CHECK(amounts["金秋助学"] == "300000");
  CHECK(amounts["生活救助"] == "80000");
  CHECK(orgs["医疗救助"] == o.street.hex());     // the union named in the file
  CHECK(orgs["金秋助学"] == o.community.hex());  // the member's union
}

TEST_CASE("record import: cases, contracts and congresses with Chinese headers; English field names too") {
  Office o;
  auto cases = o.import(Kind::RightsCase, "案件.csv",
                        std::string(kBom) + crlf({"受理工会,案件类型,案由,受理日期,结案日期,涉及职工人数,追回金额(元),办理结果",
                                                  "阳光社区联合工会,讨薪,拖欠三个月工资,2025-01-05,2025-02-01,12,\"56,000\",成功",
                                                  "幸福街道总工会,咨询,,2025-03-01,,1,,"}));
  CHECK(cases.created == 2);
  auto contracts = o.import(Kind::Contract, "合同.csv",
                            gbk(crlf({"签订工会,合同类型,签订范围,签订日期,期限(月),覆盖单位数,覆盖职工数",
                                      "幸福街道总工会,工资专项,区域,2025-01-10,36,25,1200"})));
  CHECK(contracts.created == 1);
  CHECK(o.records(Kind::Contract)[0].get("employees") == "1200");
  auto congress = o.import(Kind::Congress, "职代会.csv", "org,session,date,representatives,motions\n"
                                                         "阳光社区联合工会,第三届第二次,2025-04-18,45,6\n");
  CHECK(congress.created == 1);
  CHECK(o.records(Kind::Congress)[0].get("motions") == "6");
}

TEST_CASE("record import: funds are one record per union and year; importing the year again updates it") {
  Office o;
  const std::string header = "工会名称,年度,工资总额,实拨缴经费,备注";
  auto first = o.import(Kind::Funds, "经费.csv",
                        gbk(crlf({header, "幸福街道总工会,2024,\"1,000,000\",15000,", "阳光社区联合工会,2024,500000,8000,"})));
  CHECK(first.created == 2);
  REQUIRE(o.records(Kind::Funds).size() == 2);

  // The corrected sheet: one figure changed, one row the same, one new year.
  auto again = o.import(Kind::Funds, "经费2.csv",
                        gbk(crlf({header, "幸福街道总工会,2024,,20000,补缴", "阳光社区联合工会,2024,500000,8000,",
                                  "阳光社区联合工会,2025,600000,,"})));
  CHECK(again.created == 1);
  CHECK(again.updated == 1);
  CHECK(again.unchanged == 1);
  CHECK(again.rejected == 0);
  auto funds = o.records(Kind::Funds);
  REQUIRE(funds.size() == 3);
  for (const auto& f : funds)
    if (f.get("org") == o.street.hex()) {
      CHECK(f.get("paid") == "2000000");
      CHECK(f.get("payroll") == "100000000");  // a blank cell leaves the stored value
      CHECK(f.get("notes") == "补缴");
      CHECK(f.get("due") == "2000000");         // 2% of the payroll, derived
    }
}

TEST_CASE("record import: bad rows are reported with line, column and reason and do not stop the good rows") {
  Office o;
  const std::string unknown = validId("11010519700101003");
  auto r = o.import(Kind::Assistance, "救助.csv",
                    std::string(kBom) + crlf({"身份证号,救助类型,发放日期,金额",
                                              o.zhang + ",医疗救助,2025-01-20,-5",
                                              unknown + ",医疗救助,2025-01-20,100",
                                              o.wang + ",医疗救助,2025-01-20,100",
                                              o.li + ",看病,2099-01-01,100"}));
  CHECK(r.rows == 4);
  CHECK(r.created == 1);
  CHECK(r.rejected == 3);
  CHECK(o.records(Kind::Assistance).size() == 1);
  auto rows = o.reportRows(r);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0][0] == "行号/line");
  CHECK(rows[0][3] == "身份证号");  // the original headers follow
  auto amount = reportLine(rows, 2);
  REQUIRE(amount.size() >= 7);
  CHECK(amount[1] == "金额");
  CHECK(amount[2].find("金额") != std::string::npos);
  CHECK(amount[6] == "-5");
  auto member = reportLine(rows, 3);
  REQUIRE(member.size() >= 3);
  CHECK(member[1] == "身份证号");
  CHECK(member[2].find(unknown) != std::string::npos);
  auto two = reportLine(rows, 5);
  REQUIRE(two.size() >= 3);
  CHECK(two[1] == "救助类型；发放日期");

  SUBCASE("a second active hardship file; a closed case without a result") {
    auto files = o.import(Kind::Hardship, "困难.csv",
                          crlf({"身份证号,困难类别", o.zhang + ",低保户", o.zhang + ",低保边缘户"}));
    CHECK(files.created == 1);
    CHECK(files.rejected == 1);
    auto second = reportLine(o.reportRows(files), 3);
    REQUIRE(second.size() >= 3);
    CHECK(second[1] == "身份证号");
    CHECK(second[2].find("在档") != std::string::npos);

    auto cases = o.import(Kind::RightsCase, "案件.csv",
                          crlf({"受理工会,案件类型,受理日期,结案日期", "幸福街道总工会,讨薪,2025-01-05,2025-02-01",
                                "幸福街道总工会,讨薪,2025-01-05,"}));
    CHECK(cases.created == 1);
    CHECK(cases.rejected == 1);
    auto closed = reportLine(o.reportRows(cases), 2);
    REQUIRE(closed.size() >= 3);
    CHECK(closed[1] == "办理结果");  // no such column: named by its label
    CHECK(closed[2].find("办理结果") != std::string::npos);
  }
}

TEST_CASE("record import: a file imported twice does not double the records") {
  Office o;
  const std::string file = crlf({"身份证号,救助类型,发放日期,金额", o.zhang + ",医疗救助,2025-01-20,100",
                                 o.zhang + ",医疗救助,2025-01-20,100", o.wang + ",医疗救助,2025-01-20,100"});
  auto first = o.import(Kind::Assistance, "a.csv", file);
  CHECK(first.created == 2);
  CHECK(first.duplicates == 1);  // the same grant twice in one file
  auto again = o.import(Kind::Assistance, "a.csv", file);
  CHECK(again.created == 0);
  CHECK(again.duplicates == 3);
  CHECK(o.records(Kind::Assistance).size() == 2);
  CHECK(reportLine(o.reportRows(again), 2)[2].find("相同") != std::string::npos);
}

TEST_CASE("record import: what fails before anything is stored") {
  Office o;
  const std::string path = o.t.dir.sub("x.csv");
  SUBCASE("a missing required column") {
    writeFile(path, "身份证号,金额\n" + o.zhang + ",100\n");
    auto r = importRecords(*o.t.node, Kind::Assistance, path);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("救助类型") != std::string::npos);
    CHECK(r.error().message.find("发放日期") != std::string::npos);
  }
  SUBCASE("a header without rows") {
    writeFile(path, "受理工会,案件类型,受理日期\n");
    CHECK_FALSE(importRecords(*o.t.node, Kind::RightsCase, path).has_value());
  }
  SUBCASE("members go through importMembers") {
    writeFile(path, "姓名,证件号码\n");
    CHECK_FALSE(importRecords(*o.t.node, Kind::Member, path).has_value());
  }
  CHECK(o.records(Kind::Assistance).empty());
  CHECK(o.records(Kind::RightsCase).empty());
}

TEST_CASE("record import: the default union fills a missing union column; a title row above the header") {
  Office o;
  auto r = o.import(Kind::Congress, "c.csv", "2025年职代会情况统计表,,\n届次,召开日期,代表人数\n第一届,2025-05-01,30\n",
                    ImportOptions{.defaultOrg = o.street});
  CHECK(r.headerLine == 2);
  CHECK(r.created == 1);
  CHECK(o.records(Kind::Congress)[0].get("org") == o.street.hex());
}

TEST_CASE("record import: unions, employers and activities import too; parents by name") {
  Office o;
  auto orgs = o.import(Kind::Organization, "orgs.csv", "名称,类型,上级工会\n红旗村工会,村工会,幸福街道总工会\n");
  CHECK(orgs.created == 1);
  auto activities = o.import(Kind::Activity, "act.csv",
                             "活动名称,活动类型,主办工会,开始日期,经费(元),参加会员数\n"
                             "春节慰问,送温暖/慰问,红旗村工会,2025-01-25,1200,3\n");
  CHECK(activities.created == 1);
  CHECK(activities.ignoredHeaders() == std::vector<std::string>{"参加会员数"});
  CHECK(o.records(Kind::Activity)[0].get("cost") == "120000");
}

TEST_CASE("record import: unions above their parents are stored once the parents are; a parent never found rejects the row") {
  Office o;
  auto orgs = o.import(Kind::Organization, "orgs.csv",
                       "名称,类型,上级工会\n"
                       "红旗村第一组工会,村工会,红旗村工会\n"
                       "红旗村工会,村工会,红旗镇总工会\n"
                       "孤儿工会,村工会,不存在的总工会\n"
                       "红旗镇总工会,乡镇总工会,幸福街道总工会\n");
  CHECK(orgs.created == 3);
  CHECK(orgs.rejected == 1);
  CHECK(orgs.rows == 4);
  CHECK(o.t.node->resolve(Kind::Organization, "红旗村第一组工会").has_value());
  const auto report = o.reportRows(orgs);
  REQUIRE(report.size() == 2);
  CHECK(report[1][0] == "4");
  CHECK(report[1][1] == "上级工会");
  CHECK(report[1][2].find("不存在的总工会") != std::string::npos);
}

TEST_CASE("record import: a union export imports whole into a node holding none of them") {
  Office a;
  for (int i = 0; i < 30; ++i) a.t.addOrg(fmt::format("第{}工会", i), "企业工会", i % 3 ? a.community : a.street);
  // The export lists unions in id order: some come before their parents.
  const auto rows = csvRows(exportCsvText(*a.t.node, Kind::Organization));
  auto position = [&](const std::string& name) {
    return std::ranges::find_if(rows, [&](const auto& row) { return row[0] == name; }) - rows.begin();
  };
  CHECK(std::ranges::any_of(rows, [&](const auto& row) { return !row[3].empty() && position(row[3]) > position(row[0]); }));
  for (const std::string name : {"unions.csv", "unions.xlsx"}) {
    REQUIRE(exportFile(*a.t.node, Kind::Organization, a.t.dir.sub(name)).has_value());
    TestNode b(5);
    auto r = importRecords(*b.node, Kind::Organization, a.t.dir.sub(name));
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->created == 32);
    CHECK(r->rejected == 0);
    auto sorted = [](const Node& node) {
      auto rows = csvRows(exportCsvText(node, Kind::Organization));
      return std::multiset<std::vector<std::string>>(rows.begin(), rows.end());
    };
    CHECK(sorted(*b.node) == sorted(*a.t.node));
  }
}

TEST_CASE("record import: export then import gives the same records on another office's node") {
  Office a;
  REQUIRE(a.import(Kind::Assistance, "in.csv",
                   crlf({"身份证号,救助类型,发放日期,金额,实物折款(元),资金来源,帮扶专项,学生姓名,学校,备注",
                         a.zhang + ",金秋助学,2025-01-20,\"3,000.50\",200,市总工会,金秋助学2025,张小明,第一中学,\"=1+1, \"\"引号\"\"\"",
                         a.wang + ",送温暖慰问,2025-02-01,500,,,,,,"}))
            .created == 2);
  const std::string members = a.t.dir.sub("members.csv"), grants = a.t.dir.sub("grants.csv");
  REQUIRE(exportCsv(*a.t.node, Kind::Member, members).has_value());
  REQUIRE(exportCsv(*a.t.node, Kind::Assistance, grants, ExportOptions{.encoding = Encoding::Gbk}).has_value());

  TestNode b(2);
  replicateOrganizations(b, a.t);
  REQUIRE(importMembers(*b.node, members).value().created == 3);
  auto r = importRecords(*b.node, Kind::Assistance, grants);
  REQUIRE(r.has_value());
  CHECK(r->created == 2);
  CHECK(r->rejected == 0);

  auto values = [](const Node& node) {
    std::multiset<std::map<std::string, std::string>> out;
    for (const auto& rec : node.list(ListQuery{.kind = Kind::Assistance, .limit = 0})) out.insert(valuesOf(rec));
    return out;
  };
  CHECK(values(*b.node) == values(*a.t.node));
}

TEST_CASE("record import: rows are stored in transactions; progress is reported; a cancelled import stores nothing more") {
  Office o;
  std::string file = "身份证号,救助类型,发放日期,金额\n";
  for (int day = 1; day <= 28; ++day)
    for (const auto& id : {o.zhang, o.wang, o.li}) file += fmt::format("{},生活救助,2025-01-{:02d},{}\n", id, day, day);
  std::vector<ImportProgress> seen;
  auto r = o.import(Kind::Assistance, "many.csv", file, ImportOptions{.progress = [&](const ImportProgress& p) { seen.push_back(p); }});
  CHECK(r.created == 84);
  CHECK(r.storedThroughLine == 85);
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back().rowsDone == 84);
  CHECK(seen.back().rowsTotal == 84);

  std::atomic<bool> cancel{true};
  const std::string path = o.t.dir.sub("again.csv");
  writeFile(path, "身份证号,救助类型,发放日期,金额\n" + o.zhang + ",医疗救助,2025-02-01,1\n");
  auto stopped = importRecords(*o.t.node, Kind::Assistance, path, ImportOptions{.cancel = &cancel});
  REQUIRE(stopped.has_value());
  CHECK(stopped->cancelled);
  CHECK(stopped->rows == 0);
  CHECK(o.records(Kind::Assistance).size() == 84);
}

TEST_CASE("record import: every union work kind reads the same from Excel's CSV UTF-8 and from GBK") {
  struct Sample {
    Kind kind;
    std::vector<std::string> lines;
  };
  Office names;  // only for the ID numbers, which are the same in every office
  const std::vector<Sample> samples{
      {Kind::Hardship, {"身份证号码,困难类别,主要致困原因,家庭人口,家庭年收入(元),住房情况,建档日期",
                        names.zhang + ",低保户,下岗失业,3,\"36,000\",租住公房,2025-02-01"}},
      {Kind::Assistance, {"证件号码,帮扶类型,救助日期,慰问金,资金来源,学生姓名,学校",
                          names.li + ",金秋助学,2025-06-01,2000元,市总工会,李小明,江州一中"}},
      {Kind::RightsCase, {"受理工会,案件类型,案由,受理时间,结案时间,受理渠道,涉及职工人数,追回金额(元),办理结果",
                          "阳光社区联合工会,讨薪,拖欠工资两个月,2025-03-01,2025-04-15,12351热线,8,\"64,000.00\",成功"}},
      {Kind::Contract, {"签订工会,合同类型,签订范围,签订时间,期限(月),覆盖单位数,覆盖职工数",
                        "幸福街道总工会,女职工专项,区域,2025-01-08,36,40,2300"}},
      {Kind::Congress, {"召开工会,届次,召开时间,代表人数,提案件数", "阳光社区联合工会,第二届第一次,2025-03-28,35,9"}},
      {Kind::Funds, {"工会名称,年份,全部职工工资总额,实缴经费", "幸福街道总工会,2024,\"3,600,000\",72000"}},
  };
  for (const auto& sample : samples) {
    INFO(kindDef(sample.kind).en);
    std::string text;
    for (const auto& line : sample.lines) text += line + "\r\n";
    Office utf8, gbkOffice;
    auto a = utf8.import(sample.kind, "u.csv", std::string(kBom) + text);
    auto b = gbkOffice.import(sample.kind, "g.csv", gbk(text));
    CHECK(a.detectedEncoding == Encoding::Utf8);
    CHECK(b.detectedEncoding == Encoding::Gbk);
    CHECK(a.created == 1);
    CHECK(b.created == 1);
    CHECK(a.ignoredHeaders().empty());
    // Shown as a person reads them (references as names and ID numbers), the records agree.
    CHECK(csvRows(exportCsvText(*utf8.t.node, sample.kind)) == csvRows(exportCsvText(*gbkOffice.t.node, sample.kind)));
  }
}

TEST_CASE("record import: the report, corrected, imports itself") {
  Office o;
  auto r = o.import(Kind::Assistance, "a.csv", crlf({"身份证号,救助类型,发放日期,金额", o.zhang + ",医疗救助,2025-01-20,-5",
                                                    o.wang + ",医疗救助,2025-01-20,100"}));
  REQUIRE(r.rejected == 1);
  std::string fixed = readFile(r.reportPath);
  const auto at = fixed.find("'-5");
  REQUIRE(at != std::string::npos);
  fixed.replace(at, 3, "5");
  auto again = o.import(Kind::Assistance, "fixed.csv", fixed);
  CHECK(again.created == 1);
  CHECK(again.rejected == 0);
  CHECK(again.ignoredHeaders() == std::vector<std::string>{"行号/line", "列/column", "原因/reason"});
  CHECK(o.records(Kind::Assistance).size() == 2);
}

#include "app/internal/store_access.h"
#include "app/io/member_import.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include "app/io/text_encoding.h"
#include "data/roster_fixture.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A district with two unions, and the ID numbers the rosters below use.
struct ImportFixture {
  TestNode t;
  RecordId street = t.addOrg("幸福街道总工会", "街道总工会");
  RecordId community = t.addOrg("阳光社区联合工会", "社区联合工会", street);

  const std::string idZhang = validId("11010519850612001");  // male
  const std::string idLi = validId("11010519900307002");     // female
  const std::string idWang15 = "110105880101003";            // legacy 15 digits, male
  const std::string idWu = "11010519491231002x";             // lowercase x, female

  std::string file(const std::string& name) const { return t.dir.sub(name); }

  ImportReport import(const std::string& path, ImportOptions options = {}) {
    auto report = importMembers(*t.node, path, options);
    REQUIRE_MESSAGE(report.has_value(), report.error().message);
    return *report;
  }

  // Writes `utf8` (lines joined with CRLF, as Excel does) in `encoding`, with a BOM if asked.
  std::string writeRoster(const std::string& name, const std::vector<std::string>& lines,
                          Encoding encoding = Encoding::Utf8, bool bom = false) const {
    std::string text;
    for (const auto& line : lines) text += line + "\r\n";
    std::string bytes = encodeText(text, encoding).value();
    if (bom) bytes.insert(0, "\xEF\xBB\xBF");
    writeFile(file(name), bytes);
    return file(name);
  }
};

// The report's data rows by line number: {column, reason}.
std::map<std::string, std::pair<std::string, std::string>> reportByLine(const std::string& path) {
  std::string bytes = readFile(path);
  REQUIRE(bytes.starts_with("\xEF\xBB\xBF"));
  auto rows = csvRows(bytes);
  REQUIRE(!rows.empty());
  CHECK(rows[0][0] == "行号/line");
  CHECK(rows[0][1] == "列/column");
  CHECK(rows[0][2] == "原因/reason");
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (std::size_t i = 1; i < rows.size(); ++i) out[rows[i][0]] = {rows[i][1], rows[i][2]};
  return out;
}

}  // namespace

TEST_CASE("a GBK roster saved by Excel, with bad rows, imports the good rows and reports the bad ones") {
  ImportFixture f;
  std::string wrongCheck = validId("11010519800101005");
  wrongCheck.back() = wrongCheck.back() == '1' ? '2' : '1';
  const std::string path = f.writeRoster(
      "花名册.csv",
      {
          "序号,姓名,性别,民族,身份证号码,手机号码,工作单位,所属工会,入会时间,会员证号,是否农民工,备注",
          "1,张伟,男,汉族," + f.idZhang + ",13800000001,幸福超市,阳光社区联合工会,2020-03-01,0001,否,",
          "2,李喆,女,汉族," + f.idLi + ",138 0000 0002,红星厂,幸福街道总工会,2021/5/6,0002,是,\"夜班,周末\"",
          "3,王䶮,,回族," + f.idWang15 + ",13800000003,,阳光社区联合工会,2019年1月2日,,否,",
          "4,赵四,男,汉族," + wrongCheck + ",13800000004,,阳光社区联合工会,,,,",
          "5,钱五,女,汉族," + validId("11010519900230006") + ",13800000005,,阳光社区联合工会,,,,",
          "6,孙六,男,汉族," + validId("11010519750505007") + ",1380000000,,阳光社区联合工会,,,,",
          "7,,男,汉族," + validId("11010519760606009") + ",13800000007,,阳光社区联合工会,,,,",
          "8,周八,男,汉族," + validId("11010519770707011") + ",13800000008,,不存在的工会,,,,",
          "9,张伟,男,汉族," + f.idZhang + ",13900000009,,阳光社区联合工会,,,,",
          "10,吴十,女,汉族," + f.idWu + ",13800000010,,幸福街道总工会,,,,",
          "11,郑十一,男,汉族," + validId("11010519780808012") + ",13800000011,,幸福街道总工会,,,,",
      },
      Encoding::Gbk);

  ImportReport report = f.import(path);
  CHECK(report.detectedEncoding == Encoding::Gbk);
  CHECK(report.rows == 11);
  CHECK(report.created == 4);
  CHECK(report.updated == 0);
  CHECK(report.duplicates == 1);
  CHECK(report.rejected == 6);
  CHECK(report.complete());
  CHECK(report.storedThroughLine == 12);
  CHECK(report.ignoredHeaders() == std::vector<std::string>{"序号"});
  CHECK(report.reportPath == f.file("花名册.rejected.csv"));
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 4);

  auto lines = reportByLine(report.reportPath);
  REQUIRE(lines.size() == 7);  // six rejected rows and the duplicate
  CHECK(lines["5"].first == "身份证号码");
  CHECK(lines["5"].second.find("校验位") != std::string::npos);
  CHECK(lines["6"].first == "身份证号码");
  CHECK(lines["6"].second.find("出生日期不存在") != std::string::npos);
  CHECK(lines["7"].first == "手机号码");
  CHECK(lines["7"].second.find("11位") != std::string::npos);
  CHECK(lines["8"].first == "姓名");
  CHECK(lines["8"].second.find("必填") != std::string::npos);
  CHECK(lines["9"].first == "所属工会");
  CHECK(lines["9"].second.find("不存在的工会") != std::string::npos);
  CHECK(lines["10"].first == "身份证号码");
  CHECK(lines["10"].second.find("第2行") != std::string::npos);
  CHECK(lines["12"].first == "性别");
  CHECK(lines["12"].second.find("不符") != std::string::npos);

  // The original row follows the reasons, under the original headers.
  auto rows = csvRows(readFile(report.reportPath));
  CHECK(rows[0][4] == "姓名");
  CHECK(rows[1][4] == "赵四");
  CHECK(rows[1][7] == "\t" + wrongCheck);  // long digit strings stay text in Excel

  auto zhang = f.t.member(f.idZhang);
  REQUIRE(zhang);
  CHECK(zhang->get("name") == "张伟");
  CHECK(zhang->get("mobile") == "13900000009");  // the later row wins
  CHECK(zhang->get("employer") == "幸福超市");    // its blank cell keeps the earlier value
  CHECK(zhang->get("org") == f.community.hex());
  CHECK(zhang->get("birth_date") == "1985-06-12");
  CHECK(zhang->get("gender") == "男");
  CHECK(zhang->get("status") == "正常");
  CHECK(zhang->get("deleted") == "0");
  CHECK(zhang->get("card_no") == "0001");

  auto li = f.t.member(f.idLi);
  REQUIRE(li);
  CHECK(li->get("mobile") == "13800000002");
  CHECK(li->get("join_date") == "2021-05-06");
  CHECK(li->get("migrant") == "1");
  CHECK(li->get("notes") == "夜班,周末");
  CHECK(li->get("org") == f.street.hex());

  auto wang = f.t.member(f.idWang15);
  REQUIRE(wang);
  CHECK(wang->get("name") == "王䶮");
  CHECK(wang->get("id_number").size() == 18);
  CHECK(wang->get("id_number").starts_with("11010519880101003"));
  CHECK(wang->get("gender") == "男");
  CHECK(wang->get("join_date") == "2019-01-02");

  auto wu = f.t.member(f.idWu);
  REQUIRE(wu);
  CHECK(wu->get("id_number") == "11010519491231002X");
  CHECK(wu->get("gender") == "女");
}

TEST_CASE("UTF-8 with BOM and English field names; a title row above the header") {
  ImportFixture f;
  const std::string path = f.writeRoster("members.csv",
                                         {
                                             "幸福街道会员花名册（2025年）,,",
                                             "name,ID number,org,Mobile",
                                             "张伟," + f.idZhang + "," + f.community.hex() + ",13800000001",
                                         },
                                         Encoding::Utf8, true);
  ImportReport report = f.import(path);
  CHECK(report.detectedEncoding == Encoding::Utf8);
  CHECK(report.headerLine == 2);
  CHECK(report.rows == 1);
  CHECK(report.created == 1);
  REQUIRE(report.headerMapping.size() == 4);
  CHECK(report.headerMapping[1].field == "id_number");
  CHECK(report.headerMapping[2].field == "org");
  auto zhang = f.t.member(f.idZhang);
  REQUIRE(zhang);
  CHECK(zhang->get("org") == f.community.hex());
  CHECK(zhang->get("mobile") == "13800000001");
}

TEST_CASE("ID numbers typed in groups and 男性/女性 import; a union named in part is answered with its full name") {
  ImportFixture f;
  // idLi without its check character grouped 6-8-4, then the rest.
  const std::string grouped = f.idLi.substr(0, 6) + " " + f.idLi.substr(6, 8) + " " + f.idLi.substr(14);
  const std::string path = f.writeRoster("members.csv",
                                         {
                                             "姓名,身份证号,所属工会,性别",
                                             "李娜," + grouped + ",幸福街道总工会,女性",
                                             "张伟," + f.idZhang + ",阳光社区,男性",
                                         });
  ImportReport report = f.import(path);
  CHECK(report.created == 1);
  CHECK(report.rejected == 1);
  auto li = f.t.member(f.idLi);
  REQUIRE(li);
  CHECK(li->get("id_number") == f.idLi);
  CHECK(li->get("gender") == "女");
  auto lines = reportByLine(report.reportPath);
  REQUIRE(lines.contains("3"));
  CHECK(lines["3"].first == "所属工会");
  CHECK(lines["3"].second.find("找不到名为“阳光社区”的工会，是否指：阳光社区联合工会") != std::string::npos);
}

TEST_CASE("a CSV saved by Excel with numbers in scientific notation or cut to 15 digits says so") {
  ImportFixture f;
  const std::string cut = f.idLi.substr(0, 15) + "000";  // Excel's 15 digits
  const std::string path = f.writeRoster("members.csv",
                                         {
                                             "姓名,身份证号,所属工会,手机",
                                             "李娜,1.10105E+17,幸福街道总工会,13800000001",
                                             "张伟," + f.idZhang + ",幸福街道总工会,1.38E+10",
                                             "王芳," + cut + ",幸福街道总工会,13800000003",
                                             // Text that only looks alike is judged as text.
                                             "赵敏," + f.idWu + ",幸福街道总工会,1.38E10",
                                         });
  ImportReport report = f.import(path);
  CHECK(report.created == 0);
  CHECK(report.rejected == 4);
  auto lines = reportByLine(report.reportPath);
  CHECK(lines["2"].first == "身份证号");
  CHECK(lines["2"].second.find("科学计数法（1.10105E+17）") != std::string::npos);
  CHECK(lines["2"].second.find("实为") == std::string::npos);  // not the length complaint as well
  CHECK(lines["3"].first == "手机");
  CHECK(lines["3"].second.find("手机被 Excel 存成了数字，以科学计数法（1.38E+10）") != std::string::npos);
  if (cut != f.idLi) CHECK(lines["4"].second.find("末三位是 000") != std::string::npos);
  CHECK(lines["5"].second.find("科学计数法") == std::string::npos);
}

TEST_CASE("importing again updates members instead of duplicating them") {
  ImportFixture f;
  const std::string header = "姓名,证件号码,所属工会,手机,单位";
  f.import(f.writeRoster("a.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会,13800000001,幸福超市",
                                   "李喆," + f.idLi + ",幸福街道总工会,13800000002,红星厂"}));
  REQUIRE(internal::storeOf(*f.t.node).count(Kind::Member) == 2);

  // A later roster: a new mobile for 张伟, the same for 李喆, a blank employer, one new person.
  ImportReport report = f.import(f.writeRoster("b.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会,13900000001,",
                                                         "李喆," + f.idLi + ",幸福街道总工会,13800000002,",
                                                         "王䶮," + f.idWang15 + ",阳光社区联合工会,,"}));
  CHECK(report.created == 1);
  CHECK(report.updated == 1);
  CHECK(report.unchanged == 1);
  CHECK(report.rejected == 0);
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 3);
  CHECK(f.t.member(f.idZhang)->get("mobile") == "13900000001");
  CHECK(f.t.member(f.idZhang)->get("employer") == "幸福超市");

  // The legacy number and its 18-digit form are the same person.
  const std::string upgraded = f.t.member(f.idWang15)->get("id_number").data();
  ImportReport again = f.import(f.writeRoster("c.csv", {header, "王䶮," + upgraded + ",阳光社区联合工会,13800000003,"}));
  CHECK(again.updated == 1);
  CHECK(again.created == 0);
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 3);
}

TEST_CASE("a deleted member imported again is restored and counted as created") {
  ImportFixture f;
  const std::string header = "姓名,证件号码,所属工会";
  f.import(f.writeRoster("a.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会"}));
  REQUIRE(f.t.node->remove(Kind::Member, f.t.memberId(f.idZhang)).has_value());
  ImportReport report = f.import(f.writeRoster("b.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会"}));
  CHECK(report.created == 1);
  CHECK_FALSE(f.t.member(f.idZhang)->deleted());
}

TEST_CASE("a missing required column fails before anything is stored") {
  ImportFixture f;
  SUBCASE("no ID number column") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"姓名,手机,所属工会", "张伟,13800000001,幸福街道总工会"}));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("证件号码") != std::string::npos);
  }
  SUBCASE("no union column and no default union") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"姓名,身份证号", "张伟," + f.idZhang}));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("所属工会") != std::string::npos);
    CHECK(report.error().message.find("--org") != std::string::npos);
  }
  SUBCASE("a header that names no known column") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"a,b,c", "1,2,3"}));
    REQUIRE_FALSE(report.has_value());
  }
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 0);
  CHECK_FALSE(std::filesystem::exists(f.file("x.rejected.csv")));
}

TEST_CASE("the default union fills a missing column and blank cells") {
  ImportFixture f;
  ImportOptions options{.defaultOrg = f.community};
  ImportReport report = f.import(f.writeRoster("x.csv", {"姓名,身份证号", "张伟," + f.idZhang}), options);
  CHECK(report.created == 1);
  CHECK(f.t.member(f.idZhang)->get("org") == f.community.hex());

  ImportReport blank = f.import(
      f.writeRoster("y.csv", {"姓名,身份证号,所属工会", "李喆," + f.idLi + ",", "吴十," + f.idWu + ",幸福街道总工会"}), options);
  CHECK(blank.created == 2);
  CHECK(f.t.member(f.idLi)->get("org") == f.community.hex());
  CHECK(f.t.member(f.idWu)->get("org") == f.street.hex());
}

TEST_CASE("a new member without a union is rejected; a known one keeps its union") {
  ImportFixture f;
  const std::string header = "姓名,身份证号,所属工会";
  f.import(f.writeRoster("a.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会"}));
  ImportReport report = f.import(f.writeRoster("b.csv", {header, "张伟," + f.idZhang + ",", "李喆," + f.idLi + ","}));
  CHECK(report.unchanged == 1);
  CHECK(report.rejected == 1);
  CHECK(reportByLine(report.reportPath)["3"].first == "所属工会");
}

TEST_CASE("a broken CSV file or an undecodable one stores nothing") {
  ImportFixture f;
  SUBCASE("unclosed quote") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟," + f.idZhang + ",幸福街道总工会",
                                                                  "\"李喆," + f.idLi + ",幸福街道总工会"}));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("CSV") != std::string::npos);
  }
  SUBCASE("GBK bytes read as UTF-8") {
    std::string path = f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟," + f.idZhang + ",幸福街道总工会"}, Encoding::Gbk);
    auto report = importMembers(*f.t.node, path, ImportOptions{.encoding = Encoding::Utf8});
    REQUIRE_FALSE(report.has_value());
  }
  SUBCASE("no such file") {
    REQUIRE_FALSE(importMembers(*f.t.node, f.file("missing.csv")).has_value());
  }
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 0);
}

TEST_CASE("rows are stored in chunks; progress is reported; cancelling keeps whole chunks only") {
  ImportFixture f;
  std::vector<std::string> lines{"姓名,身份证号,所属工会"};
  for (int i = 0; i < 10; ++i)
    lines.push_back(fmt::format("会员{},{},幸福街道总工会", i, validId(fmt::format("110105199001{:02}{:03}", i + 1, 1))));
  lines.push_back("坏行,123,幸福街道总工会");  // line 12, in the last chunk
  const std::string path = f.writeRoster("x.csv", lines);

  std::atomic<bool> cancel{false};
  std::vector<ImportProgress> progress;
  ImportOptions options{.chunkRows = 4, .cancel = &cancel};
  options.progress = [&](const ImportProgress& p) {
    progress.push_back(p);
    if (p.rowsDone >= 8) cancel = true;
  };
  ImportReport report = f.import(path, options);
  CHECK(report.cancelled);
  CHECK_FALSE(report.complete());
  CHECK(report.rows == 8);
  CHECK(report.created == 8);
  CHECK(report.storedThroughLine == 9);
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 8);
  REQUIRE(progress.size() == 2);
  CHECK(progress[0].rowsDone == 4);
  CHECK(progress[0].rowsTotal == 11);
  CHECK(reportByLine(report.reportPath).empty());  // the bad row was in the chunk not stored
}

TEST_CASE("a member import reports rows read between its large chunks and stops within them when cancelled") {
  ImportFixture f;
  std::vector<std::string> lines{"姓名,身份证号,所属工会"};
  for (int i = 0; i < 12000; ++i)
    lines.push_back(fmt::format("会员{},{},幸福街道总工会", i, validId(fmt::format("110105199001{:02}{:03}", 1 + i / 1000, i % 1000))));
  const std::string path = f.writeRoster("big.csv", lines);

  std::vector<std::size_t> seen;
  ImportReport whole = f.import(path, ImportOptions{.progress = [&](const ImportProgress& p) { seen.push_back(p.rowsDone); }});
  CHECK(whole.complete());
  CHECK(seen == std::vector<std::size_t>{5000, 10000, 12000});  // two reads, then the one stored chunk

  ImportFixture g;
  const std::string again = g.writeRoster("big.csv", lines);
  std::atomic<bool> cancel{false};
  ImportOptions options{.cancel = &cancel};
  options.progress = [&](const ImportProgress&) { cancel = true; };
  ImportReport cut = g.import(again, options);
  CHECK(cut.cancelled);
  CHECK(cut.rows == 0);  // the chunk being read is not stored
  CHECK(internal::storeOf(*g.t.node).count(Kind::Member) == 0);
}

TEST_CASE("an imported member is stored as Node::upsertMember stores the same values") {
  ImportFixture f;
  FieldValues values{{"name", "李喆"},       {"id_number", f.idLi}, {"mobile", "13800000002"},
                     {"org", f.street.hex()}, {"migrant", "是"},     {"join_date", "2021-05-06"},
                     {"education", "本科"}};
  REQUIRE(f.t.node->upsertMember(values).has_value());
  auto byFacade = valuesOf(*f.t.member(f.idLi));

  TestNode other(2);
  replicateOrganizations(other, f.t);
  std::string path = f.file("one.csv");
  writeFile(path, "姓名,身份证号,手机,所属工会,是否农民工,入会日期,学历\n李喆," + f.idLi +
                      ",13800000002,幸福街道总工会,是,2021-05-06,本科\n");
  auto report = importMembers(*other.node, path);
  REQUIRE(report.has_value());
  CHECK(report->created == 1);
  CHECK(valuesOf(*other.node->get(Kind::Member, f.t.memberId(f.idLi))) == byFacade);
}

TEST_CASE("statistics count imported members") {
  ImportFixture f;
  f.import(f.writeRoster("x.csv", {"姓名,身份证号,所属工会,是否农民工", "张伟," + f.idZhang + ",阳光社区联合工会,是",
                                   "李喆," + f.idLi + ",幸福街道总工会,否"}));
  Stats stats = f.t.node->stats(f.street);
  CHECK(stats.members == 2);
  CHECK(stats.migrantMembers == 1);
}

TEST_CASE("a union name held by two unions is ambiguous; the id resolves it") {
  ImportFixture f;
  RecordId other = f.t.addOrg("机关工会", "机关事业单位工会", f.street);
  f.t.addOrg("机关工会", "机关事业单位工会", f.community);
  ImportReport report = f.import(
      f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟," + f.idZhang + ",机关工会", "李喆," + f.idLi + "," + other.hex()}));
  CHECK(report.rejected == 1);
  CHECK(reportByLine(report.reportPath)["2"].second.find("多个") != std::string::npos);
  CHECK(f.t.member(f.idLi)->get("org") == other.hex());
}

TEST_CASE("the report can be fixed and imported itself") {
  ImportFixture f;
  ImportReport first = f.import(f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟," + f.idZhang + ",不存在的工会"}));
  REQUIRE(first.rejected == 1);
  std::string fixed = readFile(first.reportPath);
  fixed.replace(fixed.find("不存在的工会\r\n"), std::string("不存在的工会").size(), "幸福街道总工会");
  writeFile(f.file("fixed.csv"), fixed);
  ImportReport second = f.import(f.file("fixed.csv"));
  CHECK(second.created == 1);
  CHECK(second.ignoredHeaders() == std::vector<std::string>{"行号/line", "列/column", "原因/reason"});
}

TEST_CASE("cells beyond the header reject the row; the report never overwrites the input") {
  ImportFixture f;
  const std::string path = f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟," + f.idZhang + ",幸福街道总工会,多余",
                                                   "李喆," + f.idLi + ",幸福街道总工会,,"});
  ImportReport report = f.import(path);
  CHECK(report.rejected == 1);
  CHECK(report.created == 1);
  CHECK(reportByLine(report.reportPath)["2"].second.find("表头之外") != std::string::npos);

  auto same = importMembers(*f.t.node, path, ImportOptions{.reportPath = path});
  REQUIRE_FALSE(same.has_value());
  CHECK(readFile(path).starts_with("姓名"));
}

TEST_CASE("two columns for one field: differing values reject the row naming both, equal or one blank are fine") {
  ImportFixture f;
  const std::string path = f.writeRoster(
      "x.csv", {"姓名,身份证号,所属工会,手机,手机号码",
                "张伟," + f.idZhang + ",幸福街道总工会,13800000001,13900000009",  // differ: rejected
                "李喆," + f.idLi + ",幸福街道总工会,138 0000 0002,13800000002",   // same after normalizing
                "吴十," + f.idWu + ",幸福街道总工会,,13800000010"});              // first blank: second used
  ImportReport report = f.import(path);
  CHECK(report.rejected == 1);
  CHECK(report.created == 2);
  CHECK(report.ignoredHeaders().empty());
  REQUIRE(report.headerMapping.size() == 5);
  CHECK(report.headerMapping[4].field == "mobile");
  auto lines = reportByLine(report.reportPath);
  CHECK(lines["2"].first == "手机；手机号码");
  CHECK(lines["2"].second.find("13800000001") != std::string::npos);
  CHECK(lines["2"].second.find("13900000009") != std::string::npos);
  CHECK(lines["2"].second.find("differ") != std::string::npos);
  CHECK_FALSE(f.t.member(f.idZhang).has_value());
  CHECK(f.t.member(f.idLi)->get("mobile") == "13800000002");
  CHECK(f.t.member(f.idWu)->get("mobile") == "13800000010");
}

TEST_CASE("two ID number columns: the second fills a blank first, and they must agree") {
  ImportFixture f;
  ImportReport report = f.import(f.writeRoster(
      "x.csv", {"姓名,身份证号,证件号码,所属工会", "张伟,," + f.idZhang + ",幸福街道总工会",
                "李喆," + f.idLi + "," + f.idWu + ",幸福街道总工会"}));
  CHECK(report.created == 1);
  CHECK(report.rejected == 1);
  CHECK(f.t.member(f.idZhang)->get("birth_date") == "1985-06-12");
  CHECK(reportByLine(report.reportPath)["3"].first == "身份证号；证件号码");
}

TEST_CASE("a roster with CR-only line ends (old Mac Excel) imports every row") {
  ImportFixture f;
  const std::string path = f.file("mac.csv");
  writeFile(path, "姓名,身份证号,所属工会\r张伟," + f.idZhang + ",幸福街道总工会\r李喆," + f.idLi + ",幸福街道总工会\r");
  ImportReport report = f.import(path);
  CHECK(report.rows == 2);
  CHECK(report.created == 2);
  CHECK(report.storedThroughLine == 3);
  CHECK(f.t.member(f.idLi)->get("name") == "李喆");
}

TEST_CASE("a file with content but no data rows is an error that says why, never 0 rows success") {
  ImportFixture f;
  SUBCASE("header only") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"姓名,身份证号,所属工会"}));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("no data rows") != std::string::npos);
    CHECK(report.error().message.find("第1行") != std::string::npos);
  }
  SUBCASE("title row and header") {
    auto report = importMembers(*f.t.node, f.writeRoster("x.csv", {"会员花名册", "姓名,身份证号,所属工会", "", "  "}));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("line 2") != std::string::npos);
  }
  SUBCASE("blank lines only") {
    writeFile(f.file("x.csv"), "\xEF\xBB\xBF\r\n \r\n\r");
    auto report = importMembers(*f.t.node, f.file("x.csv"));
    REQUIRE_FALSE(report.has_value());
    CHECK(report.error().message.find("empty") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists(f.file("x.rejected.csv")));
}

TEST_CASE("a roster mixing GBK and UTF-8 rows is refused naming the line; nothing is stored") {
  ImportFixture f;
  // Before, the file was read as GBK and 李喆 was stored as "鏉庡枂".
  const std::string path = f.file("mixed.csv");
  writeFile(path, encodeText("姓名,身份证号\r\n张伟," + f.idZhang + "\r\n", Encoding::Gbk).value() + "李喆," + f.idLi + "\r\n");
  auto report = importMembers(*f.t.node, path, ImportOptions{.defaultOrg = f.street});
  REQUIRE_FALSE(report.has_value());
  CHECK(report.error().message.find("第 3 行的编码与前文不同（GBK/UTF-8 混用）") != std::string::npos);
  CHECK(report.error().message.find("save the file again as one encoding") != std::string::npos);
  CHECK(internal::storeOf(*f.t.node).count(Kind::Member) == 0);
}

TEST_CASE("the rejection report is created mode 0600, also when it existed with another mode") {
  ImportFixture f;
  const std::string path = f.writeRoster("x.csv", {"姓名,身份证号,所属工会", "张伟,123,幸福街道总工会"});
  ImportReport first = f.import(path);
  REQUIRE(first.rejected == 1);
  CHECK(fileMode(first.reportPath) == 0600);

  REQUIRE(::chmod(first.reportPath.c_str(), 0644) == 0);
  ImportReport again = f.import(path);
  CHECK(fileMode(again.reportPath) == 0600);
  CHECK(reportByLine(again.reportPath).size() == 1);

  const std::string chosen = f.file("chosen-report.csv");
  writeFile(chosen, "old");
  REQUIRE(::chmod(chosen.c_str(), 0666) == 0);
  ImportReport named = f.import(path, ImportOptions{.reportPath = chosen});
  CHECK(fileMode(chosen) == 0600);
  CHECK(reportByLine(named.reportPath).size() == 1);
}

TEST_CASE("bytes that would be stored invisibly reject the row, naming line and column") {
  ImportFixture f;
  const std::string id3 = validId("11010519800101005"), id4 = validId("11010519800101013"),
                    id5 = validId("11010519800101021"), id6 = validId("11010519800101048");
  const std::string path = f.file("x.csv");
  writeFile(path, "姓名,身份证号,所属工会,备注\r\n"
                  "张伟," + f.idZhang + ",幸福街道总工会,夜班\r\n" +
                  std::string("李喆,") + f.idLi + std::string(",幸福街道总工会,夜\0班\r\n", 32) +  // NUL
                  std::string("王五,") + id3 + ",幸福街道总工会,\xFF\xFE\r\n" +   // not UTF-8
                  "\xEF\xBB\xBF赵六," + id4 + ",幸福街道总工会,\r\n" +             // BOM of a joined file
                  "\"钱\n七\"," + id5 + ",幸福街道总工会,\r\n" +                   // line break in a name
                  "孙八," + id6 + ",幸福街道总工会,\"第一行\r\n第二行\"\r\n");     // fine in notes
  ImportReport report = f.import(path);
  CHECK(report.created == 2);
  CHECK(report.rejected == 4);
  auto lines = reportByLine(report.reportPath);
  CHECK(lines["3"].first == "备注");
  CHECK(lines["3"].second.find("NUL") != std::string::npos);
  CHECK(lines["4"].first == "备注");
  CHECK(lines["4"].second.find("not UTF-8") != std::string::npos);
  CHECK(lines["5"].first == "姓名");
  CHECK(lines["5"].second.find("byte-order mark") != std::string::npos);
  CHECK(lines["6"].first == "姓名");
  CHECK(lines["6"].second.find("line break") != std::string::npos);
  CHECK(f.t.member(id6)->get("notes") == "第一行\r\n第二行");
  CHECK(readFile(report.reportPath).find('\0') == std::string::npos);
  CHECK(report.damagedBytes == 2);  // \xFF and \xFE
  CHECK(report.firstDamagedLine == 4);
}

TEST_CASE("a quote left open that swallows the rows below rejects its row") {
  ImportFixture f;
  const std::string id3 = validId("11010519800101005");
  ImportReport report = f.import(f.writeRoster(
      "x.csv", {"姓名,身份证号,所属工会,备注", "张伟," + f.idZhang + ",幸福街道总工会,\"夜班",
                "李喆," + f.idLi + ",幸福街道总工会,周末", "王五," + id3 + ",幸福街道总工会,周末\""}));
  // Without the check 张伟 was stored with the next row in his notes and 李喆 was lost.
  CHECK(report.rejected == 1);
  auto lines = reportByLine(report.reportPath);
  CHECK(lines["2"].first == "备注");
  CHECK(lines["2"].second.find("quote") != std::string::npos);
}

TEST_CASE("the header repeated in the middle (files joined) and an overlong cell reject their rows") {
  ImportFixture f;
  const std::string header = "姓名,身份证号,所属工会,备注";
  ImportReport report = f.import(f.writeRoster(
      "x.csv", {header, "张伟," + f.idZhang + ",幸福街道总工会,", header, "李喆," + f.idLi + ",幸福街道总工会," + std::string(3000, 'x')}));
  CHECK(report.created == 1);
  CHECK(report.rejected == 2);
  auto lines = reportByLine(report.reportPath);
  CHECK(lines["3"].second.find("header row again") != std::string::npos);
  CHECK(lines["4"].first == "备注");
  CHECK(lines["4"].second.find("too long") != std::string::npos);
}

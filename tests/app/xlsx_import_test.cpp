// Importing XLSX workbooks: files built with libxlsxwriter as Excel saves them (shared
// strings, a merged title row, numbers and dates), parts crafted by hand with libzip (inline
// strings, hostile files), and round trips of our own exports.
#include <xlsxwriter.h>
#include <zip.h>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>
#include <random>
#include <set>

#include "app/io/csv_export.h"
#include "app/io/member_import.h"
#include "app/io/record_import.h"
#include "app/io/xlsx_cell_text.h"
#include "app/io/xlsx_export.h"
#include "app/io/xlsx_package.h"
#include "app/io/xlsx_reader.h"
#include "data/roster_fixture.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A street union with a community union below it, and the ID numbers the workbooks use.
struct Office {
  const std::string idZhang = validId("11010519850612001");
  const std::string idLi = validId("11010519900307002");
  const std::string idWang15 = "110105880101003";  // legacy 15 digits: exact as a number
  const std::string idWu = "11010519491231002X";

  TestNode t;
  RecordId street = t.addOrg("幸福街道总工会", "街道总工会");
  RecordId community = t.addOrg("阳光社区联合工会", "社区联合工会", street);

  std::string file(const std::string& name) const { return t.dir.sub(name); }

  Result<ImportReport> import(const std::string& path, ImportOptions options = {}) {
    return importMembers(*t.node, path, options);
  }

  std::size_t members() const { return t.node->list(ListQuery{.kind = Kind::Member, .limit = 0}).size(); }
};

// A workbook written with libxlsxwriter's default (shared strings) mode, as Excel saves.
class Book {
 public:
  explicit Book(const std::string& path) : book_(workbook_new(path.c_str())) {
    REQUIRE(book_);
    date_ = workbook_add_format(book_);
    format_set_num_format(date_, "yyyy-mm-dd");
    chineseDate_ = workbook_add_format(book_);
    format_set_num_format(chineseDate_, "yyyy\"年\"m\"月\"d\"日\"");
    shaded_ = workbook_add_format(book_);
    format_set_bg_color(shaded_, LXW_COLOR_YELLOW);
  }
  ~Book() {
    if (book_) workbook_close(book_);
  }

  lxw_worksheet* sheet(const char* name) { return sheet_ = workbook_add_worksheet(book_, name); }
  void text(int row, int col, const std::string& s) { REQUIRE(worksheet_write_string(sheet_, row - 1, col, s.c_str(), nullptr) == 0); }
  void number(int row, int col, double v) { REQUIRE(worksheet_write_number(sheet_, row - 1, col, v, nullptr) == 0); }
  void date(int row, int col, int y, int m, int d, bool chinese = false) {
    lxw_datetime dt{y, m, d, 0, 0, 0};
    REQUIRE(worksheet_write_datetime(sheet_, row - 1, col, &dt, chinese ? chineseDate_ : date_) == 0);
  }
  void header(int row, const std::vector<std::string>& headers) {
    for (std::size_t c = 0; c < headers.size(); ++c) text(row, static_cast<int>(c), headers[c]);
  }
  void title(int row, int lastCol, const std::string& s) {
    REQUIRE(worksheet_merge_range(sheet_, row - 1, 0, row - 1, lastCol, s.c_str(), nullptr) == 0);
  }
  // A sheet with a header and one member of 幸福街道总工会, 赵四.
  void rosterOfOne(const char* name, const std::string& idNumber) {
    sheet(name);
    header(1, {"姓名", "证件号码", "所属工会"});
    text(2, 0, "赵四");
    text(2, 1, idNumber);
    text(2, 2, "幸福街道总工会");
  }
  // A row formatted but without values: Excel writes its <row> with no cells.
  void shadedRow(int row) { REQUIRE(worksheet_set_row(sheet_, row - 1, 15, shaded_) == 0); }
  void close() { REQUIRE(workbook_close(std::exchange(book_, nullptr)) == 0); }

 private:
  lxw_workbook* book_;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* date_;
  lxw_format* chineseDate_;
  lxw_format* shaded_;
};

// Writes a ZIP of `parts` (name -> content), deflated (or stored as they are), as a hand-made
// XLSX file.
void writeZip(const std::string& path, const std::map<std::string, std::string>& parts, bool stored = false) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  REQUIRE(zip);
  for (const auto& [name, content] : parts) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    REQUIRE(source);
    const zip_int64_t index = zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    REQUIRE(index >= 0);
    if (stored) REQUIRE(zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) == 0);
  }
  REQUIRE(zip_close(zip) == 0);
}

// The parts of a minimal workbook with one sheet "名册" holding `sheetData` (the rows' XML).
std::map<std::string, std::string> minimalParts(const std::string& sheetData, bool withSharedStrings = false) {
  const std::string ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  std::map<std::string, std::string> parts{
      {"_rels/.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                      "<Relationship Id=\"rId1\" Type=\"" + rel + "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"},
      {"xl/workbook.xml", "<?xml version=\"1.0\"?><workbook " + ns + " xmlns:r=\"" + rel +
                              "\"><sheets><sheet name=\"名册\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels",
       "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"" + rel + "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
       "<Relationship Id=\"rId2\" Type=\"" + rel + "/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>"},
      {"xl/worksheets/sheet1.xml", "<?xml version=\"1.0\"?><worksheet " + ns + "><sheetData>" + sheetData + "</sheetData></worksheet>"},
  };
  if (withSharedStrings)
    parts["xl/sharedStrings.xml"] = "<?xml version=\"1.0\"?><sst " + ns + " count=\"1\" uniqueCount=\"1\"><si><t>姓名</t></si></sst>";
  return parts;
}

std::string inlineCell(const std::string& ref, const std::string& text) {
  return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + text + "</t></is></c>";
}

// Every row of the first sheet of an XLSX file as text (header cells' reading), by row number.
std::map<std::uint32_t, std::vector<std::string>> sheetText(const std::string& path, std::string_view sheet = {}) {
  auto book = XlsxWorkbook::open(path);
  REQUIRE_MESSAGE(book.has_value(), book.error().message);
  auto rows = book->sheet(sheet);
  REQUIRE(rows.has_value());
  std::map<std::uint32_t, std::vector<std::string>> out;
  for (;;) {
    auto row = rows->next();
    REQUIRE_MESSAGE(row.has_value(), row.error().message);
    if (!*row) return out;
    auto& cells = out[(*row)->number];
    for (const auto& cell : (*row)->cells) {
      cells.resize(cell.column + 1);
      cells[cell.column] = xlsxCellText(cell, nullptr, false).text;
    }
  }
}

std::string failure(const Result<ImportReport>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

}  // namespace

TEST_CASE("xlsx import: a roster as Excel saves it, merged title, numbers and dates; a rounded ID number is rejected") {
  Office f;
  const std::string path = f.file("花名册.xlsx");
  {
    Book b(path);
    b.sheet("会员名册");
    b.title(1, 6, "幸福街道2025年会员花名册");
    b.header(3, {"序号", "姓名", "身份证号码", "手机号码", "所属工会", "入会时间", "备注"});
    b.number(4, 0, 1);
    b.text(4, 1, "张伟");
    b.text(4, 2, f.idZhang);
    b.number(4, 3, 13800000001);  // a mobile stored as a number: whole, fine
    b.text(4, 4, "阳光社区联合工会");
    b.date(4, 5, 2020, 3, 1);
    b.text(4, 6, "=1+1");
    b.number(5, 0, 2);
    b.text(5, 1, "李喆");
    b.number(5, 2, std::stod(f.idLi.substr(0, 17)) * 10);  // typed as a number: Excel keeps 15 digits
    b.text(5, 4, "幸福街道总工会");
    b.shadedRow(6);
    b.number(7, 0, 3);
    b.text(7, 1, "王䶮");
    b.number(7, 2, std::stod(f.idWang15));
    b.number(7, 3, 13800000003);
    b.text(7, 4, "阳光社区联合工会");
    b.number(7, 5, 43831);  // a date serial that lost its date format: 2020-01-01
    b.text(7, 6, "-5");
    b.number(8, 0, 4);
    b.text(8, 1, "吴十");
    b.text(8, 2, f.idWu);
    b.text(8, 4, "幸福街道总工会");
    b.date(8, 5, 2021, 5, 6, true);
    b.number(8, 6, 3000.5);
    b.rosterOfOne("第二批", validId("11010519760606009"));
    b.close();
  }

  auto report = f.import(path);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(report->sheet == "会员名册");
  CHECK(report->headerLine == 3);
  CHECK(report->rows == 4);
  CHECK(report->created == 3);
  CHECK(report->rejected == 1);
  CHECK(report->storedThroughLine == 8);  // Excel's row numbers
  CHECK(report->reportPath == f.file("花名册.rejected.xlsx"));
  CHECK(report->ignoredHeaders() == std::vector<std::string>{"序号"});

  auto zhang = f.t.member(f.idZhang);
  REQUIRE(zhang);
  CHECK(zhang->get("mobile") == "13800000001");
  CHECK(zhang->get("join_date") == "2020-03-01");
  CHECK(zhang->get("notes") == "=1+1");
  auto wang = f.t.member(f.idWang15);
  REQUIRE(wang);
  CHECK(wang->get("mobile") == "13800000003");
  CHECK(wang->get("join_date") == "2020-01-01");
  CHECK(wang->get("notes") == "-5");
  auto wu = f.t.member(f.idWu);
  REQUIRE(wu);
  CHECK(wu->get("join_date") == "2021-05-06");
  CHECK(wu->get("notes") == "3000.5");
  CHECK_FALSE(f.t.member(f.idLi));

  // The report is a workbook too: Excel's row number, the column and the reason, the row as Excel shows it.
  CHECK(fileMode(report->reportPath) == 0600);
  auto rows = sheetText(report->reportPath);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1][0] == "行号/line");
  CHECK(rows[1][4] == "姓名");
  REQUIRE(rows.contains(2));
  CHECK(rows[2][0] == "5");
  CHECK(rows[2][1] == "身份证号码");
  CHECK(rows[2][2].find("证件号码在表格里存成了数字，末几位已丢失") != std::string::npos);
  CHECK(rows[2][2].find("format the column as text") != std::string::npos);
  CHECK(rows[2][2].find("18") == std::string::npos);  // the cell's fault once, not again as a malformed number
  CHECK(rows[2][5] == "1.1010519900307E+17");  // 15 significant digits, as Excel holds it

  SUBCASE("the report imports itself, its rows named by the report's own rows") {
    auto again = f.import(report->reportPath);
    REQUIRE_MESSAGE(again.has_value(), again.error().message);
    CHECK(again->rows == 1);
    CHECK(again->rejected == 1);  // the ID number is still the rounded one, now as text
    CHECK(again->ignoredHeaders() == std::vector<std::string>{"行号/line", "列/column", "原因/reason", "序号"});
    CHECK(again->reportPath == f.file("花名册.rejected.rejected.xlsx"));
  }
  SUBCASE("--sheet picks the second sheet") {
    auto second = f.import(path, ImportOptions{.sheet = "第二批"});
    REQUIRE_MESSAGE(second.has_value(), second.error().message);
    CHECK(second->sheet == "第二批");
    CHECK(second->created == 1);
    CHECK(f.t.member(validId("11010519760606009")));
  }
  SUBCASE("a sheet without the roster's columns says which sheets there are") {
    const std::string instructions = f.file("说明.xlsx");
    {
      Book b(instructions);
      b.sheet("填表说明");
      b.text(1, 0, "每人一行，证件号码列设为文本");
      b.rosterOfOne("名册", validId("11010519760606009"));
      b.close();
    }
    const std::string refused = failure(f.import(instructions));
    CHECK(refused.find("文件缺少必需的列") == 0);
    CHECK(refused.find("读的是工作表“填表说明”，数据若在别的工作表，请用 --sheet 指定（有：填表说明、名册）") != std::string::npos);
    CHECK(f.import(instructions, ImportOptions{.sheet = "名册"}).value().created == 1);
  }
  SUBCASE("a sheet that does not exist is named with the sheets there are") {
    const std::string message = failure(f.import(path, ImportOptions{.sheet = "第三批"}));
    CHECK(message.find("没有名为“第三批”的工作表，有：会员名册、第二批") != std::string::npos);
    CHECK(f.members() == 3);
  }
  SUBCASE("a CSV roster's report is a workbook when its path ends in .xlsx") {
    writeFile(f.file("b.csv"), "姓名,证件号码,所属工会\r\n赵四,123,幸福街道总工会\r\n");
    auto csv = f.import(f.file("b.csv"), ImportOptions{.reportPath = f.file("b.xlsx")});
    REQUIRE(csv.has_value());
    CHECK(csv->rejected == 1);
    auto rows = sheetText(f.file("b.xlsx"));
    REQUIRE(rows.contains(2));
    CHECK(rows[2][0] == "2");
    CHECK(rows[2][4] == "123");
  }
  SUBCASE("--sheet with a CSV file is refused") {
    writeFile(f.file("a.csv"), "姓名,证件号码\r\n");
    CHECK(failure(f.import(f.file("a.csv"), ImportOptions{.sheet = "x"})).find("--sheet") != std::string::npos);
  }
  SUBCASE("a report path ending in .csv gets a CSV report of the same rows") {
    auto again = f.import(path, ImportOptions{.reportPath = f.file("r.csv")});
    REQUIRE(again.has_value());
    CHECK(again->unchanged == 3);
    auto csv = csvRows(readFile(f.file("r.csv")).substr(3));
    REQUIRE(csv.size() == 2);
    CHECK(csv[1][0] == "5");
  }
}

TEST_CASE("xlsx import: union work records, amounts and dates as Excel cells, a member stored as a number rejected") {
  Office f;
  for (const auto& [name, id] : {std::pair{"张伟", f.idZhang}, {"王䶮", f.idWang15}})
    REQUIRE(f.t.node->add(Kind::Member, {{"name", name}, {"id_number", id}, {"org", f.community.hex()}}).has_value());
  const std::string path = f.file("救助.xlsx");
  {
    Book b(path);
    b.sheet("帮扶救助");
    b.title(1, 4, "2025年帮扶救助发放表");
    b.header(2, {"身份证号", "救助类型", "发放日期", "金额", "备注"});
    b.text(3, 0, f.idZhang);
    b.text(3, 1, "医疗救助");
    b.date(3, 2, 2025, 1, 20);
    b.number(3, 3, 3000.5);
    b.text(3, 4, "=A1");
    b.number(4, 0, std::stod(f.idWang15));  // 15 digits: exact as a number
    b.text(4, 1, "送温暖慰问");
    b.date(4, 2, 2025, 2, 1, true);
    b.number(4, 3, 500);
    b.number(5, 0, std::stod(f.idZhang.substr(0, 17)) * 10);
    b.text(5, 1, "医疗救助");
    b.date(5, 2, 2025, 3, 1);
    b.number(5, 3, 100);
    b.close();
  }
  auto report = importRecords(*f.t.node, Kind::Assistance, path);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(report->headerLine == 2);
  CHECK(report->created == 2);
  CHECK(report->rejected == 1);
  std::map<std::string, std::string> amounts;
  for (const auto& r : f.t.node->list(ListQuery{.kind = Kind::Assistance, .limit = 0}))
    amounts[std::string(r.get("date"))] = std::string(r.get("amount")) + "|" + std::string(r.get("notes"));
  CHECK(amounts == std::map<std::string, std::string>{{"2025-01-20", "300050|=A1"}, {"2025-02-01", "50000|"}});
  auto rows = sheetText(report->reportPath);
  REQUIRE(rows.contains(2));
  CHECK(rows[2][0] == "5");
  CHECK(rows[2][1] == "身份证号");
  CHECK(rows[2][2].find("证件号码在表格里存成了数字，末几位已丢失") != std::string::npos);
}

TEST_CASE("xlsx import: an empty sheet and a header without rows say so; nothing is stored") {
  Office f;
  const std::string path = f.file("空.xlsx");
  {
    Book b(path);
    b.sheet("空表");
    b.sheet("只有表头");
    b.header(2, {"姓名", "证件号码", "所属工会"});
    b.close();
  }
  CHECK(failure(f.import(path)).find("工作表“空表”是空的") != std::string::npos);
  CHECK(failure(f.import(path, ImportOptions{.sheet = "只有表头"})).find("只有表头（第2行）") != std::string::npos);
  CHECK(f.members() == 0);
}

TEST_CASE("xlsx import: inline strings, formula results, booleans and error values from a hand-made file") {
  Office f;
  const std::string path = f.file("手工.xlsx");
  const std::string id1 = validId("11010519800101001"), id2 = validId("11010519800101002");
  writeZip(path, minimalParts(
                     "<row r=\"1\">" + inlineCell("A1", "姓名") + inlineCell("B1", "证件号码") + inlineCell("C1", "所属工会") +
                     inlineCell("D1", "是否农民工") + inlineCell("E1", "备注") + "</row>"
                     "<row r=\"2\">" + "<c r=\"A2\" t=\"inlineStr\"><is><r><t>甲</t></r><rPh sb=\"0\" eb=\"1\"><t>jia</t></rPh></is></c>" + inlineCell("B2", id1) +
                     "<c r=\"C2\" t=\"str\"><f>\"幸福街道\"&amp;\"总工会\"</f><v>幸福街道总工会</v></c>"
                     "<c r=\"D2\" t=\"b\"><v>1</v></c>" + inlineCell("E2", "一_x000D_二_x005F_x000D_") + "</row>"
                     "<row r=\"4\">" + inlineCell("A4", "乙") + inlineCell("B4", id2) + inlineCell("C4", "幸福街道总工会") +
                     "<c r=\"E4\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>",
                     true));
  auto report = f.import(path);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(report->created == 1);
  CHECK(report->rejected == 1);
  auto first = f.t.member(id1);
  REQUIRE(first);
  CHECK(first->get("name") == "甲");
  CHECK(first->get("migrant") == "1");
  CHECK(first->get("notes") == "一\r二_x000D_");  // _x000D_ is a CR, _x005F_ an underscore
  auto rows = sheetText(report->reportPath);
  REQUIRE(rows.contains(2));
  CHECK(rows[2][0] == "4");
  CHECK(rows[2][1] == "备注");
  CHECK(rows[2][2].find("#DIV/0!") != std::string::npos);
}

TEST_CASE("xlsx import: hostile and damaged files fail saying why, storing nothing") {
  Office f;
  auto refused = [&](const std::string& name, std::string_view expected) {
    const std::string message = failure(f.import(f.file(name)));
    CHECK_MESSAGE(message.find(expected) != std::string::npos, message);
    CHECK(f.members() == 0);
  };
  const std::string row = "<row r=\"1\">" + inlineCell("A1", "姓名") + inlineCell("B1", "证件号码") + inlineCell("C1", "所属工会") + "</row>";

  SUBCASE("not a zip at all") {
    writeFile(f.file("名册.xlsx"), "姓名,证件号码\r\n张伟,1\r\n");
    refused("名册.xlsx", "不是xlsx文件");
  }
  SUBCASE("an old .xls workbook") {
    writeFile(f.file("名册.xls"), std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'));
    refused("名册.xls", "另存为”.xlsx或CSV");
  }
  SUBCASE("a truncated file") {
    {
      Book b(f.file("full.xlsx"));
      b.sheet("名册");
      b.header(1, {"姓名", "证件号码", "所属工会"});
      b.close();
    }
    const std::string bytes = readFile(f.file("full.xlsx"));
    writeFile(f.file("半.xlsx"), bytes.substr(0, bytes.size() / 2));
    refused("半.xlsx", "已损坏或不完整");
  }
  SUBCASE("a byte changed inside a part (CRC error)") {
    writeZip(f.file("crc.xlsx"), minimalParts(row + "<row r=\"2\">" + inlineCell("A2", "张伟") + "</row>"), true);
    std::string bytes = readFile(f.file("crc.xlsx"));
    const auto at = bytes.find("张伟");
    REQUIRE(at != std::string::npos);
    bytes.replace(at, std::string("张伟").size(), "李四");
    writeFile(f.file("crc.xlsx"), bytes);
    refused("crc.xlsx", "已损坏，无法读取其中的 xl/worksheets/sheet1.xml");
  }
  SUBCASE("damaged parts") {
    auto withSheet = [&](std::string xml) {
      auto parts = minimalParts(row);
      parts["xl/worksheets/sheet1.xml"] = std::move(xml);
      return parts;
    };
    auto missingSheet = minimalParts(row);
    missingSheet.erase("xl/worksheets/sheet1.xml");
    const std::pair<std::map<std::string, std::string>, std::string_view> cases[] = {
        {minimalParts("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row>", true), "单元格A1引用的共享字符串“7”不存在（共1个）"},
        {minimalParts("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), "没有 sharedStrings.xml"},
        {missingSheet, "缺少 xl/worksheets/sheet1.xml"},
        {minimalParts(row + "<row r=\"3\"><c r=\"A3\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"),
         "第2行出现在第3行之后"},
        {minimalParts(row + "<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>"), "XFE2”超出了Excel的最后一列XFD"},
        {minimalParts(row + "<row r=\"2\"><c r=\"XFD2\"><v>1</v></c><c><v>2</v></c></row>"), "XFE2”超出了Excel的最后一列XFD"},
        {minimalParts(row + "<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"A2\"><v>2</v></c></row>"), "单元格“A2”出现在同一行更右边的单元格之后"},
        {minimalParts(row + "<row r=\"2\"><c r=\"A3\"><v>1</v></c></row>"), "第2行有一个不属于这一行的单元格引用“A3”"},
        {minimalParts(row + "<row r=\"2\"/><row r=\"2\"/>"), "第2行出现了两次"},
        {minimalParts(row + "<row r=\"1048577\"/>"), "不是Excel的行号"},
        {minimalParts(row + "<row r=\"2\"><c r=\"A2\"><v>abc</v></c></row>"), "单元格A2应为数字，却是“abc”"},
        {minimalParts(row + "<row r=\"2\"><c r=\"A2\"><v>1</v></row>"), "不是有效的XML"},
        {withSheet("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>"), "DTD"},
    };
    for (const auto& [parts, expected] : cases) {
      writeZip(f.file("坏.xlsx"), parts);
      refused("坏.xlsx", expected);
    }
  }
}

TEST_CASE("xlsx import: a part inflating past the cap is refused (a zip bomb)") {
  Office f;
  // 2 MiB of white space deflate to a few KiB; the cap here is 1 MiB (512 MiB for imports).
  writeZip(f.file("bomb.xlsx"), minimalParts(std::string(std::size_t{2} << 20, ' ')));
  CHECK(readFile(f.file("bomb.xlsx")).size() < (std::size_t{1} << 20) / 4);
  auto book = XlsxWorkbook::open(f.file("bomb.xlsx"), XlsxLimits{.maxPartBytes = std::uint64_t{1} << 20});
  REQUIRE(book.has_value());
  auto sheet = book->sheet("");
  CHECK_FALSE(sheet.has_value());  // the declared size is over the cap already
  CHECK(sheet.error().message.find("解压后超过 1 MiB") != std::string::npos);
  // With room for it, the same file reads (to its end: no cells).
  auto roomy = XlsxWorkbook::open(f.file("bomb.xlsx"));
  REQUIRE(roomy.has_value());
  auto all = roomy->sheet("");
  REQUIRE(all.has_value());
  auto first = all->next();
  REQUIRE(first.has_value());
  CHECK_FALSE(first->has_value());
}

TEST_CASE("xlsx and csv round trip: members and assistance, values starting with = - + @ ', import back unchanged") {
  Office a;
  const std::vector<std::string> notes = {"=HYPERLINK(\"http://example.com\",\"点我\")", "-5", "+86 138", "@sum", "'=1+1", "''-2"};
  for (std::size_t n = 0; n < notes.size(); ++n) {
    const std::string id = validId(fmt::format("110105199001{:02}{:03}", n + 1, 7));
    REQUIRE(a.t.node->add(Kind::Member, {{"name", fmt::format("会员{}", n)}, {"id_number", id}, {"org", a.community.hex()},
                                         {"mobile", fmt::format("1380000000{}", n)}, {"join_date", "2020-03-01"},
                                         {"employer", n % 2 ? "-某厂" : "=某厂"}, {"notes", notes[n]}})
                .has_value());
    REQUIRE(a.t.node->add(Kind::Assistance, {{"member", id}, {"kind", "医疗救助"}, {"date", "2025-01-20"},
                                             {"amount", fmt::format("{}.50", 3000 + n)}, {"notes", notes[n]}})
                .has_value());
  }
  for (const std::string extension : {".xlsx", ".csv"}) {
    CAPTURE(extension);
    const std::string members = a.file("会员" + extension), grants = a.file("救助" + extension);
    REQUIRE(exportFile(*a.t.node, Kind::Member, members).has_value());
    REQUIRE(exportFile(*a.t.node, Kind::Assistance, grants).has_value());

    TestNode b(extension == ".csv" ? 3 : 4);
    replicateOrganizations(b, a.t);
    auto m = importMembers(*b.node, members);
    REQUIRE_MESSAGE(m.has_value(), m.error().message);
    CHECK(m->created == notes.size());
    CHECK(m->rejected == 0);
    auto g = importRecords(*b.node, Kind::Assistance, grants);
    REQUIRE_MESSAGE(g.has_value(), g.error().message);
    CHECK(g->created == notes.size());
    CHECK(g->rejected == 0);
    for (std::size_t n = 0; n < notes.size(); ++n)
      CHECK(b.member(validId(fmt::format("110105199001{:02}{:03}", n + 1, 7)))->get("notes") == notes[n]);

    // Exported again, the other node gives the same rows.
    CHECK(exportCsvText(*b.node, Kind::Member) == exportCsvText(*a.t.node, Kind::Member));
    auto sorted = [](const Node& node) {
      auto rows = csvRows(exportCsvText(node, Kind::Assistance));
      return std::multiset<std::vector<std::string>>(rows.begin(), rows.end());
    };
    CHECK(sorted(*b.node) == sorted(*a.t.node));
  }
}

TEST_CASE("xlsx cells read as Excel shows them, for the field they feed") {
  const FieldDef& mobile = *findField(Kind::Member, "mobile");
  const FieldDef& idNumber = *findField(Kind::Member, "id_number");
  const FieldDef& cardNo = *findField(Kind::Member, "card_no");
  const FieldDef& joinDate = *findField(Kind::Member, "join_date");
  const FieldDef& migrant = *findField(Kind::Member, "migrant");
  const FieldDef& amount = *findField(Kind::Assistance, "amount");
  auto number = [](std::string text, bool date = false) {
    return XlsxCell{.type = XlsxCell::Type::Number, .text = std::move(text), .dateFormat = date};
  };
  auto read = [](const XlsxCell& cell, const FieldDef* field, bool date1904 = false) {
    auto out = xlsxCellText(cell, field, date1904);
    return out.problem.empty() ? out.text : "problem: " + out.text;
  };
  CHECK(read(number("13800138000"), &mobile) == "13800138000");
  CHECK(read(number("1.3800138E+10"), &mobile) == "13800138000");
  CHECK(read(number("3000.5"), &amount) == "3000.5");
  CHECK(read(number("0.30000000000000004"), &amount) == "0.3");
  CHECK(read(number("45292", true), &amount) == "45292");  // money stays a number, whatever its format
  CHECK(read(number("110105880101003"), &idNumber) == "110105880101003");
  CHECK(read(number("1.10105199003070E+17"), &idNumber) == "problem: 1.1010519900307E+17");
  CHECK(xlsxCellText(number("1.10105199003070E+17"), &idNumber, false).problem.find("证件号码在表格里存成了数字") == 0);
  CHECK(xlsxCellText(number("6222020200112233445"), &cardNo, false).problem.find("会员证号在表格里存成了数字") == 0);
  // Dates: a date format anywhere, a serial in a date field, Excel's 1900 leap day, 1904-based books.
  CHECK(read(number("45292", true), &cardNo) == "2024-01-01");
  CHECK(read(number("45292", true), nullptr) == "2024-01-01");
  CHECK(read(number("45292.75"), &joinDate) == "2024-01-01");
  CHECK(read(number("59", true), &joinDate) == "1900-02-28");
  CHECK(read(number("60", true), &joinDate) == "1900-02-29");
  CHECK(read(number("61", true), &joinDate) == "1900-03-01");
  CHECK(read(number("43830"), &joinDate, true) == "2024-01-01");
  CHECK(read(number("20240105"), &joinDate) == "20240105");  // past 9999-12-31: the digits, for the date check
  CHECK(read(XlsxCell{.type = XlsxCell::Type::Boolean, .text = "1"}, &migrant) == "是");
  CHECK(read(XlsxCell{.type = XlsxCell::Type::Boolean, .text = "0"}, &cardNo) == "FALSE");
  CHECK(read(XlsxCell{.type = XlsxCell::Type::Error, .text = "#N/A"}, &cardNo) == "problem: #N/A");
  CHECK(read(XlsxCell{.text = "=1+1"}, &cardNo) == "=1+1");
}

TEST_CASE("xlsx text escapes: _xHHHH_ characters, surrogate pairs, lone surrogates as U+FFFD") {
  CHECK(xlsx::decodeEscapes("a_x000D_b") == "a\rb");
  CHECK(xlsx::decodeEscapes("_x005F_x000D_") == "_x000D_");
  CHECK(xlsx::decodeEscapes("_xD83D__xDE00_") == "\xF0\x9F\x98\x80");
  CHECK(xlsx::decodeEscapes("_xD83D_x") == "\xEF\xBF\xBDx");
  CHECK(xlsx::decodeEscapes("_xDE00_") == "\xEF\xBF\xBD");
  CHECK(xlsx::decodeEscapes("_x12_ _xZZZZ_") == "_x12_ _xZZZZ_");
}

TEST_CASE("xlsx import: mutated workbook parts fail with a message or import, never anything else") {
  Office f;
  const std::string sheet = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>" + inlineCell("B1", "证件号码") +
                            inlineCell("C1", "所属工会") + inlineCell("D1", "入会时间") + "</row><row r=\"2\">" +
                            inlineCell("A2", "张三") + inlineCell("B2", f.idZhang) + inlineCell("C2", "幸福街道总工会") +
                            "<c r=\"D2\" s=\"1\"><v>43831</v></c></row><row r=\"3\">" + inlineCell("A3", "李_x0034_") +
                            "<c r=\"B3\"><v>1.1E+17</v></c><c r=\"D3\" t=\"e\"><v>#N/A</v></c></row>";
  const auto seed = minimalParts(sheet, true);
  const std::string interesting = "<>/\"'=&;_x0123456789ABCDEFrcvtis \n";
  std::mt19937_64 rng(11);
  std::size_t imported = 0;
  for (int i = 0; i < 300; ++i) {
    auto parts = seed;
    for (const char* name : {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"}) {
      std::string& xml = parts[name];
      for (int edits = static_cast<int>(rng() % 4); edits > 0; --edits) {
        const std::size_t at = rng() % xml.size();
        const char byte = interesting[rng() % interesting.size()];
        if (rng() % 2) xml[at] = byte;
        else xml.erase(at, 1 + rng() % 8);
      }
    }
    writeZip(f.file("m.xlsx"), parts);
    auto report = importMembers(*f.t.node, f.file("m.xlsx"));
    if (!report) {
      CHECK_FALSE(report.error().message.empty());
      continue;
    }
    ++imported;
    CHECK(report->rows == report->created + report->updated + report->unchanged + report->duplicates + report->rejected);
  }
  CHECK(imported > 0);
}

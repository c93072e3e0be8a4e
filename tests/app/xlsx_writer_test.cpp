#include "app/io/xlsx_writer.h"

#include <doctest/doctest.h>

#include <regex>

#include "data/roster_fixture.h"
#include "data/zip_reader.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// The XML of cell `ref` ("B2") in a sheet's XML, or empty when the sheet has no such cell.
std::string cellXml(const std::string& sheet, const std::string& ref) {
  std::smatch m;
  std::regex cell("<c r=\"" + ref + "\"[^>]*?(/>|>.*?</c>)");
  return std::regex_search(sheet, m, cell) ? m.str(0) : std::string();
}

// The number format code of a cell's style (styles.xml: cellXfs[s].numFmtId → numFmt),
// "General" when it has none.
std::string formatCodeOf(const std::string& styles, const std::string& cell) {
  std::smatch m;
  if (!std::regex_search(cell, m, std::regex(" s=\"(\\d+)\""))) return "General";
  const std::size_t index = std::stoul(m.str(1));
  const auto xfsAt = styles.find("<cellXfs");
  REQUIRE(xfsAt != std::string::npos);
  std::string xfs = styles.substr(xfsAt, styles.find("</cellXfs>") - xfsAt);
  std::vector<std::string> ids;
  std::regex xf("<xf numFmtId=\"(\\d+)\"");
  for (auto it = std::sregex_iterator(xfs.begin(), xfs.end(), xf); it != std::sregex_iterator(); ++it)
    ids.push_back(it->str(1));
  REQUIRE(index < ids.size());
  if (ids[index] == "0") return "General";
  if (ids[index] == "14") return "m/d/yyyy";  // built-in
  std::smatch fm;
  REQUIRE(std::regex_search(styles, fm, std::regex("<numFmt numFmtId=\"" + ids[index] + "\" formatCode=\"([^\"]*)\"")));
  return fm.str(1);
}

std::string valueOf(const std::string& cell) {
  std::smatch m;
  return std::regex_search(cell, m, std::regex("<v>([^<]*)</v>")) ? m.str(1) : std::string();
}

std::map<std::string, std::string> unzipFile(const std::string& path) {
  std::string bytes = readFile(path);
  REQUIRE(bytes.substr(0, 4) == std::string("PK\x03\x04", 4));
  auto files = unzipAll(bytes);
  REQUIRE(files.has_value());
  return *files;
}

Sheet fundsSheet() {
  return Sheet{"经费",
               {"工会名称", "年度", "拨缴经费（元）", "完成率", "日期"},
               {{SheetCell::ofText("幸福街道总工会"), SheetCell::ofInteger(2025), SheetCell::ofFen(300050),
                 SheetCell::ofFraction(0.875), SheetCell::ofDate("2025-12-31")},
                {SheetCell::ofText("=1+1"), SheetCell::empty(), SheetCell::ofFen(-5), SheetCell::ofFraction(0),
                 SheetCell::ofDate("2025-02-30")}}};
}

}  // namespace

TEST_CASE("xlsx: numbers are numbers, money has two decimals, headers are bold Chinese text") {
  TempDir dir;
  const std::string path = dir.sub("经费.xlsx");
  REQUIRE(writeXlsx(path, {fundsSheet(), Sheet{"Sheet B", {"名称"}, {}}}).has_value());
  auto files = unzipFile(path);
  REQUIRE(files.contains("xl/worksheets/sheet1.xml"));
  REQUIRE(files.contains("xl/worksheets/sheet2.xml"));
  const std::string& sheet = files["xl/worksheets/sheet1.xml"];
  const std::string& styles = files["xl/styles.xml"];
  CHECK(files["xl/workbook.xml"].find("name=\"经费\"") != std::string::npos);

  // Header: Chinese text, bold.
  std::string a1 = cellXml(sheet, "A1");
  CHECK(a1.find("工会名称") != std::string::npos);
  CHECK(cellXml(sheet, "C1").find("拨缴经费（元）") != std::string::npos);
  CHECK(styles.find("<b/>") != std::string::npos);

  // A number cell has no t= (text types are t="s", t="str", t="inlineStr") and a <v>.
  std::string b2 = cellXml(sheet, "B2"), c2 = cellXml(sheet, "C2"), d2 = cellXml(sheet, "D2"), e2 = cellXml(sheet, "E2");
  for (const auto& cell : {b2, c2, d2, e2}) {
    INFO(cell);
    CHECK(cell.find(" t=\"") == std::string::npos);
  }
  CHECK(valueOf(b2) == "2025");
  CHECK(formatCodeOf(styles, b2) == "0");
  CHECK(std::stod(valueOf(c2)) == doctest::Approx(3000.50));
  CHECK(formatCodeOf(styles, c2) == "0.00");
  CHECK(std::stod(valueOf(d2)) == doctest::Approx(0.875));
  CHECK(formatCodeOf(styles, d2) == "0.0%");
  CHECK(valueOf(e2) == "46022");  // 2025-12-31 as Excel's day number
  CHECK(formatCodeOf(styles, e2) == "yyyy-mm-dd");

  // A formula-looking text stays text; a negative amount is a negative number; an empty cell
  // is absent; an impossible date stays the text it was.
  std::string a3 = cellXml(sheet, "A3");
  CHECK(a3.find("t=\"inlineStr\"") != std::string::npos);
  CHECK(a3.find("<f>") == std::string::npos);
  CHECK(std::stod(valueOf(cellXml(sheet, "C3"))) == doctest::Approx(-0.05));
  CHECK(cellXml(sheet, "B3").empty());
  CHECK(cellXml(sheet, "E3").find("2025-02-30") != std::string::npos);

  // Header frozen, autofilter over the columns, CJK columns wider than ASCII ones.
  CHECK(sheet.find("<pane ySplit=\"1\"") != std::string::npos);
  CHECK(sheet.find("<autoFilter ref=\"A1:E3\"") != std::string::npos);
  CHECK(sheet.find("<col min=\"1\" max=\"1\" width=\"") != std::string::npos);
  CHECK(fileMode(path) == 0644);
}

TEST_CASE("xlsx: cell text width counts CJK characters double") {
  CHECK(cellTextWidth("abc") == 3);
  CHECK(cellTextWidth("工会") == 4);
  CHECK(cellTextWidth("A工（") == 5);
  CHECK(cellTextWidth("𠀀") == 2);
}

TEST_CASE("xlsx: failures are messages naming the file, and leave no file") {
  TempDir dir;
  SUBCASE("missing directory") {
    auto ok = writeXlsx(dir.sub("nowhere/out.xlsx"), {fundsSheet()});
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().message.find("nowhere/out.xlsx") != std::string::npos);
  }
  SUBCASE("sheet names Excel refuses") {
    for (std::string name : {"", "a/b", "'x", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二"}) {
      const std::string path = dir.sub("bad.xlsx");
      auto ok = writeXlsx(path, {Sheet{name, {"名称"}, {}}});
      INFO(name);
      REQUIRE_FALSE(ok.has_value());
      CHECK(ok.error().message.find(path) != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(path));
      CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    }
    auto twice = writeXlsx(dir.sub("twice.xlsx"), {Sheet{"Data", {}, {}}, Sheet{"data", {}, {}}});
    REQUIRE_FALSE(twice.has_value());
    CHECK(twice.error().message.find("used twice") != std::string::npos);
  }
  SUBCASE("text that is not UTF-8 names the sheet and cell") {
    auto ok = writeXlsx(dir.sub("bytes.xlsx"), {Sheet{"S", {"名称"}, {{SheetCell::ofText("\xC3(")}}}});
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().message.find("A2") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.sub("bytes.xlsx")));
  }
  SUBCASE("a workbook without sheets") {
    auto ok = writeXlsx(dir.sub("empty.xlsx"), {});
    REQUIRE_FALSE(ok.has_value());
    CHECK_FALSE(std::filesystem::exists(dir.sub("empty.xlsx")));
  }
  SUBCASE("rows before a sheet, and use after close") {
    auto book = XlsxWriter::create(dir.sub("order.xlsx"));
    REQUIRE(book.has_value());
    std::vector<SheetCell> row{SheetCell::ofInteger(1)};
    CHECK_FALSE(book->addRow(row).has_value());
    auto again = XlsxWriter::create(dir.sub("closed.xlsx"));
    REQUIRE(again.has_value());
    std::vector<std::string> headers{"a"};
    REQUIRE(again->addSheet("S", headers).has_value());
    REQUIRE(again->close().has_value());
    CHECK_FALSE(again->addRow(row).has_value());
    CHECK_FALSE(again->close().has_value());
  }
}

TEST_CASE("xlsx: personal files are owner-only, an existing file is replaced whole") {
  TempDir dir;
  const std::string path = dir.sub("members.xlsx");
  writeFile(path, "old");
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  REQUIRE(writeXlsx(path, {fundsSheet()}, XlsxOptions{.ownerOnly = true}).has_value());
  CHECK(fileMode(path) == 0600);
  CHECK(unzipFile(path).contains("xl/worksheets/sheet1.xml"));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("xlsx: control characters in text do not break the XML") {
  TempDir dir;
  const std::string path = dir.sub("ctl.xlsx");
  REQUIRE(writeXlsx(path, {Sheet{"S", {"备注"}, {{SheetCell::ofText("a\x01" "b\nc&<d>")}}}}).has_value());
  auto files = unzipFile(path);
  const std::string& sheet = files["xl/worksheets/sheet1.xml"];
  CHECK(sheet.find('\x01') == std::string::npos);
  CHECK(sheet.find("&amp;&lt;d&gt;") != std::string::npos);
}

// `export KIND --out FILE.xlsx`: the CSV export's columns, typed for Excel.
#include "app/io/xlsx_export.h"

#include <doctest/doctest.h>

#include <regex>

#include "data/roster_fixture.h"
#include "data/zip_reader.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

struct Office {
  TestNode t;
  RecordId street = t.addOrg("幸福街道总工会", "街道总工会");
  std::string zhang = validId("11010519850612001");

  Office() {
    REQUIRE(t.node->add(Kind::Member, {{"name", "张伟"}, {"id_number", zhang}, {"org", street.hex()}}).has_value());
    REQUIRE(t.node->add(Kind::Assistance, {{"member", zhang}, {"kind", "医疗救助"}, {"date", "2025-01-20"},
                                           {"amount", "3,000.50"}, {"notes", "=SUM(A1)"}})
                .has_value());
    REQUIRE(t.node->add(Kind::Funds, {{"org", street.hex()}, {"year", "2024"}, {"payroll", "1000000"}}).has_value());
  }

};

// The first sheet's XML, checking the sheet is named after the kind.
std::string sheetOf(const std::string& path, Kind kind) {
  auto files = unzipAll(readFile(path));
  REQUIRE(files.has_value());
  REQUIRE(files->contains("xl/worksheets/sheet1.xml"));
  CHECK(files->at("xl/workbook.xml").find(std::string(kindDef(kind).zh)) != std::string::npos);
  return files->at("xl/worksheets/sheet1.xml");
}

// The XML of the cells in row `row` ("2"), in order.
std::vector<std::string> cellsOfRow(const std::string& sheet, int row) {
  std::vector<std::string> out;
  std::regex cell("<c r=\"[A-Z]+" + std::to_string(row) + "\"[^>]*?(/>|>.*?</c>)");
  for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), cell); it != std::sregex_iterator(); ++it)
    out.push_back(it->str(0));
  return out;
}

bool isNumber(const std::string& cell) { return cell.find(" t=\"") == std::string::npos && cell.find("<v>") != std::string::npos; }

}  // namespace

TEST_CASE("xlsx export: assistance with Chinese headers, the amount a number, the ID number text, owner-only") {
  Office o;
  const std::string path = o.t.dir.sub("救助.xlsx");
  auto summary = exportFile(*o.t.node, Kind::Assistance, path);
  REQUIRE_MESSAGE(summary.has_value(), summary.error().message);
  CHECK(fileMode(path) == 0600);  // member references are personal
  CHECK(summary->personalColumns == std::vector<std::string>{"会员"});
  CHECK(summary->records == 1);
  const std::string sheet = sheetOf(path, Kind::Assistance);
  auto header = cellsOfRow(sheet, 1);
  REQUIRE(header.size() == kindDef(Kind::Assistance).fields.size());
  CHECK(header[0].find("会员") != std::string::npos);
  CHECK(header[3].find("金额(元)") != std::string::npos);
  auto row = cellsOfRow(sheet, 2);
  CHECK(row[0].find(o.zhang) != std::string::npos);  // the member as its ID number, text
  CHECK_FALSE(isNumber(row[0]));
  CHECK(isNumber(row[2]));  // the date, a real date
  CHECK(row[2].find("<v>45677</v>") != std::string::npos);
  REQUIRE(isNumber(row[3]));
  CHECK(row[3].find("<v>3000.5</v>") != std::string::npos);
  CHECK(sheet.find("=SUM(A1)") != std::string::npos);  // a formula-looking note stays text
  CHECK(sheet.find("<f>") == std::string::npos);
}

TEST_CASE("xlsx export: funds years and amounts are numbers; the same columns as the CSV export") {
  Office o;
  const std::string path = o.t.dir.sub("funds.XLSX");
  REQUIRE(exportFile(*o.t.node, Kind::Funds, path).has_value());
  CHECK(fileMode(path) == 0644);
  const std::string sheet = sheetOf(path, Kind::Funds);
  auto csv = csvRows(exportCsvText(*o.t.node, Kind::Funds));
  auto header = cellsOfRow(sheet, 1);
  REQUIRE(header.size() == csv[0].size());
  for (std::size_t c = 0; c < header.size(); ++c) CHECK(header[c].find(csv[0][c]) != std::string::npos);
  auto row = cellsOfRow(sheet, 2);
  CHECK(row[0].find("幸福街道总工会") != std::string::npos);
  CHECK(isNumber(row[1]));
  CHECK(row[1].find("<v>2024</v>") != std::string::npos);
  CHECK(row[2].find("<v>1000000</v>") != std::string::npos);  // payroll, yuan
  CHECK(row[3].find("<v>20000</v>") != std::string::npos);    // due, derived
}

TEST_CASE("xlsx export: the extension picks the format; others are refused naming the file") {
  Office o;
  const std::string csv = o.t.dir.sub("a.csv");
  REQUIRE(exportFile(*o.t.node, Kind::Funds, csv).has_value());
  CHECK(readFile(csv).starts_with("\xEF\xBB\xBF"));
  for (std::string name : {"a.xls", "a", "a.txt"}) {
    auto r = exportFile(*o.t.node, Kind::Funds, o.t.dir.sub(name));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find(".xlsx") != std::string::npos);
    CHECK(r.error().message.find(name) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(o.t.dir.sub(name)));
  }
  auto missing = exportFile(*o.t.node, Kind::Funds, o.t.dir.sub("no/dir.xlsx"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("no/dir.xlsx") != std::string::npos);
}

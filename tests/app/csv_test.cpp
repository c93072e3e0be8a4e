#include "app/io/csv.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace unionsync;

namespace {

using Fields = std::vector<std::string>;

struct Row {
  std::size_t line;
  Fields fields;
  bool operator==(const Row&) const = default;
};

// Copies every row out of the reader, since its views die at the next call.
Result<std::vector<Row>> readAll(std::string_view text) {
  CsvReader reader(text);
  std::vector<Row> rows;
  for (;;) {
    auto row = reader.next();
    if (!row) return std::unexpected(row.error());
    if (!*row) return rows;
    rows.push_back({(*row)->line, Fields((*row)->fields.begin(), (*row)->fields.end())});
  }
}

// One field as appendCsvField writes it.
std::string field(std::string_view value) {
  std::string out;
  appendCsvField(out, value);
  return out;
}

std::string errorOf(std::string_view text) {
  auto rows = readAll(text);
  return rows ? std::string("no error") : rows.error().message;
}

}  // namespace

TEST_CASE("plain rows with LF, CRLF and a last line without line end") {
  auto rows = readAll("姓名,工号\n张三,001\r\n李四,002");
  REQUIRE(rows);
  CHECK(*rows ==
        std::vector<Row>{{1, {"姓名", "工号"}}, {2, {"张三", "001"}}, {3, {"李四", "002"}}});
}

TEST_CASE("empty text and text of blank lines have no rows") {
  CHECK(readAll("")->empty());
  CHECK(readAll("\n\r\n  \t\n ")->empty());
}

TEST_CASE("quoted fields: escapes, commas and line breaks inside") {
  auto rows = readAll(
      "\"a,b\",\"say \"\"hi\"\"\",\"\"\"\"\n"
      "\"line1\nline2\r\nline3\",x\n"
      "next,row\n");
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK((*rows)[0] == Row{1, {"a,b", "say \"hi\"", "\""}});
  CHECK((*rows)[1] == Row{2, {"line1\nline2\r\nline3", "x"}});
  CHECK((*rows)[2] == Row{5, {"next", "row"}});
}

TEST_CASE("several unescaped fields in one row stay intact") {
  // Long enough that the reader's unescape buffer grows while the row is read.
  const std::string long1(300, 'a');
  const std::string long2(5000, 'b');
  const std::string text = "\"" + long1 + "\"\"\",plain,\"\"\"" + long2 + "\",\"x\"\"y\"\r\n";
  auto rows = readAll(text);
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK((*rows)[0].fields == Fields{long1 + "\"", "plain", "\"" + long2, "x\"y"});
}

TEST_CASE("empty fields and a trailing empty field") {
  auto rows = readAll("a,,c\n,,\nx,\n\"\",y\n");
  REQUIRE(rows);
  CHECK(*rows ==
        std::vector<Row>{{1, {"a", "", "c"}}, {2, {"", "", ""}}, {3, {"x", ""}}, {4, {"", "y"}}});
}

TEST_CASE("blank lines are skipped and still counted") {
  auto rows = readAll("\r\na\n\n  \n\t\r\nb\n\n");
  REQUIRE(rows);
  CHECK(*rows == std::vector<Row>{{2, {"a"}}, {6, {"b"}}});
}

TEST_CASE("spaces around unquoted fields are trimmed, quoted content is kept") {
  auto rows = readAll("  a b , \tc\t,\" padded \" , \"x\"\t\r\n 工会 \n");
  REQUIRE(rows);
  CHECK(*rows == std::vector<Row>{{1, {"a b", "c", " padded ", "x"}}, {2, {"工会"}}});
}

TEST_CASE("a quote inside an unquoted field is data") {
  auto rows = readAll("5'3\",a\"b\n");
  REQUIRE(rows);
  CHECK((*rows)[0].fields == Fields{"5'3\"", "a\"b"});
}

TEST_CASE("a leading UTF-8 BOM is skipped") {
  auto rows = readAll("\xEF\xBB\xBF姓名,工号\n");
  REQUIRE(rows);
  CHECK((*rows)[0].fields == Fields{"姓名", "工号"});
}

TEST_CASE("unquoted fields view into the text") {
  const std::string text = "abc,\"quoted\"\n";
  CsvReader reader(text);
  auto row = reader.next();
  REQUIRE(row);
  REQUIRE(*row);
  CHECK((*row)->fields[0].data() == text.data());
  CHECK((*row)->fields[1].data() == text.data() + 5);
}

TEST_CASE("an unterminated quote fails with the line where it opened") {
  const std::string text = "a,b\nc,\"open\nstill open\n\nmore\n";
  CsvReader reader(text);
  REQUIRE(reader.next());
  auto failed = reader.next();
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.starts_with("第2行："));
  CHECK(failed.error().message.find("line 2: ") != std::string::npos);
  CHECK(failed.error().message.find("never closed") != std::string::npos);
  auto after = reader.next();
  REQUIRE(after);
  CHECK_FALSE(after->has_value());
}

TEST_CASE("text after a closing quote fails with its line") {
  CHECK(errorOf("ok\n\"a\nb\"c,d\n").find("line 3: text follows the closing quote of field 1") !=
        std::string::npos);
}

TEST_CASE("appendCsvField quotes only when needed") {
  CHECK(field("") == "");
  CHECK(field("张三") == "张三");
  CHECK(field("a b") == "a b");
  CHECK(field("a,b") == "\"a,b\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("two\nlines") == "\"two\nlines\"");
  CHECK(field("cr\r") == "\"cr\r\"");
  CHECK(field(" lead") == "\" lead\"");
  CHECK(field("trail\t") == "\"trail\t\"");
  CHECK(field("a=b") == "a=b");
}

TEST_CASE("cells a spreadsheet would run as a formula get a leading apostrophe") {
  CHECK(field("=SUM(A1)") == "'=SUM(A1)");
  CHECK(field("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(field("+86 138") == "'+86 138");
  CHECK(field("-5") == "'-5");
  CHECK(field("@sum") == "'@sum");
  CHECK(field("\t=1+1") == "'\t=1+1");      // Excel skips the tab and runs the rest
  CHECK(field("\r=1+1") == "\"'\r=1+1\"");  // quoted for the CR, guarded inside the quotes
  CHECK(field("'=x") == "''=x");            // one more apostrophe, so reading gives back '=x
  CHECK(field("''-1") == "'''-1");
  CHECK(field("'plain") == "'plain");  // no formula behind the apostrophe: as it is
  CHECK(field("\t110105198506120011") == "\"\t110105198506120011\"");  // excelText's marker stays
  CHECK(field("\t12a") == "'\t12a");
  CHECK(field("a-b") == "a-b");
  CHECK(field("'") == "'");
}

TEST_CASE("every value starting with a formula character or apostrophes reads back unchanged") {
  const std::vector<std::string> values = {
      "=HYPERLINK(\"x\")", "-5",  "+86 138 0000 0001", "@sum", "=",      "-",     "'",       "''",
      "'=",                "'=a", "''=a",              "'-5",  "'a",     "a'",    "\t=1",    "'\t=1",
      "\t123",             "'\t123", "\r\n=x",         "=a,b", " =a",    "=a ",   "x=1",     "",
  };
  std::string text;
  for (const auto& value : values) appendCsvRow(text, {value, "end"});
  auto rows = readAll(text);
  REQUIRE(rows);
  REQUIRE(rows->size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) CHECK((*rows)[i].fields == Fields{values[i], "end"});
}

TEST_CASE("a leading apostrophe before a formula character is stripped when reading, once") {
  auto rows = readAll("'=1+1,''=1,'abc,'0123,\"'-5\"\n");
  REQUIRE(rows);
  CHECK((*rows)[0].fields == Fields{"=1+1", "'=1", "'abc", "'0123", "-5"});
}

TEST_CASE("CR-only line ends (old Mac Excel) end rows; CRLF stays one line break") {
  auto rows = readAll("姓名,工号\r张三,001\r\r李四,\"a\rb\"\r王五,003\r\n赵六,004");
  REQUIRE(rows);
  CHECK(*rows == std::vector<Row>{{1, {"姓名", "工号"}},
                                  {2, {"张三", "001"}},
                                  {4, {"李四", "a\rb"}},
                                  {6, {"王五", "003"}},
                                  {7, {"赵六", "004"}}});
}

TEST_CASE("an unterminated quote in a CR-only file names the line where it opened") {
  auto rows = readAll("a\rb\r\"c\rd\r");
  REQUIRE_FALSE(rows);
  CHECK(rows.error().message.find("line 3: ") != std::string::npos);
}

TEST_CASE("appendCsvRow ends rows with CRLF") {
  std::string out;
  appendCsvRow(out, {"a", "b,c", ""});
  appendCsvRow(out, {""});
  appendCsvRow(out, {});
  CHECK(out == "a,\"b,c\",\r\n\"\"\r\n\r\n");
}

TEST_CASE("written rows read back unchanged") {
  const std::vector<Fields> written = {
      {"姓名", "备注", "电话"},
      {"张三", "调入, 原单位\"二厂\"", "+86 138"},
      {" 空格 ", "多行\r\n备注\n", ""},
      {""},
      {"", ""},
      {"=1+1", "\"", "\t"},
  };
  std::string text;
  for (const Fields& row : written) appendCsvRow(text, row);
  auto rows = readAll(text);
  REQUIRE(rows);
  REQUIRE(rows->size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) CHECK((*rows)[i].fields == written[i]);
  CHECK((*rows)[3].line == 6);  // the row before spans lines 3 to 5
}

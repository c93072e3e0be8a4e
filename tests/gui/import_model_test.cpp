#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "app/io/text_encoding.h"
#include "gui/import_model.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;
using unionsync::gui::testing::idNumber;

namespace {
void writeFile(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("the preview finds the header under a title row and maps the columns") {
  GuiFixture f;
  const std::string path = f.dir.sub("roster.csv");
  writeFile(path, "城关街道会员名册,,,\n姓名,身份证号码,手机号码,爱好,电话\n王伟," + idNumber("11010519800101001") +
                      ",13800138000,篮球,\n李䶮," + idNumber("11010519800102002") + ",,,\n");
  const ImportPreview p = previewMemberFile(path, Encoding::Auto);
  REQUIRE(p.error.empty());
  CHECK(p.detected == Encoding::Utf8);
  CHECK(p.headerLine == 2);
  CHECK(p.dataRows == 2);
  REQUIRE(p.columns.size() == 5);
  CHECK(p.columns[0].field->name == "name");
  CHECK(p.columns[1].field->name == "id_number");
  CHECK(p.columns[2].field->name == "mobile");
  CHECK(p.columns[3].field == nullptr);
  CHECK(p.columns[4].duplicate);  // 电话 is a second column for the mobile
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[1][0] == "李䶮");
  REQUIRE(p.missingRequired.size() == 1);
  CHECK(p.missingRequired[0]->name == "org");
}

TEST_CASE("the preview reads GBK and reports unreadable files") {
  GuiFixture f;
  const std::string path = f.dir.sub("gbk.csv");
  writeFile(path, encodeText("姓名,证件号码,所属工会\n王伟," + idNumber("11010519800101001") + ",城关街道总工会\n", Encoding::Gbk).value());
  const ImportPreview p = previewMemberFile(path, Encoding::Auto);
  REQUIRE(p.error.empty());
  CHECK(p.detected == Encoding::Gbk);
  CHECK(p.rows.at(0).at(0) == "王伟");
  CHECK(p.missingRequired.empty());
  CHECK_FALSE(previewMemberFile(f.dir.sub("missing.csv"), Encoding::Auto).error.empty());
  CHECK(importFilesNear(f.dir.path()).size() == 1);
  CHECK(importFilesNear(path).size() == 1);  // a file path means its folder
}

TEST_CASE("exporting the member view writes exactly its rows in its order") {
  GuiFixture f;
  f.member(1, "王伟", f.enterprise, {{"mobile", "13800138000"}});
  f.member(2, "李䶮", f.enterprise);
  f.member(3, "王芳", f.street);
  MemberQueryEngine engine;
  const MemberView view = engine.run(MemberSnapshot::load(*f.node), std::make_shared<OrgTree>(f.node->orgTree()),
                                     {.filter = {.search = "王"}, .sort = {MemberColumn::Name, false}});
  const std::string path = f.dir.sub("export.csv");
  auto written = exportMemberView(*f.node, view, path, Encoding::Utf8);
  REQUIRE(written.has_value());
  CHECK(*written == 2);
  const std::string text = readFile(path);
  CHECK(text.starts_with("\xEF\xBB\xBF姓名"));
  const auto wangwei = text.find("王伟"), wangfang = text.find("王芳");
  CHECK(wangwei != std::string::npos);
  CHECK(wangfang != std::string::npos);
  CHECK(wangwei < wangfang);  // the view's order: names descending
  CHECK(text.find("李䶮") == std::string::npos);
  CHECK(text.find("13800138000") != std::string::npos);  // exports are complete, not masked
  // GBK, for older Excel.
  REQUIRE(exportMemberView(*f.node, view, path, Encoding::Gbk));
  CHECK(decodeText(readFile(path), Encoding::Gbk).value().utf8.find("王芳") != std::string::npos);
}

TEST_CASE("the member view exports to XLSX, which the preview reads: first sheet, Excel's rows, text ID numbers") {
  GuiFixture f;
  f.member(1, "王伟", f.enterprise, {{"mobile", "13800138000"}});
  f.member(2, "李䶮", f.enterprise);
  MemberQueryEngine engine;
  const MemberView view = engine.run(MemberSnapshot::load(*f.node), std::make_shared<OrgTree>(f.node->orgTree()),
                                     {.sort = {MemberColumn::Name, true}});
  const std::string path = f.dir.sub("会员.xlsx");
  auto written = exportMemberView(*f.node, view, path, Encoding::Utf8);
  REQUIRE_MESSAGE(written.has_value(), written.error().message);
  CHECK(*written == 2);
  CHECK(readFile(path).starts_with("PK"));
  CHECK(importFilesNear(path) == std::vector<std::string>{path});

  const ImportPreview p = previewMemberFile(path, Encoding::Auto);
  REQUIRE_MESSAGE(p.error.empty(), p.error);
  CHECK(p.sheet == "会员");
  CHECK(p.sheets == std::vector<std::string>{"会员"});
  CHECK(previewMemberFile(path, Encoding::Auto, "第二批").error.find("有：会员") != std::string::npos);
  CHECK(p.headerLine == 1);
  CHECK(p.dataRows == 2);
  CHECK(p.missingRequired.empty());
  REQUIRE(p.rows.size() == 2);
  const auto id = std::ranges::find_if(p.columns, [](const PreviewColumn& c) { return c.field && c.field->name == "id_number"; });
  REQUIRE(id != p.columns.end());
  const auto column = static_cast<std::size_t>(id - p.columns.begin());
  std::set<std::string> ids{p.rows[0][column], p.rows[1][column]};
  CHECK(ids == std::set<std::string>{idNumber("11010519800102001"), idNumber("11010519800103002")});

  writeFile(f.dir.sub("坏.xlsx"), "不是表格");
  CHECK(previewMemberFile(f.dir.sub("坏.xlsx"), Encoding::Auto).error.find("不是xlsx文件") != std::string::npos);
}

#include <doctest/doctest.h>

#include "gui/org_model.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

TEST_CASE("the org summary lists the tree depth-first with own and subtree counts") {
  GuiFixture f;
  const RecordId village = f.org({{"name", "李家村工会"}, {"org_type", "村工会"}, {"parent", f.street.hex()}});
  f.member(1, "王伟", f.enterprise, {{"migrant", "是"}});
  f.member(2, "李䶮", f.enterprise);
  f.member(3, "张三", village);
  f.member(4, "赵四", f.street);
  const OrgSummary s = buildOrgSummary(*f.node);
  REQUIRE(s.rows.size() == 4);
  CHECK(s.rows[0].id == f.district);
  CHECK(s.rows[0].depth == 0);
  CHECK(s.rows[1].id == f.street);
  CHECK(s.rows[1].depth == 1);
  // Children in name order: 李家村 (li) before 星光 (xing) by the tree's byte order of names.
  CHECK(s.rows[2].depth == 2);
  CHECK(s.rows[3].depth == 2);
  const OrgRow* street = s.find(f.street);
  REQUIRE(street);
  CHECK(street->own.members == 1);
  CHECK(street->total.members == 4);
  CHECK(street->total.migrantMembers == 1);
  CHECK(street->total.organizations == 3);
  CHECK(s.find(f.district)->total.members == 4);
  CHECK(s.path(f.enterprise) == "示范区总工会 / 城关街道总工会 / 星光电子有限公司工会");
  CHECK(s.glyphs.contains(U'星'));

  REQUIRE(f.node->remove(Kind::Member, f.member(5, "钱五", village)));
  REQUIRE(f.node->remove(Kind::Organization, village).has_value() == false);  // still holds a member
  const OrgSummary again = buildOrgSummary(*f.node);
  CHECK(again.liveRows().size() == 4);
}

TEST_CASE("overview figures per child organization, largest first") {
  GuiFixture f;
  const RecordId other = f.org({{"name", "东城街道总工会"}, {"org_type", "街道总工会"}, {"parent", f.district.hex()}});
  f.member(1, "王伟", f.enterprise);
  f.member(2, "李䶮", f.enterprise);
  f.member(3, "张三", other);
  const OverviewData d = buildOverview(*f.node, f.district);
  CHECK(d.total.members == 3);
  REQUIRE(d.children.size() == 2);
  CHECK(d.children[0].id == f.street);
  CHECK(d.children[0].stats.members == 2);
  CHECK(d.children[1].name == "东城街道总工会");
  const OverviewData all = buildOverview(*f.node, std::nullopt);
  REQUIRE(all.children.size() == 1);  // the roots
  CHECK(all.children[0].id == f.district);
}

TEST_CASE("chart axes end on round numbers") {
  CHECK(niceCeiling(0) == 1);
  CHECK(niceCeiling(1) == 1);
  CHECK(niceCeiling(3) == 5);
  CHECK(niceCeiling(366) == 500);
  CHECK(niceCeiling(1000) == 1000);
  CHECK(niceCeiling(1001) == 2000);
  CHECK(niceCeiling(87.5) == 100);
}

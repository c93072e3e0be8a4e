#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "gui/member_table.h"
#include "gui/record_rows.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {

// The names of a view's rows, in order.
std::vector<std::string> names(const MemberView& v) {
  std::vector<std::string> out;
  for (auto i : v.rows) out.emplace_back(v.snapshot->text(v.snapshot->row(i).name));
  return out;
}

struct TableFixture : GuiFixture {
  RecordId wang, li, zhang, an, bai;
  TableFixture() {
    wang = member(1, "王伟", enterprise, {{"mobile", "13800138000"}, {"card_no", "HY0001"}, {"migrant", "是"}, {"join_date", "2020-05-01"}});
    li = member(2, "李䶮", street, {{"mobile", "13912345678"}, {"card_no", "HY0002"}, {"join_date", "2019-01-01"}});
    zhang = member(3, "张三", district, {{"card_no", "HY0103"}, {"status", "保留"}, {"join_date", "2021-07-01"}});
    an = member(4, "安宁", enterprise, {{"migrant", "是"}});
    bai = member(5, "白雪", enterprise, {{"status", "退会"}});
  }
  MemberView run(MemberQueryEngine& engine, const MemberQuery& q) {
    return engine.run(MemberSnapshot::load(*node), std::make_shared<OrgTree>(node->orgTree()), q);
  }
};

}  // namespace

TEST_CASE("the snapshot holds every member with its columns") {
  TableFixture f;
  auto s = MemberSnapshot::load(*f.node);
  REQUIRE(s->size() == 5);
  const auto at = s->find(f.li);
  REQUIRE(at.has_value());
  const MemberRow& row = s->row(*at);
  CHECK(s->text(row.name) == "李䶮");
  CHECK(s->value(row, MemberColumn::Mobile) == "13912345678");
  CHECK(s->value(row, MemberColumn::JoinDate) == "2019-01-01");
  CHECK(s->value(row, MemberColumn::Status) == "正常");
  CHECK(s->value(row, MemberColumn::Org) == f.street.hex());
  CHECK(s->glyphs().contains(U'䶮'));
  CHECK_FALSE(s->find(f.district).has_value());
}

TEST_CASE("names sort in pinyin order, other columns by value, missing values last") {
  TableFixture f;
  MemberQueryEngine engine;
  auto v = f.run(engine, {});
  CHECK(names(v) == std::vector<std::string>{"安宁", "白雪", "李䶮", "王伟", "张三"});
  v = f.run(engine, {.sort = {MemberColumn::Name, false}});
  CHECK(names(v).front() == "张三");
  v = f.run(engine, {.sort = {MemberColumn::JoinDate, true}});
  // The two without a join date come last (between themselves in id order).
  const auto byDate = names(v);
  CHECK(std::vector<std::string>(byDate.begin(), byDate.begin() + 3) == std::vector<std::string>{"李䶮", "王伟", "张三"});
  v = f.run(engine, {.sort = {MemberColumn::Org, true}});
  // 城关街道 (cheng) < 示范区 (shi) < 星光电子 (xing)
  CHECK(names(v).front() == "李䶮");
  CHECK(names(v)[1] == "张三");
  // Texts compared past their first eight bytes (ID numbers share a long prefix); the three
  // members without a mobile come last.
  v = f.run(engine, {.sort = {MemberColumn::IdNumber, true}});
  std::vector<std::string> ids;
  for (auto i : v.rows) ids.push_back(v.snapshot->value(v.snapshot->row(i), MemberColumn::IdNumber));
  CHECK(ids.size() == 5);
  CHECK(std::ranges::is_sorted(ids));
  CHECK(ids.front().substr(0, 8) == ids.back().substr(0, 8));
  const auto byMobile = names(f.run(engine, {.sort = {MemberColumn::Mobile, true}}));
  CHECK(std::vector<std::string>(byMobile.begin(), byMobile.begin() + 2) == std::vector<std::string>{"王伟", "李䶮"});
}

TEST_CASE("search matches name prefix, card number, ID number and mobile, including their last digits") {
  TableFixture f;
  MemberQueryEngine engine;
  auto search = [&](const std::string& text) {
    return names(f.run(engine, {.filter = {.search = text}}));
  };
  CHECK(search("王") == std::vector<std::string>{"王伟"});
  CHECK(search("李䶮") == std::vector<std::string>{"李䶮"});
  CHECK(search("hy010") == std::vector<std::string>{"张三"});  // case-insensitive card number
  CHECK(search("139") == std::vector<std::string>{"李䶮"});
  CHECK(search("5678") == std::vector<std::string>{"李䶮"});    // the tail of a mobile
  const std::string id = std::string(f.node->get(Kind::Member, f.zhang)->get("id_number"));
  CHECK(search(id) == std::vector<std::string>{"张三"});
  CHECK(search(id.substr(14)) == std::vector<std::string>{"张三"});  // last four, as lists show them
  CHECK(search("１３８００") == std::vector<std::string>{"王伟"});     // full-width digits
  CHECK(search("伟").empty());                                       // not a prefix
  CHECK(search("").size() == 5);
}

TEST_CASE("search finds names by pinyin initials, full pinyin and surname readings, as the CLI does") {
  TableFixture f;
  f.member(6, "王淼", f.street);
  f.member(7, "单田芳", f.street);
  MemberQueryEngine engine;
  const auto snapshot = MemberSnapshot::load(*f.node);
  const auto orgs = std::make_shared<OrgTree>(f.node->orgTree());
  auto search = [&](const std::string& text) { return names(engine.run(snapshot, orgs, {.filter = {.search = text}})); };
  CHECK(search("wm") == std::vector<std::string>{"王淼"});
  CHECK(search("w") == std::vector<std::string>{"王淼", "王伟"});  // pinyin order; narrowing from it
  CHECK(search("wangm") == std::vector<std::string>{"王淼"});
  CHECK(search("wang miao") == std::vector<std::string>{"王淼"});
  CHECK(search("ＷＭ") == std::vector<std::string>{"王淼"});
  CHECK(search("stf") == std::vector<std::string>{"单田芳"});
  CHECK(search("dantianf") == std::vector<std::string>{"单田芳"});
  CHECK(search("wmx").empty());
  // The picker in forms (findMembers) and the CLI's list agree.
  CHECK(findMembers(*snapshot, "wm", 10).size() == 1);
  CHECK(f.node->list(ListQuery{.kind = Kind::Member, .search = "wm"}).size() == 1);
  // A renamed member is found by the new name's pinyin after a refresh.
  REQUIRE(f.node->set(Kind::Member, f.wang, {{"name", "黎明"}}));
  const auto next = snapshot->refreshed(*f.node);
  REQUIRE(next != nullptr);
  CHECK(names(engine.run(next, orgs, {.filter = {.search = "lm"}})) == std::vector<std::string>{"黎明"});
  CHECK(names(engine.run(next, orgs, {.filter = {.search = "ww"}})).empty());
}

TEST_CASE("typing on narrows the previous result, and still finds number tails") {
  TableFixture f;
  f.member(8, "王伟华", f.street, {{"mobile", "13955550138"}});
  MemberQueryEngine engine;
  const auto snapshot = MemberSnapshot::load(*f.node);
  const auto orgs = std::make_shared<OrgTree>(f.node->orgTree());
  auto search = [&](const std::string& text) { return names(engine.run(snapshot, orgs, {.filter = {.search = text}})); };
  CHECK(search("王") == std::vector<std::string>{"王伟", "王伟华"});
  CHECK(search("王伟") == std::vector<std::string>{"王伟", "王伟华"});
  CHECK(search("王伟华") == std::vector<std::string>{"王伟华"});
  CHECK(search("01").empty());
  // "0138" is not a prefix of anything, but the tail of a mobile: a longer key may match rows
  // the shorter one did not.
  CHECK(search("013") .empty());
  CHECK(search("0138") == std::vector<std::string>{"王伟华"});
  CHECK(search("王").size() == 2);  // a shorter key starts afresh
}

TEST_CASE("filters: status, migrant workers, organization subtree, recycle bin") {
  TableFixture f;
  MemberQueryEngine engine;
  auto q = [&](MemberFilter filter) { return names(f.run(engine, {.filter = filter})); };
  const std::uint8_t retained = 2;  // 保留 is the second status choice
  CHECK(q({.status = retained}) == std::vector<std::string>{"张三"});
  CHECK(q({.migrant = MigrantFilter::Yes}) == std::vector<std::string>{"安宁", "王伟"});
  CHECK(q({.migrant = MigrantFilter::No}).size() == 3);
  CHECK(q({.org = f.street}) == std::vector<std::string>{"安宁", "白雪", "李䶮", "王伟"});
  CHECK(q({.org = f.enterprise}).size() == 3);
  REQUIRE(f.node->remove(Kind::Member, f.wang));
  CHECK(q({.org = f.enterprise}).size() == 2);
  CHECK(q({.deleted = true}) == std::vector<std::string>{"王伟"});
}

TEST_CASE("a refreshed snapshot re-reads only what changed") {
  TableFixture f;
  auto s = MemberSnapshot::load(*f.node);
  CHECK(s->refreshed(*f.node) == nullptr);
  REQUIRE(f.node->set(Kind::Member, f.wang, {{"name", "王伟华"}}));
  const RecordId added = f.member(6, "欧阳𫖯", f.street);
  auto next = s->refreshed(*f.node);
  REQUIRE(next != nullptr);
  CHECK(next->size() == 6);
  CHECK(next->serial() != s->serial());
  CHECK(next->text(next->row(*next->find(f.wang)).name) == "王伟华");
  CHECK(next->text(next->row(*next->find(added)).name) == "欧阳𫖯");
  CHECK(next->text(next->row(*next->find(f.li)).name) == "李䶮");
  CHECK(next->glyphs().astral().size() == 1);
  // Rows stay in id order, so lookups still work.
  for (std::size_t i = 1; i < next->size(); ++i) CHECK(next->row(i - 1).id < next->row(i).id);
  CHECK(s->size() == 5);  // the old snapshot is untouched (the UI may still be drawing it)
}

TEST_CASE("the threaded model answers queries and follows the store") {
  TableFixture f;
  MemberTableModel model(*f.node, {});
  model.setOrgTree(std::make_shared<OrgTree>(f.node->orgTree()));
  auto waitFor = [&](auto done) {
    for (int i = 0; i < 500; ++i) {
      model.poll();
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  REQUIRE(waitFor([&] { return !model.loading() && !model.busy(); }));
  CHECK(model.view().rows.size() == 5);
  const auto generation = model.setQuery({.filter = {.search = "李"}});
  REQUIRE(waitFor([&] { return model.view().generation == generation; }));
  CHECK(names(model.view()) == std::vector<std::string>{"李䶮"});
  f.member(7, "李明", f.enterprise);
  model.storeChanged();
  REQUIRE(waitFor([&] { return model.view().rows.size() == 2; }));
  CHECK(model.view().query.filter.search == "李");
}

TEST_CASE("masking") {
  CHECK(maskMobile("13912345678") == "139****5678");
  CHECK(maskMobile("") == "");
  CHECK(maskMobile("12345") == "*****");
  CHECK(makeSearchKey(" ａｂ１２３ｘ ").text == "ab123x");
  CHECK(makeSearchKey("11010519491231002x").digitsOnly);
  CHECK_FALSE(makeSearchKey("王1").digitsOnly);
}

TEST_CASE("distinct texts are numbered in the order first seen, across the table's growth") {
  TextIds ids;
  CHECK(ids.find("王伟") == TextIds::kNone);
  CHECK(ids.insert("王伟") == std::pair<std::uint32_t, bool>{0, true});
  CHECK(ids.insert("") == std::pair<std::uint32_t, bool>{1, true});
  CHECK(ids.insert("王伟") == std::pair<std::uint32_t, bool>{0, false});
  CHECK(ids.find("") == 1);
  CHECK(ids.find("王") == TextIds::kNone);  // a prefix is another text
  // Enough texts to move every slot several times; each keeps its number and its text.
  for (int i = 0; i < 5000; ++i) ids.insert("单位" + std::to_string(i));
  REQUIRE(ids.size() == 5002);
  for (int i = 0; i < 5000; i += 7) {
    const std::string text = "单位" + std::to_string(i);
    CHECK(ids.find(text) == static_cast<std::uint32_t>(i + 2));
    CHECK(ids.text(static_cast<std::uint32_t>(i + 2)) == text);
  }
  CHECK(ids.text(0) == "王伟");
  CHECK(ids.find("单位5000") == TextIds::kNone);
}

TEST_CASE("the node names the members written since a version, or none past the limit") {
  TableFixture f;
  const VersionVector before = f.node->versionVector();
  REQUIRE(f.node->set(Kind::Member, f.wang, {{"mobile", "13700137000"}}));
  REQUIRE(f.node->set(Kind::Member, f.wang, {{"card_no", "HY0009"}}));
  REQUIRE(f.node->remove(Kind::Member, f.li));
  const auto changed = f.node->changedSince(Kind::Member, before, 10);
  REQUIRE(changed.has_value());
  std::vector<RecordId> expected{f.wang, f.li};
  std::ranges::sort(expected);
  CHECK(*changed == expected);  // in id order, each once, deleted ones included
  CHECK(f.node->changedSince(Kind::Organization, before, 10)->empty());
  CHECK_FALSE(f.node->changedSince(Kind::Member, before, 1).has_value());  // three writes
  CHECK(f.node->changedSince(Kind::Member, f.node->versionVector(), 0)->empty());
}

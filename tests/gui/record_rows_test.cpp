#include <doctest/doctest.h>

#include <set>

#include "gui/form_model.h"
#include "gui/nav_table.h"
#include "gui/record_rows.h"
#include "tests/gui/gui_fixture.h"

using namespace unionsync;
using namespace unionsync::gui;
using unionsync::gui::testing::GuiFixture;

namespace {

// The fixture's tree with two members in different unions and some union work records.
struct WorkFixture : GuiFixture {
  RecordId wang, li;
  OrgSummary orgs;

  WorkFixture() {
    wang = member(1, "王秀兰", enterprise);
    li = member(2, "李建国", district);
    grant(wang, "医疗救助", "2026-01-20", "3000", "500");
    grant(wang, "送温暖慰问", "2025-12-30", "800");
    grant(li, "医疗救助", "2026-03-02", "1200.5");
    orgs = buildOrgSummary(*node);
  }

  RecordId grant(const RecordId& m, const std::string& kind, const std::string& date, const std::string& amount,
                 const std::string& inKind = "") {
    FieldValues values{{"member", m.hex()}, {"kind", kind}, {"date", date}, {"amount", amount}};
    if (!inKind.empty()) values.emplace_back("in_kind", inKind);
    auto id = node->add(Kind::Assistance, values);
    if (!id) throw std::runtime_error(id.error().summary());
    return *id;
  }

  RecordList assistance(RecordListQuery filter) {
    filter.kind = Kind::Assistance;
    return loadRecordList(*node, orgs, filter);
  }
};

// The column index of a field in the kind's list.
std::size_t column(Kind kind, std::string_view field) {
  const auto columns = kindDef(kind).listColumns;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == field) return i;
  FAIL("not a list column: " << field);
  return 0;
}

}  // namespace

TEST_CASE("the schema decides the filters a record view offers") {
  CHECK(memberField(Kind::Assistance)->name == "member");
  CHECK(memberField(Kind::Hardship)->name == "member");
  CHECK(memberField(Kind::RightsCase) == nullptr);  // cases name no member
  CHECK(memberField(Kind::Funds) == nullptr);
  CHECK(choiceFilterField(Kind::Assistance)->name == "kind");
  CHECK(choiceFilterField(Kind::Hardship)->name == "category");
  CHECK(choiceFilterField(Kind::Funds) == nullptr);  // no choice column
}

TEST_CASE("cells show references by name, money in yuan, choices in the UI language") {
  const auto names = [](Kind kind, std::string_view hex) {
    return fmt::format("{}:{}", kind == Kind::Member ? "member" : "org", hex.substr(0, 4));
  };
  const FieldDef& amount = *findField(Kind::Assistance, "amount");
  const FieldDef& kind = *findField(Kind::Assistance, "kind");
  const FieldDef& member = *findField(Kind::Assistance, "member");
  CHECK(cellText(amount, "300050", Tr(Lang::Zh), names) == "3,000.50");
  CHECK(cellText(amount, "", Tr(Lang::Zh), names).empty());
  CHECK(cellText(kind, "医疗救助", Tr(Lang::Zh), names) == "医疗救助");
  CHECK(cellText(kind, "医疗救助", Tr(Lang::En), names) == "Medical aid");
  CHECK(cellText(member, "00112233445566778899aabbccddeeff", Tr(Lang::Zh), names) == "member:0011");
}

TEST_CASE("a record list: names, latest first, totals in fen") {
  WorkFixture f;
  const RecordList list = f.assistance({});
  REQUIRE(list.rows.size() == 3);
  const std::size_t member = column(Kind::Assistance, "member"), date = column(Kind::Assistance, "date"),
                    amount = column(Kind::Assistance, "amount"), org = column(Kind::Assistance, "org");
  CHECK(list.rows[0].cells[date] == "2026-03-02");
  CHECK(list.rows[1].cells[date] == "2026-01-20");
  CHECK(list.rows[2].cells[date] == "2025-12-30");
  CHECK(list.rows[0].cells[member] == "李建国");
  CHECK(list.rows[0].cells[amount] == "1,200.50");
  // The granting union defaults to the member's (union_work_rules.h) and shows by name.
  CHECK(list.rows[1].cells[org] == "星光电子有限公司工会");
  REQUIRE(list.totals[amount].has_value());
  CHECK(*list.totals[amount] == 300000 + 80000 + 120050);
  CHECK_FALSE(list.totals[date].has_value());
}

TEST_CASE("a record list filters by scope, year, member and choice") {
  WorkFixture f;
  CHECK(f.assistance({.scope = f.street}).rows.size() == 2);  // 王秀兰's union is below the street
  CHECK(f.assistance({.scope = f.district}).rows.size() == 3);
  CHECK(f.assistance({.year = 2026}).rows.size() == 2);
  CHECK(f.assistance({.year = 2024}).rows.empty());
  CHECK(f.assistance({.member = "王"}).rows.size() == 2);
  CHECK(f.assistance({.member = "李建国"}).rows.size() == 1);
  CHECK(f.assistance({.member = "张"}).rows.empty());
  CHECK(f.assistance({.choice = "医疗救助"}).rows.size() == 2);
  CHECK(f.assistance({.year = 2026, .member = "王", .choice = "医疗救助"}).rows.size() == 1);
  CHECK(f.assistance({.lang = Lang::En}).rows[0].cells[column(Kind::Assistance, "kind")] == "Medical aid");
}

TEST_CASE("the recycle bin lists the deleted records only") {
  WorkFixture f;
  const RecordId gone = f.grant(f.li, "生活救助", "2026-05-01", "100");
  REQUIRE(f.node->remove(Kind::Assistance, gone));
  CHECK(f.assistance({}).rows.size() == 3);
  const RecordList bin = f.assistance({.deleted = true});
  REQUIRE(bin.rows.size() == 1);
  CHECK(bin.rows[0].id == gone);
  CHECK(bin.rows[0].deleted);
}

TEST_CASE("a member's page: hardship files, assistance and its total") {
  WorkFixture f;
  REQUIRE(f.node->add(Kind::Hardship, {{"member", f.wang.hex()}, {"category", "低保户"}, {"household_size", "3"},
                                       {"household_income", "36000"}}));
  const MemberWork work = loadMemberWork(*f.node, f.orgs, f.wang);
  REQUIRE(work.hardship.size() == 1);
  CHECK(work.hardship[0].get("category") == "低保户");
  REQUIRE(work.assistance.size() == 2);
  CHECK(work.assistance[0].date == "2026-01-20");
  CHECK(work.assistance[0].amount == 300000);
  CHECK(work.assistance[0].inKind == 50000);
  CHECK(work.assistance[0].org == "星光电子有限公司工会");
  CHECK(work.total == 300000 + 50000 + 80000);
  CHECK(loadMemberWork(*f.node, f.orgs, f.li).hardship.empty());
}

TEST_CASE("the member picker finds live members by name or number") {
  WorkFixture f;
  REQUIRE(f.node->remove(Kind::Member, f.li));
  const auto snapshot = MemberSnapshot::load(*f.node);
  const auto found = findMembers(*snapshot, "王秀", 10);
  REQUIRE(found.size() == 1);
  CHECK(snapshot->row(found[0]).id == f.wang);
  CHECK(findMembers(*snapshot, "李", 10).empty());  // deleted
  CHECK(findMembers(*snapshot, "", 10).empty());
  CHECK(memberName(snapshot.get(), f.wang) == "王秀兰");
  CHECK(memberName(nullptr, f.wang).empty());
}

TEST_CASE("a record form validates through Node, per field and in the UI language") {
  WorkFixture f;
  FormModel form(Kind::Assistance);
  form.startNew({{"date", "2026-06-15"}});
  form.set("amount", "-5");
  CHECK_FALSE(form.validate(*f.node, Tr(Lang::En)));
  CHECK(form.field("member")->error.starts_with("Member"));
  CHECK(form.field("kind")->error.find("required") != std::string::npos);
  CHECK_FALSE(form.field("amount")->error.empty());
  CHECK(form.field("date")->error.empty());
  CHECK_FALSE(form.validate(*f.node, Tr(Lang::Zh)));
  CHECK(form.field("kind")->error.find("必填") != std::string::npos);
  form.set("member", f.wang.hex());
  form.set("kind", "生活救助");
  form.set("amount", "200");
  CHECK(form.save(*f.node, Tr(Lang::Zh)).has_value());
}

TEST_CASE("a funds record's union and year cannot be edited: they are its identity") {
  GuiFixture f;
  const RecordId id = f.node->add(Kind::Funds, {{"org", f.enterprise.hex()}, {"year", "2025"}, {"payroll", "1000000"}}).value();
  FormModel form(Kind::Funds);
  form.startEdit(*f.node->get(Kind::Funds, id));
  CHECK(form.field("org")->readOnly);
  CHECK(form.field("year")->readOnly);
  CHECK_FALSE(form.field("paid")->readOnly);
  form.set("year", "2026");
  form.set("paid", "20000");
  CHECK(form.changes() == FieldValues{{"paid", "20000"}});
}

TEST_CASE("money reads in yuan with thousands grouped") {
  CHECK(yuan(0) == "0.00");
  CHECK(yuan(5) == "0.05");
  CHECK(yuan(99999) == "999.99");
  CHECK(yuan(100000) == "1,000.00");
  CHECK(yuan(123456780) == "1,234,567.80");
  CHECK(yuan(-123456780) == "-1,234,567.80");
}

TEST_CASE("the year filter offers this year and nine before") {
  const auto years = recentYears("2026-06-15");
  REQUIRE(years.size() == 10);
  CHECK(years.front() == 2026);
  CHECK(years.back() == 2017);
}

TEST_CASE("every union work kind has a view, and view names are unique") {
  std::set<std::string_view> names;
  std::set<Kind> kinds;
  for (const NavEntry& e : navTable()) {
    CHECK(names.insert(e.name).second);
    if (e.records) kinds.insert(*e.records);
  }
  for (Kind k : {Kind::Hardship, Kind::Assistance, Kind::RightsCase, Kind::Contract, Kind::Congress, Kind::Funds}) {
    CHECK(kinds.contains(k));
    REQUIRE(recordView(k).has_value());
    CHECK(navEntry(*recordView(k)).records == k);
  }
  CHECK_FALSE(recordView(Kind::Member).has_value());  // members have their own view
}

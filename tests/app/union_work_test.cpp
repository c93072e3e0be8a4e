// The union work records (issue 10) through the facade: defaults, the rules of each kind,
// keyed funds records, and the list filters by member and year.
#include <doctest/doctest.h>

#include "app/node.h"
#include "app/records/union_work_rules.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

struct Office {
  TestNode t{3, kTestNow2026Ms};
  std::unique_ptr<Node>& node = t.node;
  RecordId town = t.addOrg("白沙镇总工会", "乡镇总工会");
  RecordId factory = t.addOrg("白沙机械厂工会", "企业工会", town);
  RecordId member = node->add(Kind::Member, {{"name", "王淼"}, {"id_number", "11010519491231002X"},
                                             {"org", factory.hex()}}).value();

  std::expected<RecordId, ValidationFailure> add(Kind kind, FieldValues values) { return node->add(kind, values); }
};

bool mentions(const ValidationFailure& f, const std::string& field) {
  for (const auto& e : f.errors)
    if (e.field == field) return true;
  return false;
}

}  // namespace

TEST_CASE("union work: a hardship file defaults to the member's union, 在档 and today; one active file per member") {
  Office o;
  auto file = o.add(Kind::Hardship, {{"member", o.member.hex()}, {"category", "低保户"}, {"household_size", "4"},
                                     {"household_income", "48,000"}});
  REQUIRE(file.has_value());
  auto r = o.node->get(Kind::Hardship, *file);
  CHECK(r->get("org") == o.factory.hex());
  CHECK(r->get("status") == "在档");
  CHECK(r->get("filed_date") == o.node->today());
  CHECK(r->get("household_income") == "4800000");
  auto derived = derivedFields(*r);
  REQUIRE(derived.size() == 1);
  CHECK(derived[0].value == "1000.00");  // 48,000 yuan a year over 4 people and 12 months

  // The member is named by ID number, as a cadre types it.
  auto second = o.add(Kind::Hardship, {{"member", "11010519491231002X"}, {"category", "低保边缘户"}});
  REQUIRE_FALSE(second.has_value());
  CHECK(mentions(second.error(), "member"));
  CHECK(second.error().summary().find(file->hex()) != std::string::npos);

  // Once out of hardship, a new file may be opened; reopening the old one is then refused.
  REQUIRE(o.node->set(Kind::Hardship, *file, {{"status", "脱困"}, {"closed_date", o.node->today()}}).has_value());
  auto reopened = o.add(Kind::Hardship, {{"member", "11010519491231002X"}, {"category", "意外致困户"}});
  REQUIRE(reopened.has_value());
  CHECK_FALSE(o.node->set(Kind::Hardship, *file, {{"status", "在档"}}).has_value());
  // A deleted active file does not block, and restoring it while another is active is refused.
  REQUIRE(o.node->remove(Kind::Hardship, *reopened).has_value());
  REQUIRE(o.node->set(Kind::Hardship, *file, {{"status", "在档"}, {"closed_date", ""}}).has_value());
  CHECK_FALSE(o.node->restore(Kind::Hardship, *reopened).has_value());
}

TEST_CASE("union work: a hardship file may not close before it was filed") {
  Office o;
  auto bad = o.add(Kind::Hardship, {{"member", o.member.hex()}, {"category", "低保户"}, {"filed_date", "2026-03-01"},
                                    {"closed_date", "2026-02-01"}, {"status", "退档"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(mentions(bad.error(), "closed_date"));
}

TEST_CASE("union work: assistance amounts are yuan as typed, stored in fen; a negative amount is refused") {
  Office o;
  const FieldValues base{{"member", o.member.hex()}, {"kind", "医疗救助"}, {"date", "2026-01-20"}};
  auto with = [&](const std::string& amount) {
    FieldValues v = base;
    v.emplace_back("amount", amount);
    return o.add(Kind::Assistance, v);
  };
  for (auto [typed, fen] : {std::pair{"3000", "300000"}, {"3,000.50", "300050"}, {"3000元", "300000"}, {"￥12.5", "1250"}}) {
    CAPTURE(typed);
    auto id = with(typed);
    REQUIRE(id.has_value());
    auto r = o.node->get(Kind::Assistance, *id);
    CHECK(r->get("amount") == fen);
    CHECK(r->get("org") == o.factory.hex());  // the member's union grants unless told otherwise
  }
  for (const char* bad : {"-5", "3,00", "三千", "1.234"}) {
    CAPTURE(bad);
    auto refused = with(bad);
    REQUIRE_FALSE(refused.has_value());
    CHECK(mentions(refused.error(), "amount"));
  }
  auto byTown = o.add(Kind::Assistance, {{"member", o.member.hex()}, {"kind", "金秋助学"}, {"date", "2026-05-20"},
                                         {"amount", "3000"}, {"org", "白沙镇总工会"}, {"student", "王小明"}});
  REQUIRE(byTown.has_value());
  CHECK(o.node->get(Kind::Assistance, *byTown)->get("org") == o.town.hex());
  CHECK_FALSE(o.add(Kind::Assistance, {{"member", o.member.hex()}, {"kind", "发红包"}, {"date", "2026-01-20"}}).has_value());
  // A mistyped ID number is named as such, not as a member who does not exist.
  auto typo = o.node->resolve(Kind::Member, "110105194912310021");
  REQUIRE_FALSE(typo.has_value());
  CHECK(typo.error().message.find("校验位") != std::string::npos);
}

TEST_CASE("union work: a closed case needs a result, and closes after it was accepted") {
  Office o;
  FieldValues c{{"org", o.town.hex()}, {"kind", "讨薪"}, {"accepted_date", "2026-02-01"}, {"workers", "23"},
                {"amount_claimed", "460000"}};
  auto open = o.add(Kind::RightsCase, c);
  REQUIRE(open.has_value());
  auto noResult = o.node->set(Kind::RightsCase, *open, {{"closed_date", "2026-03-01"}});
  REQUIRE_FALSE(noResult.has_value());
  CHECK(mentions(noResult.error(), "result"));
  auto early = o.node->set(Kind::RightsCase, *open, {{"closed_date", "2026-01-01"}, {"result", "成功"}});
  REQUIRE_FALSE(early.has_value());
  CHECK(mentions(early.error(), "closed_date"));
  REQUIRE(o.node->set(Kind::RightsCase, *open, {{"closed_date", "2026-03-01"}, {"result", "部分"},
                                                {"amount_recovered", "300000"}}).has_value());
  CHECK(o.node->get(Kind::RightsCase, *open)->get("amount_recovered") == "30000000");
}

TEST_CASE("union work: funds follow the rates until an office enters a figure by hand; one record per union and year") {
  Office o;
  auto funds = o.add(Kind::Funds, {{"org", o.factory.hex()}, {"year", "2026"}, {"payroll", "1000000"}, {"paid", "15000"}});
  REQUIRE(funds.has_value());
  auto r = o.node->get(Kind::Funds, *funds);
  CHECK(r->get("due") == "2000000");       // 2% of the payroll
  CHECK(r->get("retained") == "900000");   // 60% of what was paid
  CHECK(r->get("remitted") == "600000");
  // A new payroll moves `due`; a remitted share entered by hand stays when `paid` changes.
  REQUIRE(o.node->set(Kind::Funds, *funds, {{"payroll", "2000000"}, {"remitted", "5000"}}).has_value());
  REQUIRE(o.node->set(Kind::Funds, *funds, {{"paid", "20000"}}).has_value());
  r = o.node->get(Kind::Funds, *funds);
  CHECK(r->get("due") == "4000000");
  CHECK(r->get("retained") == "1200000");
  CHECK(r->get("remitted") == "500000");

  auto again = o.add(Kind::Funds, {{"org", o.factory.hex()}, {"year", "2026"}, {"payroll", "5"}});
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().summary().find(funds->hex()) != std::string::npos);
  CHECK_FALSE(o.node->set(Kind::Funds, *funds, {{"year", "2025"}}).has_value());  // the key does not change
  CHECK(o.add(Kind::Funds, {{"org", o.factory.hex()}, {"year", "2025"}, {"payroll", "5"}}).has_value());
  auto future = o.add(Kind::Funds, {{"org", o.factory.hex()}, {"year", "2031"}});
  REQUIRE_FALSE(future.has_value());
  CHECK(mentions(future.error(), "year"));
}

TEST_CASE("union work: lists filter by member and by year") {
  Office o;
  auto other = o.node->add(Kind::Member, {{"name", "李娜"}, {"id_number", "110105198001010016"},
                                          {"org", o.factory.hex()}}).value();
  for (auto [who, date] : {std::pair{o.member, "2025-12-30"}, {o.member, "2026-01-20"}, {other, "2026-01-21"}})
    REQUIRE(o.add(Kind::Assistance, {{"member", who.hex()}, {"kind", "送温暖慰问"}, {"date", date}, {"amount", "500"}}).has_value());
  CHECK(o.node->list({.kind = Kind::Assistance}).size() == 3);
  CHECK(o.node->list({.kind = Kind::Assistance, .member = o.member}).size() == 2);
  CHECK(o.node->list({.kind = Kind::Assistance, .year = 2026}).size() == 2);
  CHECK(o.node->list({.kind = Kind::Assistance, .member = o.member, .year = 2026}).size() == 1);
  CHECK(o.node->list({.kind = Kind::Assistance, .org = o.town}).size() == 3);
}

TEST_CASE("union work: a union's funds rates apply to it and the unions below it") {
  Office o;
  REQUIRE(o.node->set(Kind::Organization, o.town, {{"funds_due_pct", "1"}, {"funds_retained_pct", "50"}}).has_value());
  REQUIRE(o.node->set(Kind::Organization, o.factory, {{"funds_retained_pct", "70"}}).has_value());
  auto funds = o.add(Kind::Funds, {{"org", o.factory.hex()}, {"year", "2026"}, {"payroll", "1000000"}, {"paid", "10000"}});
  REQUIRE(funds.has_value());
  auto r = o.node->get(Kind::Funds, *funds);
  CHECK(r->get("due") == "1000000");      // 1% from the town
  CHECK(r->get("retained") == "700000");  // 70% from the factory itself
  CHECK(r->get("remitted") == "300000");
  CHECK_FALSE(o.node->set(Kind::Organization, o.town, {{"funds_due_pct", "101"}}).has_value());
}

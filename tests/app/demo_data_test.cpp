#include "app/internal/store_access.h"
#include "app/demo/demo_data.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "app/demo/demo_dates.h"
#include "app/demo/demo_names.h"
#include "app/records/member_identity.h"
#include "store/validation.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

struct Demo {
  TestNode t{99, kTestNow2026Ms};  // "this year" is 2026
  std::unique_ptr<Node>& node = t.node;
  DemoSummary summary;
  std::vector<std::size_t> progress;

  explicit Demo(std::size_t members, std::uint64_t seed = 1) {
    auto built = buildDemoDistrict(*node, DemoOptions{members, seed}, [&](std::size_t n) { progress.push_back(n); });
    REQUIRE_MESSAGE(built.has_value(), (built ? std::string() : built.error().message));
    summary = *built;
  }

  std::vector<Record> all(Kind kind) const {
    std::vector<Record> out;
    internal::storeOf(*node).forEach(kind, [&](const Record& r) {
      out.push_back(r);
      return true;
    });
    return out;
  }
};

// The fields a person could have typed: the schema's, without what validation derives.
FieldValues typedFields(const Record& r) {
  FieldValues values;
  for (const auto& field : kindDef(r.kind).fields)
    if (auto value = r.get(field.name); !value.empty()) values.emplace_back(std::string(field.name), std::string(value));
  return values;
}

// Name and ID number of every member, in ID number order: what a seed must fix.
std::vector<std::string> people(const Demo& demo) {
  std::vector<std::string> out;
  for (const auto& m : demo.all(Kind::Member)) out.push_back(std::string(m.get("id_number")) + " " + std::string(m.get("name")));
  std::ranges::sort(out);
  return out;
}

std::set<std::string> values(const std::vector<Record>& records, std::string_view field) {
  std::set<std::string> out;
  for (const auto& r : records) out.insert(std::string(r.get(field)));
  return out;
}

}  // namespace

TEST_CASE("the summary counts what is stored, and progress reaches every member") {
  Demo demo(400);
  const Store& store = internal::storeOf(*demo.node);
  CHECK(demo.summary.members == 400);
  CHECK(store.count(Kind::Member) == demo.summary.members);
  CHECK(store.count(Kind::Organization) == demo.summary.organizations);
  CHECK(store.count(Kind::Employer) == demo.summary.employers);
  CHECK(store.count(Kind::MembershipEvent) == demo.summary.events);
  CHECK(store.count(Kind::Activity) == demo.summary.activities);
  CHECK(store.count(Kind::Hardship) == demo.summary.hardship);
  CHECK(store.count(Kind::Assistance) == demo.summary.assistance);
  CHECK(store.count(Kind::RightsCase) == demo.summary.cases);
  CHECK(store.count(Kind::Contract) == demo.summary.contracts);
  CHECK(store.count(Kind::Congress) == demo.summary.congresses);
  CHECK(store.count(Kind::Funds) == demo.summary.funds);
  for (std::size_t count : {demo.summary.hardship, demo.summary.assistance, demo.summary.cases, demo.summary.contracts,
                            demo.summary.congresses, demo.summary.funds})
    CHECK(count > 0);
  std::size_t participants = 0;
  for (const auto& a : demo.all(Kind::Activity)) participants += demo.node->participants(a.id).size();
  CHECK(participants == demo.summary.participants);
  CHECK(demo.summary.participants > 0);
  REQUIRE_FALSE(demo.progress.empty());
  CHECK(demo.progress.back() == 400);
}

TEST_CASE("every record passes the node's own validation") {
  Demo demo(300);
  for (const KindDef& def : allKinds())
    for (const auto& r : demo.all(def.kind)) {
      const Kind kind = def.kind;
      auto valid = demo.node->validate(kind, typedFields(r), true, r.id);
      INFO(kindName(kind), " ", r.id.hex(), ": ", valid ? std::string() : valid.error().summary());
      CHECK(valid.has_value());
    }
}

TEST_CASE("members have sound ID numbers, ids derived from them and a union") {
  Demo demo(300);
  const std::string today = demo.node->today();
  for (const auto& m : demo.all(Kind::Member)) {
    auto info = parseIdNumber(m.get("id_number"), today);
    REQUIRE(info.has_value());
    const int born = std::stoi(info->birthDate.substr(0, 4));
    CHECK(born >= 1960);
    CHECK(born <= 2005);
    CHECK(m.get("gender") == (info->male ? "男" : "女"));
    CHECK(demo.node->memberIdFor(m.get("id_number")).value() == m.id);
    CHECK(m.get("join_date") >= info->birthDate);
    CHECK(demo.node->get(Kind::Organization, *RecordId::fromHex(m.get("org"))).has_value());
    CHECK(m.get("deleted") == "0");
  }
  CHECK(values(demo.all(Kind::Member), "id_number").size() == 300);
}

TEST_CASE("the tree has the district federation at its root with streets and towns below") {
  Demo demo(500);
  OrgTree tree = demo.node->orgTree();
  REQUIRE(tree.roots.size() == 1);
  const OrgNode& root = tree.nodes.at(tree.roots.front());
  CHECK(root.type == "区县总工会");
  std::multiset<std::string> childTypes;
  for (const auto& child : root.children) childTypes.insert(tree.nodes.at(child).type);
  CHECK(childTypes.count("街道总工会") + childTypes.count("乡镇总工会") >= 6);
  CHECK(childTypes.count("教育工会") == 1);
  CHECK(childTypes.count("机关事业单位工会") == 1);
  CHECK(childTypes.count("行业/区域工会联合会") >= 2);
  const auto types = values(demo.all(Kind::Organization), "org_type");
  CHECK(types.count("企业工会") == 1);
  CHECK(types.count("社区联合工会") + types.count("村工会") >= 1);
  CHECK(demo.summary.organizations >= 40);
  CHECK(demo.summary.organizations <= 80);
  for (const auto& org : demo.all(Kind::Organization)) CHECK(org.get("credit_code").starts_with("81"));
}

TEST_CASE("the figures come out plausible") {
  Demo demo(2000);
  Stats stats = demo.node->stats(std::nullopt);
  CHECK(stats.members > 1800);
  CHECK(stats.members <= 2000);
  const double unionization = stats.unionizationRate().value();
  CHECK(unionization > 0.6);
  CHECK(unionization < 0.9);
  const double membership = stats.membershipRate().value();
  CHECK(membership > 0.6);
  CHECK(membership < 1.0);
  const double migrant = stats.migrantMembershipRate().value();
  CHECK(migrant > 0.5);
  CHECK(migrant < 1.0);
  const double migrantShare = static_cast<double>(stats.migrantMembers) / static_cast<double>(stats.members);
  CHECK(migrantShare > 0.2);
  CHECK(migrantShare < 0.4);
  CHECK(stats.newMembersThisYear > 0);
  CHECK(stats.newMembersThisYear < stats.members / 4);
  CHECK(stats.newUnionsThisYear > 0);
  CHECK(stats.activitiesThisYear > 0);
  CHECK(stats.participantsThisYear > stats.activitiesThisYear);
  CHECK(demo.summary.organizations >= 45);
  CHECK(demo.summary.organizations <= 70);
}

TEST_CASE("employers have valid credit codes; covered ones are surveyed by the union covering them") {
  Demo demo(500);
  OrgTree tree = demo.node->orgTree();
  std::size_t unorganized = 0;
  for (const auto& e : demo.all(Kind::Employer)) {
    CHECK(normalizeCreditCode(e.get("credit_code")).has_value());
    CHECK_FALSE(e.get("credit_code").starts_with("81"));
    CHECK(std::stoll(std::string(e.get("migrant_employees"))) <= std::stoll(std::string(e.get("employees"))));
    if (e.get("covering_union").empty()) ++unorganized;
    else CHECK(e.get("covering_union") == e.get("org"));
  }
  CHECK(unorganized > 0);
}

TEST_CASE("members and activities carry the vocabulary of the field") {
  Demo demo(600);
  const auto members = demo.all(Kind::Member);
  const auto statuses = values(members, "status");
  CHECK(statuses.count("正常") == 1);
  CHECK(statuses.count("保留") + statuses.count("转出") >= 1);
  CHECK(values(members, "ethnicity").size() >= 2);
  CHECK(values(members, "hukou").size() == 2);
  std::size_t migrants = 0, ruralMigrants = 0;
  for (const auto& m : members)
    if (m.get("migrant") == "1") {
      ++migrants;
      ruralMigrants += m.get("hukou") == "农村" ? 1 : 0;
    }
  CHECK(ruralMigrants * 10 >= migrants * 8);
  const auto kinds = values(demo.all(Kind::Activity), "activity_type");
  CHECK(kinds.size() >= 8);
  const auto events = values(demo.all(Kind::MembershipEvent), "event_type");
  CHECK(events.count("新入会") == 1);
}

TEST_CASE("some names use rare characters") {
  Demo demo(400);
  std::size_t rare = 0;
  for (const auto& m : demo.all(Kind::Member)) {
    const auto name = m.get("name");
    auto holds = [&](std::string_view c) { return name.find(c) != std::string_view::npos; };
    if (std::ranges::any_of(demo::rareNameCharacters(), holds)) ++rare;
  }
  CHECK(rare > 0);
  CHECK(rare < 40);
}

TEST_CASE("the same seed gives the same district, another seed another") {
  Demo first(250, 5), again(250, 5), other(250, 6);
  CHECK(people(first) == people(again));
  CHECK(values(first.all(Kind::Organization), "name") == values(again.all(Kind::Organization), "name"));
  CHECK(values(first.all(Kind::Organization), "org_type").size() > 3);
  // Ids other than members' come from the seed too (members' from the node's deployment key).
  std::set<RecordId> firstIds, againIds;
  for (const auto& e : first.all(Kind::Employer)) firstIds.insert(e.id);
  for (const auto& e : again.all(Kind::Employer)) againIds.insert(e.id);
  CHECK(firstIds == againIds);
  CHECK(people(first) != people(other));
}

TEST_CASE("an empty district still has its unions, employers and activities") {
  Demo demo(0);
  CHECK(demo.summary.members == 0);
  CHECK(demo.summary.organizations > 0);
  CHECK(demo.summary.employers > 0);
  CHECK(demo.summary.activities > 0);
  CHECK(demo.summary.participants == 0);
}

// --- union work records (issue 10) ---------------------------------------------------------------

namespace {

std::int64_t number(std::string_view stored) { return stored.empty() ? 0 : std::stoll(std::string(stored)); }

// Assistance of one kind: records (人次) and distinct members (人数) in `year`.
std::pair<std::int64_t, std::int64_t> helped(const Report& report, const std::string& kind) {
  const AssistanceFigures& a = report.scope.figures.assistance.at(kind);
  return {a.records, a.people};
}

}  // namespace

TEST_CASE("the demo's union work report gives plausible figures") {
  Demo demo(20000);
  const Report now = demo.node->report(std::nullopt, 2026), last = demo.node->report(std::nullopt, 2025);
  const ReportFigures& f = now.scope.figures;
  const auto members = static_cast<double>(f.stats.members);
  for (const Report* report : {&now, &last}) {
    const ReportFigures& r = report->scope.figures;
    INFO("year ", report->year);
    // About 1 000 people of a county of 20 000 in the 两节 campaign.
    const auto [festivalRecords, festivalPeople] = helped(*report, "送温暖慰问");
    CHECK(festivalPeople == festivalRecords);
    CHECK(static_cast<double>(festivalPeople) > 0.035 * members);
    CHECK(static_cast<double>(festivalPeople) < 0.065 * members);
    for (const auto& [kind, a] : r.assistance) {
      INFO(kind);
      CHECK(a.people <= a.records);
      if (report->year == 2025 || kind != "金秋助学") CHECK(a.people > 0);
    }
    CHECK(r.assistanceTotal.people <= r.assistanceTotal.records);
    CHECK(r.cases.accepted >= 20);
    CHECK(r.cases.closed > 0);
    CHECK(r.cases.successRate().value() >= 0.5);
    CHECK(r.cases.successRate().value() <= 0.9);
    CHECK(r.cases.success + r.cases.partial + r.cases.failed + r.cases.withdrawn == r.cases.closed);
    CHECK(r.cases.workers > r.cases.accepted);
    CHECK(r.cases.recoveredFen > 0);
    CHECK(r.congresses > 0);
    CHECK(r.fundsDueFen > 0);
  }
  // 2026-06-15: 金秋助学 (August) has not come yet this year.
  CHECK(helped(last, "金秋助学").second >= 20);
  CHECK(helped(now, "金秋助学").first == 0);
  CHECK(static_cast<double>(f.hardshipActive) > 0.015 * members);
  CHECK(static_cast<double>(f.hardshipActive) < 0.03 * members);
  CHECK(f.contractRate().value() >= 0.5);
  CHECK(f.contractRate().value() <= 1.0);
  CHECK(last.scope.figures.fundsRate().value() >= 0.85);
  CHECK(last.scope.figures.fundsRate().value() <= 1.0);
  CHECK(f.fundsRate().value() >= 0.6);
  CHECK(f.fundsRate().value() < last.scope.figures.fundsRate().value());
}

TEST_CASE("no date of the demo lies after today, and union work is last year's and this year's") {
  Demo demo(2000);
  const std::string today = demo.node->today();
  for (const KindDef& def : allKinds())
    for (const auto& r : demo.all(def.kind))
      for (const FieldDef& field : def.fields) {
        if (field.type != FieldType::Date || r.get(field.name).empty()) continue;
        INFO(kindName(def.kind), " ", field.name, " ", r.get(field.name));
        CHECK(r.get(field.name) <= today);
        if (def.kind >= Kind::Hardship) CHECK(r.get(field.name) >= "2025-01-01");
      }
  for (const auto& funds : demo.all(Kind::Funds)) {
    CHECK((funds.get("year") == "2025" || funds.get("year") == "2026"));
    const std::string_view key[] = {funds.get("org"), funds.get("year")};
    CHECK(funds.id == recordIdFromKey(Kind::Funds, key));
    CHECK(number(funds.get("paid")) <= number(funds.get("due")));
    CHECK(number(funds.get("retained")) + number(funds.get("remitted")) == number(funds.get("paid")));
  }
}

TEST_CASE("no member has two active hardship files, and closed files say when") {
  Demo demo(3000);
  std::set<std::string> active;
  std::size_t closed = 0;
  for (const auto& file : demo.all(Kind::Hardship)) {
    const auto member = demo.node->get(Kind::Member, *RecordId::fromHex(file.get("member")));
    REQUIRE(member.has_value());
    CHECK(file.get("org") == member->get("org"));
    CHECK(file.get("filed_date") >= member->get("join_date"));
    if (file.get("status") == "在档") {
      CHECK(active.insert(std::string(file.get("member"))).second);
      CHECK(file.get("closed_date").empty());
    } else {
      ++closed;
      CHECK(file.get("closed_date") >= file.get("filed_date"));
    }
    // 低保 and 低保边缘 families live on less than about 1 300 yuan a head a month.
    const std::int64_t perHeadMonthlyFen = number(file.get("household_income")) / (12 * number(file.get("household_size")));
    CHECK(perHeadMonthlyFen > 0);
    if (file.get("category") != "意外致困户") CHECK(perHeadMonthlyFen <= 130000);
  }
  CHECK(active.size() > 40);
  CHECK(closed > 0);
}

TEST_CASE("union work records carry the vocabulary of the field") {
  Demo demo(20000);
  const auto assistance = demo.all(Kind::Assistance);
  std::set<std::string> kinds, campaigns, granting;
  std::size_t students = 0;
  for (const auto& a : assistance) {
    kinds.insert(std::string(a.get("kind")));
    campaigns.insert(std::string(a.get("campaign")));
    granting.insert(std::string(a.get("org")));
    const std::int64_t fen = number(a.get("amount"));
    if (a.get("kind") == "送温暖慰问") {
      CHECK(a.get("date").substr(5, 2) <= "02");
      CHECK(a.get("campaign") == std::string(a.get("date").substr(0, 4)) + "年两节送温暖");
      CHECK(fen >= 50000);
      CHECK(fen <= 200000);
    }
    if (a.get("kind") == "金秋助学") {
      ++students;
      const auto member = demo.node->get(Kind::Member, *RecordId::fromHex(a.get("member")));
      REQUIRE(member.has_value());
      CHECK(a.get("student").starts_with(demo::surnameOf(member->get("name"))));
      CHECK(a.get("student") != member->get("name"));
      CHECK_FALSE(a.get("school").empty());
      CHECK((a.get("date").substr(5, 2) == "08" || a.get("date").substr(5, 2) == "09"));
      CHECK(fen >= 200000);
      CHECK(fen <= 500000);
    }
  }
  CHECK(kinds.size() == findField(Kind::Assistance, "kind")->choices.size());
  CHECK(campaigns.count("2025年两节送温暖") == 1);
  CHECK(campaigns.count("2026年两节送温暖") == 1);
  CHECK(granting.size() > 10);  // the district, streets and towns, members' own unions
  CHECK(students >= 20);

  std::set<std::string> caseKinds, channels;
  std::size_t open = 0;
  for (const auto& c : demo.all(Kind::RightsCase)) {
    caseKinds.insert(std::string(c.get("kind")));
    channels.insert(std::string(c.get("channel")));
    if (c.get("closed_date").empty()) {
      ++open;
      CHECK(c.get("result").empty());
      CHECK(c.get("amount_recovered").empty());
      continue;
    }
    const auto days = (demo::parseDay(c.get("closed_date")) - demo::parseDay(c.get("accepted_date"))).count();
    CHECK(days >= 5);
    CHECK(days <= 60);
    CHECK(number(c.get("amount_recovered")) <= number(c.get("amount_claimed")));
  }
  CHECK(caseKinds.count("劳动争议调解") == 1);
  CHECK(caseKinds.count("讨薪") == 1);
  CHECK(channels.size() == 4);
  CHECK(open > 0);

  std::set<std::string> contractKinds, scopes;
  for (const auto& c : demo.all(Kind::Contract)) {
    contractKinds.insert(std::string(c.get("kind")));
    scopes.insert(std::string(c.get("scope")));
    if (c.get("kind") == "工资专项") CHECK(c.get("term_months") == "12");
    if (c.get("scope") != "单独") CHECK(number(c.get("employers")) >= 2);
  }
  CHECK(contractKinds.count("综合") == 1);
  CHECK(contractKinds.count("工资专项") == 1);
  CHECK(contractKinds.count("女职工专项") == 1);
  CHECK(scopes.size() == 3);
  for (const auto& c : demo.all(Kind::Congress)) {
    INFO(c.get("session"), " ", c.get("representatives"));
    // A workplace of fewer than 15 meets as a whole.
    const bool whole = c.get("session").find("全体职工大会") != std::string_view::npos;
    CHECK((whole || c.get("session").find("职工代表大会") != std::string_view::npos));
    CHECK(number(c.get("representatives")) >= (whole ? 1 : 15));
    CHECK(number(c.get("motions")) > 0);
  }
}

TEST_CASE("the same seed gives the same union work") {
  // Member ids depend on the node's deployment key: compare the people by ID number.
  auto rows = [](const Demo& demo) {
    std::vector<std::string> out;
    for (Kind kind : {Kind::Hardship, Kind::Assistance}) {
      for (const auto& r : demo.all(kind)) {
        const auto member = demo.node->get(Kind::Member, *RecordId::fromHex(r.get("member")));
        out.push_back(fmt::format("{} {} {} {} {}", kindName(kind), member->get("id_number"), r.get("kind"),
                                  r.get("date"), r.get("amount")));
      }
    }
    for (const auto& r : demo.all(Kind::RightsCase)) out.push_back(fmt::format("{} {}", r.id.hex(), r.get("summary")));
    std::ranges::sort(out);
    return out;
  };
  Demo first(1500, 7), again(1500, 7), other(1500, 8);
  CHECK(rows(first) == rows(again));
  CHECK(rows(first) != rows(other));
}

#include "app/internal/store_access.h"
#include "app/demo/demo_data.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "app/demo/demo_names.h"
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
  std::size_t participants = 0;
  for (const auto& a : demo.all(Kind::Activity)) participants += demo.node->participants(a.id).size();
  CHECK(participants == demo.summary.participants);
  CHECK(demo.summary.participants > 0);
  REQUIRE_FALSE(demo.progress.empty());
  CHECK(demo.progress.back() == 400);
}

TEST_CASE("every record passes the node's own validation") {
  Demo demo(300);
  for (Kind kind : {Kind::Organization, Kind::Employer, Kind::Member, Kind::MembershipEvent, Kind::Activity})
    for (const auto& r : demo.all(kind)) {
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

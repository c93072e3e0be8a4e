// The annual report (Node::report, reportJson) built from records: seed 001's figures, the
// roll-up rule (people are distinct over a column, rates from summed parts), transfers, and
// the counters' recount on opening a store counted by an older program.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "app/internal/store_access.h"
#include "app/io/report_file.h"
#include "app/node.h"
#include "data/zip_reader.h"
#include "store/validation.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A resident ID number (valid check character) for the n-th test person, born in 1980.
std::string idNumberOf(int n) {
  const std::string first17 = fmt::format("110105198001{:02}{:03}", 1 + n / 1000 % 28, n % 1000);
  return first17 + idNumberCheckChar(first17);
}

// Seed 001: a county federation with a town of 50 unions (17 enterprise, 32 village or
// community, 1 joint) and a street federation.
struct County {
  TestNode t{11, kTestNow2026Ms};
  std::unique_ptr<Node>& node = t.node;
  RecordId county = t.addOrg("嘉禾县总工会", "区县总工会");
  RecordId town = t.addOrg("白沙镇总工会", "乡镇总工会", county);
  RecordId street = t.addOrg("城关街道总工会", "街道总工会", county);
  std::vector<RecordId> enterprises, villages;
  int people = 0;

  County() {
    for (int i = 0; i < 17; ++i) enterprises.push_back(t.addOrg(fmt::format("白沙第{}机械厂工会", i + 1), "企业工会", town));
    for (int i = 0; i < 20; ++i) villages.push_back(t.addOrg(fmt::format("白沙{}村工会", i + 1), "村工会", town));
    for (int i = 0; i < 12; ++i) villages.push_back(t.addOrg(fmt::format("白沙{}社区联合工会", i + 1), "社区联合工会", town));
    t.addOrg("白沙镇个体劳动者协会联合工会", "行业/区域工会联合会", town);
  }

  RecordId addMember(const RecordId& org) {
    const int n = people++;
    return node->add(Kind::Member, {{"name", fmt::format("职工{}", n)}, {"id_number", idNumberOf(n)}, {"org", org.hex()},
                                    {"join_date", "2020-05-01"}}).value();
  }
  void grant(const RecordId& member, const RecordId& by, const std::string& kind, const std::string& date,
             const std::string& amount, FieldValues extra = {}) {
    FieldValues v{{"member", member.hex()}, {"kind", kind}, {"date", date}, {"amount", amount}, {"org", by.hex()}};
    v.insert(v.end(), extra.begin(), extra.end());
    auto id = node->add(Kind::Assistance, v);
    REQUIRE_MESSAGE(id.has_value(), id.error().summary());
  }
  const ReportColumn& child(const Report& r, const RecordId& org) const {
    for (const auto& c : r.children)
      if (c.org == org) return c;
    FAIL("no column for the union");
    throw std::logic_error("unreachable");
  }
};

}  // namespace

TEST_CASE("report: seed 001's county figures come out of the records") {
  County c;
  std::vector<RecordId> members;
  for (int i = 0; i < 1083; ++i) members.push_back(c.addMember(i % 2 ? c.enterprises[i % 17] : c.villages[i % 32]));
  // 两节送温暖 by the county: 1,083 people, 740 yuan each, and 20 of them visited twice with
  // goods only: 1,103 times, 801,420 yuan ("80万余元").
  for (const auto& m : members) c.grant(m, c.county, "送温暖慰问", "2026-01-20", "740", {{"campaign", "两节送温暖"}});
  for (int i = 0; i < 20; ++i) c.grant(members[i], c.county, "送温暖慰问", "2026-02-05", "0", {{"in_kind", "200"}});
  // 金秋助学 by the town: 9 students, 3,000 yuan each (2.7万元).
  for (int i = 0; i < 9; ++i)
    c.grant(members[100 + i], c.town, "金秋助学", "2026-05-28", "3000", {{"student", fmt::format("学生{}", i)}});
  // 医疗救助 by their enterprise unions: 12 people, 3,000 yuan each (3.6万元).
  for (int i = 0; i < 12; ++i) {
    const RecordId& m = members[2 * i + 1];
    c.grant(m, *RecordId::fromHex(c.node->get(Kind::Member, m)->get("org")), "医疗救助", "2026-03-10", "3,000.00");
  }
  // Last year's assistance counts in last year only.
  c.grant(members[0], c.county, "生活救助", "2025-12-30", "500");

  const Report r = c.node->report(c.county, 2026);
  const ReportFigures& f = r.scope.figures;
  CHECK(r.year == 2026);
  CHECK(f.stats.organizations == 53);  // the county, the town, its 50 unions, the street
  CHECK(f.organizationsByType.at("企业工会") == 17);
  CHECK(f.organizationsByType.at("村工会") + f.organizationsByType.at("社区联合工会") == 32);
  CHECK(f.organizationsByType.at("行业/区域工会联合会") == 1);
  CHECK(f.stats.members == 1083);

  const AssistanceFigures& care = f.assistance.at("送温暖慰问");
  CHECK(care.people == 1083);
  CHECK(care.records == 1103);
  CHECK(care.amountFen == 801'420'00);
  CHECK(f.assistance.at("金秋助学").people == 9);
  CHECK(f.assistance.at("金秋助学").amountFen == 27'000'00);
  CHECK(f.assistance.at("医疗救助").people == 12);
  CHECK(f.assistance.at("医疗救助").amountFen == 36'000'00);
  CHECK(f.assistance.at("生活救助").records == 0);
  // Everyone helped was among the 1,083: people are distinct over all kinds and unions.
  CHECK(f.assistanceTotal.people == 1083);
  CHECK(f.assistanceTotal.records == 1103 + 9 + 12);
  CHECK(f.assistanceTotal.amountFen == (801'420 + 27'000 + 36'000) * 100);

  // The town's column holds what the town and its unions granted, not the county's campaign.
  REQUIRE(r.children.size() == 2);
  const ReportFigures& town = c.child(r, c.town).figures;
  CHECK(town.stats.organizations == 51);
  CHECK(town.assistance.at("送温暖慰问").records == 0);
  CHECK(town.assistance.at("金秋助学").people == 9);
  CHECK(town.assistance.at("医疗救助").people == 12);
  CHECK(town.assistanceTotal.people == 21);
  CHECK(c.child(r, c.street).figures.stats.organizations == 1);

  // The same figures as `report --json` prints them.
  const nlohmann::json j = reportJson(r);
  CHECK(j["assistance"]["送温暖慰问"]["people"] == 1083);
  CHECK(j["assistance"]["金秋助学"]["amount_fen"] == 2'700'000);
  CHECK(j["assistance_total"]["people"] == 1083);
  CHECK(j["organizations_by_type"]["企业工会"] == 17);
  CHECK(j["children"].size() == 2);
  CHECK(j["funds"]["rate"].is_null());  // nothing due: no rate, not 0
  for (const char* key : {"organizations", "members", "migrant_members", "new_members", "transfers_in", "transfers_out",
                          "unionization_rate", "membership_rate", "migrant_membership_rate", "hardship_active", "cases",
                          "contracts", "congresses", "funds", "activities", "participants"})
    CHECK_MESSAGE(j.contains(key), key);

  // Last year: only the one 生活救助.
  const Report last = c.node->report(c.county, 2025);
  CHECK(last.scope.figures.assistanceTotal.records == 1);
  CHECK(last.scope.figures.assistance.at("生活救助").amountFen == 50000);
}

TEST_CASE("report: deleting, editing and restoring a record moves its figures") {
  County c;
  const RecordId m = c.addMember(c.enterprises[0]);
  auto a = c.node->add(Kind::Assistance, {{"member", m.hex()}, {"kind", "医疗救助"}, {"date", "2026-03-10"}, {"amount", "1000"}});
  REQUIRE(a.has_value());
  auto people = [&] { return c.node->report(c.county, 2026).scope.figures.assistance.at("医疗救助"); };
  CHECK(people().people == 1);
  REQUIRE(c.node->set(Kind::Assistance, *a, {{"amount", "1500"}, {"kind", "生活救助"}}).has_value());
  CHECK(people().people == 0);
  CHECK(c.node->report(c.county, 2026).scope.figures.assistance.at("生活救助").amountFen == 150000);
  REQUIRE(c.node->remove(Kind::Assistance, *a).has_value());
  CHECK(c.node->report(c.county, 2026).scope.figures.assistanceTotal.people == 0);
  REQUIRE(c.node->restore(Kind::Assistance, *a).has_value());
  CHECK(c.node->report(c.county, 2026).scope.figures.assistanceTotal.people == 1);
}

TEST_CASE("report: cases, contracts, congresses and funds; rates from summed parts") {
  County c;
  auto add = [&](Kind kind, FieldValues v) {
    auto id = c.node->add(kind, v);
    REQUIRE_MESSAGE(id.has_value(), id.error().summary());
    return *id;
  };
  // Mediation at the town: 3 closed (2 成功, 1 部分), 1 still open; 讨薪 at an enterprise.
  for (const char* result : {"成功", "成功", "部分"})
    add(Kind::RightsCase, {{"org", c.town.hex()}, {"kind", "劳动争议调解"}, {"accepted_date", "2026-02-01"},
                           {"closed_date", "2026-03-01"}, {"result", result}, {"workers", "5"}, {"amount_recovered", "10000"}});
  add(Kind::RightsCase, {{"org", c.town.hex()}, {"kind", "劳动争议调解"}, {"accepted_date", "2026-05-01"}, {"workers", "2"}});
  add(Kind::RightsCase, {{"org", c.enterprises[0].hex()}, {"kind", "讨薪"}, {"accepted_date", "2025-12-01"},
                         {"closed_date", "2026-01-15"}, {"result", "未成"}, {"workers", "30"}});
  // A 3-year contract signed in 2024 is in force in 2026; a 1-year one of 2024 is not.
  add(Kind::Contract, {{"org", c.enterprises[0].hex()}, {"kind", "综合"}, {"signed_date", "2024-04-01"},
                       {"term_months", "36"}, {"employees", "120"}});
  add(Kind::Contract, {{"org", c.enterprises[1].hex()}, {"kind", "工资专项"}, {"signed_date", "2024-04-01"},
                       {"term_months", "12"}, {"employees", "80"}});
  // A 工资专项 contract beside the comprehensive one covers the same employer: not counted again.
  add(Kind::Contract, {{"org", c.enterprises[0].hex()}, {"kind", "工资专项"}, {"signed_date", "2026-03-01"},
                       {"term_months", "12"}, {"employees", "120"}});
  add(Kind::Contract, {{"org", c.town.hex()}, {"kind", "综合"}, {"scope", "区域"}, {"signed_date", "2026-01-10"},
                       {"term_months", "24"}, {"employers", "12"}, {"employees", "300"}});
  add(Kind::Congress, {{"org", c.enterprises[0].hex()}, {"date", "2026-04-20"}, {"representatives", "35"}, {"motions", "12"}});
  add(Kind::Funds, {{"org", c.enterprises[0].hex()}, {"year", "2026"}, {"payroll", "1000000"}, {"paid", "10000"}});
  add(Kind::Funds, {{"org", c.enterprises[1].hex()}, {"year", "2026"}, {"payroll", "3000000"}, {"paid", "60000"}});
  // Employers surveyed in the town, 20 unionized: the contract rate's denominator.
  for (int i = 0; i < 25; ++i) {
    FieldValues e{{"name", fmt::format("白沙第{}有限公司", i)}, {"org", c.town.hex()}, {"employees", "10"}};
    if (i < 20) e.emplace_back("covering_union", c.enterprises[i % 17].hex());
    add(Kind::Employer, e);
  }

  const ReportFigures f = c.node->report(c.county, 2026).scope.figures;
  CHECK(f.cases.accepted == 4);
  CHECK(f.cases.closed == 4);
  CHECK(f.cases.success == 2);
  CHECK(f.cases.partial == 1);
  CHECK(f.cases.failed == 1);
  REQUIRE(f.cases.successRate().has_value());
  CHECK(*f.cases.successRate() == doctest::Approx(0.5));
  CHECK(f.cases.workers == 17);  // 2026's accepted cases: 5 + 5 + 5 + 2
  CHECK(f.cases.recoveredFen == 3'000'000);
  CHECK(f.contractEmployers == 13);  // the enterprise's own, and 12 under the area contract
  CHECK(f.contractEmployees == 420);
  REQUIRE(f.contractRate().has_value());
  CHECK(*f.contractRate() == doctest::Approx(13.0 / 20.0));
  CHECK(f.congresses == 1);
  CHECK(f.fundsDueFen == 8'000'000);  // 2% of 4,000,000 yuan
  CHECK(f.fundsPaidFen == 7'000'000);
  // 70,000 of 80,000 yuan paid: the ratio of the sums, not the mean of 50% and 100%.
  REQUIRE(f.fundsRate().has_value());
  CHECK(*f.fundsRate() == doctest::Approx(0.875));
  CHECK(c.node->report(c.county, 2025).scope.figures.cases.accepted == 1);
  // In force until March 2027 and December 2027: both count in 2027, none in 2028.
  CHECK(c.node->report(c.county, 2027).scope.figures.contractEmployers == 13);
  CHECK(c.node->report(c.county, 2028).scope.figures.contractEmployers == 0);
}

TEST_CASE("report: a transfer counts at each end and never as a new member; the member's history stays") {
  County c;
  const RecordId from = c.enterprises[0], to = c.enterprises[1];
  const RecordId m = c.addMember(from);
  REQUIRE(c.node->add(Kind::MembershipEvent, {{"member", m.hex()}, {"event_type", "新入会"}, {"date", "2026-01-05"},
                                               {"org", from.hex()}}).has_value());
  c.grant(m, from, "生活救助", "2026-02-01", "800");
  auto moved = c.node->transferMember(m, to, "2026-04-01", "工作调动");
  REQUIRE_MESSAGE(moved.has_value(), moved.error().summary());
  CHECK(c.node->get(Kind::Member, m)->get("org") == to.hex());
  CHECK(c.node->get(Kind::MembershipEvent, moved->outEvent)->get("org") == from.hex());
  CHECK(c.node->get(Kind::MembershipEvent, moved->inEvent)->get("from_org") == from.hex());

  const Report r = c.node->report(c.town, 2026);
  CHECK(r.scope.figures.transfersIn == 1);
  CHECK(r.scope.figures.transfersOut == 1);
  CHECK(r.scope.figures.stats.newMembersThisYear == 1);  // the 新入会, not the transfer
  CHECK(r.scope.figures.stats.members == 1);
  // Assistance stays with the union that granted it, and names the member still.
  CHECK(c.node->list({.kind = Kind::Assistance, .member = m}).size() == 1);
  CHECK(r.scope.figures.assistanceTotal.people == 1);

  CHECK_FALSE(c.node->transferMember(m, to, "", "").has_value());           // there already
  CHECK_FALSE(c.node->transferMember(m, from, "2019-01-01", "").has_value());  // before joining
  CHECK_FALSE(c.node->transferMember(m, RecordId{}, "", "").has_value());    // no such union
  REQUIRE(c.node->set(Kind::Member, m, {{"status", "退会"}}).has_value());
  CHECK_FALSE(c.node->transferMember(m, from, "", "").has_value());  // not active
}

TEST_CASE("report: a store counted by an older program is recounted when opened") {
  TempDir dir;
  ManualClock clock(kTestNow2026Ms);
  SeededRandom random(5);
  {
    auto node = Node::create(dir.sub("n"), "测试", clock, random, NodeOptions{.durable = false}).value();
    RecordId org = node->add(Kind::Organization, {{"name", "白沙镇总工会"}, {"org_type", "乡镇总工会"}}).value();
    RecordId m = node->add(Kind::Member, {{"name", "王淼"}, {"id_number", "11010519491231002X"}, {"org", org.hex()}}).value();
    REQUIRE(node->add(Kind::Assistance, {{"member", m.hex()}, {"kind", "医疗救助"}, {"date", "2026-03-01"},
                                         {"amount", "100"}}).has_value());
  }
  {
    // What an older program leaves: counters by other rules (here none), under its version.
    StoreOptions other = applicationStoreOptions(NodeOptions{.durable = false});
    other.countersVersion = "an older program";
    other.counters = [](const Record&, std::vector<std::pair<std::string, std::int64_t>>&) {};
    auto store = Store::open(dir.sub("n"), other, clock).value();
    (void)store;
  }
  auto node = Node::open(dir.sub("n"), clock, random, NodeOptions{.durable = false}).value();
  const Report r = node->report(std::nullopt, 2026);
  CHECK(r.scope.figures.stats.members == 1);
  CHECK(r.scope.figures.assistance.at("医疗救助").people == 1);
  CHECK(r.scope.figures.organizationsByType.at("乡镇总工会") == 1);
}

TEST_CASE("report: the CSV and XLSX files hold every line, amounts as numbers in yuan") {
  County c;
  const RecordId m = c.addMember(c.enterprises[0]);
  c.grant(m, c.county, "送温暖慰问", "2026-01-20", "801,420");
  const Report r = c.node->report(c.county, 2026);
  TempDir dir;
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };

  REQUIRE(writeReportCsv(r, dir.sub("r.csv"), Encoding::Utf8).has_value());
  const std::string csv = read(dir.sub("r.csv"));
  CHECK(csv.starts_with("\xEF\xBB\xBF指标（2026年）,嘉禾县总工会,"));
  CHECK(csv.find("\r\n送温暖慰问金额(元),801420.00,0.00,0.00\r\n") != std::string::npos);
  CHECK(csv.find("\r\n经费收缴率,,,\r\n") != std::string::npos);  // nothing due: no rate

  REQUIRE(writeReportXlsx(r, dir.sub("r.xlsx")).has_value());
  auto files = unzipAll(read(dir.sub("r.xlsx")));
  REQUIRE(files.has_value());
  const std::string& sheet = (*files)["xl/worksheets/sheet1.xml"];
  CHECK(sheet.find("送温暖慰问金额(元)") != std::string::npos);
  CHECK(sheet.find("<v>801420</v>") != std::string::npos);  // yuan, as a number
  CHECK((*files)["xl/workbook.xml"].find("2026年报表") != std::string::npos);
  CHECK_FALSE(writeReportXlsx(r, dir.sub("no/such/dir/r.xlsx")).has_value());
}

TEST_CASE("report: hardship files count people, also when two offices each opened one for a member") {
  County c;
  const RecordId m = c.addMember(c.enterprises[0]);
  const RecordId other = c.addMember(c.villages[0]);
  REQUIRE(c.node->add(Kind::Hardship, {{"member", m.hex()}, {"category", "低保户"}}).has_value());
  REQUIRE(c.node->add(Kind::Hardship, {{"member", other.hex()}, {"category", "低保户"}, {"status", "脱困"}}).has_value());
  // What sync leaves when the town's office opened a second file for the same member while apart.
  RecordId second;
  second.bytes.fill(0x42);
  REQUIRE(internal::storeOf(*c.node).write(Kind::Hardship, second, {{"member", m.hex()}, {"org", c.town.hex()},
                                                                    {"category", "低保户"}, {"status", "在档"}})
              .has_value());
  const Report r = c.node->report(c.county, 2026);
  CHECK(r.scope.figures.hardshipActive == 1);
  CHECK(c.child(r, c.town).figures.hardshipActive == 1);
  REQUIRE(c.node->set(Kind::Hardship, second, {{"status", "退档"}, {"closed_date", "2026-05-01"}}).has_value());
  CHECK(c.node->report(c.county, 2026).scope.figures.hardshipActive == 1);  // the first file still holds
}

// The schema check of received changes (app/received_check.h): each bad case of issue 7
// item 5, first against the validator alone, then through Store::apply of a Node.
#include "app/records/received_check.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <lmdb.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <map>

#include "app/records/member_identity.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "store/hlc.h"
#include "store/validation.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

constexpr std::string_view kIdNumber = "11010519491231002X";  // born 1949-12-31, female
constexpr Origin kPeerOrigin = 0x0BAD'0BAD'0BAD'0BADull;

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

RecordId idOf(std::uint8_t n) {
  RecordId id;
  id.bytes.fill(n);
  return id;
}

// A change from a peer, stamped a second after the test clock's time (so it wins over what
// the test nodes wrote), later for a greater seq.
Change changeOf(Kind kind, const RecordId& id, std::vector<std::pair<std::string, std::string>> fields,
                std::uint64_t seq = 1) {
  Change c{kind, id, kPeerOrigin, seq, hlcFromMs(kTestNowMs + 1000) + seq, {}};
  for (auto& [name, value] : fields) c.fields.push_back({std::move(name), std::move(value), {}});
  return c;
}

// The validator on its own, with the records it may look up in a map.
struct Judge {
  ManualClock clock{kTestNowMs};
  std::string key = std::string(32, 'k');
  std::map<std::pair<Kind, RecordId>, Record> held;
  ReceivedValidator validator = makeReceivedValidator([this] { return key; }, clock);
  RecordId org = idOf(0x11);

  Judge() { held[{Kind::Organization, org}] = Record{Kind::Organization, org, {}}; }

  RecordId memberId(std::string_view number = kIdNumber, std::string_view type = "") const {
    return memberIdFromIdNumber(key, type, number);
  }
  ReceivedVerdict operator()(const Change& change) const {
    auto it = held.find({change.kind, change.id});
    std::optional<Record> before = it == held.end() ? std::nullopt : std::optional<Record>(it->second);
    RecordLookup lookup = [this](Kind kind, const RecordId& id) -> std::optional<Record> {
      auto found = held.find({kind, id});
      return found == held.end() ? std::nullopt : std::optional<Record>(found->second);
    };
    return validator(change, before, before.value_or(Record{change.kind, change.id, {}}), lookup);
  }
  // A member of `org` as a local add writes it.
  Change member(std::vector<std::pair<std::string, std::string>> extra = {}, std::string_view number = kIdNumber) const {
    std::vector<std::pair<std::string, std::string>> fields{
        {"name", "王淼"}, {"id_number", std::string(number)}, {"org", org.hex()},       {"birth_date", "1949-12-31"},
        {"gender", "女"}, {"status", "正常"},                 {"deleted", "0"}};
    for (auto& [name, value] : extra) {
      auto it = std::ranges::find(fields, name, &std::pair<std::string, std::string>::first);
      if (it != fields.end()) it->second = value;
      else fields.emplace_back(name, value);
    }
    return changeOf(Kind::Member, memberId(number), fields);
  }
  void hold(const Change& change) {
    Record r{change.kind, change.id, {}};
    for (const auto& f : change.fields) r.fields[f.name] = FieldState{f.value, change.stamp(), change.seq, {}};
    held[{change.kind, change.id}] = r;
  }
};

// Every change a store holds, in (origin, seq) order.
std::vector<Change> changesOf(const Store& store) {
  std::vector<Change> out;
  ChangeCursor cursor;
  for (;;) {
    auto batch = store.changesSince({}, cursor, 1000, std::size_t{1} << 22);
    out.insert(out.end(), batch.changes.begin(), batch.changes.end());
    if (batch.done) return out;
    cursor = batch.next;
  }
}

// A receiving node of the sender's deployment that already holds the sender's union tree.
struct Peers {
  TestNode sender{1};
  TestNode receiver{2};
  RecordId district, enterprise;

  Peers() {
    REQUIRE(internal::storeOf(*receiver.node).adoptDeploymentKey(internal::storeOf(*sender.node).deploymentKey()).has_value());
    district = sender.addOrg("示范区总工会", "区县总工会");
    enterprise = sender.addOrg("星光电子有限公司工会", "企业工会", district);
    auto stats = internal::storeOf(*receiver.node).apply(changesOf(internal::storeOf(*sender.node)));
    REQUIRE(stats.has_value());
    REQUIRE(stats->refused == 0);
  }
  RecordId memberId(std::string_view number = kIdNumber) const { return sender.memberId(std::string(number)); }
  ApplyStats receive(const std::vector<Change>& changes) {
    auto stats = internal::storeOf(*receiver.node).apply(changes);
    REQUIRE(stats.has_value());
    return *stats;
  }
  // Receives one change that must be refused; returns the reason the store reports.
  std::string refusalOf(const Change& change) {
    auto stats = receive({change});
    CHECK(stats.refused == 1);
    return stats.refusals.empty() ? "" : stats.refusals.front();
  }
  Change member(std::vector<std::pair<std::string, std::string>> extra = {}, std::uint64_t seq = 1) const {
    std::vector<std::pair<std::string, std::string>> fields{{"name", "王淼"},      {"id_number", std::string(kIdNumber)},
                                                            {"org", enterprise.hex()}, {"birth_date", "1949-12-31"},
                                                            {"gender", "女"},         {"deleted", "0"}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return changeOf(Kind::Member, memberId(), fields, seq);
  }
};

std::string firstRefusal(const ApplyStats& stats) { return stats.refusals.empty() ? "" : stats.refusals.front(); }

}  // namespace

// ---- the validator alone ----------------------------------------------------------------

TEST_CASE("received check: a member as a local add writes it passes") {
  Judge judge;
  auto verdict = judge(judge.member());
  CHECK(verdict.refusal.empty());
  CHECK_FALSE(verdict.waitFor);
}

TEST_CASE("received check: ID number NOT-AN-ID-<script> is refused without repeating it") {
  Judge judge;
  const std::string bad = "NOT-AN-ID-<script>";
  auto change = judge.member({}, bad);
  auto verdict = judge(change);
  REQUIRE_FALSE(verdict.refusal.empty());
  CHECK(contains(verdict.refusal, "id_number"));
  CHECK(contains(verdict.refusal, "会员"));
  CHECK(contains(verdict.refusal, " / "));
  CHECK_FALSE(contains(verdict.refusal, "<script>"));
}

TEST_CASE("received check: birth date 2999-99-99 and dates after tomorrow or before 1800 are refused") {
  Judge judge;
  for (const char* date : {"2999-99-99", "2999-01-01", "1799-12-31", "1949-12-31 "}) {
    CAPTURE(date);
    auto verdict = judge(judge.member({{"birth_date", date}}));
    CHECK(contains(verdict.refusal, "birth_date"));
  }
  // join_date has no ID number to agree with: the day after the test clock's date passes
  // (a writer in a time zone ahead), the day after that does not.
  CHECK(judge(judge.member({{"join_date", "2025-06-16"}})).refusal.empty());
  CHECK(contains(judge(judge.member({{"join_date", "2025-06-17"}})).refusal, "join_date"));
}

TEST_CASE("received check: birth date or gender that disagrees with the resident ID number is refused") {
  Judge judge;
  CHECK(contains(judge(judge.member({{"birth_date", "1950-01-01"}})).refusal, "birth_date"));
  CHECK(contains(judge(judge.member({{"gender", "男"}})).refusal, "gender"));
  // Against the held number when the change does not carry it.
  judge.hold(judge.member());
  CHECK(contains(judge(changeOf(Kind::Member, judge.memberId(), {{"gender", "男"}}, 2)).refusal, "gender"));
  CHECK(judge(changeOf(Kind::Member, judge.memberId(), {{"mobile", "13800000000"}}, 2)).refusal.empty());
  // A passport holder's birth date is whatever was entered.
  auto passport = judge.member({{"id_type", "护照"}, {"birth_date", "1950-01-01"}}, "E12345678");
  passport.id = judge.memberId("E12345678", "护照");
  CHECK(judge(passport).refusal.empty());
}

TEST_CASE("received check: a member of a union not held waits for the union") {
  Judge judge;
  const RecordId missing = idOf(0x22);
  auto verdict = judge(judge.member({{"org", missing.hex()}}));
  CHECK(verdict.refusal.empty());
  REQUIRE(verdict.waitFor);
  CHECK(verdict.waitFor->first == Kind::Organization);
  CHECK(verdict.waitFor->second == missing);
  // A reference that is not a lower-case 32-hex id is refused, not parked.
  CHECK(contains(judge(judge.member({{"org", "not-an-id"}})).refusal, "org"));
  std::string upper = idOf(0xAB).hex();
  std::ranges::transform(upper, upper.begin(), [](char c) { return static_cast<char>(std::toupper(c)); });
  CHECK(contains(judge(judge.member({{"org", upper}})).refusal, "org"));
}

TEST_CASE("received check: an organization whose parent is itself is refused") {
  Judge judge;
  const RecordId org = idOf(0x33);
  auto verdict = judge(changeOf(Kind::Organization, org, {{"name", "自环工会"}, {"org_type", "企业工会"}, {"parent", org.hex()}}));
  CHECK(contains(verdict.refusal, "parent"));
  CHECK(contains(verdict.refusal, "自己"));
}

TEST_CASE("received check: an edited ID number is refused and masked") {
  Judge judge;
  judge.hold(judge.member());
  const std::string other = "440524188001010014";
  auto verdict = judge(changeOf(Kind::Member, judge.memberId(), {{"id_number", other}}, 2));
  CHECK(contains(verdict.refusal, "不能修改"));
  CHECK(contains(verdict.refusal, "not edited"));
  CHECK(contains(verdict.refusal, maskIdNumber(other)));
  CHECK_FALSE(contains(verdict.refusal, other));
  CHECK_FALSE(contains(verdict.refusal, kIdNumber));
}

TEST_CASE("received check: a forged member id (not derived from the ID number) is refused") {
  Judge judge;
  auto forged = judge.member();
  forged.id = idOf(0x44);
  auto verdict = judge(forged);
  CHECK(contains(verdict.refusal, "forged"));
  CHECK_FALSE(contains(verdict.refusal, kIdNumber));
  // id_type alone must keep the id derivable: 居民身份证 and "" derive the same id, 护照 does not.
  judge.hold(judge.member());
  CHECK(judge(changeOf(Kind::Member, judge.memberId(), {{"id_type", "居民身份证"}}, 2)).refusal.empty());
  CHECK(contains(judge(changeOf(Kind::Member, judge.memberId(), {{"id_type", "护照"}}, 2)).refusal, "id_type"));
}

TEST_CASE("received check: employee count INT64_MAX and counts above the field's bound are refused") {
  Judge judge;
  auto employer = [&](std::string employees) {
    return judge(changeOf(Kind::Employer, idOf(0x55), {{"name", "星光电子"}, {"org", judge.org.hex()}, {"employees", employees}}));
  };
  CHECK(employer("2000").refusal.empty());
  CHECK(contains(employer(std::to_string(std::numeric_limits<std::int64_t>::max())).refusal, "employees"));
  CHECK(contains(employer("10000001").refusal, "employees"));
  CHECK(contains(employer("-5").refusal, "employees"));
  CHECK(contains(employer("007").refusal, "employees"));  // not the stored form
}

TEST_CASE("received check: an unknown field, a bad choice and a bad system field are refused") {
  Judge judge;
  CHECK(contains(judge(judge.member({{"salary", "100"}})).refusal, "salary"));
  CHECK(contains(judge(judge.member({{"status", "国王"}})).refusal, "status"));
  CHECK(contains(judge(judge.member({{"deleted", "yes"}})).refusal, "deleted"));
  CHECK(contains(judge(judge.member({{"name", ""}})).refusal, "name"));  // required
  CHECK(contains(judge(judge.member({{"name", std::string(61, 'a')}})).refusal, "name"));  // maxLength 60
}

TEST_CASE("received check: money is integer fen") {
  Judge judge;
  auto activity = [&](std::string cost) {
    return judge(changeOf(Kind::Activity, idOf(0x66), {{"title", "春游"}, {"activity_type", "文体活动"}, {"org", judge.org.hex()},
                                                       {"start_date", "2025-05-01"}, {"cost", cost}}));
  };
  CHECK(activity("123450").refusal.empty());
  CHECK(activity("0").refusal.empty());
  CHECK(contains(activity("12.50").refusal, "cost"));
  CHECK(contains(activity("0100").refusal, "cost"));
  CHECK(contains(activity("999999999999999999").refusal, "cost"));
}

TEST_CASE("received check: a peer's union work records are checked like local writes") {
  Judge judge;
  const Change member = judge.member();
  judge.hold(member);
  auto assistance = [&](std::vector<std::pair<std::string, std::string>> extra) {
    std::vector<std::pair<std::string, std::string>> fields{
        {"member", member.id.hex()}, {"kind", "医疗救助"}, {"date", "2025-01-20"}, {"amount", "300000"}, {"org", judge.org.hex()}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    return judge(changeOf(Kind::Assistance, idOf(0x77), fields));
  };
  CHECK(assistance({}).refusal.empty());
  CHECK(contains(assistance({{"amount", "-300"}}).refusal, "amount"));
  CHECK(contains(assistance({{"amount", "3000.00"}}).refusal, "amount"));  // yuan, not stored fen
  CHECK(contains(assistance({{"kind", "发红包"}}).refusal, "kind"));
  CHECK(contains(assistance({{"date", "2999-01-01"}}).refusal, "date"));

  // Funds: one record per union and year, so the id must derive from them.
  const std::string year = "2025";
  const std::string orgHex = judge.org.hex();
  const std::vector<std::string_view> key{orgHex, year};
  const RecordId fundsId = recordIdFromKey(Kind::Funds, key);
  const std::vector<std::pair<std::string, std::string>> funds{
      {"org", judge.org.hex()}, {"year", year}, {"payroll", "100000000"}, {"due", "2000000"}};
  CHECK(judge(changeOf(Kind::Funds, fundsId, funds)).refusal.empty());
  CHECK_FALSE(judge(changeOf(Kind::Funds, idOf(0x78), funds)).refusal.empty());  // a forged id
  judge.hold(changeOf(Kind::Funds, fundsId, funds));
  CHECK_FALSE(judge(changeOf(Kind::Funds, fundsId, {{"year", "2024"}}, 2)).refusal.empty());  // the key moved
  CHECK(contains(judge(changeOf(Kind::Contract, idOf(0x79), {{"org", judge.org.hex()}, {"kind", "综合"},
                                                                {"term_months", "100000"}})).refusal,
                 "term_months"));  // a term no contract has
}

TEST_CASE("received check: participants are member ids with a check-in time; unknown members wait") {
  Judge judge;
  judge.hold(judge.member());
  const RecordId activity = idOf(0x77);
  auto checkIn = [&](std::string field, std::string value) {
    return judge(changeOf(Kind::Activity, activity, {{std::move(field), std::move(value)}}));
  };
  const std::string held = "p:" + judge.memberId().hex();
  CHECK(checkIn(held, "2025-06-15 09:30").refusal.empty());
  CHECK(checkIn(held, "").refusal.empty());
  CHECK(contains(checkIn(held, "2025-06-15 25:00").refusal, "p:"));
  CHECK(contains(checkIn(held, "yesterday").refusal, "p:"));
  CHECK(contains(checkIn("p:xyz", "2025-06-15 09:30").refusal, "p:"));
  auto unknown = checkIn("p:" + idOf(0x88).hex(), "2025-06-15 09:30");
  CHECK(unknown.refusal.empty());
  REQUIRE(unknown.waitFor);
  CHECK(unknown.waitFor->second == idOf(0x88));
  // Only activities have participants.
  CHECK_FALSE(judge(changeOf(Kind::Member, judge.memberId(), {{held, "2025-06-15 09:30"}}, 2)).refusal.empty());
}

TEST_CASE("received check: a member change before the member exists waits for it") {
  Judge judge;
  auto early = changeOf(Kind::Member, judge.memberId(), {{"mobile", "13800000000"}}, 2);
  auto verdict = judge(early);
  CHECK(verdict.refusal.empty());
  REQUIRE(verdict.waitFor);
  CHECK(verdict.waitFor->second == judge.memberId());
}

// ---- through a node's store -------------------------------------------------------------

TEST_CASE("received: every change of an honest node passes (members, employers, events, activities)") {
  Peers p;
  auto member = p.sender.node->add(Kind::Member, {{"name", "王淼"}, {"id_number", std::string(kIdNumber)},
                                                  {"org", p.enterprise.hex()}, {"mobile", "13800000000"},
                                                  {"join_date", "2020-03-01"}, {"migrant", "是"}});
  REQUIRE(member.has_value());
  REQUIRE(p.sender.node->add(Kind::Member, {{"name", "李护照"}, {"id_type", "护照"}, {"id_number", "E 1234 5678"},
                                            {"org", p.enterprise.hex()}, {"birth_date", "1980-01-01"}}).has_value());
  REQUIRE(p.sender.node->add(Kind::Employer, {{"name", "星光电子"}, {"org", p.district.hex()}, {"employees", "2000"},
                                              {"covering_union", p.enterprise.hex()}, {"surveyed", "2025-01-02"}}).has_value());
  REQUIRE(p.sender.node->add(Kind::MembershipEvent, {{"member", member->hex()}, {"event_type", "新入会"},
                                                     {"date", "2020-03-01"}, {"org", p.enterprise.hex()}}).has_value());
  auto activity = p.sender.node->add(Kind::Activity, {{"title", "春游"}, {"activity_type", "文体活动"}, {"org", p.enterprise.hex()},
                                                      {"start_date", "2025-05-01"}, {"cost", "1,234.50"}, {"extra_attendees", "3"}});
  REQUIRE(activity.has_value());
  REQUIRE(p.sender.node->join(*activity, *member).has_value());
  REQUIRE(p.sender.node->set(Kind::Member, *member, {{"notes", "调入"}}).has_value());
  REQUIRE(p.sender.node->remove(Kind::Activity, *activity).has_value());

  auto stats = p.receive(changesOf(internal::storeOf(*p.sender.node)));
  CHECK_MESSAGE(stats.refused == 0, firstRefusal(stats));
  CHECK(stats.parked == 0);
  CHECK(internal::storeOf(*p.receiver.node).digest() == internal::storeOf(*p.sender.node).digest());
}

TEST_CASE("received: ID number NOT-AN-ID-<script> is refused and not stored") {
  Peers p;
  auto change = p.member();
  change.fields[1].value = "NOT-AN-ID-<script>";
  const std::string why = p.refusalOf(change);
  CHECK(contains(why, "id_number"));
  CHECK_FALSE(contains(why, "<script>"));
  CHECK(internal::storeOf(*p.receiver.node).count(Kind::Member) == 0);
}

TEST_CASE("received: birth date 2999-99-99 is refused and not stored") {
  Peers p;
  auto change = p.member();
  change.fields[3].value = "2999-99-99";
  CHECK(contains(p.refusalOf(change), "birth_date"));
  CHECK_FALSE(p.receiver.node->get(Kind::Member, p.memberId()));
}

TEST_CASE("received: a member of a union not yet held is parked, then released when the union arrives") {
  Peers p;
  const RecordId later = idOf(0x99);
  auto member = p.member();
  member.fields[2].value = later.hex();
  // And a later edit of that member, which must wait for the member in turn.
  auto edit = changeOf(Kind::Member, p.memberId(), {{"mobile", "13800000000"}}, 2);
  auto parked = p.receive({member, edit});
  CHECK(parked.refused == 0);
  CHECK(parked.parked == 2);
  CHECK_FALSE(p.receiver.node->get(Kind::Member, p.memberId()));
  CHECK(internal::storeOf(*p.receiver.node).parkedCount() == 2);

  auto released = p.receive({changeOf(Kind::Organization, later, {{"name", "新建工会"}, {"org_type", "企业工会"},
                                                                  {"parent", p.district.hex()}, {"deleted", "0"}}, 3)});
  CHECK(released.refused == 0);
  auto held = p.receiver.node->get(Kind::Member, p.memberId());
  REQUIRE(held);
  CHECK(held->get("org") == later.hex());
  CHECK(held->get("mobile") == "13800000000");
  CHECK(internal::storeOf(*p.receiver.node).parkedCount() == 0);
}

TEST_CASE("received: a member of a union that never arrives stays out of the store and the figures") {
  Peers p;
  auto member = p.member();
  member.fields[2].value = idOf(0x9A).hex();
  CHECK(p.receive({member}).parked == 1);
  CHECK(internal::storeOf(*p.receiver.node).count(Kind::Member) == 0);
  CHECK(p.receiver.node->list({.kind = Kind::Member}).empty());
  CHECK(p.receiver.node->stats(std::nullopt).members == 0);
}

TEST_CASE("received: an organization whose parent is itself is refused") {
  Peers p;
  CHECK(contains(p.refusalOf(changeOf(Kind::Organization, p.enterprise, {{"parent", p.enterprise.hex()}})), "parent"));
  CHECK(p.receiver.node->get(Kind::Organization, p.enterprise)->get("parent") == p.district.hex());
}

TEST_CASE("received: an edited ID number is refused; the member keeps its number") {
  Peers p;
  CHECK(p.receive({p.member()}).refused == 0);
  CHECK(contains(p.refusalOf(changeOf(Kind::Member, p.memberId(), {{"id_number", "440524188001010014"}}, 2)), "id_number"));
  CHECK(p.receiver.node->get(Kind::Member, p.memberId())->get("id_number") == kIdNumber);
}

TEST_CASE("received: a forged member id is refused") {
  Peers p;
  auto forged = p.member();
  forged.id = idOf(0x45);
  CHECK(contains(p.refusalOf(forged), "forged"));
  CHECK_FALSE(p.receiver.node->get(Kind::Member, forged.id));
}

TEST_CASE("received: employee count INT64_MAX is refused and the membership rate stays sane") {
  Peers p;
  const std::string huge = std::to_string(std::numeric_limits<std::int64_t>::max());
  // Refused locally...
  auto local = p.sender.node->add(Kind::Employer, {{"name", "巨型企业"}, {"org", p.district.hex()}, {"employees", huge},
                                                   {"covering_union", p.enterprise.hex()}});
  REQUIRE_FALSE(local.has_value());
  CHECK(local.error().errors.front().field == "employees");
  // ...and on receipt.
  CHECK(contains(p.refusalOf(changeOf(Kind::Employer, idOf(0x56), {{"name", "巨型企业"}, {"org", p.district.hex()},
                                                                     {"employees", huge}, {"covering_union", p.enterprise.hex()},
                                                                     {"deleted", "0"}})),
                 "employees"));
  CHECK(internal::storeOf(*p.receiver.node).count(Kind::Employer) == 0);
  CHECK(p.receive({p.member()}).refused == 0);
  auto figures = p.receiver.node->stats(std::nullopt);
  CHECK(figures.members == 1);
  CHECK_FALSE(figures.membershipRate());  // no employees counted, so no rate (not -100%)
}

TEST_CASE("received: an unknown field is refused and not stored") {
  Peers p;
  CHECK(contains(p.refusalOf(p.member({{"salary", "100"}})), "salary"));
  CHECK_FALSE(p.receiver.node->get(Kind::Member, p.memberId()));
}

TEST_CASE("received: a choice value outside the list is refused") {
  Peers p;
  CHECK(contains(p.refusalOf(p.member({{"education", "博士后<b>"}})), "education"));
}

TEST_CASE("received: valid changes in two different orders give equal digests") {
  // Three honest writers of one deployment; a fourth and a fifth node receive everything, in
  // opposite orders, with references that arrive before what they refer to.
  TestNode a(11), b(12), c(13), forward(14), backward(15);
  for (TestNode* n : {&b, &c, &forward, &backward})
    REQUIRE(internal::storeOf(*n->node).adoptDeploymentKey(internal::storeOf(*a.node).deploymentKey()).has_value());
  const RecordId root = a.addOrg("示范区总工会", "区县总工会");
  REQUIRE(internal::storeOf(*b.node).apply(changesOf(internal::storeOf(*a.node))).has_value());
  REQUIRE(internal::storeOf(*c.node).apply(changesOf(internal::storeOf(*a.node))).has_value());
  const RecordId branch = b.addOrg("城关街道总工会", "街道总工会", root);
  auto member = b.node->add(Kind::Member, {{"name", "王淼"}, {"id_number", std::string(kIdNumber)}, {"org", branch.hex()}});
  REQUIRE(member.has_value());
  REQUIRE(internal::storeOf(*c.node).apply(changesOf(internal::storeOf(*b.node))).has_value());
  REQUIRE(c.node->set(Kind::Member, *member, {{"mobile", "13900000000"}}).has_value());
  auto activity = c.node->add(Kind::Activity, {{"title", "春游"}, {"activity_type", "文体活动"}, {"org", branch.hex()},
                                               {"start_date", "2025-05-01"}});
  REQUIRE(activity.has_value());
  REQUIRE(c.node->join(*activity, *member).has_value());
  // The same ID number registered concurrently at a: one member, merged.
  REQUIRE(a.node->add(Kind::Member, {{"name", "王淼"}, {"id_number", std::string(kIdNumber)}, {"org", root.hex()},
                                     {"notes", "区里登记"}}).has_value());

  std::vector<Change> all;
  for (TestNode* n : {&a, &b, &c}) {
    auto changes = changesOf(internal::storeOf(*n->node));
    all.insert(all.end(), changes.begin(), changes.end());
  }
  std::vector<Change> reversed(all.rbegin(), all.rend());
  for (const auto& change : all) REQUIRE(internal::storeOf(*forward.node).apply({change}).value().refused == 0);
  for (const auto& change : reversed) REQUIRE(internal::storeOf(*backward.node).apply({change}).value().refused == 0);
  CHECK(internal::storeOf(*forward.node).parkedCount() == 0);
  CHECK(internal::storeOf(*backward.node).parkedCount() == 0);
  CHECK(internal::storeOf(*forward.node).digest() == internal::storeOf(*backward.node).digest());
  CHECK(internal::storeOf(*forward.node).count(Kind::Member) == 1);
}

TEST_CASE("received: a peer that sends a thousand made-up field names stores none of them, nor numbers them") {
  Peers p;
  // What the receiver's store numbers, read with LMDB itself once the node is closed.
  auto numberedNames = [&] {
    p.receiver.node.reset();
    MDB_env* env = nullptr;
    REQUIRE(mdb_env_create(&env) == 0);
    mdb_env_set_maxdbs(env, 32);
    REQUIRE(mdb_env_open(env, p.receiver.dir.sub("node").c_str(), MDB_RDONLY, 0600) == 0);
    MDB_txn* txn = nullptr;
    REQUIRE(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0);
    MDB_dbi names;
    REQUIRE(mdb_dbi_open(txn, "field_names", 0, &names) == 0);
    MDB_stat stat{};
    REQUIRE(mdb_stat(txn, names, &stat) == 0);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    p.receiver.node = std::move(Node::open(p.receiver.dir.sub("node"), p.receiver.clock, p.receiver.random,
                                           NodeOptions{.durable = false}).value());
    return stat.ms_entries;
  };
  const std::size_t before = numberedNames();
  std::vector<Change> lies;
  for (std::uint64_t i = 0; i < 1000; ++i) lies.push_back(p.member({{fmt::format("made_up_{}", i), "x"}}, i + 1));
  const ApplyStats stats = p.receive(lies);
  CHECK(stats.refused == 1000);
  CHECK(contains(firstRefusal(stats), "made_up_0"));
  CHECK_FALSE(p.receiver.node->get(Kind::Member, p.memberId()).has_value());
  CHECK(numberedNames() == before);
}

#include <doctest/doctest.h>

#include <algorithm>

#include "app/internal/store_access.h"
#include "app/node.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A district federation, a street federation (founded this year) and an enterprise union.
struct Fixture {
  TestNode t;
  std::unique_ptr<Node>& node = t.node;
  RecordId district, street, enterprise;

  explicit Fixture(std::uint64_t seed = 7) : t(seed, kTestNow2026Ms) {
    district = t.addOrg("示范区总工会", "区县总工会");
    street = node->add(Kind::Organization, {{"name", "城关街道总工会"}, {"org_type", "街道总工会"},
                                            {"parent", district.hex()}, {"founded", "2026-03-01"}}).value();
    enterprise = t.addOrg("星光电子有限公司工会", "企业工会", street);
  }
  std::expected<RecordId, ValidationFailure> addMember(const std::string& idNumber, const std::string& name,
                                                       const RecordId& org, FieldValues extra = {}) {
    FieldValues values{{"name", name}, {"id_number", idNumber}, {"org", org.hex()}};
    values.insert(values.end(), extra.begin(), extra.end());
    return node->add(Kind::Member, values);
  }
};

bool mentions(const ValidationFailure& f, const std::string& field) {
  for (const auto& e : f.errors)
    if (e.field == field) return true;
  return false;
}

}  // namespace

TEST_CASE("a member gets birth date and gender from the ID number and a status") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise);
  REQUIRE(id.has_value());
  auto m = f.node->get(Kind::Member, *id);
  CHECK(m->get("birth_date") == "1949-12-31");
  CHECK(m->get("gender") == "女");
  CHECK(m->get("status") == "正常");
}

TEST_CASE("validation names each bad field with a reason") {
  Fixture f;
  auto bad = f.addMember("110105194912310021", "", f.enterprise, {{"mobile", "12345"}, {"join_date", "2023-02-29"}});
  REQUIRE_FALSE(bad.has_value());
  CHECK(mentions(bad.error(), "id_number"));
  CHECK(mentions(bad.error(), "name"));
  CHECK(mentions(bad.error(), "mobile"));
  CHECK(mentions(bad.error(), "join_date"));
  auto unknownOrg = f.addMember("11010519491231002X", "王淼", RecordId{});
  REQUIRE_FALSE(unknownOrg.has_value());
  CHECK(mentions(unknownOrg.error(), "org"));
  auto wrongGender = f.addMember("11010519491231002X", "王淼", f.enterprise, {{"gender", "男"}});
  REQUIRE_FALSE(wrongGender.has_value());
  CHECK(mentions(wrongGender.error(), "gender"));
}

TEST_CASE("one person is one member: the same ID number, in 15 or 18 digits, maps to one record") {
  Fixture f;
  auto first = f.addMember("11010519491231002X", "王淼", f.enterprise);
  auto again = f.node->upsertMember({{"name", "王淼"}, {"id_number", "11010519491231002x"}, {"org", f.enterprise.hex()}, {"mobile", "13800000000"}});
  auto legacy = f.node->upsertMember({{"name", "王淼"}, {"id_number", "110105491231002"}, {"org", f.enterprise.hex()}});
  REQUIRE(first.has_value());
  REQUIRE(again.has_value());
  REQUIRE(legacy.has_value());
  CHECK(*first == again->id);
  CHECK(*first == legacy->id);
  CHECK_FALSE(again->created);
  CHECK(internal::storeOf(*f.node).count(Kind::Member) == 1);
  CHECK(f.node->get(Kind::Member, *first)->get("mobile") == "13800000000");
}

TEST_CASE("adding a member whose ID number is held by a live member is refused naming her; a deleted one is re-added") {
  Fixture f;
  auto first = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  auto other = f.addMember("11010519491231002X", "李四", f.street);
  REQUIRE_FALSE(other.has_value());
  CHECK(mentions(other.error(), "id_number"));
  CHECK(other.error().summary().find("王淼") != std::string::npos);
  CHECK(f.node->get(Kind::Member, first)->get("name") == "王淼");
  CHECK(f.node->get(Kind::Member, first)->get("org") == f.enterprise.hex());
  REQUIRE(f.node->remove(Kind::Member, first).has_value());
  auto readded = f.addMember("11010519491231002X", "李四", f.street);
  REQUIRE(readded.has_value());
  CHECK(*readded == first);
  CHECK(f.node->get(Kind::Member, first)->get("name") == "李四");
  CHECK_FALSE(f.node->get(Kind::Member, first)->deleted());
}

TEST_CASE("two nodes of one deployment derive the same member id; another deployment does not") {
  Fixture a(1), b(2), c(3);
  REQUIRE(internal::storeOf(*b.node).adoptDeploymentKey(internal::storeOf(*a.node).deploymentKey()).has_value());
  CHECK(a.node->memberIdFor("440524188001010014").value() == b.node->memberIdFor("440524188001010014").value());
  CHECK(a.node->memberIdFor("440524188001010014").value() != c.node->memberIdFor("440524188001010014").value());
}

TEST_CASE("the ID number of a member cannot be changed with set") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  auto changed = f.node->set(Kind::Member, id, {{"id_number", "440524188001010014"}});
  REQUIRE_FALSE(changed.has_value());
  CHECK(mentions(changed.error(), "id_number"));
  REQUIRE(f.node->set(Kind::Member, id, {{"mobile", "13912345678"}}).has_value());
}

TEST_CASE("set accepts the ID number held in another spelling (15 digits, lower-case x, id_type 居民身份证) as no change") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  CHECK(f.node->set(Kind::Member, id, {{"id_number", "11010519491231002x"}, {"mobile", "13912345678"}}).has_value());
  CHECK(f.node->set(Kind::Member, id, {{"id_type", "居民身份证"}, {"id_number", "110105491231002"}}).has_value());
  auto m = f.node->get(Kind::Member, id);
  CHECK(m->get("id_number") == "11010519491231002X");
  CHECK(m->get("mobile") == "13912345678");
  // Another document type is another identity.
  auto passport = f.node->set(Kind::Member, id, {{"id_type", "护照"}});
  REQUIRE_FALSE(passport.has_value());
  CHECK(mentions(passport.error(), "id_type"));
}

TEST_CASE("set refuses a new ID number, so the stored birth date and gender never disagree with the number held") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  // The new number would say 1880-01-01 and male: a user expects either the derived fields to
  // follow or a refusal; as the number is the member's identity (member_identity.h), it is refused.
  auto changed = f.node->set(Kind::Member, id, {{"id_number", "440524188001010014"}, {"notes", "改号"}});
  REQUIRE_FALSE(changed.has_value());
  CHECK(mentions(changed.error(), "id_number"));
  auto m = f.node->get(Kind::Member, id);
  CHECK(m->get("id_number") == "11010519491231002X");
  CHECK(m->get("birth_date") == "1949-12-31");
  CHECK(m->get("gender") == "女");
  CHECK(m->get("notes").empty());
  // A wrong birth date and a wrong gender in one edit are both named.
  auto both = f.node->set(Kind::Member, id, {{"birth_date", "1980-01-01"}, {"gender", "男"}});
  REQUIRE_FALSE(both.has_value());
  CHECK(mentions(both.error(), "birth_date"));
  CHECK(mentions(both.error(), "gender"));
  CHECK(both.error().summary().find("1949-12-31") != std::string::npos);
}

TEST_CASE("text that is not UTF-8 or holds NUL is refused naming the field (notes \\xff\\xfe, name \\xc0\\xaf)") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  auto notes = f.node->set(Kind::Member, id, {{"notes", "\xff\xfe"}});
  REQUIRE_FALSE(notes.has_value());
  CHECK(mentions(notes.error(), "notes"));
  CHECK(notes.error().summary().find("备注") != std::string::npos);
  auto overlong = f.node->add(Kind::Organization, {{"name", "\xc0\xaf"}, {"org_type", "企业工会"}});
  REQUIRE_FALSE(overlong.has_value());
  CHECK(mentions(overlong.error(), "name"));
  using namespace std::string_literals;
  auto nul = f.node->set(Kind::Member, id, {{"employer", "星光\0电子"s}});
  REQUIRE_FALSE(nul.has_value());
  CHECK(mentions(nul.error(), "employer"));
  // A bad field name is not echoed into the message (which must stay printable text).
  auto badName = f.node->set(Kind::Member, id, {{"\xff", "x"}});
  REQUIRE_FALSE(badName.has_value());
  CHECK(badName.error().summary().find('\xff') == std::string::npos);
  CHECK(f.node->get(Kind::Member, id)->get("notes").empty());
}

TEST_CASE("a birth date or gender set alone must agree with the ID number held") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  auto birth = f.node->set(Kind::Member, id, {{"birth_date", "1990-01-01"}});
  REQUIRE_FALSE(birth.has_value());
  CHECK(mentions(birth.error(), "birth_date"));
  auto gender = f.node->set(Kind::Member, id, {{"gender", "男"}});
  REQUIRE_FALSE(gender.has_value());
  CHECK(mentions(gender.error(), "gender"));
  CHECK(f.node->set(Kind::Member, id, {{"gender", "女"}, {"notes", "核对无误"}}).has_value());
}

TEST_CASE("delete and restore; listings hide deleted records unless asked") {
  Fixture f;
  auto id = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  REQUIRE(f.node->remove(Kind::Member, id).has_value());
  CHECK(f.node->list({.kind = Kind::Member}).empty());
  CHECK(f.node->list({.kind = Kind::Member, .onlyDeleted = true}).size() == 1);
  REQUIRE(f.node->restore(Kind::Member, id).has_value());
  CHECK(f.node->list({.kind = Kind::Member}).size() == 1);
}

TEST_CASE("an organization that still holds records cannot be deleted") {
  Fixture f;
  REQUIRE(f.addMember("11010519491231002X", "王淼", f.enterprise).has_value());
  CHECK_FALSE(f.node->remove(Kind::Organization, f.enterprise).has_value());
  CHECK_FALSE(f.node->remove(Kind::Organization, f.district).has_value());
}

TEST_CASE("an organization cannot be moved under its own subtree") {
  Fixture f;
  auto moved = f.node->set(Kind::Organization, f.district, {{"parent", f.enterprise.hex()}});
  REQUIRE_FALSE(moved.has_value());
  CHECK(mentions(moved.error(), "parent"));
}

TEST_CASE("listing by organization covers the subtree; search finds by name prefix, mobile and ID number") {
  Fixture f;
  auto a = f.addMember("11010519491231002X", "王淼", f.enterprise, {{"mobile", "13800000001"}}).value();
  auto b = f.addMember("440524188001010014", "王喆", f.street).value();
  CHECK(f.node->list({.kind = Kind::Member, .org = f.district}).size() == 2);
  CHECK(f.node->list({.kind = Kind::Member, .org = f.enterprise}).size() == 1);
  CHECK(f.node->list({.kind = Kind::Member, .search = "王"}).size() == 2);
  // Spaces around it, as a pasted cell or an input method leaves them.
  CHECK(f.node->list({.kind = Kind::Member, .search = " 王\u3000"}).size() == 2);
  CHECK(f.node->list({.kind = Kind::Member, .search = " 13800000001 "}).front().id == a);
  CHECK(f.node->list({.kind = Kind::Member, .search = "1380000"}).front().id == a);
  CHECK(f.node->list({.kind = Kind::Member, .search = "440524188001010014"}).front().id == b);
  CHECK(f.node->list({.kind = Kind::Organization, .org = f.street}).size() == 2);
}

TEST_CASE("resolve finds organizations by exact name and members by ID number") {
  Fixture f;
  auto m = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  CHECK(f.node->resolve(Kind::Organization, "城关街道总工会").value() == f.street);
  CHECK(f.node->resolve(Kind::Organization, " 城关街道总工会\u3000").value() == f.street);
  CHECK(f.node->resolve(Kind::Member, " 11010519491231002X ").value() == m);
  CHECK(f.node->resolve(Kind::Member, "11010519491231002X").value() == m);
  CHECK(f.node->resolve(Kind::Member, m.hex()).value() == m);
  CHECK_FALSE(f.node->resolve(Kind::Organization, "不存在的工会").has_value());
}

TEST_CASE("a union name not found is answered with held names that contain it or that it contains") {
  Fixture f;
  auto message = [&](std::string_view typed) { return f.node->resolve(Kind::Organization, typed).error().message; };
  // Part of a name, and a name with more around it.
  CHECK(message("星光电子").find("是否指：星光电子有限公司工会") != std::string::npos);
  CHECK(message("城关街道总工会办公室").find("是否指：城关街道总工会") != std::string::npos);
  // The likeliest first: names starting so, then the shorter.
  CHECK(message("总工会").find("是否指：示范区总工会、城关街道总工会 /") != std::string::npos);
  CHECK(message("星光").find("是否指：星光电子有限公司工会 /") != std::string::npos);
  // Nothing alike, or one character: no guess.
  CHECK(message("青松").find("是否指") == std::string::npos);
  CHECK(message("工").find("是否指") == std::string::npos);
  // A deleted union is not offered.
  REQUIRE(f.node->remove(Kind::Organization, f.enterprise).has_value());
  CHECK(message("星光电子").find("是否指") == std::string::npos);
}

TEST_CASE("stats sum numerators and denominators over the subtree") {
  Fixture f;
  // Street: two employers, one covered by the enterprise union (100 employees, 40 migrant).
  REQUIRE(f.node->add(Kind::Employer, {{"name", "星光电子有限公司"}, {"org", f.street.hex()},
                                       {"covering_union", f.enterprise.hex()}, {"employees", "100"},
                                       {"migrant_employees", "40"}}).has_value());
  REQUIRE(f.node->add(Kind::Employer, {{"name", "小吃店"}, {"org", f.street.hex()}, {"employees", "5"}}).has_value());
  auto m1 = f.addMember("11010519491231002X", "王淼", f.enterprise, {{"migrant", "是"}}).value();
  f.addMember("440524188001010014", "王喆", f.enterprise, {{"status", "退会"}}).value();
  REQUIRE(f.node->add(Kind::MembershipEvent, {{"member", m1.hex()}, {"event_type", "新入会"}, {"date", "2026-02-01"},
                                              {"org", f.enterprise.hex()}}).has_value());
  auto activity = f.node->add(Kind::Activity, {{"title", "送温暖"}, {"activity_type", "送温暖/慰问"},
                                               {"org", f.street.hex()}, {"start_date", "2026-01-20"},
                                               {"extra_attendees", "10"}}).value();
  REQUIRE(f.node->join(activity, m1).has_value());

  Stats s = f.node->stats(f.district);
  CHECK(s.year == 2026);
  CHECK(s.organizations == 3);
  CHECK(s.members == 1);  // 退会 does not count
  CHECK(s.migrantMembers == 1);
  CHECK(s.employers == 2);
  CHECK(s.unionizedEmployers == 1);
  CHECK(s.unionizationRate().value() == doctest::Approx(0.5));
  CHECK(s.membershipRate().value() == doctest::Approx(0.01));
  CHECK(s.migrantMembershipRate().value() == doctest::Approx(1.0 / 40));
  CHECK(s.newMembersThisYear == 1);
  CHECK(s.newUnionsThisYear == 1);
  CHECK(s.activitiesThisYear == 1);
  CHECK(s.participantsThisYear == 11);
  // The enterprise subtree has the member but not the street's employers.
  Stats e = f.node->stats(f.enterprise);
  CHECK(e.members == 1);
  CHECK(e.employers == 0);
  CHECK_FALSE(e.unionizationRate().has_value());
}

TEST_CASE("activity participants join and leave as per-member flags") {
  Fixture f;
  auto m = f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  auto a = f.node->add(Kind::Activity, {{"title", "义诊"}, {"activity_type", "义诊/体检"}, {"org", f.street.hex()},
                                        {"start_date", "2026-05-01"}}).value();
  REQUIRE(f.node->join(a, m).has_value());
  REQUIRE(f.node->join(a, m).has_value());
  CHECK(f.node->participants(a).size() == 1);
  REQUIRE(f.node->leave(a, m).has_value());
  CHECK(f.node->participants(a).empty());
  CHECK_FALSE(f.node->join(a, RecordId{}).has_value());
}

TEST_CASE("stats: a count no valid write stores (INT64_MAX, negative) adds nothing, and no rate is negative") {
  Fixture f;
  REQUIRE(f.node->add(Kind::Employer, {{"name", "星光电子有限公司"}, {"org", f.street.hex()},
                                       {"covering_union", f.enterprise.hex()}, {"employees", "100"}}).has_value());
  // Past Node::validate, as a store written before counts were bounded may hold them.
  for (const char* bad : {"9223372036854775807", "-100", "12abc"}) {
    RecordId id;
    f.t.random.fill(id.bytes.data(), id.bytes.size());
    REQUIRE(internal::storeOf(*f.node).write(Kind::Employer, id, {{"name", "巨型企业"}, {"org", f.street.hex()},
                                                       {"covering_union", f.enterprise.hex()}, {"employees", bad},
                                                       {"migrant_employees", bad}}).has_value());
  }
  f.addMember("11010519491231002X", "王淼", f.enterprise).value();
  Stats s = f.node->stats(f.district);
  CHECK(s.unionizedEmployees == 100);
  CHECK(s.unionizedMigrantEmployees == 0);
  CHECK(s.unionizedEmployers == 4);
  CHECK(s.membershipRate().value() == doctest::Approx(0.01));
  CHECK_FALSE(s.migrantMembershipRate().has_value());
}

TEST_CASE("a local employee count above the bound (10^7) or INT64_MAX is refused naming the field") {
  Fixture f;
  for (const char* count : {"10000001", "9223372036854775807"}) {
    auto added = f.node->add(Kind::Employer, {{"name", "巨型企业"}, {"org", f.street.hex()}, {"employees", count}});
    REQUIRE_FALSE(added.has_value());
    CHECK(mentions(added.error(), "employees"));
  }
  CHECK(f.node->add(Kind::Employer, {{"name", "大企业"}, {"org", f.street.hex()}, {"employees", "10000000"}}).has_value());
}

// Seeds give other ids, so that a union below the cycle has the smallest id in some runs.
static void checkCycleBrokenAlike(std::uint64_t seed) {
  CAPTURE(seed);
  TestNode a(seed, kTestNow2026Ms), b(seed + 1, kTestNow2026Ms);
  REQUIRE(internal::storeOf(*b.node).adoptDeploymentKey(internal::storeOf(*a.node).deploymentKey()).has_value());
  auto exchange = [&](TestNode& from, TestNode& to) {
    auto batch = internal::storeOf(*from.node).changesSince(internal::storeOf(*to.node).versionVector(), {}, 100000, std::size_t{1} << 26);
    REQUIRE(batch.done);
    auto applied = internal::storeOf(*to.node).apply(batch.changes);
    REQUIRE(applied.has_value());
    CHECK(applied->refused == 0);  // each move was valid where it was made
  };
  const RecordId district = a.addOrg("示范区总工会", "区县总工会");
  const RecordId x = a.addOrg("甲街道总工会", "街道总工会", district);
  const RecordId y = a.addOrg("乙街道总工会", "街道总工会", district);
  // Unions below the cycle, whose ids may be smaller than the cycle's: they stay below it.
  for (int i = 0; i < 4; ++i) a.addOrg("基层工会" + std::to_string(i), "企业工会", i % 2 ? x : y);
  exchange(a, b);
  // Concurrently: a puts x under y, b puts y under x.
  REQUIRE(a.node->set(Kind::Organization, x, {{"parent", y.hex()}}).has_value());
  REQUIRE(b.node->set(Kind::Organization, y, {{"parent", x.hex()}}).has_value());
  exchange(a, b);
  exchange(b, a);
  REQUIRE(internal::storeOf(*a.node).digest() == internal::storeOf(*b.node).digest());

  for (TestNode* n : {&a, &b}) {
    OrgTree tree = n->node->orgTree();
    // The cycle hangs under no root: its smaller id becomes a root, the other below it.
    const RecordId cycleRoot = std::min(x, y);
    const RecordId below = std::max(x, y);
    CHECK(std::ranges::count(tree.roots, cycleRoot) == 1);
    CHECK(std::ranges::count(tree.roots, below) == 0);
    CHECK(tree.roots.size() == 2);
    CHECK(tree.subtree(cycleRoot).size() == 6);
    CHECK(tree.subtree(district).size() == 1);
    CHECK(tree.path(below) == tree.path(cycleRoot) + " / " + tree.nodes[below].name);
    // Every organization is counted once.
    CHECK(n->node->stats(std::nullopt).organizations == 7);
  }
  CHECK(a.node->orgTree().roots == b.node->orgTree().roots);
}

TEST_CASE("org tree: a cycle formed by two concurrent valid moves is broken the same way on both nodes") {
  for (std::uint64_t seed : {21, 23, 25, 27}) checkCycleBrokenAlike(seed);
}

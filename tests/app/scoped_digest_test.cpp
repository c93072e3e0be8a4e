#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

#include "app/cli/cli_commands.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "app/records/scoped_digest.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

using RecordKey = std::pair<Kind, RecordId>;

// Copies `from`'s changes to `to` as a sync would, leaving out the records `skip` names (a
// node that holds only part of the data).
void copyChanges(const TestNode& from, TestNode& to, const std::set<RecordKey>& skip = {}) {
  ChangeBatch batch = internal::storeOf(*from.node).changesSince(internal::storeOf(*to.node).versionVector(), {},
                                                                 100000, std::size_t{1} << 26);
  REQUIRE(batch.done);
  std::erase_if(batch.changes, [&](const Change& c) { return skip.count({c.kind, c.id}) > 0; });
  auto applied = internal::storeOf(*to.node).apply(batch.changes);
  REQUIRE(applied.has_value());
  CHECK(applied->refused == 0);
  CHECK(applied->parked == 0);
}

// A district with two streets: the scope is one street (with an enterprise union below it,
// an employer, members and an activity); the other street and its member are outside.
struct District {
  TestNode a{11, kTestNow2026Ms};
  RecordId district, street, enterprise, otherStreet, inside, insideToo, outside;

  District() {
    district = a.addOrg("示范区总工会", "区县总工会");
    street = a.addOrg("城关街道总工会", "街道总工会", district);
    enterprise = a.addOrg("星光电子有限公司工会", "企业工会", street);
    otherStreet = a.addOrg("河西街道总工会", "街道总工会", district);
    inside = addMember("11010519491231002X", "王淼", enterprise);
    insideToo = addMember("110105198001010016", "李雷", street);
    outside = addMember("110105199001010010", "韩梅梅", otherStreet);
    REQUIRE(a.node->add(Kind::Employer, {{"name", "星光电子有限公司"}, {"org", street.hex()}}).has_value());
    REQUIRE(a.node->add(Kind::Activity, {{"title", "职工运动会"}, {"activity_type", "文体活动"}, {"org", enterprise.hex()}, {"start_date", "2026-05-01"}})
                .has_value());
  }

  RecordId addMember(const std::string& idNumber, const std::string& name, const RecordId& org) {
    auto id = a.node->add(Kind::Member, {{"name", name}, {"id_number", idNumber}, {"org", org.hex()}});
    // Not REQUIRE_MESSAGE: doctest -s renders the message on success too, and error() of a value is UB.
    if (!id) FAIL(id.error().summary());
    return *id;
  }

  // A second node of the same deployment that holds what `a` holds, less `skip`.
  std::unique_ptr<TestNode> replica(std::uint64_t seed, const std::set<RecordKey>& skip = {}) const {
    auto b = std::make_unique<TestNode>(seed, kTestNow2026Ms);
    REQUIRE(internal::storeOf(*b->node).adoptDeploymentKey(internal::storeOf(*a.node).deploymentKey()).has_value());
    copyChanges(a, *b, skip);
    return b;
  }

  // Every record `a` holds outside the street's subtree except the district, which the
  // street's own record names as its parent.
  std::set<RecordKey> outsideOfStreet() const {
    std::set<RecordKey> out{{Kind::Organization, otherStreet}};
    for (const KindDef& def : allKinds()) {
      if (def.kind == Kind::Organization) continue;
      a.node->forEach(def.kind, [&](const Record& r) {
        if (r.get(def.ownerField) == otherStreet.hex() || r.get(def.ownerField) == district.hex())
          out.insert({def.kind, r.id});
        return true;
      });
    }
    return out;
  }
};

std::string digestOf(const TestNode& t, const RecordId& org) {
  auto digest = subtreeDigest(*t.node, org);
  if (!digest) FAIL(digest.error().message);
  return *digest;
}

// Runs `unionsync --data DIR digest ARGS…` in process; returns exit code, stdout and stderr.
struct CliRun {
  int code = -1;
  std::string out, err;
};
CliRun runDigest(const std::string& dataDir, std::vector<std::string> args) {
  ManualClock clock(kTestNow2026Ms);
  SeededRandom random(5);
  CliContext ctx;
  ctx.dataDir = dataDir;
  ctx.clock = &clock;
  ctx.random = &random;
  ctx.openNode = [&]() { return Node::open(dataDir, clock, random, NodeOptions{.durable = false}); };
  CLI::App root;
  registerNodeCommands(root, ctx);
  args.insert(args.begin(), "digest");
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  root.parse(args);
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  CliRun run;
  run.code = ctx.run();
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace

TEST_CASE("subtree digest: equal on nodes holding the same subtree, whatever else each holds") {
  District d;
  auto b = d.replica(12);
  // c holds only the street's scope (and the district its record names), like a node of a
  // partial replication.
  auto c = d.replica(13, d.outsideOfStreet());
  REQUIRE_FALSE(c->node->get(Kind::Member, d.outside));
  REQUIRE(c->node->get(Kind::Member, d.inside));

  // Each gets records outside the street that the others lack.
  d.addMember("110105197001010011", "张伟", d.otherStreet);
  const RecordId bOnly = b->addOrg("乙社区工会", "企业工会", d.district);
  REQUIRE(b->node->add(Kind::Member, {{"name", "刘洋"}, {"id_number", "110105196001010017"}, {"org", bOnly.hex()}})
              .has_value());
  REQUIRE(b->node->set(Kind::Organization, d.district, {{"chair", "赵刚"}}).has_value());

  const std::string digest = digestOf(d.a, d.street);
  CHECK(digest.size() == 64);
  CHECK(digestOf(*b, d.street) == digest);
  CHECK(digestOf(*c, d.street) == digest);
  CHECK(d.a.node->digest() != b->node->digest());
  CHECK(d.a.node->digest() != c->node->digest());
  CHECK(b->node->digest() != c->node->digest());
  // A smaller scope is another digest, and none is the whole-store digest.
  CHECK(digestOf(d.a, d.enterprise) != digest);
  CHECK(digestOf(*c, d.enterprise) == digestOf(d.a, d.enterprise));
  CHECK(digestOf(d.a, d.district) != d.a.node->digest());
}

TEST_CASE("subtree digest: a change inside the subtree changes it, one outside does not") {
  District d;
  const std::string before = digestOf(d.a, d.street);
  const std::string wholeBefore = d.a.node->digest();

  REQUIRE(d.a.node->set(Kind::Member, d.outside, {{"mobile", "13800000002"}}).has_value());
  CHECK(digestOf(d.a, d.street) == before);
  CHECK(d.a.node->digest() != wholeBefore);

  REQUIRE(d.a.node->set(Kind::Member, d.inside, {{"mobile", "13800000001"}}).has_value());
  const std::string edited = digestOf(d.a, d.street);
  CHECK(edited != before);

  // The same value written again by another node is another stamp: the digest tells them apart.
  auto b = d.replica(12);
  CHECK(digestOf(*b, d.street) == edited);
  REQUIRE(b->node->set(Kind::Member, d.insideToo, {{"mobile", "13800000003"}}).has_value());
  REQUIRE(d.a.node->set(Kind::Member, d.insideToo, {{"mobile", "13800000003"}}).has_value());
  CHECK(digestOf(*b, d.street) != digestOf(d.a, d.street));

  // A member moved out of the subtree leaves it.
  const std::string beforeMove = digestOf(d.a, d.street);
  REQUIRE(d.a.node->set(Kind::Member, d.insideToo, {{"org", d.otherStreet.hex()}}).has_value());
  CHECK(digestOf(d.a, d.street) != beforeMove);
}

TEST_CASE("subtree digest: tombstones count, of members and of organizations") {
  District d;
  const std::string live = digestOf(d.a, d.street);
  REQUIRE(d.a.node->remove(Kind::Member, d.inside).has_value());
  const std::string tombstoned = digestOf(d.a, d.street);
  CHECK(tombstoned != live);

  // A node that holds the tombstone agrees; one that never held the member does not.
  auto holder = d.replica(12);
  CHECK(digestOf(*holder, d.street) == tombstoned);
  auto lacking = d.replica(13, {{Kind::Member, d.inside}});
  CHECK(digestOf(*lacking, d.street) != tombstoned);

  // A deleted union below the street is still in its subtree.
  const RecordId closed = d.a.addOrg("已撤销工会", "企业工会", d.street);
  const std::string withOrg = digestOf(d.a, d.street);
  REQUIRE(d.a.node->remove(Kind::Organization, closed).has_value());
  CHECK(digestOf(d.a, d.street) != withOrg);
  auto lackingOrg = d.replica(14, {{Kind::Organization, closed}});
  CHECK(digestOf(*lackingOrg, d.street) != digestOf(d.a, d.street));
  // Its own digest still exists: tombstoned unions can be compared too.
  CHECK(subtreeDigest(*d.a.node, closed).has_value());
}

TEST_CASE("subtree digest: an unknown organization is an error naming it") {
  District d;
  auto missing = subtreeDigest(*d.a.node, RecordId::fromHex("0123456789abcdef0123456789abcdef").value());
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message.find("0123456789abcdef0123456789abcdef") != std::string::npos);
  CHECK(missing.error().message.find(" / ") != std::string::npos);
  // A record of another kind is not an organization.
  CHECK_FALSE(subtreeDigest(*d.a.node, d.inside).has_value());
}

TEST_CASE("cli: digest --org takes a name or an id and refuses an unknown one") {
  District d;
  const std::string dir = d.a.node->dataDir();
  const std::string expected = digestOf(d.a, d.street);
  const std::string whole = d.a.node->digest();
  d.a.node.reset();  // the CLI opens the directory itself

  CliRun byName = runDigest(dir, {"--org", "城关街道总工会"});
  CHECK(byName.code == 0);
  CHECK(byName.out == expected + "\n");
  CliRun byId = runDigest(dir, {"--org", d.street.hex()});
  CHECK(byId.out == expected + "\n");
  CHECK(runDigest(dir, {}).out == whole + "\n");

  CliRun unknown = runDigest(dir, {"--org", "不存在的工会"});
  CHECK(unknown.code != 0);
  CHECK(unknown.out.empty());
  CHECK(unknown.err.find("不存在的工会") != std::string::npos);
  CHECK(unknown.err.find(" / ") != std::string::npos);
}

// Federation through the facade (app/federation): granting, scopes, write rights, admission by
// certificate and partial replication, with real engines on loopback (docs/SYNC.md
// "Federation").
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <thread>

#include "app/federation/federation.h"
#include "app/federation/node_code.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "app/records/scoped_digest.h"
#include "app/sync/sync_once.h"
#include "app/sync/sync_service.h"
#include "store/change_signature.h"
#include "store/hlc.h"
#include "store/schema.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;
using namespace std::chrono_literals;

namespace {

// A resident ID number with its GB 11643 check character.
std::string idNumber(const std::string& first17) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

struct FedNode {
  TempDir dir;
  SystemClock clock;  // engines need real time
  SeededRandom random;
  std::unique_ptr<Node> node;

  FedNode(const std::string& name, std::uint64_t seed) : random(seed) {
    node = std::move(Node::create(dir.sub("node"), name, clock, random, NodeOptions{.durable = false}).value());
  }
  Federation& federation() { return node->federation(); }
  std::string code() { return federation().nodeCode().value(); }
  std::string key() { return node->sync().ownKey().value().publicKey; }
  // Listens on loopback; connects to no one by itself unless told to (each test decides who
  // meets whom).
  std::string serve(bool dial = false) {
    SyncStartOptions o;
    o.listen = "tcp://127.0.0.1:*";
    o.engine.autoConnect = dial;
    REQUIRE(node->sync().start(std::move(o)).has_value());
    auto s = node->sync().status();
    REQUIRE(s);
    return s->listenEndpoints.front();
  }
  // One session with `hq` at `address`, trusting it by hand first (bootstrap).
  Result<PeerStatus> syncWith(FedNode& hq, const std::string& address) {
    REQUIRE(node->sync().trust(hq.key(), "区总工会", address).has_value());
    return syncOnce(node->sync(), address, 20s);
  }
  std::set<RecordId> held(Kind kind) {
    std::set<RecordId> out;
    node->forEach(kind, [&](const Record& r) {
      out.insert(r.id);
      return true;
    });
    return out;
  }
};

// 区总工会 ─┬─ 东城街道 ── 东城社区 (members a1, a2) ; 东城街道 (member a0)
//           └─ 西城街道 (members b1, b2)
struct Tree {
  RecordId district, streetA, communityA, streetB;
  std::vector<RecordId> membersA, membersB;
  RecordId activityA;
};

RecordId addOrg(Node& node, const std::string& name, const std::string& type, const std::optional<RecordId>& parent) {
  FieldValues values{{"name", name}, {"org_type", type}};
  if (parent) values.emplace_back("parent", parent->hex());
  auto id = node.add(Kind::Organization, values);
  REQUIRE_MESSAGE(id.has_value(), id.error().summary());
  return *id;
}

RecordId addMember(Node& node, const std::string& name, const std::string& first17, const RecordId& org) {
  auto id = node.add(Kind::Member, {{"name", name}, {"id_number", idNumber(first17)}, {"org", org.hex()}});
  REQUIRE_MESSAGE(id.has_value(), id.error().summary());
  return *id;
}

Tree buildTree(Node& node) {
  Tree t;
  t.district = addOrg(node, "嘉禾区总工会", "区县总工会", std::nullopt);
  t.streetA = addOrg(node, "东城街道总工会", "街道总工会", t.district);
  t.communityA = addOrg(node, "东城社区联合工会", "社区联合工会", t.streetA);
  t.streetB = addOrg(node, "西城街道总工会", "街道总工会", t.district);
  t.membersA.push_back(addMember(node, "王淼", "11010519491231002", t.streetA));
  t.membersA.push_back(addMember(node, "李娜", "11010519800101123", t.communityA));
  t.membersA.push_back(addMember(node, "张伟", "11010519750505456", t.communityA));
  t.membersB.push_back(addMember(node, "赵磊", "11010519900202789", t.streetB));
  t.membersB.push_back(addMember(node, "钱芳", "11010519850303012", t.streetB));
  auto activity = node.add(Kind::Activity, {{"title", "社区健步走"}, {"activity_type", "文体活动"}, {"org", t.communityA.hex()},
                                             {"start_date", node.today()}});
  REQUIRE(activity.has_value());
  t.activityA = *activity;
  return t;
}

}  // namespace

TEST_CASE("federation: node codes carry a checksum, so a mistyped or cut code is refused") {
  FedNode a("东城", 1);
  const std::string code = a.code();
  CHECK(code.starts_with("usn1-"));
  CHECK(decodeNodeCode(code).has_value());
  std::string typo = code;
  typo[20] = typo[20] == 'a' ? 'b' : 'a';
  auto refused = decodeNodeCode(typo);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("checksum") != std::string::npos);
  CHECK_FALSE(decodeNodeCode(code.substr(0, code.size() - 2)).has_value());
  CHECK(decodeNodeCode(code.substr(0, 60) + "\n  " + code.substr(60)).has_value());  // wrapped in a message
}

TEST_CASE("federation: the first grant makes the root; a delegate may grant only inside its own scope") {
  FedNode hq("区总工会", 1), a("东城", 2), c("社区", 3);
  Tree t = buildTree(*hq.node);
  CHECK_FALSE(hq.federation().scope().inDeployment);

  auto granted = hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, true, 30, "东城", ""});
  REQUIRE_MESSAGE(granted.has_value(), granted.error().message);
  CHECK(granted->becameRoot);
  ScopeInfo root = hq.federation().scope();
  CHECK(root.isRoot);
  REQUIRE(root.grant);
  CHECK(root.grant->scope.org.isZero());

  // Refusals name the problem and write nothing.
  const std::size_t certificates = hq.node->count(Kind::Certificate);
  CHECK_FALSE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Capture, true, 30, "", ""}).has_value());
  CHECK_FALSE(hq.federation().grant({a.code(), t.membersA[0], CertificateRole::Office, false, 30, "", ""}).has_value());
  CHECK_FALSE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 0, "", ""}).has_value());
  CHECK_FALSE(hq.federation().grant({hq.code(), t.streetA, CertificateRole::Office, false, 30, "", ""}).has_value());
  CHECK(hq.node->count(Kind::Certificate) == certificates);

  // 东城 receives its certificate at its first sync, adopts the root and may delegate below it.
  const std::string address = hq.serve();
  auto synced = a.syncWith(hq, address);
  REQUIRE_MESSAGE(synced.has_value(), synced.error().message);
  ScopeInfo mine = a.federation().scope();
  REQUIRE_MESSAGE(mine.grant, mine.problem);
  CHECK(mine.rootKey == root.rootKey);
  CHECK(mine.grant->scope.org == t.streetA);
  CHECK(a.federation().grant({c.code(), t.communityA, CertificateRole::Capture, false, 10, "社区", ""}).has_value());
  // The district above it is held (for names) but lies outside its scope; 西城 is not even held.
  CHECK_FALSE(a.federation().grant({c.code(), t.streetB, CertificateRole::Office, false, 10, "", ""}).has_value());
  auto widening = a.federation().grant({c.code(), t.district, CertificateRole::Office, false, 10, "", ""});
  REQUIRE_FALSE(widening.has_value());
  CHECK_MESSAGE(widening.error().message.find("outside this node's own scope") != std::string::npos, widening.error().message);
  hq.node->sync().stop();
}

TEST_CASE("federation: an office receives exactly its subtree, the unions above it and the certificates") {
  FedNode hq("区总工会", 1), a("东城", 2), b("西城", 3);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  REQUIRE(hq.federation().grant({b.code(), t.streetB, CertificateRole::Office, false, 30, "西城", ""}).has_value());
  const std::string address = hq.serve();
  auto syncedA = a.syncWith(hq, address);
  REQUIRE_MESSAGE(syncedA.has_value(), syncedA.error().message);
  auto syncedB = b.syncWith(hq, address);
  REQUIRE_MESSAGE(syncedB.has_value(), syncedB.error().message);
  CHECK(syncedA->current.partial);
  CHECK(syncedA->current.changesRefused == 0);

  // 东城 holds its own subtree and the district above it; nothing of 西城.
  CHECK(a.held(Kind::Organization) == std::set<RecordId>{t.district, t.streetA, t.communityA});
  CHECK(a.held(Kind::Member) == std::set<RecordId>(t.membersA.begin(), t.membersA.end()));
  CHECK(a.held(Kind::Activity) == std::set<RecordId>{t.activityA});
  CHECK(b.held(Kind::Organization) == std::set<RecordId>{t.district, t.streetB});
  CHECK(b.held(Kind::Member) == std::set<RecordId>(t.membersB.begin(), t.membersB.end()));
  CHECK(b.held(Kind::Activity).empty());
  CHECK(a.node->count(Kind::Certificate) == hq.node->count(Kind::Certificate));
  // The member ids derive from the same deployment key everywhere.
  CHECK(a.node->get(Kind::Member, t.membersA[0])->get("name") == "王淼");

  // Local writes: inside the scope yes, outside (or into it from outside) no.
  CHECK(a.node->set(Kind::Member, t.membersA[1], {{"mobile", "13800138000"}}).has_value());
  auto outside = a.node->add(Kind::Member, {{"name", "孙丽"}, {"id_number", idNumber("11010519950404345")}, {"org", t.district.hex()}});
  REQUIRE_FALSE(outside.has_value());
  CHECK(outside.error().summary().find("outside its scope") != std::string::npos);
  CHECK_FALSE(a.node->set(Kind::Organization, t.district, {{"name", "改名"}}).has_value());
  CHECK_FALSE(a.node->set(Kind::Organization, t.streetA, {{"parent", t.streetB.hex()}}).has_value());

  // The edit reaches headquarters, which 东城 may write to inside its scope.
  auto back = syncOnce(a.node->sync(), address, 20s);
  REQUIRE_MESSAGE(back.has_value(), back.error().message);
  CHECK(hq.node->get(Kind::Member, t.membersA[1])->get("mobile") == "13800138000");
  hq.node->sync().stop();
}

TEST_CASE("federation: a capture laptop holds the tree and activities of its scope but no member's data") {
  FedNode hq("区总工会", 1), laptop("外展笔记本", 2);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({laptop.code(), t.communityA, CertificateRole::Capture, false, 7, "笔记本", ""}).has_value());
  const std::string address = hq.serve();
  auto synced = laptop.syncWith(hq, address);
  REQUIRE_MESSAGE(synced.has_value(), synced.error().message);
  CHECK(laptop.held(Kind::Member).empty());
  CHECK(laptop.held(Kind::Activity) == std::set<RecordId>{t.activityA});
  CHECK(laptop.held(Kind::Organization) == std::set<RecordId>{t.district, t.streetA, t.communityA});

  // It registers a new member and edits the activity; it may not edit a union.
  auto added = laptop.node->add(Kind::Member, {{"name", "周敏"}, {"id_number", idNumber("11010520000606678")},
                                               {"org", t.communityA.hex()}});
  REQUIRE_MESSAGE(added.has_value(), added.error().summary());
  CHECK(laptop.node->set(Kind::Activity, t.activityA, {{"extra_attendees", "12"}}).has_value());
  auto renamed = laptop.node->set(Kind::Organization, t.communityA, {{"name", "改名"}});
  REQUIRE_FALSE(renamed.has_value());
  CHECK(renamed.error().summary().find("capture node") != std::string::npos);

  auto back = syncOnce(laptop.node->sync(), address, 20s);
  REQUIRE_MESSAGE(back.has_value(), back.error().message);
  CHECK(hq.node->get(Kind::Member, *added).has_value());
  CHECK(hq.node->get(Kind::Activity, t.activityA)->get("extra_attendees") == "12");
  hq.node->sync().stop();
}

TEST_CASE("federation: changes a certified peer may not write are refused, counted and reported; the node keeps serving") {
  FedNode hq("区总工会", 1), a("东城", 2);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  const std::string address = hq.serve();
  REQUIRE(a.syncWith(hq, address).has_value());

  // 东城 lies: it writes, bypassing its own checks, a union above it and a member moved into
  // its subtree from 西城 (which it never held).
  const RecordId forgedMember = t.membersB[0];
  {
    // The store's local check is the node's own code; a liar runs other code: a bare store.
    const std::string dir = internal::storeOf(*a.node).path();
    a.node.reset();
    auto raw = Store::open(dir, applicationStoreOptions(NodeOptions{.durable = false}), a.clock).value();
    REQUIRE(raw->write(Kind::Organization, t.district, {{"name", "被篡改的区总工会"}}).value());
    REQUIRE(raw->write(Kind::Member, forgedMember, {{"name", "赵磊"}, {"org", t.streetA.hex()}}).value());
    raw.reset();
    a.node = std::move(Node::open(a.dir.sub("node"), a.clock, a.random, NodeOptions{.durable = false}).value());
  }
  auto synced = syncOnce(a.node->sync(), address, 20s);
  REQUIRE_MESSAGE(synced.has_value(), synced.error().message);
  // syncOnce returns when 东城's side is done; headquarters counts the refusals on its own
  // thread, a moment later.
  std::optional<SyncStatus> status;
  const PeerStatus* seen = nullptr;
  for (int i = 0; i < 100 && !(seen && seen->refusedChanges >= 1); ++i) {
    if (i > 0) std::this_thread::sleep_for(50ms);
    auto now = hq.node->sync().status();
    REQUIRE(now);
    status = std::move(*now);
    seen = status->findPeer(a.key());
  }
  REQUIRE(seen);
  CHECK(seen->certified);
  CHECK(seen->refusedChanges >= 1);
  CHECK(seen->lastRefusal.find("outside its scope") != std::string::npos);
  // (东城's own sending code does not even offer the district: it covers only its subtree.
  // A sender that does is refused by the same rights, checked here directly.)
  auto rules = hq.federation().policy()->rulesFor(a.key(), 1);
  REQUIRE(rules);
  const RecordLookup lookup = [&](Kind kind, const RecordId& id) { return hq.node->get(kind, id); };
  Record renamed = *hq.node->get(Kind::Organization, t.district);
  renamed.fields["name"].value = "被篡改的区总工会";
  CHECK(rules->gate().refusal(Change{}, hq.node->get(Kind::Organization, t.district), renamed, lookup).find("outside its scope") !=
        std::string::npos);
  CHECK_FALSE(rules->caughtUpVouches(7));
  CHECK(rules->caughtUpVouches(1));
  CHECK(hq.node->get(Kind::Organization, t.district)->get("name") == "嘉禾区总工会");
  CHECK(hq.node->get(Kind::Member, forgedMember)->get("org") == t.streetB.hex());

  // Revoked: the next connection is refused by the certificate check, with the reason.
  REQUIRE(hq.federation().revokeGrant("东城").has_value());
  auto after = syncOnce(a.node->sync(), address, 8s);
  CHECK_FALSE(after.has_value());
  hq.node->sync().stop();
}

TEST_CASE("federation: expired, revoked and widened certificates hold no grant") {
  FedNode hq("区总工会", 1), a("东城", 2), c("社区", 3);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, true, 2, "东城", ""}).has_value());
  Store& store = internal::storeOf(*hq.node);
  const auto root = hq.federation().scope();
  auto rootKey = signingKeyOfHex(root.rootKey).value();
  const auto aKey = decodeNodeCode(a.code())->signingKey;
  const std::int64_t now = hq.clock.nowMs();

  CHECK(GrantBook::load(store, rootKey, now).forSigningKey(aKey).has_value());
  auto expired = GrantBook::load(store, rootKey, now + 3LL * 24 * 3600 * 1000).forSigningKey(aKey);
  REQUIRE_FALSE(expired.has_value());
  CHECK(expired.error().message.find("expired") != std::string::npos);

  // 东城 signs, with its own key, a certificate for 西城's subtree: the chain check refuses it.
  auto aSigning = loadOrCreateSigningKey(a.node->dataDir()).value();
  Certificate widened;
  widened.subjectSigningKey = decodeNodeCode(c.code())->signingKey;
  widened.scope = t.streetB;
  widened.issuedMs = now;
  widened.expiresMs = now + 24 * 3600 * 1000;
  const std::string bytes = encodeCertificate(signCertificate(widened, aSigning));
  REQUIRE(store.write(Kind::Certificate, certificateRecordId(bytes), {{"certificate", hexOf(bytes)}}).value());
  auto wide = GrantBook::load(store, rootKey, now).forSigningKey(widened.subjectSigningKey);
  REQUIRE_FALSE(wide.has_value());
  CHECK(wide.error().message.find("outside its issuer's scope") != std::string::npos);

  REQUIRE(hq.federation().revokeGrant(hexOfKey(aKey)).has_value());
  auto revoked = GrantBook::load(store, rootKey, now).forSigningKey(aKey);
  REQUIRE_FALSE(revoked.has_value());
  CHECK(revoked.error().message.find("revoked") != std::string::npos);
}

TEST_CASE("federation: received certificate and revocation records must be as issued") {
  FedNode hq("区总工会", 1), a("东城", 2);
  Tree t = buildTree(*hq.node);
  auto granted = hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).value();
  Store& store = internal::storeOf(*a.node);
  const std::string bytes = encodeCertificate(granted.certificate);
  auto change = [&](const RecordId& id, std::vector<FieldWrite> fields) {
    Change c;
    c.kind = Kind::Certificate;
    c.id = id;
    c.origin = 0x1234;
    c.seq = 1;
    c.hlc = static_cast<Hlc>(a.clock.nowMs()) << 16;
    c.fields = std::move(fields);
    return c;
  };
  std::string altered = bytes;
  altered[60] = static_cast<char>(altered[60] ^ 1);  // the scope, after signing
  auto stats = store.apply({
      change(certificateRecordId(altered), {{"certificate", hexOf(altered), {}}}),           // bad signature
      change(RecordId{}, {{"certificate", hexOf(bytes), {}}}),                                // wrong id
      change(granted.certificateId, {{"name", "冒名", {}}}),                                  // name without it
      change(granted.certificateId, {{"certificate", hexOf(bytes), {}}, {"deleted", "1", {}}}),  // deleted
  });
  REQUIRE(stats.has_value());
  CHECK(stats->refused == 4);
  CHECK(store.count(Kind::Certificate) == 0);
}

TEST_CASE("federation: a transfer written by the sending union moves the whole record; the sender drops it once handed over") {
  FedNode hq("区总工会", 1), a("东城", 2), b("西城", 3);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  REQUIRE(hq.federation().grant({b.code(), t.streetB, CertificateRole::Office, false, 30, "西城", ""}).has_value());
  const std::string address = hq.serve();
  REQUIRE(a.syncWith(hq, address).has_value());
  REQUIRE(b.syncWith(hq, address).has_value());
  CHECK(subtreeDigest(*a.node, t.streetA).value() == subtreeDigest(*hq.node, t.streetA).value());
  CHECK(subtreeDigest(*b.node, t.streetB).value() == subtreeDigest(*hq.node, t.streetB).value());

  // 东城 transfers 张伟 to 西城 (and edits her mobile first: the whole record must move).
  const RecordId moved = t.membersA[2];
  REQUIRE(a.node->set(Kind::Member, moved, {{"mobile", "13900139000"}}).has_value());
  auto transfer = a.node->set(Kind::Member, moved, {{"org", t.streetB.hex()}});
  REQUIRE_MESSAGE(transfer.has_value(), transfer.error().summary());
  // Headquarters renames the district meanwhile: both offices hold it for its name.
  REQUIRE(hq.node->set(Kind::Organization, t.district, {{"name", "嘉禾区总工会（新）"}}).has_value());

  // 东城 meets 西城 directly first (both certified: 西城 admits it without pairing). 西城 would
  // refuse the record from 东城 (it was never in 西城's scope when 东城 wrote it), so 东城 keeps
  // it back and does not vouch for that change: 西城 must still get it from headquarters.
  const std::string addressOfB = b.serve();
  REQUIRE(a.node->sync().trust(b.key(), "西城", addressOfB).has_value());
  auto direct = syncOnce(a.node->sync(), addressOfB, 20s);
  REQUIRE_MESSAGE(direct.has_value(), direct.error().message);
  CHECK(direct->current.changesRefused == 0);
  CHECK_FALSE(b.node->get(Kind::Member, moved).has_value());
  b.node->sync().stop();

  auto handed = syncOnce(a.node->sync(), address, 20s);
  REQUIRE_MESSAGE(handed.has_value(), handed.error().message);
  CHECK(handed->current.changesRefused == 0);
  CHECK(hq.node->get(Kind::Member, moved)->get("org") == t.streetB.hex());
  CHECK(hq.node->get(Kind::Member, moved)->get("mobile") == "13900139000");
  CHECK_FALSE(a.node->get(Kind::Member, moved).has_value());  // handed over, no longer held
  CHECK(a.held(Kind::Member) == std::set<RecordId>{t.membersA[0], t.membersA[1]});
  CHECK(a.node->get(Kind::Organization, t.district)->get("name") == "嘉禾区总工会（新）");

  auto received = syncOnce(b.node->sync(), address, 20s);
  REQUIRE_MESSAGE(received.has_value(), received.error().message);
  CHECK(received->current.changesRefused == 0);
  auto arrived = b.node->get(Kind::Member, moved);
  REQUIRE(arrived.has_value());
  CHECK(arrived->get("name") == "张伟");
  CHECK(arrived->get("mobile") == "13900139000");
  CHECK(subtreeDigest(*b.node, t.streetB).value() == subtreeDigest(*hq.node, t.streetB).value());
  CHECK(subtreeDigest(*a.node, t.streetA).value() == subtreeDigest(*hq.node, t.streetA).value());
  CHECK(a.node->counters(t.communityA) == hq.node->counters(t.communityA));
  hq.node->sync().stop();
}

TEST_CASE("federation: a record leaving a middle office's scope is passed up and dropped where it no longer belongs") {
  // 区总工会 ─┬─ 城东片区 ── 东城街道 (张伟)
  //           └─ 西城街道
  FedNode hq("区总工会", 1), zone("城东片区", 2), a("东城", 3), b("西城", 4);
  const RecordId district = addOrg(*hq.node, "嘉禾区总工会", "区县总工会", std::nullopt);
  const RecordId zoneOrg = addOrg(*hq.node, "城东片区工会联合会", "行业/区域工会联合会", district);
  const RecordId streetA = addOrg(*hq.node, "东城街道总工会", "街道总工会", zoneOrg);
  const RecordId streetB = addOrg(*hq.node, "西城街道总工会", "街道总工会", district);
  const RecordId moved = addMember(*hq.node, "张伟", "11010519750505456", streetA);
  REQUIRE(hq.federation().grant({zone.code(), zoneOrg, CertificateRole::Office, false, 30, "片区", ""}).has_value());
  REQUIRE(hq.federation().grant({a.code(), streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  REQUIRE(hq.federation().grant({b.code(), streetB, CertificateRole::Office, false, 30, "西城", ""}).has_value());
  const std::string address = hq.serve();
  for (FedNode* n : {&zone, &a, &b}) REQUIRE(n->syncWith(hq, address).has_value());
  REQUIRE(zone.node->get(Kind::Member, moved).has_value());

  // 东城 transfers 张伟 to 西城 and meets only 城东片区, which covers 东城 but not 西城.
  REQUIRE(a.node->set(Kind::Member, moved, {{"org", streetB.hex()}}).has_value());
  const std::string addressOfZone = zone.serve();
  REQUIRE(a.node->sync().trust(zone.key(), "片区", addressOfZone).has_value());
  auto up = syncOnce(a.node->sync(), addressOfZone, 20s);
  REQUIRE_MESSAGE(up.has_value(), up.error().message);
  CHECK(up->current.changesRefused == 0);
  REQUIRE(zone.node->get(Kind::Member, moved).has_value());
  CHECK(zone.node->get(Kind::Member, moved)->get("org") == streetB.hex());
  CHECK(a.node->get(Kind::Member, moved).has_value());  // 片区 will not keep it: 东城 waits
  zone.node->sync().stop();

  // 城东片区 passes it to headquarters, which keeps it; then both drop it.
  auto zoneUp = syncOnce(zone.node->sync(), address, 20s);
  REQUIRE_MESSAGE(zoneUp.has_value(), zoneUp.error().message);
  REQUIRE(hq.node->get(Kind::Member, moved).has_value());
  CHECK(hq.node->get(Kind::Member, moved)->get("org") == streetB.hex());
  CHECK_FALSE(zone.node->get(Kind::Member, moved).has_value());
  REQUIRE(syncOnce(a.node->sync(), address, 20s).has_value());
  CHECK_FALSE(a.node->get(Kind::Member, moved).has_value());
  auto down = syncOnce(b.node->sync(), address, 20s);
  REQUIRE_MESSAGE(down.has_value(), down.error().message);
  REQUIRE(b.node->get(Kind::Member, moved).has_value());
  CHECK(b.node->get(Kind::Member, moved)->get("name") == "张伟");
  hq.node->sync().stop();
}

TEST_CASE("federation: a relay that does not answer for a change's origin must carry the origin's signature") {
  // Headquarters edits a community member; the community laptop (certified for 东城社区 only)
  // carries the edit to 东城's office, after overwriting one of its two fields itself.
  FedNode hq("区总工会", 1), a("东城", 2), laptop("社区电脑", 3);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  REQUIRE(hq.federation().grant({laptop.code(), t.communityA, CertificateRole::Office, false, 30, "社区电脑", ""}).has_value());
  const std::string address = hq.serve();
  REQUIRE(a.syncWith(hq, address).has_value());
  const RecordId member = t.membersA[1];
  REQUIRE(hq.node->set(Kind::Member, member, {{"name", "李娜娜"}, {"mobile", "13800138001"}}).has_value());
  REQUIRE(laptop.syncWith(hq, address).has_value());
  REQUIRE(laptop.node->get(Kind::Member, member)->get("name") == "李娜娜");
  REQUIRE(laptop.node->set(Kind::Member, member, {{"mobile", "13700137002"}}).has_value());
  hq.node->sync().stop();
  const Origin hqOrigin = internal::storeOf(*hq.node).info().origin;

  // The laptop's scope does not cover headquarters': the receiver checks headquarters'
  // signature over the field still carried plus the superseded field's leaf.
  const std::string laptopAddress = laptop.serve();
  auto relayed = a.syncWith(laptop, laptopAddress);
  REQUIRE_MESSAGE(relayed.has_value(), relayed.error().message);
  CHECK(relayed->current.changesRefused == 0);
  CHECK(a.node->get(Kind::Member, member)->get("name") == "李娜娜");
  CHECK(a.node->get(Kind::Member, member)->get("mobile") == "13700137002");

  // A stolen laptop forges a change in headquarters' name, unsigned and signed with its own
  // key: each is refused with the reason, nothing is stored, and the laptop keeps serving.
  laptop.node->sync().stop();
  const auto laptopKey = loadOrCreateSigningKey(laptop.node->dataDir()).value();
  const std::string dir = internal::storeOf(*laptop.node).path();
  laptop.node.reset();
  {
    auto raw = Store::open(dir, applicationStoreOptions(NodeOptions{.durable = false}), laptop.clock).value();
    Change forged{Kind::Member, member, hqOrigin, 1'000'000, hlcFromMs(laptop.clock.nowMs()), {}, std::nullopt};
    forged.fields.push_back(FieldWrite{"name", "伪造的名字", {}});
    Change resigned = forged;
    resigned.seq += 1;
    resigned.hlc += 1;
    resigned.fields[0] = FieldWrite{"mobile", "13600136000", {}};  // another field: both stay live
    resigned.signature = ChangeSignature{signChangeDigest(changeDigest(resigned, {}), laptopKey), {}};
    REQUIRE(raw->apply({forged, resigned}).value().refused == 0);
  }
  laptop.node = std::move(Node::open(dir, laptop.clock, laptop.random, NodeOptions{.durable = false}).value());
  const std::string again = laptop.serve();
  auto refused = syncOnce(a.node->sync(), again, 20s);
  REQUIRE_MESSAGE(refused.has_value(), refused.error().message);
  CHECK(refused->current.changesRefused == 2);
  const std::string reasons = refused->lastRefusal;
  INFO(reasons);
  CHECK((reasons.find("signature does not verify") != std::string::npos ||
         reasons.find("without its origin's signature") != std::string::npos));
  CHECK(a.node->get(Kind::Member, member)->get("name") == "李娜娜");

  // A Hello claiming headquarters' origin earns no trust in that origin's entry.
  auto rules = a.federation().policy()->rulesFor(laptop.key(), hqOrigin);
  REQUIRE(rules);
  CHECK_FALSE(rules->caughtUpVouches(hqOrigin));
  auto honest = a.federation().policy()->rulesFor(laptop.key(), internal::storeOf(*laptop.node).info().origin);
  CHECK(honest->caughtUpVouches(internal::storeOf(*laptop.node).info().origin));

  // The gate's reasons, one by one: unsigned, signed by the wrong key, and the same change
  // from headquarters itself, which answers for its own origin.
  const RecordLookup lookup = [&](Kind kind, const RecordId& id) { return a.node->get(kind, id); };
  const auto before = a.node->get(Kind::Member, member);
  Record after = *before;
  after.fields["name"].value = "伪造";
  Change claim{Kind::Member, member, hqOrigin, 5'000'000, hlcFromMs(a.clock.nowMs()), {{"name", "伪造", {}}}, std::nullopt};
  CHECK(rules->gate().refusal(claim, before, after, lookup).find("without its origin's signature") != std::string::npos);
  claim.signature = ChangeSignature{signChangeDigest(changeDigest(claim, {}), laptopKey), {}};
  CHECK(rules->gate().refusal(claim, before, after, lookup).find("signature does not verify") != std::string::npos);
  auto fromHq = a.federation().policy()->rulesFor(hq.key(), hqOrigin);
  REQUIRE(fromHq);
  CHECK(fromHq->gate().refusal(claim, before, after, lookup).empty());

  // The laptop claims headquarters' origin as its own: a node cannot take an origin from a
  // node above it; two unrelated claimants leave it disputed, judged as the sender's.
  const auto hqKey = loadOrCreateSigningKey(hq.node->dataDir()).value();
  const auto aKey = loadOrCreateSigningKey(a.node->dataDir()).value();
  auto writeClaim = [&](Origin origin, const SigningKeyPair& key) {
    const std::string bytes = encodeOriginClaim(signOriginClaim(OriginClaim{origin, a.clock.nowMs(), {}, {}}, key));
    REQUIRE(internal::storeOf(*a.node).write(Kind::OriginClaim, originClaimRecordId(bytes), {{"claim", hexOf(bytes)}}).value());
  };
  writeClaim(hqOrigin, laptopKey);
  const auto rootKey = signingKeyOfHex(a.federation().scope().rootKey).value();
  GrantBook book = GrantBook::load(internal::storeOf(*a.node), rootKey, a.clock.nowMs());
  CHECK(book.ownerOf(hqOrigin) == OriginOwner{OriginOwner::Claimed, hqKey.publicKey});
  const Origin invented = 0x5eed;
  writeClaim(invented, laptopKey);
  CHECK(GrantBook::load(internal::storeOf(*a.node), rootKey, a.clock.nowMs()).ownerOf(invented).state == OriginOwner::Claimed);
  writeClaim(invented, aKey);  // 东城 covers the laptop's community: 东城 keeps it
  CHECK(GrantBook::load(internal::storeOf(*a.node), rootKey, a.clock.nowMs()).ownerOf(invented) ==
        OriginOwner{OriginOwner::Claimed, aKey.publicKey});
  laptop.node->sync().stop();
}

TEST_CASE("federation: a node dials a certified node at the address of its certificate, without pairing by hand") {
  FedNode hq("区总工会", 1), a("东城", 2);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  const std::string address = hq.serve();
  REQUIRE(a.syncWith(hq, address).has_value());  // bootstrap: 东城 trusts headquarters once
  hq.node->sync().stop();

  // 东城 listens; headquarters re-grants it with that address and dials it by itself.
  const std::string addressOfA = a.serve();
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", addressOfA}).has_value());
  CHECK(hq.node->sync().peers().value().empty());  // never paired by hand
  hq.serve(true);
  auto added = a.node->add(Kind::Member, {{"name", "孙悦"}, {"id_number", idNumber("11010519950606111")}, {"org", t.streetA.hex()}});
  REQUIRE(added.has_value());
  bool arrived = false;
  for (int i = 0; i < 200 && !arrived; ++i) {
    arrived = hq.node->get(Kind::Member, *added).has_value();
    if (!arrived) std::this_thread::sleep_for(100ms);
  }
  CHECK(arrived);
  auto status = hq.node->sync().status();
  REQUIRE(status);
  const PeerStatus* seen = status->findPeer(a.key());
  REQUIRE(seen);
  CHECK(seen->certified);
  CHECK(seen->direction == "out");
  hq.node->sync().stop();
  a.node->sync().stop();
}

TEST_CASE("federation: a node that held a record hears when a node above moves it out of its scope, and drops it") {
  FedNode hq("区总工会", 1), a("东城", 2);
  Tree t = buildTree(*hq.node);
  REQUIRE(hq.federation().grant({a.code(), t.streetA, CertificateRole::Office, false, 30, "东城", ""}).has_value());
  const std::string address = hq.serve();
  REQUIRE(a.syncWith(hq, address).has_value());
  const RecordId moved = t.membersA[1];
  REQUIRE(a.node->get(Kind::Member, moved).has_value());

  // Headquarters, not 东城, moves 李娜 from 东城社区 to 西城街道.
  REQUIRE(hq.node->set(Kind::Member, moved, {{"org", t.streetB.hex()}}).has_value());
  CHECK(hq.node->get(Kind::Member, moved)->get(kMovedFromField) == t.communityA.hex());
  for (int round = 0; round < 2 && a.node->get(Kind::Member, moved); ++round) {
    auto synced = syncOnce(a.node->sync(), address, 20s);
    REQUIRE_MESSAGE(synced.has_value(), synced.error().message);
    CHECK(synced->current.changesRefused == 0);
  }
  CHECK_FALSE(a.node->get(Kind::Member, moved).has_value());
  CHECK(a.held(Kind::Member) == std::set<RecordId>{t.membersA[0], t.membersA[2]});
  CHECK(a.node->counters(t.communityA) == hq.node->counters(t.communityA));
  CHECK(subtreeDigest(*a.node, t.streetA).value() == subtreeDigest(*hq.node, t.streetA).value());
  hq.node->sync().stop();
}

// The store keeps each change's origin signature beside it, so that a relay can prove the
// fields it still carries after others were superseded (store/change_signature.h). The test
// signer "signs" by writing the digest twice: a change verifies here when its first 32
// signature bytes are the digest recomputed from what the store hands out.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "store/change_signature.h"
#include "store/record_codec.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

struct SigningNode {
  TempDir dir;
  ManualClock clock{1'700'000'000'000};
  SeededRandom random;
  std::unique_ptr<Store> store;
  explicit SigningNode(std::uint64_t seed, bool signs = true) : random(seed) {
    StoreOptions options;
    options.durable = false;
    if (signs)
      options.signLocal = [](const LocalChangeDigest& digestOf) {
        const ChangeDigest digest = digestOf();
        std::array<std::uint8_t, 64> out{};
        std::memcpy(out.data(), digest.data(), 32);
        std::memcpy(out.data() + 32, digest.data(), 32);
        return std::optional(out);
      };
    store = std::move(Store::create(dir.sub("n"), "n", std::move(options), clock, random).value());
  }
  std::vector<Change> all() const { return store->changesSince({}, {}, 1000, 1 << 20).changes; }
};

const RecordId kId = [] {
  RecordId id;
  id.bytes[15] = 7;
  return id;
}();

bool provable(const Change& change) {
  if (!change.signature) return false;
  const ChangeDigest digest = changeDigest(change, change.signature->absent);
  return std::equal(digest.begin(), digest.end(), change.signature->bytes.begin());
}

const Change* find(const std::vector<Change>& changes, Origin origin, std::uint64_t seq) {
  auto it = std::find_if(changes.begin(), changes.end(), [&](const Change& c) { return c.origin == origin && c.seq == seq; });
  return it == changes.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("a signed change stays provable after a later write supersedes some of its fields") {
  SigningNode a(1);
  const Origin origin = a.store->info().origin;
  REQUIRE(a.store->write(Kind::Member, kId, {{"name", "王淼"}, {"mobile", "13800000001"}}).value());
  const std::vector<Change> written = a.all();
  const Change* first = find(written, origin, 1);
  REQUIRE(first);
  CHECK(provable(*first));
  CHECK(first->signature->absent.empty());
  const ChangeSignature original = *first->signature;

  REQUIRE(a.store->write(Kind::Member, kId, {{"mobile", "13800000002"}}).value());
  auto changes = a.all();
  const Change* left = find(changes, origin, 1);
  REQUIRE(left);
  REQUIRE(left->fields.size() == 1);
  CHECK(left->fields[0].name == "name");
  CHECK(left->signature->absent.size() == 1);
  CHECK(left->signature->bytes == original.bytes);
  CHECK(provable(*left));
  // A tampered value no longer matches its signature.
  Change forged = *left;
  forged.fields[0].value = "王磊";
  CHECK_FALSE(provable(forged));
  CHECK(provable(*find(changes, origin, 2)));

  SUBCASE("a relay keeps the signature with what it holds, and hands it on provable") {
    SigningNode relay(2, false);
    REQUIRE(relay.store->apply(changes).has_value());
    auto relayedAll = relay.all();
    const Change* relayed = find(relayedAll, origin, 1);
    REQUIRE(relayed);
    CHECK(provable(*relayed));
    // The relay's own write supersedes the field that was left: nothing of (origin, 1) is
    // carried any more, and it is not offered.
    REQUIRE(relay.store->write(Kind::Member, kId, {{"name", "王淼淼"}}).value());
    relayedAll = relay.all();
    CHECK(find(relayedAll, origin, 1) == nullptr);
    REQUIRE(find(relayedAll, origin, 2));
    CHECK(provable(*find(relayedAll, origin, 2)));
  }
}

TEST_CASE("a signed change that loses a field on arrival keeps that field's leaf") {
  SigningNode a(1), b(2);
  REQUIRE(a.store->write(Kind::Member, kId, {{"name", "王淼"}, {"mobile", "13800000001"}}).value());
  const std::vector<Change> fromA = a.all();
  b.clock.advance(60'000);  // b's later write of the mobile wins over a's
  REQUIRE(b.store->write(Kind::Member, kId, {{"mobile", "13900000009"}}).value());
  REQUIRE(b.store->apply(fromA).has_value());
  const std::vector<Change> inB = b.all();
  const Change* held = find(inB, a.store->info().origin, 1);
  REQUIRE(held);
  REQUIRE(held->fields.size() == 1);
  CHECK(held->fields[0].name == "name");
  CHECK(held->signature->absent.size() == 1);
  CHECK(provable(*held));

  SUBCASE("a parked copy keeps its signature") {
    Change decoded = codec::decodeChange(codec::encodeChange(*held));
    REQUIRE(decoded.signature);
    CHECK(*decoded.signature == *held->signature);
    Change unsigned_ = *held;
    unsigned_.signature.reset();
    CHECK_FALSE(codec::decodeChange(codec::encodeChange(unsigned_)).signature);
  }
}

TEST_CASE("a store without a signer signs nothing, and the whole record carries the signatures it has") {
  SigningNode plain(3, false);
  REQUIRE(plain.store->write(Kind::Member, kId, {{"name", "王淼"}}).value());
  CHECK_FALSE(plain.all().at(0).signature);

  SigningNode a(1);
  REQUIRE(a.store->write(Kind::Member, kId, {{"name", "王淼"}, {"mobile", "1"}}).value());
  REQUIRE(a.store->write(Kind::Member, kId, {{"mobile", "2"}}).value());
  auto whole = a.store->recordAsChanges(Kind::Member, kId);
  REQUIRE(whole.size() == 2);
  for (const Change& c : whole) CHECK(provable(c));
}

TEST_CASE("signature encoding: 64 bytes plus 16 per absent leaf, anything else refused") {
  ChangeSignature s;
  s.bytes.fill(3);
  s.absent = {LeafHash{}, LeafHash{}};
  s.absent[1].fill(9);
  CHECK(encodeSignature(s).size() == 96);
  CHECK(decodeSignature(encodeSignature(s)) == s);
  CHECK_FALSE(decodeSignature(std::string(63, 'x')));
  CHECK_FALSE(decodeSignature(std::string(65, 'x')));
  CHECK(leafHash("name", "a", {}) != leafHash("nam", "ea", {}));
  CHECK(leafHash("name", "a", {}) != leafHash("name", "a", Stamp{1, 1}));
}

// Wire codec: round trips, and hostile input (garbage, truncation, oversize, random
// mutations) that must fail cleanly.
#include <doctest/doctest.h>

#include <random>

#include <capnp/message.h>
#include <capnp/serialize.h>

#include "sync/codec.h"
#include "sync/wire.capnp.h"
#include "sync/session.h"

using namespace unionsync;

namespace {

Change sampleChange(std::uint64_t n) {
  Change c;
  c.kind = Kind::Member;
  for (int i = 0; i < 16; ++i) c.id.bytes[i] = static_cast<std::uint8_t>(n * 31 + i);
  c.origin = 0x1234567890abcdefULL;
  c.seq = n + 1;
  c.hlc = (1'700'000'000'000ULL << 16) | n;
  c.fields = {{"name", std::string("张三丰 ").append(std::to_string(n)), Stamp{5, 6}}, {"mobile", "13800138000", Stamp{}}};
  return c;
}

bool sameChange(const Change& a, const Change& b) {
  if (a.kind != b.kind || a.id != b.id || a.origin != b.origin || a.seq != b.seq || a.hlc != b.hlc) return false;
  if (a.fields.size() != b.fields.size()) return false;
  for (std::size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || a.fields[i].value != b.fields[i].value ||
        a.fields[i].base != b.fields[i].base)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("codec: every message type round-trips") {
  HelloMsg hello;
  hello.nodeId = std::string(32, 'a');
  hello.name = "某某街道总工会";
  hello.wallClockMs = 1'700'000'000'123;
  hello.versionVector = {{1, 5}, {0xffffffffffffffffULL, 7}};
  hello.deploymentKeyHash = Session::deploymentKeyHash(std::string(32, 'k'));
  hello.memberCount = 42;
  auto h = decodeMessage(encodeMessage(hello));
  REQUIRE(h.has_value());
  const auto& hd = std::get<HelloMsg>(*h);
  CHECK(hd.magic == kWireMagic);
  CHECK(hd.protocolVersion == kProtocolVersion);
  CHECK(hd.nodeId == hello.nodeId);
  CHECK(hd.name == hello.name);
  CHECK(hd.wallClockMs == hello.wallClockMs);
  CHECK(hd.versionVector == hello.versionVector);
  CHECK(hd.deploymentKeyHash == hello.deploymentKeyHash);
  CHECK(hd.memberCount == 42);

  BatchMsg batch{9, {}};
  for (int i = 0; i < 300; ++i) batch.changes.push_back(sampleChange(i));
  auto b = decodeMessage(encodeMessage(batch));
  REQUIRE(b.has_value());
  const auto& bd = std::get<BatchMsg>(*b);
  CHECK(bd.batchNo == 9);
  REQUIRE(bd.changes.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(sameChange(bd.changes[i], batch.changes[i]));
  CHECK(encodeBatch(9, batch.changes) == encodeMessage(batch));

  CHECK(std::get<AckMsg>(decodeMessage(encodeMessage(AckMsg{77})).value()).batchNo == 77);
  auto cu = std::get<CaughtUpMsg>(decodeMessage(encodeMessage(CaughtUpMsg{{{3, 4}}, 12})).value());
  CHECK(cu.batchNo == 12);
  CHECK(cu.versionVector == VersionVector{{3, 4}});
  CHECK(std::get<HeartbeatMsg>(decodeMessage(encodeMessage(HeartbeatMsg{5})).value()).wallClockMs == 5);
  auto err = std::get<ErrorMsg>(
      decodeMessage(encodeMessage(ErrorMsg{WireErrorCode::DifferentDeployment, "不同的部署"})).value());
  CHECK(err.code == WireErrorCode::DifferentDeployment);
  CHECK(err.reason == "不同的部署");
  auto key = std::get<DeploymentKeyMsg>(decodeMessage(encodeMessage(DeploymentKeyMsg{std::string(32, '\x01')})).value());
  CHECK(key.key == std::string(32, '\x01'));
}

TEST_CASE("codec: a batch of hundreds of member-sized changes stays under 1 MiB") {
  std::vector<Change> changes;
  for (int i = 0; i < 1000; ++i) changes.push_back(sampleChange(i));
  CHECK(encodeBatch(1, changes).size() < (std::size_t{1} << 20));
}

TEST_CASE("codec: garbage, truncated and oversized input fails cleanly") {
  CHECK_FALSE(decodeMessage("").has_value());
  CHECK_FALSE(decodeMessage("hello world!").has_value());
  CHECK_FALSE(decodeMessage(std::string(16, '\xff')).has_value());
  // All zeros is a valid empty message: it decodes as a hello with magic 0, which sessions refuse.
  auto zeros = decodeMessage(std::string(64, '\0'));
  if (zeros) {
    REQUIRE(std::holds_alternative<HelloMsg>(*zeros));
    CHECK(std::get<HelloMsg>(*zeros).magic == 0);
  }
  std::string good = encodeMessage(BatchMsg{1, {sampleChange(1), sampleChange(2)}});
  for (std::size_t cut = 0; cut < good.size(); cut += 8) {
    auto r = decodeMessage(std::string_view(good).substr(0, cut));
    // A truncated message never decodes into a batch with changes it did not fully carry.
    if (r) {
      if (auto* b = std::get_if<BatchMsg>(&*r)) CHECK(b->changes.size() <= 2);
    }
  }
  std::string huge(kMaxMessageBytes + 8, '\0');
  auto r = decodeMessage(huge);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message.find("limit") != std::string::npos);
}

TEST_CASE("codec: invalid field contents are rejected") {
  Change bad = sampleChange(1);
  bad.kind = static_cast<Kind>(0x40);
  CHECK_FALSE(decodeMessage(encodeBatch(1, {bad})).has_value());
  bad = sampleChange(1);
  bad.origin = 0;
  CHECK_FALSE(decodeMessage(encodeBatch(1, {bad})).has_value());
  bad = sampleChange(1);
  bad.fields[0].value = "\xff\xfe not utf-8";
  CHECK_FALSE(decodeMessage(encodeBatch(1, {bad})).has_value());
  bad = sampleChange(1);
  bad.fields.clear();
  CHECK_FALSE(decodeMessage(encodeBatch(1, {bad})).has_value());
  bad = sampleChange(1);
  bad.fields[1].name = "name";  // the same field twice
  CHECK_FALSE(decodeMessage(encodeBatch(1, {bad})).has_value());
  CHECK_FALSE(decodeMessage(encodeMessage(DeploymentKeyMsg{"short"})).has_value());
}

TEST_CASE("codec: seeded random mutations never crash and never yield invalid changes") {
  std::vector<std::string> seeds = {
      encodeMessage(BatchMsg{3, {sampleChange(1), sampleChange(2), sampleChange(3)}}),
      encodeMessage(HelloMsg{kWireMagic, kProtocolVersion, std::string(32, 'b'), "n", 1, {{1, 2}, {3, 4}}, "hash", 1}),
      encodeMessage(CaughtUpMsg{{{1, 2}, {5, 6}}, 4}),
      encodeMessage(ErrorMsg{WireErrorCode::Malformed, "x"}),
  };
  std::mt19937_64 rng(20240601);
  std::size_t decoded = 0;
  constexpr int kIterations = 20000;
  for (int i = 0; i < kIterations; ++i) {
    std::string m = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 5) {
        case 0: m[rng() % m.size()] = static_cast<char>(rng()); break;                       // flip a byte
        case 1: m[rng() % m.size()] ^= static_cast<char>(1u << (rng() % 8)); break;          // flip a bit
        case 2: m.resize(rng() % (m.size() + 1)); if (m.empty()) m.push_back(0); break;             // truncate
        case 3: m.insert(rng() % m.size(), std::string(8 * (1 + rng() % 4), static_cast<char>(rng()))); break;
        case 4: {  // overwrite a word with a large pointer-ish value
          std::size_t at = (rng() % (m.size() / 8 + 1)) * 8;
          std::uint64_t v = rng();
          for (int k = 0; k < 8 && at + k < m.size(); ++k) m[at + k] = static_cast<char>(v >> (8 * k));
          break;
        }
      }
    }
    auto r = decodeMessage(m);
    if (!r) continue;
    ++decoded;
    if (auto* b = std::get_if<BatchMsg>(&*r)) {
      for (const auto& c : b->changes) {
        CHECK(c.origin != 0);
        CHECK(c.seq != 0);
        CHECK(!c.fields.empty());
        CHECK(static_cast<int>(c.kind) >= 1);
        CHECK(static_cast<int>(c.kind) <= 5);
      }
    }
  }
  MESSAGE("mutated messages that still decoded: " << decoded << " of " << kIterations);
}

TEST_CASE("codec: a change's origin signature travels with its absent leafs; a malformed one is refused") {
  Change signedChange = sampleChange(3);
  signedChange.signature = ChangeSignature{};
  signedChange.signature->bytes.fill(0xab);
  signedChange.signature->absent = {LeafHash{}};
  signedChange.signature->absent[0].fill(0x11);
  auto decoded = decodeMessage(encodeBatch(1, {signedChange, sampleChange(4)}));
  REQUIRE(decoded.has_value());
  const auto& changes = std::get<BatchMsg>(*decoded).changes;
  REQUIRE(changes.size() == 2);
  REQUIRE(changes[0].signature);
  CHECK(*changes[0].signature == *signedChange.signature);
  CHECK_FALSE(changes[1].signature);

  // 65 bytes is neither a signature alone nor one with whole leafs: the frame is refused.
  capnp::MallocMessageBuilder builder;
  auto change = builder.initRoot<wire::Message>().initChangeBatch().initChanges(1)[0];
  change.setKind(static_cast<std::uint8_t>(Kind::Member));
  change.setId(kj::heapArray<kj::byte>(16).asPtr());
  change.setOrigin(1);
  change.setSeq(1);
  change.setHlc(1);
  change.initFields(1)[0].setName("name");
  change.initSignature(65);
  auto words = capnp::messageToFlatArray(builder);
  auto refused = decodeMessage(std::string(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size()));
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("signature") != std::string::npos);
}

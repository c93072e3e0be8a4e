#include "sync/codec.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include "store/change_signature.h"
#include "store/utf8.h"
#include "sync/wire.capnp.h"

namespace unionsync {
namespace {

void fillVector(capnp::List<wire::VersionEntry>::Builder list, const VersionVector& vv) {
  unsigned i = 0;
  for (const auto& [origin, seq] : vv) {
    list[i].setOrigin(origin);
    list[i].setSeq(seq);
    ++i;
  }
}

void fillChange(wire::Change::Builder out, const Change& c) {
  out.setKind(static_cast<std::uint8_t>(c.kind));
  out.setId(kj::arrayPtr(reinterpret_cast<const kj::byte*>(c.id.bytes.data()), c.id.bytes.size()));
  out.setOrigin(c.origin);
  out.setSeq(c.seq);
  out.setHlc(c.hlc);
  auto fields = out.initFields(static_cast<unsigned>(c.fields.size()));
  for (unsigned j = 0; j < c.fields.size(); ++j) {
    const FieldWrite& f = c.fields[j];
    fields[j].setName(capnp::Text::Reader(f.name.data(), f.name.size()));
    fields[j].setValue(capnp::Text::Reader(f.value.data(), f.value.size()));
    fields[j].setBaseHlc(f.base.hlc);
    fields[j].setBaseOrigin(f.base.origin);
  }
  if (c.signature) {
    const std::string bytes = encodeSignature(*c.signature);
    out.setSignature(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  }
}

std::string flatten(capnp::MessageBuilder& builder) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

// First segment sized so a typical 1 MiB batch fits in one or two segments.
constexpr unsigned kFirstSegmentWords = 16 * 1024;

struct DecodeFailure {
  std::string what;
};

[[noreturn]] void reject(std::string what) { throw DecodeFailure{std::move(what)}; }

std::string textOf(capnp::Text::Reader t, std::size_t maxBytes, const char* what) {
  if (t.size() > maxBytes) reject(std::string(what) + " too long");
  std::string_view sv(t.begin(), t.size());
  if (!isValidText(sv)) reject(std::string(what) + " is not UTF-8 text without NUL");
  return std::string(sv);
}

VersionVector vectorOf(capnp::List<wire::VersionEntry>::Reader list) {
  if (list.size() > kMaxVersionEntries) reject("version vector too long");
  VersionVector vv;
  for (auto e : list) {
    if (e.getOrigin() == 0) reject("zero origin in version vector");
    auto& slot = vv[e.getOrigin()];
    slot = std::max(slot, e.getSeq());
  }
  return vv;
}

Change changeOf(wire::Change::Reader in) {
  Change c;
  std::uint8_t kind = in.getKind();
  if (!isKnownKind(kind)) reject("unknown record kind " + std::to_string(kind));
  c.kind = static_cast<Kind>(kind);
  auto id = in.getId();
  if (id.size() != 16) reject("record id is not 16 bytes");
  std::memcpy(c.id.bytes.data(), id.begin(), 16);
  c.origin = in.getOrigin();
  c.seq = in.getSeq();
  c.hlc = in.getHlc();
  if (c.origin == 0 || c.seq == 0 || c.hlc == 0) reject("change without origin, seq or hlc");
  auto fields = in.getFields();
  if (fields.size() == 0) reject("change without fields");
  if (fields.size() > kMaxFieldsPerChange) reject("too many fields in a change");
  c.fields.reserve(fields.size());
  for (auto f : fields) {
    FieldWrite w;
    w.name = textOf(f.getName(), kMaxFieldNameBytes, "field name");
    if (w.name.empty()) reject("empty field name");
    w.value = textOf(f.getValue(), kMaxMessageBytes, "field value");
    w.base = Stamp{f.getBaseHlc(), f.getBaseOrigin()};
    c.fields.push_back(std::move(w));
  }
  if (c.fields.size() > 1) {
    std::vector<std::string_view> names;
    names.reserve(c.fields.size());
    for (const auto& f : c.fields) names.push_back(f.name);
    std::sort(names.begin(), names.end());
    if (std::adjacent_find(names.begin(), names.end()) != names.end()) reject("a field appears twice in a change");
  }
  if (auto signature = in.getSignature(); signature.size() > 0) {
    c.signature = decodeSignature(std::string_view(reinterpret_cast<const char*>(signature.begin()), signature.size()));
    if (!c.signature) reject("change signature is not 64 bytes plus 16 per absent field");
    if (c.signature->absent.size() > kMaxFieldsPerChange) reject("too many absent fields in a change signature");
  }
  return c;
}

std::string bytesOf(capnp::Data::Reader d) { return std::string(reinterpret_cast<const char*>(d.begin()), d.size()); }

kj::ArrayPtr<const kj::byte> dataOf(std::string_view s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

std::string recordKeyOf(capnp::Data::Reader d, const char* what) {
  std::string key = bytesOf(d);
  if (!validRecordKey(key)) reject(std::string(what) + " is not a 17-byte record key");
  return key;
}

std::string rangeBoundOf(capnp::Data::Reader d) {
  std::string key = bytesOf(d);
  if (key.size() != kRecordKeyBytes) reject("range bound is not 17 bytes");
  return key;
}

Hash128 hashOf(capnp::Data::Reader d, const char* what) {
  Hash128 hash{};
  if (d.size() != hash.size()) reject(std::string(what) + " is not 16 bytes");
  std::memcpy(hash.data(), d.begin(), hash.size());
  return hash;
}

ReconcileMsg reconcileOf(wire::Reconcile::Reader in) {
  ReconcileMsg out;
  out.round = in.getRound();
  if (out.round == 0) reject("reconcile round 0");
  out.more = in.getMore();
  auto ranges = in.getRanges();
  if (ranges.size() > kMaxReconcileRanges) reject("too many ranges in a reconcile message");
  out.ranges.reserve(ranges.size());
  for (auto r : ranges) {
    ReconcileRange range;
    range.range = KeyRange{rangeBoundOf(r.getLo()), rangeBoundOf(r.getHi())};
    if (!(range.range.lo < range.range.hi)) reject("empty or inverted range");
    if (!out.ranges.empty() && range.range.lo < out.ranges.back().range.hi) reject("ranges overlap or are out of order");
    range.fingerprint.count = r.getCount();
    range.fingerprint.digest = hashOf(r.getDigest(), "range digest");
    range.hasItems = r.getHasItems();
    auto items = r.getItems();
    if (!range.hasItems && items.size() != 0) reject("items in a range without items");
    if (range.hasItems) {
      if (items.size() > kMaxReconcileItemsPerRange) reject("too many items in a range");
      if (items.size() != range.fingerprint.count) reject("range item count differs from its count");
      range.items.reserve(items.size());
      for (auto item : items) {
        FingerprintItem fi{recordKeyOf(item.getKey(), "item key"), hashOf(item.getHash(), "item hash")};
        if (fi.key < range.range.lo || !(fi.key < range.range.hi)) reject("item outside its range");
        if (!range.items.empty() && !(range.items.back().key < fi.key)) reject("items out of order or repeated");
        range.items.push_back(std::move(fi));
      }
    }
    out.ranges.push_back(std::move(range));
  }
  auto want = in.getWant();
  if (want.size() > kMaxReconcileWants) reject("too many wanted records");
  out.want.reserve(want.size());
  for (auto key : want) out.want.push_back(recordKeyOf(key, "wanted key"));
  return out;
}

void fillReconcile(wire::Reconcile::Builder out, const ReconcileMsg& m) {
  out.setRound(m.round);
  out.setMore(m.more);
  auto ranges = out.initRanges(static_cast<unsigned>(m.ranges.size()));
  for (unsigned i = 0; i < m.ranges.size(); ++i) {
    const ReconcileRange& r = m.ranges[i];
    ranges[i].setLo(dataOf(r.range.lo));
    ranges[i].setHi(dataOf(r.range.hi));
    ranges[i].setCount(r.fingerprint.count);
    ranges[i].setDigest(kj::arrayPtr(r.fingerprint.digest.data(), r.fingerprint.digest.size()));
    ranges[i].setHasItems(r.hasItems);
    auto items = ranges[i].initItems(static_cast<unsigned>(r.items.size()));
    for (unsigned j = 0; j < r.items.size(); ++j) {
      items[j].setKey(dataOf(r.items[j].key));
      items[j].setHash(kj::arrayPtr(r.items[j].hash.data(), r.items[j].hash.size()));
    }
  }
  auto want = out.initWant(static_cast<unsigned>(m.want.size()));
  for (unsigned i = 0; i < m.want.size(); ++i) want.set(i, dataOf(m.want[i]));
}

std::vector<Change> changesOf(capnp::List<wire::Change>::Reader changes) {
  if (changes.size() > kMaxChangesPerBatch) reject("too many changes in a batch");
  std::vector<Change> out;
  out.reserve(changes.size());
  for (auto c : changes) out.push_back(changeOf(c));
  return out;
}

WireMessage decodeReader(wire::Message::Reader msg) {
  switch (msg.which()) {
    case wire::Message::HELLO: {
      auto h = msg.getHello();
      HelloMsg out;
      out.magic = h.getMagic();
      out.protocolVersion = h.getProtocolVersion();
      out.nodeId = textOf(h.getNodeId(), 64, "node id");
      out.name = textOf(h.getName(), kMaxNameBytes, "node name");
      out.wallClockMs = h.getWallClockMs();
      out.versionVector = vectorOf(h.getVersionVector());
      auto hash = h.getDeploymentKeyHash();
      if (hash.size() > 64) reject("deployment key hash too long");
      out.deploymentKeyHash.assign(reinterpret_cast<const char*>(hash.begin()), hash.size());
      out.memberCount = h.getMemberCount();
      out.origin = h.getOrigin();
      out.partial = h.getPartial();
      return out;
    }
    case wire::Message::CHANGE_BATCH: {
      auto b = msg.getChangeBatch();
      BatchMsg out;
      out.batchNo = b.getBatchNo();
      out.changes = changesOf(b.getChanges());
      out.whole = b.getWhole();
      return out;
    }
    case wire::Message::RECONCILE:
      return reconcileOf(msg.getReconcile());
    case wire::Message::RECONCILE_ITEMS: {
      auto r = msg.getReconcileItems();
      ReconcileItemsMsg out;
      out.round = r.getRound();
      if (out.round == 0) reject("reconcile round 0");
      out.changes = changesOf(r.getChanges());
      return out;
    }
    case wire::Message::RECONCILE_DONE: {
      auto d = msg.getReconcileDone();
      if (d.getRound() == 0) reject("reconcile round 0");
      return ReconcileDoneMsg{d.getRound(), d.getEqual()};
    }
    case wire::Message::ACK:
      return AckMsg{msg.getAck().getBatchNo()};
    case wire::Message::CAUGHT_UP: {
      auto c = msg.getCaughtUp();
      return CaughtUpMsg{vectorOf(c.getVersionVector()), c.getBatchNo()};
    }
    case wire::Message::HEARTBEAT:
      return HeartbeatMsg{msg.getHeartbeat().getWallClockMs()};
    case wire::Message::ERROR: {
      auto e = msg.getError();
      auto code = static_cast<std::uint16_t>(e.getCode());
      ErrorMsg out;
      out.code = code <= static_cast<std::uint16_t>(WireErrorCode::FalseClaim)
                     ? static_cast<WireErrorCode>(code)
                     : WireErrorCode::Unknown;
      out.reason = textOf(e.getReason(), kMaxReasonBytes, "error reason");
      return out;
    }
    case wire::Message::DEPLOYMENT_KEY: {
      auto k = msg.getDeploymentKey().getKey();
      if (k.size() != kDeploymentKeyBytes) reject("deployment key is not 32 bytes");
      return DeploymentKeyMsg{std::string(reinterpret_cast<const char*>(k.begin()), k.size())};
    }
  }
  return UnknownMsg{};
}

}  // namespace

std::string_view wireErrorCodeName(WireErrorCode code) {
  switch (code) {
    case WireErrorCode::Unknown: return "unknown";
    case WireErrorCode::BadMagic: return "bad-magic";
    case WireErrorCode::IncompatibleVersion: return "incompatible-version";
    case WireErrorCode::Malformed: return "malformed";
    case WireErrorCode::DifferentDeployment: return "different-deployment";
    case WireErrorCode::ApplyFailed: return "apply-failed";
    case WireErrorCode::OutOfOrder: return "out-of-order";
    case WireErrorCode::NotTrusted: return "not-trusted";
    case WireErrorCode::DuplicateSession: return "duplicate-session";
    case WireErrorCode::ShuttingDown: return "shutting-down";
    case WireErrorCode::ClockAhead: return "clock-ahead";
    case WireErrorCode::FalseClaim: return "false-claim";
  }
  return "unknown";
}

namespace {

// One message around a list of changes: `header` sets the message's other fields and returns
// its list, initialised to `changes.size()` elements.
template <typename Header>
std::string encodeChangeList(const std::vector<Change>& changes, Header&& header) {
  capnp::MallocMessageBuilder builder(kFirstSegmentWords);
  auto list = header(builder.initRoot<wire::Message>(), static_cast<unsigned>(changes.size()));
  for (unsigned i = 0; i < changes.size(); ++i) fillChange(list[i], changes[i]);
  return flatten(builder);
}

}  // namespace

std::string encodeBatch(std::uint64_t batchNo, const std::vector<Change>& changes, bool whole) {
  return encodeChangeList(changes, [&](wire::Message::Builder root, unsigned size) {
    auto batch = root.initChangeBatch();
    batch.setBatchNo(batchNo);
    batch.setWhole(whole);
    return batch.initChanges(size);
  });
}

std::string encodeReconcileItems(std::uint64_t round, const std::vector<Change>& changes) {
  return encodeChangeList(changes, [&](wire::Message::Builder root, unsigned size) {
    auto items = root.initReconcileItems();
    items.setRound(round);
    return items.initChanges(size);
  });
}

std::string encodeMessage(const WireMessage& message) {
  if (const auto* b = std::get_if<BatchMsg>(&message)) return encodeBatch(b->batchNo, b->changes, b->whole);
  if (const auto* r = std::get_if<ReconcileItemsMsg>(&message)) return encodeReconcileItems(r->round, r->changes);
  capnp::MallocMessageBuilder builder(std::holds_alternative<ReconcileMsg>(message) ? kFirstSegmentWords : 1024);
  auto root = builder.initRoot<wire::Message>();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, HelloMsg>) {
          auto h = root.initHello();
          h.setMagic(m.magic);
          h.setProtocolVersion(m.protocolVersion);
          h.setNodeId(m.nodeId);
          h.setName(m.name);
          h.setWallClockMs(m.wallClockMs);
          fillVector(h.initVersionVector(static_cast<unsigned>(m.versionVector.size())),
                     m.versionVector);
          h.setDeploymentKeyHash(kj::arrayPtr(
              reinterpret_cast<const kj::byte*>(m.deploymentKeyHash.data()),
              m.deploymentKeyHash.size()));
          h.setMemberCount(m.memberCount);
          h.setOrigin(m.origin);
          h.setPartial(m.partial);
        } else if constexpr (std::is_same_v<T, AckMsg>) {
          root.initAck().setBatchNo(m.batchNo);
        } else if constexpr (std::is_same_v<T, CaughtUpMsg>) {
          auto c = root.initCaughtUp();
          fillVector(c.initVersionVector(static_cast<unsigned>(m.versionVector.size())),
                     m.versionVector);
          c.setBatchNo(m.batchNo);
        } else if constexpr (std::is_same_v<T, HeartbeatMsg>) {
          root.initHeartbeat().setWallClockMs(m.wallClockMs);
        } else if constexpr (std::is_same_v<T, ErrorMsg>) {
          auto e = root.initError();
          e.setCode(static_cast<wire::Error::Code>(m.code));
          e.setReason(m.reason);
        } else if constexpr (std::is_same_v<T, DeploymentKeyMsg>) {
          root.initDeploymentKey().setKey(
              kj::arrayPtr(reinterpret_cast<const kj::byte*>(m.key.data()), m.key.size()));
        } else if constexpr (std::is_same_v<T, ReconcileMsg>) {
          fillReconcile(root.initReconcile(), m);
        } else if constexpr (std::is_same_v<T, ReconcileDoneMsg>) {
          auto d = root.initReconcileDone();
          d.setRound(m.round);
          d.setEqual(m.equal);
        } else if constexpr (std::is_same_v<T, UnknownMsg>) {
          root.initHeartbeat();  // nothing meaningful to send; never used
        }
      },
      message);
  return flatten(builder);
}

Result<WireMessage> decodeMessage(std::string_view bytes) {
  if (bytes.size() > kMaxMessageBytes) {
    return fail("malformed message: " + std::to_string(bytes.size()) + " bytes exceeds the " +
                std::to_string(kMaxMessageBytes) + "-byte limit");
  }
  if (bytes.size() < 8 || bytes.size() % sizeof(capnp::word) != 0) {
    return fail("malformed message: length " + std::to_string(bytes.size()) +
                " is not a whole number of words");
  }
  // Frames from ZeroMQ carry no alignment guarantee: copy into word-aligned memory.
  auto words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), bytes.data(), bytes.size());

  capnp::ReaderOptions options;
  // Each word may be read at most twice; bounds amplification by pointer tricks.
  options.traversalLimitInWords = words.size() * 2 + 64;
  options.nestingLimit = 16;
  try {
    kj::ArrayPtr<const capnp::word> view(words.begin(), words.size());
    capnp::FlatArrayMessageReader reader(view, options);
    if (reader.getEnd() != view.end()) return fail("malformed message: trailing bytes");
    return decodeReader(reader.getRoot<wire::Message>());
  } catch (const DecodeFailure& e) {
    return fail("malformed message: " + e.what);
  } catch (const kj::Exception& e) {
    return fail(std::string("malformed message: ") + e.getDescription().cStr());
  } catch (const std::exception& e) {
    return fail(std::string("malformed message: ") + e.what());
  }
}

std::string_view messageTypeName(const WireMessage& message) {
  static constexpr std::string_view kNames[] = {"hello",     "change-batch", "ack",
                                                "caught-up", "heartbeat",    "error",
                                                "deployment-key", "reconcile",
                                                "reconcile-items", "reconcile-done", "unknown"};
  return kNames[message.index()];
}

}  // namespace unionsync

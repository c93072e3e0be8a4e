// Conversion between the store's types and the wire schema (wire.capnp), and the framing of
// one Message per ZeroMQ frame.
//
// Contract:
// - encode() never fails for values the store produces; the result is one flat Cap'n Proto
//   message (segment table + segments), a multiple of 8 bytes.
// - decode() accepts any bytes whatsoever: garbage, truncated, oversized or hostile input gives
//   an Error (never a crash, never an exception, never unbounded memory). It enforces
//   kMaxMessageBytes, Cap'n Proto ReaderOptions limits (traversal, nesting) and validates
//   every field (16-byte ids, known kinds, non-zero origins/seqs, UTF-8 text, size caps), so a
//   decoded message is safe to hand to the store.
// - A union member added by a newer protocol version decodes as UnknownMsg (ignored).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/range_fingerprint.h"
#include "store/types.h"

namespace unionsync {

inline constexpr std::uint32_t kWireMagic = 0x5553594e;  // "USYN"
inline constexpr std::uint16_t kProtocolVersion = 1;
// Largest frame accepted; batches are built well below it (<= 1 MiB).
inline constexpr std::size_t kMaxMessageBytes = std::size_t{4} << 20;
inline constexpr std::size_t kMaxChangesPerBatch = 20000;
inline constexpr std::size_t kMaxFieldsPerChange = 1000;
inline constexpr std::size_t kMaxFieldNameBytes = 128;
inline constexpr std::size_t kMaxVersionEntries = 100000;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxReasonBytes = 4096;
inline constexpr std::size_t kDeploymentKeyBytes = 32;
// Reconciliation (sync/reconcile.h): per frame; a turn may span several frames.
inline constexpr std::size_t kMaxReconcileRanges = 16384;
inline constexpr std::size_t kMaxReconcileItemsPerRange = 1024;
inline constexpr std::size_t kMaxReconcileWants = 65536;

// Mirrors wire::Error::Code (same numbers).
enum class WireErrorCode : std::uint16_t {
  Unknown = 0,
  BadMagic = 1,
  IncompatibleVersion = 2,
  Malformed = 3,
  DifferentDeployment = 4,
  ApplyFailed = 5,
  OutOfOrder = 6,
  NotTrusted = 7,
  DuplicateSession = 8,
  ShuttingDown = 9,
  ClockAhead = 10,
  FalseClaim = 11,
};
std::string_view wireErrorCodeName(WireErrorCode code);

struct HelloMsg {
  std::uint32_t magic = kWireMagic;
  std::uint16_t protocolVersion = kProtocolVersion;
  std::string nodeId;  // 32 hex digits
  std::string name;
  std::int64_t wallClockMs = 0;
  VersionVector versionVector;
  std::string deploymentKeyHash;  // raw bytes
  std::uint64_t memberCount = 0;
  Origin origin = 0;  // the sender's own origin (0 from a peer that does not say)
  bool partial = false;  // federation scopes differ: no fingerprint comparison (wire.capnp)
};
struct BatchMsg {
  std::uint64_t batchNo = 0;
  std::vector<Change> changes;
  bool whole = false;  // whole records entering the receiver's scope (wire.capnp ChangeBatch)
};
struct AckMsg {
  std::uint64_t batchNo = 0;
};
struct CaughtUpMsg {
  VersionVector versionVector;
  std::uint64_t batchNo = 0;
};
struct HeartbeatMsg {
  std::int64_t wallClockMs = 0;
};
struct ErrorMsg {
  WireErrorCode code = WireErrorCode::Unknown;
  std::string reason;
};
struct DeploymentKeyMsg {
  std::string key;  // raw bytes
};
// Reconciliation messages (wire.capnp "Verification"). Decoding guarantees: round != 0;
// every key is a valid 17-byte record key (a range bound may also be keySpaceEnd());
// lo < hi, ranges increasing and not overlapping; a range with items lists exactly `count`
// items, in strictly increasing key order, inside the range; a range without items lists none.
struct ReconcileRange {
  KeyRange range;
  Fingerprint fingerprint;
  bool hasItems = false;
  std::vector<FingerprintItem> items;
};
struct ReconcileMsg {
  std::uint64_t round = 0;
  std::vector<ReconcileRange> ranges;
  std::vector<std::string> want;  // record keys
  bool more = false;
};
struct ReconcileItemsMsg {
  std::uint64_t round = 0;
  std::vector<Change> changes;
};
struct ReconcileDoneMsg {
  std::uint64_t round = 0;
  bool equal = false;
};
// A message type this version does not know (sent by a newer peer): ignored.
struct UnknownMsg {};

using WireMessage = std::variant<HelloMsg, BatchMsg, AckMsg, CaughtUpMsg, HeartbeatMsg, ErrorMsg,
                                 DeploymentKeyMsg, ReconcileMsg, ReconcileItemsMsg, ReconcileDoneMsg,
                                 UnknownMsg>;

// One flat Cap'n Proto message.
std::string encodeMessage(const WireMessage& message);
// Encodes a batch straight from the store's changes (no copy into a BatchMsg).
std::string encodeBatch(std::uint64_t batchNo, const std::vector<Change>& changes, bool whole = false);
// Encodes repair records straight from the store's changes (no copy into a ReconcileItemsMsg).
std::string encodeReconcileItems(std::uint64_t round, const std::vector<Change>& changes);

// Never throws. The error message says what was wrong ("malformed message: ...").
Result<WireMessage> decodeMessage(std::string_view bytes);

// Name of the message type, for logs.
std::string_view messageTypeName(const WireMessage& message);

}  // namespace unionsync

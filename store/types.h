// Value types shared by the store, the sync layer and the application.
//
// A record is (kind, 128-bit id, fields). Every field holds a UTF-8 string; its meaning comes
// from the schema (schema.h). A write of one or more fields of one record is a Change: it has
// one stamp (HLC time + origin) and one sequence number of its origin. These are the disk and
// merge types; the sync layer converts them to and from its own wire types explicitly.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unionsync {

// A failure a user can act on: what went wrong and, where possible, what to do.
struct Error {
  std::string message;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string message) {
  return std::unexpected<Error>(Error{std::move(message)});
}

enum class Kind : std::uint8_t {
  Organization = 1,
  Employer = 2,
  Member = 3,
  MembershipEvent = 4,
  Activity = 5,
  // Union work records (issue 10): the rest of an office's year besides rosters.
  Hardship = 6,      // 困难职工档案
  Assistance = 7,    // 帮扶救助
  RightsCase = 8,    // 维权案件
  Contract = 9,      // 集体合同
  Congress = 10,     // 职代会
  Funds = 11,        // 经费, one record per union and year
  // Federation (DESIGN.md "Federation"): system records that reach every node of a
  // deployment, not shown among the union's records.
  Certificate = 32,
  Revocation = 33,
  OriginClaim = 34,
};

// 128-bit record id. Shown as 32 lowercase hex digits in the CLI, exports and logs.
struct RecordId {
  std::array<std::uint8_t, 16> bytes{};

  auto operator<=>(const RecordId&) const = default;
  bool isZero() const;
  std::string hex() const;
  // Empty when `text` is not exactly 32 hex digits.
  static std::optional<RecordId> fromHex(std::string_view text);
};

// An origin names one epoch of one node: a node that is re-initialised or restored from a
// backup gets a new origin, so its sequence numbers never repeat.
using Origin = std::uint64_t;

// Hybrid logical clock reading: 48 bits of wall-clock milliseconds, 16 bits of counter.
using Hlc = std::uint64_t;

// Orders writes to one field. The origin breaks HLC ties, so two distinct writes never
// compare equal. The zero stamp means "never written".
struct Stamp {
  Hlc hlc = 0;
  Origin origin = 0;

  auto operator<=>(const Stamp&) const = default;
  bool isZero() const { return hlc == 0 && origin == 0; }
};

// One field as stored: the winning value, the stamp and sequence of the write that set it,
// and the stamp of the value that write replaced at its origin (for conflict detection).
struct FieldState {
  std::string value;
  Stamp stamp;
  std::uint64_t seq = 0;
  Stamp base;
};

// Field name -> state, ordered by name so encodings and digests are canonical.
using FieldMap = std::map<std::string, FieldState, std::less<>>;

struct Record {
  Kind kind = Kind::Member;
  RecordId id;
  FieldMap fields;

  // Empty string when the field was never written.
  std::string_view get(std::string_view field) const;
  bool deleted() const { return get("deleted") == "1"; }
};

// One field of a change as it travels between replicas.
struct FieldWrite {
  std::string name;
  std::string value;
  Stamp base;
};

// The origin's Ed25519 signature of a change (store/change_signature.h), as kept beside it:
// the signature of the change's digest, and the leaf hashes of the change's fields that are
// no longer carried (superseded here or lost on arrival), so that the fields still carried
// verify on their own.
using LeafHash = std::array<std::uint8_t, 16>;
struct ChangeSignature {
  std::array<std::uint8_t, 64> bytes{};
  std::vector<LeafHash> absent;

  bool operator==(const ChangeSignature&) const = default;
};

// A write of some fields of one record by one origin. All its fields share stamp
// {hlc, origin} and the sequence number `seq` of that origin.
struct Change {
  Kind kind = Kind::Member;
  RecordId id;
  Origin origin = 0;
  std::uint64_t seq = 0;
  Hlc hlc = 0;
  std::vector<FieldWrite> fields;
  // Set when the origin signed it (nodes in a deployment sign their own changes).
  std::optional<ChangeSignature> signature;

  Stamp stamp() const { return Stamp{hlc, origin}; }
};

// origin -> highest sequence number held (every lower write of that origin is held or has
// been superseded by a write that is held).
using VersionVector = std::map<Origin, std::uint64_t>;

// A concurrent overwrite kept for review: the winner did not see the loser when it was
// written (base(winner) < stamp(loser)) and their values differ.
struct Conflict {
  Kind kind = Kind::Member;
  RecordId id;
  std::string field;
  std::string winnerValue;
  Stamp winner;
  std::string loserValue;
  Stamp loser;
};

// Lower-case hex of raw bytes (keys, hashes, ids), and back: empty unless `text` is whole pairs
// of hex digits (either case).
std::string hexOf(std::string_view bytes);
std::optional<std::string> bytesOfHex(std::string_view text);

std::string_view kindName(Kind kind);          // "org", "employer", "member", "event", "activity", "case", ...
std::optional<Kind> kindFromName(std::string_view name);
// Whether a kind byte read from disk or the wire names a kind this version knows.
bool isKnownKind(std::uint8_t kind);

}  // namespace unionsync

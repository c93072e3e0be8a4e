// Range fingerprints of the replicated state: the value types and the pure arithmetic behind
// Store's "fingerprints" methods (store.h) and the reconciliation in sync/reconcile.h.
//
// The key space is the store's record keys: kind byte + 16 id bytes (17 bytes, compared as
// unsigned bytes, as LMDB does). Every record has a 128-bit hash of exactly what replicates
// (what Store::digest() feeds: record key, then per field name, value, stamp hlc, stamp
// origin; not seq or base). A range's fingerprint is its record count and a digest of the sum
// mod 2^128 of its records' hashes: a sum, so it is kept incrementally per bucket (subtract
// the old hash, add the new one) and ranges of buckets combine without touching records.
//
// Buckets are the first two key bytes (kind byte + first id byte); ids are uniform random or
// keyed hashes, so a bucket holds about 1/256 of a kind's records.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

inline constexpr std::size_t kRecordKeyBytes = 17;
inline constexpr std::size_t kBucketKeyBytes = 2;

using Hash128 = std::array<std::uint8_t, 16>;

// Count and sum mod 2^128 of the hashes of a set of records (the bucket table's value).
struct RangeSum {
  std::uint64_t count = 0;
  std::uint64_t low = 0;   // sum mod 2^128, low 64 bits
  std::uint64_t high = 0;  // high 64 bits

  void add(const Hash128& hash);
  void remove(const Hash128& hash);
  void add(const RangeSum& other);
  bool operator==(const RangeSum&) const = default;

  // 24 bytes: count, low, high (big-endian). decode() of anything not 24 bytes is empty.
  std::string encode() const;
  static RangeSum decode(std::string_view bytes);
};

// What travels: the count and a 16-byte digest of the sum (equal sums give equal digests).
struct Fingerprint {
  std::uint64_t count = 0;
  Hash128 digest{};
  bool operator==(const Fingerprint&) const = default;
};
Fingerprint fingerprintOf(const RangeSum& sum);

// One record of a small range: its key (17 bytes) and hash.
struct FingerprintItem {
  std::string key;
  Hash128 hash{};
  bool operator==(const FingerprintItem&) const = default;
};

// A half-open key range [lo, hi); both are 17-byte keys.
struct KeyRange {
  std::string lo;
  std::string hi;
  bool operator==(const KeyRange&) const = default;
};

// The hash of one record as stored under `recordKey` with `fields` (the digest() feed).
Hash128 recordHash(std::string_view recordKey, const FieldMap& fields);

// The first key of the key space (17 zero bytes) and the exclusive end (17 0xff bytes: kind
// 255 does not exist, so every record key is below it).
const std::string& keySpaceBegin();
const std::string& keySpaceEnd();
KeyRange wholeKeySpace();

// Bucket of a key (its first two bytes); the first key of a bucket and the first key after
// it (keySpaceEnd() after the last bucket).
std::string bucketOf(std::string_view key);
std::string bucketBegin(std::string_view bucket);
std::string bucketEnd(std::string_view bucket);

// Whether `key` is a well-formed record key: 17 bytes, a known kind.
bool validRecordKey(std::string_view key);

// Hex of a digest, for logs and tests.
std::string hashHex(const Hash128& hash);

}  // namespace unionsync

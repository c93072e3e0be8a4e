#include "store/range_fingerprint.h"

#include <sodium.h>

#include "store/blake2b.h"
#include "store/record_codec.h"

namespace unionsync {
namespace {

std::uint64_t wordOf(const Hash128& hash, std::size_t offset) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::uint64_t{hash[offset + i]} << (8 * i);
  return v;
}

void putBigEndian(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t readBigEndian(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(in[i]);
  return v;
}

}  // namespace

// The hash is read as a little-endian 128-bit number; additions carry from low to high.
void RangeSum::add(const Hash128& hash) {
  const std::uint64_t lo = wordOf(hash, 0);
  const std::uint64_t before = low;
  low += lo;
  high += wordOf(hash, 8) + (low < before ? 1 : 0);
  ++count;
}

void RangeSum::remove(const Hash128& hash) {
  const std::uint64_t lo = wordOf(hash, 0);
  const std::uint64_t before = low;
  low -= lo;
  high -= wordOf(hash, 8) + (low > before ? 1 : 0);
  --count;
}

void RangeSum::add(const RangeSum& other) {
  const std::uint64_t before = low;
  low += other.low;
  high += other.high + (low < before ? 1 : 0);
  count += other.count;
}

std::string RangeSum::encode() const {
  std::string out;
  out.reserve(24);
  putBigEndian(out, count);
  putBigEndian(out, low);
  putBigEndian(out, high);
  return out;
}

RangeSum RangeSum::decode(std::string_view bytes) {
  if (bytes.size() != 24) return {};
  return RangeSum{readBigEndian(bytes.substr(0, 8)), readBigEndian(bytes.substr(8, 8)),
                  readBigEndian(bytes.substr(16, 8))};
}

Fingerprint fingerprintOf(const RangeSum& sum) {
  // Hashing the sum with the count (as negentropy does) keeps the linear structure of the sum
  // off the wire; the domain prefix keeps it apart from every other hash of the program.
  static constexpr std::string_view kDomain = "unionsync range fingerprint v1";
  std::string input(kDomain);
  input.append(sum.encode());
  Fingerprint fp;
  fp.count = sum.count;
  const auto digest = Blake2b<sizeof fp.digest>().update(input).final();
  std::copy(digest.begin(), digest.end(), fp.digest.begin());
  return fp;
}

Hash128 recordHash(std::string_view recordKey, const FieldMap& fields) {
  // Length-prefixed, field by field, exactly as Store::digest() feeds them. The buffer is the
  // thread's own and keeps its capacity: an import hashes a million records.
  thread_local std::string buffer;
  buffer.clear();
  auto feed = [&](std::string_view bytes) {
    codec::putVarint(buffer, bytes.size());
    buffer.append(bytes);
  };
  auto feedU64 = [&](std::uint64_t v) {
    buffer.push_back(8);
    putBigEndian(buffer, v);
  };
  feed(recordKey);
  for (const auto& [name, f] : fields) {
    feed(name);
    feed(f.value);
    feedU64(f.stamp.hlc);
    feedU64(f.stamp.origin);
  }
  const auto digest = Blake2b<16>().update(buffer).final();
  Hash128 out{};
  std::copy(digest.begin(), digest.end(), out.begin());
  return out;
}

const std::string& keySpaceBegin() {
  static const std::string begin(kRecordKeyBytes, '\0');
  return begin;
}

const std::string& keySpaceEnd() {
  static const std::string end(kRecordKeyBytes, '\xff');
  return end;
}

KeyRange wholeKeySpace() { return KeyRange{keySpaceBegin(), keySpaceEnd()}; }

std::string bucketOf(std::string_view key) {
  std::string bucket(key.substr(0, kBucketKeyBytes));
  bucket.resize(kBucketKeyBytes, '\0');
  return bucket;
}

std::string bucketBegin(std::string_view bucket) {
  std::string key(bucket.substr(0, kBucketKeyBytes));
  key.resize(kRecordKeyBytes, '\0');
  return key;
}

std::string bucketEnd(std::string_view bucket) {
  std::string next = bucketOf(bucket);
  // Increment the two-byte prefix; past the last bucket lies the end of the key space.
  for (int i = static_cast<int>(kBucketKeyBytes) - 1; i >= 0; --i) {
    auto byte = static_cast<std::uint8_t>(next[i]);
    if (byte != 0xff) {
      next[i] = static_cast<char>(byte + 1);
      return bucketBegin(next);
    }
    next[i] = '\0';
  }
  return keySpaceEnd();
}

bool validRecordKey(std::string_view key) {
  if (key.size() != kRecordKeyBytes) return false;
  return isKnownKind(static_cast<std::uint8_t>(key[0]));
}

std::string hashHex(const Hash128& hash) {
  return hexOf(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

}  // namespace unionsync

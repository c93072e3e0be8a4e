#include "store/change_signature.h"

#include <algorithm>
#include <cstring>

#include "store/blake2b.h"
#include "store/lmdb.h"

namespace unionsync {
namespace {

// Length-prefixed, so that no two (name, value) pairs feed the same bytes.
void appendSized(std::string& out, std::string_view bytes) {
  lmdb::appendBigEndian(out, bytes.size());
  out.append(bytes);
}

}  // namespace

LeafHash leafHash(std::string_view name, std::string_view value, const Stamp& base) {
  std::string bytes("unionsync field v1", 19);
  appendSized(bytes, name);
  appendSized(bytes, value);
  lmdb::appendBigEndian(bytes, base.hlc);
  lmdb::appendBigEndian(bytes, base.origin);
  auto out = Blake2b<16>().update(bytes).final();
  LeafHash leaf;
  std::memcpy(leaf.data(), out.data(), leaf.size());
  return leaf;
}

ChangeDigest changeDigest(const Change& change, const std::vector<LeafHash>& absent) {
  std::vector<LeafHash> leafs = absent;
  leafs.reserve(absent.size() + change.fields.size());
  for (const FieldWrite& f : change.fields) leafs.push_back(leafHash(f.name, f.value, f.base));
  std::sort(leafs.begin(), leafs.end());
  std::string bytes("unionsync change v1", 20);
  bytes.push_back(static_cast<char>(change.kind));
  bytes.append(reinterpret_cast<const char*>(change.id.bytes.data()), change.id.bytes.size());
  lmdb::appendBigEndian(bytes, change.origin);
  lmdb::appendBigEndian(bytes, change.seq);
  lmdb::appendBigEndian(bytes, change.hlc);
  lmdb::appendBigEndian(bytes, leafs.size());
  for (const LeafHash& leaf : leafs) bytes.append(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  auto out = Blake2b<32>().update(bytes).final();
  ChangeDigest digest;
  std::memcpy(digest.data(), out.data(), digest.size());
  return digest;
}

std::string encodeSignature(const ChangeSignature& signature) {
  std::string out(reinterpret_cast<const char*>(signature.bytes.data()), signature.bytes.size());
  for (const LeafHash& leaf : signature.absent) out.append(reinterpret_cast<const char*>(leaf.data()), leaf.size());
  return out;
}

std::optional<ChangeSignature> decodeSignature(std::string_view bytes) {
  ChangeSignature out;
  if (bytes.size() < out.bytes.size() || (bytes.size() - out.bytes.size()) % sizeof(LeafHash) != 0) return std::nullopt;
  std::memcpy(out.bytes.data(), bytes.data(), out.bytes.size());
  bytes.remove_prefix(out.bytes.size());
  out.absent.resize(bytes.size() / sizeof(LeafHash));
  for (LeafHash& leaf : out.absent) {
    std::memcpy(leaf.data(), bytes.data(), leaf.size());
    bytes.remove_prefix(leaf.size());
  }
  return out;
}

std::vector<LeafHash> withoutLeafs(std::vector<LeafHash> from, const std::vector<LeafHash>& remove) {
  for (const LeafHash& leaf : remove)
    if (auto it = std::find(from.begin(), from.end(), leaf); it != from.end()) from.erase(it);
  return from;
}

}  // namespace unionsync

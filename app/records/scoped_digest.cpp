#include "app/records/scoped_digest.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <set>
#include <string_view>

#include "app/internal/store_access.h"
#include "store/blake2b.h"
#include "store/range_fingerprint.h"
#include "store/record_codec.h"  // the record key recordHash covers, in store's own spelling

namespace unionsync {
namespace {

// Keeps a subtree digest apart from the whole-store digest, which has no prefix, and from
// every other BLAKE2b of the program.
constexpr std::string_view kDomain = "unionsync subtree digest v1";

// Reads run one store transaction per kind, so a commit between them could mix two states;
// a digest taken while no commit landed is one state, and a few tries are enough unless
// another process writes without pause.
constexpr int kAttempts = 5;

std::string hashSubtree(const Store& store, const RecordId& org, const std::set<RecordId>& orgs) {
  Blake2b<32> hash;
  hash.update(kDomain).update(org.bytes.data(), org.bytes.size());
  // allKinds() is in kind order and forEach in id order: the (kind, id) order of record keys,
  // the same on every node whatever else it holds.
  for (const KindDef& def : allKinds()) {
    const bool isOrg = def.kind == Kind::Organization;
    if (!isOrg && def.ownerField.empty()) continue;
    store.forEach(def.kind, [&](const Record& r) {
      bool inside = false;
      if (isOrg) {
        inside = orgs.count(r.id) > 0;
      } else if (auto owner = RecordId::fromHex(r.get(def.ownerField))) {
        inside = orgs.count(*owner) > 0;
      }
      if (inside) {
        // Fixed-size per-record hashes (each covering its record key) need no separators.
        const Hash128 h = recordHash(codec::recordKey(def.kind, r.id), r.fields);
        hash.update(h.data(), h.size());
      }
      return true;
    });
  }
  const auto out = hash.final();
  return fmt::format("{:02x}", fmt::join(out, ""));
}

}  // namespace

Result<std::string> subtreeDigest(const Node& node, const RecordId& org) {
  const Store& store = internal::storeOf(node);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const std::uint64_t before = store.lastCommitId();
    const OrgTree tree = node.orgTree();
    if (!tree.nodes.count(org))
      return fail(fmt::format("找不到工会组织 {} / no such organization: {}", org.hex(), org.hex()));
    const auto ids = tree.subtree(org, /*includeDeleted=*/true);
    const std::set<RecordId> orgs(ids.begin(), ids.end());
    std::string digest = hashSubtree(store, org, orgs);
    if (store.lastCommitId() == before) return digest;
  }
  return fail("数据在计算摘要期间一直在变化，请稍后再试 / the data kept changing while the digest was computed: try again");
}

}  // namespace unionsync

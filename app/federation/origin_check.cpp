#include "app/federation/origin_check.h"

#include <fmt/format.h>

#include "store/change_signature.h"
#include "sync/certificate.h"

namespace unionsync {
namespace {

// The origin's own judgment of a change the sender does not answer for.
std::string originRefusal(const GrantBook& book, const OriginOwner& owner, const Sender& sender, const Change& change,
                          const std::optional<Record>& before, const Record& after, const RecordLookup& lookup) {
  const std::string origin = fmt::format("{:016x}", change.origin);
  if (!change.signature)
    return fmt::format("「{}」转发的来源 {} 的变更没有来源的签名 / '{}' relayed a change of origin {} without its origin's signature",
                       sender.name, origin, sender.name, origin);
  if (!changeSignatureVerifies(changeDigest(change, change.signature->absent), change.signature->bytes, owner.key))
    return fmt::format("「{}」转发的来源 {} 的变更签名不符 / signature does not verify: a change of origin {} relayed by '{}'",
                       sender.name, origin, origin, sender.name);
  auto grant = book.forSigningKey(owner.key);
  if (!grant)
    return fmt::format("来源 {} 的节点没有有效证书：{} / the node of origin {} holds no valid certificate: {}", origin,
                       grant.error().message, origin, grant.error().message);
  std::string name = grant->held.name.empty() ? origin : grant->held.name;
  return writeRefusal(grant->scope, before, after, lookup, name);
}

}  // namespace

std::string receivedChangeRefusal(const GrantBook& book, const Sender& sender, const Change& change,
                                  const std::optional<Record>& before, const Record& after, const RecordLookup& lookup) {
  const OriginOwner owner = book.ownerOf(change.origin);
  // A disputed origin (two nodes, neither above the other, claim it) proves nothing: its
  // changes are judged as the sender's, as before signatures, so a false claim cannot cut
  // off a real node's changes.
  bool senderAnswers = owner.state != OriginOwner::Claimed || owner.key == sender.key;
  if (!senderAnswers)
    if (auto grant = book.forSigningKey(owner.key)) senderAnswers = scopeCovers(sender.scope, grant->scope, lookup);
  if (senderAnswers) return writeRefusal(sender.scope, before, after, lookup, sender.name);
  return originRefusal(book, owner, sender, change, before, after, lookup);
}

bool mayBeOwnOrigin(const GrantBook& book, const SigningPublicKey& senderKey, Origin origin) {
  const OriginOwner owner = book.ownerOf(origin);
  return owner.state == OriginOwner::Unclaimed || (owner.state == OriginOwner::Claimed && owner.key == senderKey);
}

}  // namespace unionsync

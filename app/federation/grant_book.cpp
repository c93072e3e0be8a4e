#include "app/federation/grant_book.h"

#include <algorithm>
#include <set>

#include "store/blake2b.h"

namespace unionsync {
namespace {

RecordId contentId(std::string_view domain, std::string_view bytes) {
  const auto digest = Blake2b<16>().update(domain).update(bytes).final();
  RecordId id;
  std::copy(digest.begin(), digest.end(), id.bytes.begin());
  return id;
}

Error noCertificate() { return Error{"没有本部署的证书 / no certificate of this deployment"}; }

}  // namespace

RecordId certificateRecordId(std::string_view certificateBytes) {
  return contentId("unionsync certificate record v1", certificateBytes);
}

RecordId revocationRecordId(std::string_view revocationBytes) {
  return contentId("unionsync revocation record v1", revocationBytes);
}

RecordId originClaimRecordId(std::string_view claimBytes) {
  return contentId("unionsync origin claim record v1", claimBytes);
}

std::string hexOfKey(const SigningPublicKey& key) {
  return hexOf(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

std::optional<SigningPublicKey> signingKeyOfHex(std::string_view text) {
  auto raw = bytesOfHex(text);
  if (!raw || raw->size() != 32) return std::nullopt;
  SigningPublicKey key{};
  std::copy(raw->begin(), raw->end(), key.begin());
  return key;
}

GrantBook GrantBook::load(const Store& store, const std::optional<SigningPublicKey>& root, std::int64_t nowMs) {
  GrantBook book;
  book.root_ = root;
  // Records that do not decode were refused on arrival (received_check); a store written by
  // hand may still hold them, and they count for nothing.
  store.forEach(Kind::Certificate, [&](const Record& r) {
    auto bytes = bytesOfHex(r.get("certificate"));
    if (!bytes || r.deleted()) return true;
    auto certificate = decodeCertificate(*bytes);
    if (certificate && certificateRecordId(*bytes) == r.id)
      book.certificates_.push_back(HeldCertificate{*certificate, r.id, std::string(r.get("name")), std::string(r.get("address"))});
    return true;
  });
  store.forEach(Kind::Revocation, [&](const Record& r) {
    auto bytes = bytesOfHex(r.get("revocation"));
    if (!bytes) return true;
    if (auto revocation = decodeRevocation(*bytes); revocation && revocationRecordId(*bytes) == r.id)
      book.revocations_.push_back(*revocation);
    return true;
  });
  store.forEach(Kind::OriginClaim, [&](const Record& r) {
    auto bytes = bytesOfHex(r.get("claim"));
    if (!bytes) return true;
    auto claim = decodeOriginClaim(*bytes);
    if (!claim || originClaimRecordId(*bytes) != r.id || book.certificatesOf(claim->signingKey).empty()) return true;
    book.claimants_[claim->origin].insert(claim->signingKey);
    return true;
  });
  if (!root) return book;
  const RecordLookup lookup = [&store](Kind kind, const RecordId& id) { return store.get(kind, id); };
  ChainContext context;
  context.rootKey = *root;
  context.nowMs = nowMs;
  context.within = [lookup](const RecordId& inner, const RecordId& outer) { return orgWithin(lookup, inner, outer); };
  context.revoked = [&book](const SigningPublicKey& key) { return book.revoked(key); };
  for (const HeldCertificate& held : book.certificates_) book.resolve(held.certificate.subjectSigningKey, context, 0);
  for (const auto& [origin, keys] : book.claimants_) book.origins_[origin] = book.settleClaim(keys, lookup);
  return book;
}

Result<ValidGrant> GrantBook::resolve(const SigningPublicKey& key, const ChainContext& context, std::size_t depth) {
  if (auto known = grants_.find(key); known != grants_.end()) return known->second;
  if (depth >= kMaxChainLength)
    return std::unexpected(Error{"证书链过长或成环 / certificate chain too long or circular"});
  // Placeholder while resolving: a chain that comes back to this key is a cycle.
  grants_.emplace(key, std::unexpected(Error{"证书链成环 / circular certificate chain"}));
  Result<ValidGrant> outcome = std::unexpected(noCertificate());
  for (const HeldCertificate* held : certificatesOf(key)) {
    std::vector<Certificate> chain;
    const Certificate& c = held->certificate;
    if (c.issuerSigningKey != context.rootKey) {
      auto issuer = resolve(c.issuerSigningKey, context, depth + 1);
      if (!issuer) {
        if (!outcome && outcome.error().message == noCertificate().message)
          outcome = std::unexpected(Error{"签发者没有有效证书：" + issuer.error().message + " / its issuer holds no valid certificate"});
        continue;
      }
      chain = issuer->isRoot ? std::vector<Certificate>{} : issuer->chain;
    }
    chain.push_back(c);
    auto verified = verifyChain(chain, context);
    if (!verified) {
      if (!outcome && outcome.error().message == noCertificate().message) outcome = std::unexpected(verified.error());
      continue;
    }
    const bool isRoot = c.subjectSigningKey == context.rootKey;
    outcome = ValidGrant{*held, chain, Scope{isRoot ? RecordId{} : c.scope, c.role}, isRoot};
    break;
  }
  grants_.insert_or_assign(key, outcome);
  return outcome;
}

Result<ValidGrant> GrantBook::forSigningKey(const SigningPublicKey& key) const {
  if (!root_) return std::unexpected(Error{"本节点不属于任何部署 / this node is in no deployment"});
  if (auto it = grants_.find(key); it != grants_.end()) return it->second;
  return std::unexpected(noCertificate());
}

Result<ValidGrant> GrantBook::forCurveKey(const std::array<std::uint8_t, 32>& curveKey) const {
  const HeldCertificate* latest = nullptr;
  for (const HeldCertificate& held : certificates_)
    if (held.certificate.subjectCurveKey == curveKey &&
        (!latest || held.certificate.issuedMs > latest->certificate.issuedMs))
      latest = &held;
  if (!latest) return std::unexpected(noCertificate());
  auto grant = forSigningKey(latest->certificate.subjectSigningKey);
  // The CURVE key must be the one of the certificate that counts, not of an older one.
  if (grant && grant->held.certificate.subjectCurveKey != curveKey) return std::unexpected(noCertificate());
  return grant;
}

// A key whose valid scope covers every other claimant's (the root over an office that claims
// the root's origin) keeps the origin: a node cannot take an origin from a node above it.
OriginOwner GrantBook::settleClaim(const std::set<SigningPublicKey>& keys, const RecordLookup& lookup) const {
  if (keys.size() == 1) return OriginOwner{OriginOwner::Claimed, *keys.begin()};
  std::optional<SigningPublicKey> winner;
  for (const SigningPublicKey& key : keys) {
    auto grant = forSigningKey(key);
    if (!grant) continue;
    const bool coversAll = std::all_of(keys.begin(), keys.end(), [&](const SigningPublicKey& other) {
      if (other == key) return true;
      auto otherGrant = forSigningKey(other);
      return !otherGrant || (scopeCovers(grant->scope, otherGrant->scope, lookup) &&
                             !scopeCovers(otherGrant->scope, grant->scope, lookup));
    });
    if (coversAll) winner = key;
  }
  return winner ? OriginOwner{OriginOwner::Claimed, *winner} : OriginOwner{OriginOwner::Disputed, {}};
}

OriginOwner GrantBook::ownerOf(Origin origin) const {
  auto it = origins_.find(origin);
  return it == origins_.end() ? OriginOwner{} : it->second;
}

bool GrantBook::revoked(const SigningPublicKey& key) const {
  return std::any_of(revocations_.begin(), revocations_.end(), [&](const Revocation& r) {
    if (r.revokedKey != key) return false;
    if (root_ && r.issuerSigningKey == *root_) return true;
    return std::any_of(certificates_.begin(), certificates_.end(), [&](const HeldCertificate& held) {
      return held.certificate.subjectSigningKey == key && held.certificate.issuerSigningKey == r.issuerSigningKey;
    });
  });
}

std::vector<const HeldCertificate*> GrantBook::certificatesOf(const SigningPublicKey& key) const {
  std::vector<const HeldCertificate*> out;
  for (const HeldCertificate& held : certificates_)
    if (held.certificate.subjectSigningKey == key) out.push_back(&held);
  std::sort(out.begin(), out.end(), [](const HeldCertificate* a, const HeldCertificate* b) {
    return a->certificate.issuedMs > b->certificate.issuedMs;
  });
  return out;
}

}  // namespace unionsync

#include "app/federation/peer_rules_impl.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/federation/origin_check.h"
#include "app/model/clock.h"
#include "store/schema.h"
#include "sync/identity.h"

namespace unionsync {
namespace {

std::string nameOf(const HeldCertificate& held) {
  if (!held.name.empty()) return held.name;
  return hexOf(std::string_view(reinterpret_cast<const char*>(held.certificate.subjectNodeId.data()), 4));
}

class ScopedRules final : public PeerRules {
 public:
  // `own` / `peer` empty: that side holds no valid certificate (it sees and writes nothing
  // but certificates and revocations, so it can still learn of a new one).
  // `peer` empty: see above; its key is then unused.
  ScopedRules(Store& store, std::shared_ptr<const FederationState> state, std::shared_ptr<OwnRights> rights,
              std::optional<Scope> own, std::optional<Scope> peer, const SigningPublicKey& peerKey, Origin peerOrigin,
              std::string peerName, std::string describe)
      : store_(store), rights_(std::move(rights)), own_(own), peer_(peer), peerOrigin_(peerOrigin),
        describe_(std::move(describe)) {
    lookup_ = [this](Kind kind, const RecordId& id) { return store_.get(kind, id); };
    coversUs_ = own_ && peer_ && scopeCovers(*peer_, *own_, lookup_);
    // A Hello may name any origin: only one this peer's key claimed (or nobody did) is its own.
    ownOriginVouched_ = peer_ && mayBeOwnOrigin(state->book, peerKey, peerOrigin);
    std::optional<Sender> sender;
    if (peer) sender = Sender{peerKey, *peer, peerName};
    gate_.refusal = [sender = std::move(sender), state = std::move(state), own, rights = rights_,
                     peerName = std::move(peerName), problem = describe_](
                        const Change& change, const std::optional<Record>& before, const Record& after,
                        const RecordLookup& lookup) -> std::string {
      if (isFederationKind(after.kind)) return {};
      if (!sender) return fmt::format("「{}」没有有效的证书 / '{}' holds no valid certificate: {}", peerName, peerName, problem);
      std::string refusal = receivedChangeRefusal(state->book, *sender, change, before, after, lookup);
      // A record that leaves our part of the tree with this change: we pass it up, then drop it.
      if (refusal.empty() && own && before && !holds(*own, after, lookup)) rights->mayHaveDepartures = true;
      return refusal;
    };
    gate_.leaving = [own](const Record& after, const RecordLookup& lookup) { return own && !holds(*own, after, lookup); };
    // Per change, only a peer whose scope covers ours: it sends every change we may hold.
    gate_.vouchesFor = [coversUs = coversUs_](Origin) { return coversUs; };
  }

  bool mayReceive(const Record& record) const override {
    if (isFederationKind(record.kind)) return true;
    if (!own_ || !peer_) return false;
    // A record that left our scope while we held it (a transfer, ours or one passed to us)
    // goes only to peers covering our scope, so covering its old place: a peer holding only
    // its new place would refuse it from us.
    if (!holds(*own_, record, lookup_)) return coversUs_;
    return peerHolds(record) && covers(*own_, record, lookup_);
  }

  bool departureFor(const Record& record, Origin origin, std::uint64_t seq) const override {
    if (!own_ || !peer_ || isFederationKind(record.kind)) return false;
    auto moved = record.fields.find(kMovedFromField);
    if (moved == record.fields.end() || moved->second.stamp.origin != origin || moved->second.seq != seq) return false;
    auto from = RecordId::fromHex(moved->second.value);
    if (!from || peerHolds(record)) return false;  // a peer holding the new place gets it anyway
    auto place = store_.get(Kind::Organization, *from);
    if (!place) return false;
    // Where the record was: an organization under `from`, any other record owned by `from`.
    if (record.kind == Kind::Organization) return covers(*peer_, *place, lookup_) && covers(*own_, *place, lookup_);
    Record there = record;
    there.fields[std::string(kindDef(record.kind).ownerField)].value = from->hex();
    return holds(*peer_, there, lookup_) && covers(*own_, there, lookup_);
  }

  bool peerHolds(const Record& record) const override { return peer_ && holds(*peer_, record, lookup_); }

  // Only a record with older state than this change (one that existed before it moved):
  // a record's first change already carries all it has.
  bool sendWhole(const Record& record, const Change& change) const override {
    const bool older = std::any_of(record.fields.begin(), record.fields.end(), [&](const auto& field) {
      return field.second.stamp.origin != change.origin || field.second.seq != change.seq;
    });
    return older && mayReceive(record);
  }

  std::vector<std::pair<Kind, RecordId>> wholeOnStart() const override {
    std::vector<std::pair<Kind, RecordId>> out;
    if (!own_ || !peer_ || peer_->org.isZero()) return out;
    auto org = store_.get(Kind::Organization, peer_->org);
    for (int depth = 0; org && depth < 64; ++depth) {
      auto parent = RecordId::fromHex(org->get("parent"));
      if (!parent) break;
      org = store_.get(Kind::Organization, *parent);
      if (org && covers(*own_, *org, lookup_)) out.emplace_back(Kind::Organization, *parent);
    }
    return out;
  }

  const ApplyGate& gate() const override { return gate_; }
  bool caughtUpVouches(Origin origin) const override {
    return peer_ && (coversUs_ || (origin == peerOrigin_ && ownOriginVouched_));
  }

  std::vector<std::pair<Kind, RecordId>> handedOff(const VersionVector& peerHas) const override {
    std::vector<std::pair<Kind, RecordId>> out;
    if (!coversUs_ || own_->org.isZero() || !rights_->mayHaveDepartures) return out;
    bool waiting = false;  // some record left our scope that the peer does not hold whole yet
    // Dropped only once the peer keeps it for good: its scope holds the record's new place.
    auto visit = [&](const Record& record) {
      if (holds(*own_, record, lookup_)) return true;
      if (!peerHolds(record)) {
        waiting = true;
        return true;
      }
      const bool whole = std::all_of(record.fields.begin(), record.fields.end(), [&](const auto& field) {
        auto it = peerHas.find(field.second.stamp.origin);
        return it != peerHas.end() && it->second >= field.second.seq;
      });
      if (whole) out.emplace_back(record.kind, record.id);
      else waiting = true;
      return true;
    };
    for (const KindDef& kind : allKinds()) store_.forEach(kind.kind, visit);
    if (!waiting) rights_->mayHaveDepartures = false;
    return out;
  }

  bool sameData() const override { return own_ && peer_ && own_->wholeTree() && peer_->wholeTree(); }
  std::string describe() const override { return describe_; }

 private:
  Store& store_;
  std::shared_ptr<OwnRights> rights_;
  std::optional<Scope> own_;
  std::optional<Scope> peer_;
  Origin peerOrigin_;
  std::string describe_;
  RecordLookup lookup_;
  ApplyGate gate_;
  bool coversUs_ = false;
  bool ownOriginVouched_ = false;
};

// "office 某街道总工会 until 2027-12-01" for status lines.
std::string describeGrant(Store& store, const ValidGrant& grant) {
  std::string where = "全部 / whole tree";
  if (!grant.scope.org.isZero()) {
    auto org = store.get(Kind::Organization, grant.scope.org);
    where = org ? std::string(org->get("name")) : grant.scope.org.hex();
  }
  return fmt::format("{}{} {} until {}", grant.isRoot ? "root " : "", certificateRoleName(grant.scope.role), where,
                     dateOf(grant.held.certificate.expiresMs));
}

class Policy final : public FederationPolicy {
 public:
  Policy(Store& store, FederationStateSource state, std::shared_ptr<OwnRights> rights)
      : store_(store), state_(std::move(state)), rights_(std::move(rights)) {}

  Result<std::string> admit(std::string_view curveKeyZ85) override {
    auto raw = rawOfZ85Key(curveKeyZ85);
    if (!raw) return fail("无效的公钥 / invalid key");
    auto state = state_();
    if (!state->book.inDeployment()) return fail("本节点不属于任何部署 / this node is in no deployment");
    auto grant = state->book.forCurveKey(*raw);
    if (!grant) return std::unexpected(grant.error());
    return nameOf(grant->held);
  }

  std::vector<CertifiedPeer> certifiedPeers() override {
    std::vector<CertifiedPeer> out;
    auto state = state_();
    for (const HeldCertificate& held : state->book.certificates()) {
      if (held.address.empty()) continue;
      auto grant = state->book.forSigningKey(held.certificate.subjectSigningKey);
      // Only the certificate that counts for the key (the latest valid one) gives its address.
      if (!grant || grant->held.recordId != held.recordId) continue;
      const auto& raw = held.certificate.subjectCurveKey;
      out.push_back({z85OfRawKey(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size())), nameOf(held),
                     held.address});
    }
    return out;
  }

  std::unique_ptr<PeerRules> rulesFor(std::string_view curveKeyZ85, Origin peerOrigin) override {
    auto raw = rawOfZ85Key(curveKeyZ85);
    auto state = state_();
    if (!raw || !state->book.inDeployment()) return nullptr;
    const bool hasAny = std::any_of(state->book.certificates().begin(), state->book.certificates().end(),
                                    [&](const HeldCertificate& h) { return h.certificate.subjectCurveKey == *raw; });
    // A peer paired by hand that never held a certificate is outside the deployment's rules.
    if (!hasAny) return nullptr;
    std::optional<Scope> own;
    if (state->own && *state->own) own = (*state->own)->scope;
    auto grant = state->book.forCurveKey(*raw);
    if (!grant)
      return std::make_unique<ScopedRules>(store_, state, rights_, own, std::nullopt, SigningPublicKey{}, peerOrigin, "peer",
                                           grant.error().message);
    return std::make_unique<ScopedRules>(store_, state, rights_, own, grant->scope,
                                         grant->held.certificate.subjectSigningKey, peerOrigin, nameOf(grant->held),
                                         describeGrant(store_, *grant));
  }

 private:
  Store& store_;
  FederationStateSource state_;
  std::shared_ptr<OwnRights> rights_;
};

}  // namespace

std::shared_ptr<FederationPolicy> makeFederationPolicy(Store& store, FederationStateSource state,
                                                       std::shared_ptr<OwnRights> rights) {
  return std::make_shared<Policy>(store, std::move(state), std::move(rights));
}

}  // namespace unionsync

// The deployment's certificates and revocations as this node holds them (records of kinds
// Certificate and Revocation, which replicate to every node), checked against the root key:
// who holds a valid certificate, for which scope and role, and why a key holds none.
//
// Contract:
// - A GrantBook is an immutable snapshot: load() reads the records once and verifies every
//   chain at `nowMs`; callers reload when records arrive or time passes (expiry).
// - Certificate records are content-addressed (the record id is certificateRecordId of the
//   bytes) and never change, so a peer can replay an old certificate but never alter one:
//   of several valid certificates of one key, the latest issued counts.
// - A revocation counts when the root signed it, or the issuer of a certificate of the
//   revoked key; it revokes every certificate of that key and, through the chain check,
//   every certificate that key issued.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/federation/scope_rules.h"
#include "store/store.h"
#include "sync/certificate.h"

namespace unionsync {

// The id of the record holding `certificateBytes` / `revocationBytes` (BLAKE2b, 16 bytes).
RecordId certificateRecordId(std::string_view certificateBytes);
RecordId revocationRecordId(std::string_view revocationBytes);

RecordId originClaimRecordId(std::string_view claimBytes);

std::string hexOfKey(const SigningPublicKey& key);
// Empty unless `text` is 64 hex digits.
std::optional<SigningPublicKey> signingKeyOfHex(std::string_view text);

struct HeldCertificate {
  Certificate certificate;
  RecordId recordId;
  std::string name;     // what the issuer called the node (advisory, not signed)
  std::string address;  // where the issuer reached it (advisory)
};

// Whose an origin is (origin claims, sync/certificate.h): claims count only from keys that
// hold a certificate of this deployment (valid or not), so an outsider cannot dispute one.
// When several keys claim one origin, the one whose valid scope strictly covers all the
// others' keeps it; without such a key the origin is Disputed.
struct OriginOwner {
  enum State : std::uint8_t { Unclaimed, Claimed, Disputed } state = Unclaimed;
  SigningPublicKey key{};  // when Claimed

  bool operator==(const OriginOwner&) const = default;
};

// A key's certificate that verifies from the root down.
struct ValidGrant {
  HeldCertificate held;
  std::vector<Certificate> chain;  // from the root's first certificate down to held's
  Scope scope;
  bool isRoot = false;  // the root itself (its own certificate, scope the whole tree)
};

class GrantBook {
 public:
  // Reads every certificate and revocation of `store` and checks them against `root` (none:
  // the node is in no deployment, nothing is valid) at `nowMs`.
  static GrantBook load(const Store& store, const std::optional<SigningPublicKey>& root, std::int64_t nowMs);

  const std::optional<SigningPublicKey>& root() const { return root_; }
  bool inDeployment() const { return root_.has_value(); }

  // The valid grant of a signing key, or why there is none (revoked, expired, a broken
  // chain, no certificate), naming the reason in Chinese and English.
  Result<ValidGrant> forSigningKey(const SigningPublicKey& key) const;
  Result<ValidGrant> forCurveKey(const std::array<std::uint8_t, 32>& curveKey) const;
  // A key that some revocation revokes.
  bool revoked(const SigningPublicKey& key) const;

  // Every certificate held, valid or not, in record id order.
  const std::vector<HeldCertificate>& certificates() const { return certificates_; }
  // The key that claimed `origin` (see OriginOwner); Unclaimed when none did.
  OriginOwner ownerOf(Origin origin) const;

  // Certificates whose subject is `key` (any validity), latest issued first.
  std::vector<const HeldCertificate*> certificatesOf(const SigningPublicKey& key) const;

 private:
  std::optional<SigningPublicKey> root_;
  std::vector<HeldCertificate> certificates_;
  std::vector<Revocation> revocations_;
  std::map<Origin, std::set<SigningPublicKey>> claimants_;
  std::map<Origin, OriginOwner> origins_;
  std::map<SigningPublicKey, Result<ValidGrant>> grants_;  // by subject signing key

  OriginOwner settleClaim(const std::set<SigningPublicKey>& keys, const RecordLookup& lookup) const;
  Result<ValidGrant> resolve(const SigningPublicKey& key, const ChainContext& context, std::size_t depth);
};

}  // namespace unionsync

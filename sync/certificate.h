// Federation certificates (DESIGN.md "Federation"; first piece of the federation work): a
// signed statement that a node — its Ed25519 signing key, CURVE key and node id — serves an
// organization's subtree (the scope) in a role, issued by the deployment's root or by a node
// whose own certificate allows delegation.
//
// This file is only the format and the checks: encoding, signing, and verifying a chain from
// the root down. Admission, write rights and replication use it in later steps.
//
// Contract:
// - Certificates are plain values; encode() gives a fixed 211-byte canonical form, which is
//   what the issuer signs (all fields but the signature) and what travels and is stored.
// - decode() and verifyChain() never throw on bad input: a wrong length, version, role,
//   signature, issuer, scope, role, delegation or validity window is an Error whose message
//   names the certificate's position in the chain and the reason ("中文 / English").
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

using SigningPublicKey = std::array<std::uint8_t, 32>;  // Ed25519 (libsodium crypto_sign)
using SigningSecretKey = std::array<std::uint8_t, 64>;
using Signature = std::array<std::uint8_t, 64>;

struct SigningKeyPair {
  SigningPublicKey publicKey{};
  SigningSecretKey secretKey{};  // never logged, never sent
};

// A fresh Ed25519 key pair from libsodium's generator.
SigningKeyPair newSigningKeyPair();

enum class CertificateRole : std::uint8_t {
  Office = 1,   // reads and writes its scope
  Capture = 2,  // outreach laptop: new members, check-ins, activities; no members' data
};
// "office" / "capture".
std::string_view certificateRoleName(CertificateRole role);

struct Certificate {
  SigningPublicKey subjectSigningKey{};
  std::array<std::uint8_t, 32> subjectCurveKey{};  // raw CURVE public key (ZAP's form)
  std::array<std::uint8_t, 16> subjectNodeId{};
  RecordId scope;  // the organization whose subtree the subject serves
  CertificateRole role = CertificateRole::Office;
  bool mayDelegate = false;   // may certify nodes inside its scope (office only)
  std::int64_t issuedMs = 0;  // valid from issuedMs to expiresMs inclusive
  std::int64_t expiresMs = 0;
  SigningPublicKey issuerSigningKey{};
  Signature signature{};
};

constexpr std::size_t kCertificateSize = 211;

// Fills issuerSigningKey and signature of `certificate` with `issuer`'s key.
Certificate signCertificate(Certificate certificate, const SigningKeyPair& issuer);

// The canonical form (kCertificateSize bytes) and back. decode fails on any other length,
// an unknown format version or role, or delegation granted to a capture role.
std::string encodeCertificate(const Certificate& certificate);
Result<Certificate> decodeCertificate(std::string_view bytes);

// A signed statement that a node's signing key no longer holds any certificate. Issued by the
// deployment root or by a node that issued a certificate to that key (the store's caller
// decides which issuers count); 137 bytes in canonical form.
struct Revocation {
  SigningPublicKey revokedKey{};
  std::int64_t issuedMs = 0;
  SigningPublicKey issuerSigningKey{};
  Signature signature{};
};

constexpr std::size_t kRevocationSize = 137;

Revocation signRevocation(Revocation revocation, const SigningKeyPair& issuer);
std::string encodeRevocation(const Revocation& revocation);
// Fails on another length or format version, or a signature that does not verify with the
// revocation's own issuer key (a revocation is checked where it is decoded).
Result<Revocation> decodeRevocation(std::string_view bytes);
// A node's signed statement that an origin (one epoch of its store) is its own, so receivers
// know whose key must have signed a change of that origin (DESIGN.md "Federation", signed
// origins). 113 bytes in canonical form.
struct OriginClaim {
  Origin origin = 0;
  std::int64_t issuedMs = 0;
  SigningPublicKey signingKey{};  // the claimant, who signs the claim
  Signature signature{};
};
constexpr std::size_t kOriginClaimSize = 113;
OriginClaim signOriginClaim(OriginClaim claim, const SigningKeyPair& key);
std::string encodeOriginClaim(const OriginClaim& claim);
// Fails on another length or format version, a zero origin, or a signature that does not
// verify with the claim's own key.
Result<OriginClaim> decodeOriginClaim(std::string_view bytes);

// The origin's signature of a change digest (store/change_signature.h changeDigest), and its
// check. Domain-separated from certificates, revocations and claims.
Signature signChangeDigest(const std::array<std::uint8_t, 32>& digest, const SigningKeyPair& key);
bool changeSignatureVerifies(const std::array<std::uint8_t, 32>& digest, const Signature& signature,
                             const SigningPublicKey& key);

// Whether the certificate's signature verifies with its own issuer key (not the chain).
bool signatureVerifies(const Certificate& certificate);

// What a chain is checked against.
struct ChainContext {
  SigningPublicKey rootKey{};  // the deployment root's signing key
  std::int64_t nowMs = 0;
  // True when organization `inner` is `outer` or lies below it in the union tree.
  std::function<bool(const RecordId& inner, const RecordId& outer)> within;
  // True when the signing key has been revoked (may be empty: nothing revoked).
  std::function<bool(const SigningPublicKey& key)> revoked;
};

// Longest chain accepted: root -> district -> street -> community laptop fits with room.
constexpr std::size_t kMaxChainLength = 6;

// Checks `chain` (the root's certificate first, the subject's last): every signature; the
// first issued by the root key, each further one by the previous subject's key; each issuer
// certificate allows delegation (so a capture role never issues) and its scope covers the
// next one's; every certificate is inside
// its validity window at nowMs and none expires after its issuer's; no key is revoked.
// Returns the last certificate (the subject's) when all hold.
Result<Certificate> verifyChain(std::span<const Certificate> chain, const ChainContext& context);

}  // namespace unionsync

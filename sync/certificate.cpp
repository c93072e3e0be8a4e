#include "sync/certificate.h"

#include <sodium.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace unionsync {

namespace {

constexpr std::uint8_t kFormatVersion = 1;
constexpr std::size_t kSignedSize = kCertificateSize - sizeof(Signature);
// Domain separation: these bytes are signed before the certificate, so a signature made for
// a certificate can never be presented as a signature of a change or of anything else.
constexpr std::string_view kSignatureContext = "unionsync certificate v1";
constexpr std::string_view kRevocationContext = "unionsync revocation v1";
constexpr std::size_t kRevocationSignedSize = kRevocationSize - sizeof(Signature);
constexpr std::string_view kOriginClaimContext = "unionsync origin claim v1";
constexpr std::size_t kOriginClaimSignedSize = kOriginClaimSize - sizeof(Signature);
constexpr std::string_view kChangeContext = "unionsync change signature v1";

void putI64(std::string& out, std::int64_t value) {
  const auto v = static_cast<std::uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift & 0xFF));
}

std::int64_t getI64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return static_cast<std::int64_t>(v);
}

template <std::size_t N>
void putBytes(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

template <std::size_t N>
void getBytes(const unsigned char*& p, std::array<std::uint8_t, N>& bytes) {
  std::memcpy(bytes.data(), p, N);
  p += N;
}

std::string signedMessage(const std::string& encoded) {
  return std::string(kSignatureContext) + encoded.substr(0, kSignedSize);
}

std::string signedRevocationMessage(const std::string& encoded) {
  return std::string(kRevocationContext) + encoded.substr(0, kRevocationSignedSize);
}

std::string signedClaimMessage(const std::string& encoded) {
  return std::string(kOriginClaimContext) + encoded.substr(0, kOriginClaimSignedSize);
}

std::string signedChangeMessage(const std::array<std::uint8_t, 32>& digest) {
  return std::string(kChangeContext) + std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

Signature sign(const std::string& message, const SigningKeyPair& key) {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secretKey.data());
  return signature;
}

bool verifies(const Signature& signature, const std::string& message, const SigningPublicKey& key) {
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

Error chainError(std::size_t position, std::string_view zh, std::string_view en) {
  return Error{fmt::format("证书链第{}张：{} / certificate {} of the chain: {}", position + 1, zh, position + 1, en)};
}

}  // namespace

SigningKeyPair newSigningKeyPair() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  SigningKeyPair pair;
  crypto_sign_keypair(pair.publicKey.data(), pair.secretKey.data());
  return pair;
}

std::string_view certificateRoleName(CertificateRole role) {
  return role == CertificateRole::Capture ? "capture" : "office";
}

std::string encodeCertificate(const Certificate& c) {
  std::string out;
  out.reserve(kCertificateSize);
  out.push_back(static_cast<char>(kFormatVersion));
  putBytes(out, c.subjectSigningKey);
  putBytes(out, c.subjectCurveKey);
  putBytes(out, c.subjectNodeId);
  putBytes(out, c.scope.bytes);
  out.push_back(static_cast<char>(c.role));
  out.push_back(c.mayDelegate ? 1 : 0);
  putI64(out, c.issuedMs);
  putI64(out, c.expiresMs);
  putBytes(out, c.issuerSigningKey);
  putBytes(out, c.signature);
  return out;
}

Result<Certificate> decodeCertificate(std::string_view bytes) {
  if (bytes.size() != kCertificateSize)
    return std::unexpected(Error{fmt::format("证书长度应为{}字节，实为{} / a certificate has {} bytes, got {}",
                                             kCertificateSize, bytes.size(), kCertificateSize, bytes.size())});
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (*p++ != kFormatVersion)
    return std::unexpected(Error{"证书格式版本未知，请升级程序 / unknown certificate format version: upgrade unionsync"});
  Certificate c;
  getBytes(p, c.subjectSigningKey);
  getBytes(p, c.subjectCurveKey);
  getBytes(p, c.subjectNodeId);
  getBytes(p, c.scope.bytes);
  const std::uint8_t role = *p++;
  if (role != static_cast<std::uint8_t>(CertificateRole::Office) && role != static_cast<std::uint8_t>(CertificateRole::Capture))
    return std::unexpected(Error{fmt::format("证书角色未知（{}）/ unknown certificate role {}", role, role)});
  c.role = static_cast<CertificateRole>(role);
  const std::uint8_t delegate = *p++;
  if (delegate > 1) return std::unexpected(Error{"证书的委托标记无效 / invalid delegation flag in certificate"});
  c.mayDelegate = delegate == 1;
  if (c.mayDelegate && c.role == CertificateRole::Capture)
    return std::unexpected(Error{"外展采集证书不能授权其他节点 / a capture certificate cannot allow delegation"});
  c.issuedMs = getI64(p);
  c.expiresMs = getI64(p + 8);
  p += 16;
  getBytes(p, c.issuerSigningKey);
  getBytes(p, c.signature);
  return c;
}

Certificate signCertificate(Certificate certificate, const SigningKeyPair& issuer) {
  certificate.issuerSigningKey = issuer.publicKey;
  certificate.signature = sign(signedMessage(encodeCertificate(certificate)), issuer);
  return certificate;
}

bool signatureVerifies(const Certificate& c) {
  return verifies(c.signature, signedMessage(encodeCertificate(c)), c.issuerSigningKey);
}

Revocation signRevocation(Revocation revocation, const SigningKeyPair& issuer) {
  revocation.issuerSigningKey = issuer.publicKey;
  revocation.signature = sign(signedRevocationMessage(encodeRevocation(revocation)), issuer);
  return revocation;
}

std::string encodeRevocation(const Revocation& r) {
  std::string out;
  out.reserve(kRevocationSize);
  out.push_back(static_cast<char>(kFormatVersion));
  putBytes(out, r.revokedKey);
  putI64(out, r.issuedMs);
  putBytes(out, r.issuerSigningKey);
  putBytes(out, r.signature);
  return out;
}

Result<Revocation> decodeRevocation(std::string_view bytes) {
  if (bytes.size() != kRevocationSize)
    return std::unexpected(Error{fmt::format("吊销记录长度应为{}字节，实为{} / a revocation has {} bytes, got {}",
                                             kRevocationSize, bytes.size(), kRevocationSize, bytes.size())});
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (*p++ != kFormatVersion)
    return std::unexpected(Error{"吊销记录格式版本未知，请升级程序 / unknown revocation format version: upgrade unionsync"});
  Revocation r;
  getBytes(p, r.revokedKey);
  r.issuedMs = getI64(p);
  p += 8;
  getBytes(p, r.issuerSigningKey);
  getBytes(p, r.signature);
  if (!verifies(r.signature, signedRevocationMessage(std::string(bytes)), r.issuerSigningKey))
    return std::unexpected(Error{"吊销记录的签名无效 / the revocation's signature does not verify"});
  return r;
}

Result<Certificate> verifyChain(std::span<const Certificate> chain, const ChainContext& context) {
  if (chain.empty()) return std::unexpected(Error{"证书链为空 / the certificate chain is empty"});
  if (chain.size() > kMaxChainLength)
    return std::unexpected(Error{fmt::format("证书链过长（{}张，最多{}张）/ certificate chain too long ({}, at most {})",
                                             chain.size(), kMaxChainLength, chain.size(), kMaxChainLength)});
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const Certificate& c = chain[i];
    const SigningPublicKey& expectedIssuer = i == 0 ? context.rootKey : chain[i - 1].subjectSigningKey;
    if (c.issuerSigningKey != expectedIssuer)
      return std::unexpected(i == 0 ? chainError(i, "不是本部署的根节点签发的", "not issued by this deployment's root")
                                    : chainError(i, "签发者不是上一张证书的节点", "not issued by the node of the certificate before it"));
    if (!signatureVerifies(c))
      return std::unexpected(chainError(i, "签名无效（证书被改动或伪造）", "bad signature (altered or forged)"));
    if (context.revoked && context.revoked(c.subjectSigningKey))
      return std::unexpected(chainError(i, "该节点的证书已被吊销", "the node's certificate has been revoked"));
    if (context.nowMs < c.issuedMs) return std::unexpected(chainError(i, "尚未生效", "not valid yet"));
    if (context.nowMs > c.expiresMs) return std::unexpected(chainError(i, "已过期", "expired"));
    if (i == 0) continue;
    const Certificate& issuer = chain[i - 1];
    if (!issuer.mayDelegate)
      return std::unexpected(chainError(i, "签发者的证书不允许授权", "its issuer's certificate does not allow delegation"));
    if (!context.within || !context.within(c.scope, issuer.scope))
      return std::unexpected(chainError(i, "范围超出签发者的范围", "its scope lies outside its issuer's scope"));
    if (c.expiresMs > issuer.expiresMs)
      return std::unexpected(chainError(i, "有效期长于签发者的证书", "it outlives its issuer's certificate"));
  }
  return chain.back();
}

OriginClaim signOriginClaim(OriginClaim claim, const SigningKeyPair& key) {
  claim.signingKey = key.publicKey;
  claim.signature = sign(signedClaimMessage(encodeOriginClaim(claim)), key);
  return claim;
}

std::string encodeOriginClaim(const OriginClaim& c) {
  std::string out;
  out.reserve(kOriginClaimSize);
  out.push_back(static_cast<char>(kFormatVersion));
  putI64(out, static_cast<std::int64_t>(c.origin));
  putI64(out, c.issuedMs);
  putBytes(out, c.signingKey);
  putBytes(out, c.signature);
  return out;
}

Result<OriginClaim> decodeOriginClaim(std::string_view bytes) {
  if (bytes.size() != kOriginClaimSize)
    return std::unexpected(Error{fmt::format("来源声明长度应为{}字节，实为{} / an origin claim has {} bytes, got {}",
                                             kOriginClaimSize, bytes.size(), kOriginClaimSize, bytes.size())});
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (*p++ != kFormatVersion)
    return std::unexpected(Error{"来源声明格式版本未知，请升级程序 / unknown origin claim format version: upgrade unionsync"});
  OriginClaim c;
  c.origin = static_cast<Origin>(getI64(p));
  p += 8;
  c.issuedMs = getI64(p);
  p += 8;
  getBytes(p, c.signingKey);
  getBytes(p, c.signature);
  if (c.origin == 0) return std::unexpected(Error{"来源声明的来源为零 / an origin claim names origin zero"});
  if (!verifies(c.signature, signedClaimMessage(std::string(bytes)), c.signingKey))
    return std::unexpected(Error{"来源声明的签名无效 / the origin claim's signature does not verify"});
  return c;
}

Signature signChangeDigest(const std::array<std::uint8_t, 32>& digest, const SigningKeyPair& key) {
  return sign(signedChangeMessage(digest), key);
}

bool changeSignatureVerifies(const std::array<std::uint8_t, 32>& digest, const Signature& signature,
                             const SigningPublicKey& key) {
  return verifies(signature, signedChangeMessage(digest), key);
}

}  // namespace unionsync

#include "sync/certificate.h"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

using namespace unionsync;

namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;  // 2026-09
constexpr std::int64_t kDay = 86'400'000;

RecordId org(std::uint8_t n) {
  RecordId id;
  id.bytes[15] = n;
  return id;
}

// A small union tree: 1 district > 2 street > 3 community; 4 is another district.
bool within(const RecordId& inner, const RecordId& outer) {
  static const std::map<std::uint8_t, std::uint8_t> parent{{2, 1}, {3, 2}};
  for (std::uint8_t at = inner.bytes[15];;) {
    if (at == outer.bytes[15]) return true;
    auto up = parent.find(at);
    if (up == parent.end()) return false;
    at = up->second;
  }
}

Certificate certFor(const SigningKeyPair& subject, RecordId scope, CertificateRole role, bool mayDelegate,
                    std::int64_t expiresMs = kNow + 365 * kDay) {
  Certificate c;
  c.subjectSigningKey = subject.publicKey;
  c.subjectCurveKey[0] = 7;
  c.subjectNodeId[0] = 9;
  c.scope = scope;
  c.role = role;
  c.mayDelegate = mayDelegate;
  c.issuedMs = kNow - kDay;
  c.expiresMs = expiresMs;
  return c;
}

struct Federation {
  SigningKeyPair root = newSigningKeyPair();
  SigningKeyPair district = newSigningKeyPair();
  SigningKeyPair street = newSigningKeyPair();
  SigningKeyPair laptop = newSigningKeyPair();
  std::vector<Certificate> chain() const {
    return {signCertificate(certFor(district, org(1), CertificateRole::Office, true), root),
            signCertificate(certFor(street, org(2), CertificateRole::Office, true), district),
            signCertificate(certFor(laptop, org(3), CertificateRole::Capture, false), street)};
  }
  ChainContext context() const { return {root.publicKey, kNow, within, {}}; }
};

std::string refusal(const std::vector<Certificate>& chain, const ChainContext& context) {
  auto verified = verifyChain(chain, context);
  return verified ? std::string("accepted") : verified.error().message;
}

}  // namespace

TEST_CASE("certificate: encodes to its fixed size and back, field by field") {
  Federation f;
  const Certificate c = f.chain()[2];
  const std::string bytes = encodeCertificate(c);
  CHECK(bytes.size() == kCertificateSize);
  auto back = decodeCertificate(bytes);
  REQUIRE(back);
  CHECK(encodeCertificate(*back) == bytes);
  CHECK(back->scope == org(3));
  CHECK(back->role == CertificateRole::Capture);
  CHECK(back->issuerSigningKey == f.street.publicKey);
  CHECK(back->expiresMs == c.expiresMs);
}

TEST_CASE("certificate: malformed bytes are refused with a reason") {
  Federation f;
  std::string bytes = encodeCertificate(f.chain()[0]);
  CHECK_FALSE(decodeCertificate(bytes.substr(1)));
  CHECK_FALSE(decodeCertificate(bytes + "x"));
  std::string version = bytes;
  version[0] = 2;
  CHECK(decodeCertificate(version).error().message.find("version") != std::string::npos);
  std::string role = bytes;
  role[1 + 32 + 32 + 16 + 16] = 3;
  CHECK(decodeCertificate(role).error().message.find("role") != std::string::npos);
  std::string captureDelegates = encodeCertificate(f.chain()[2]);
  captureDelegates[1 + 32 + 32 + 16 + 16 + 1] = 1;
  CHECK(decodeCertificate(captureDelegates).error().message.find("delegation") != std::string::npos);
}

TEST_CASE("certificate chain: root -> district -> street -> laptop verifies and yields the laptop") {
  Federation f;
  auto verified = verifyChain(f.chain(), f.context());
  REQUIRE(verified);
  CHECK(verified->subjectSigningKey == f.laptop.publicKey);
  CHECK(verified->role == CertificateRole::Capture);
}

TEST_CASE("certificate chain: every broken link is refused, naming the certificate and the reason") {
  Federation f;
  SUBCASE("another deployment's root") {
    ChainContext other = f.context();
    other.rootKey = newSigningKeyPair().publicKey;
    CHECK(refusal(f.chain(), other).find("certificate 1 of the chain: not issued by this deployment's root") != std::string::npos);
  }
  SUBCASE("a changed scope breaks the signature") {
    auto chain = f.chain();
    chain[2].scope = org(1);  // the laptop claims the whole district
    CHECK(refusal(chain, f.context()).find("certificate 3 of the chain: bad signature") != std::string::npos);
  }
  SUBCASE("a changed role breaks the signature") {
    auto chain = f.chain();
    chain[2].role = CertificateRole::Office;
    CHECK(refusal(chain, f.context()).find("bad signature") != std::string::npos);
  }
  SUBCASE("a link left out") {
    auto chain = f.chain();
    chain.erase(chain.begin() + 1);
    CHECK(refusal(chain, f.context()).find("certificate 2 of the chain: not issued by the node of the certificate before it") != std::string::npos);
  }
  SUBCASE("a node without delegation certifies another") {
    auto chain = f.chain();
    chain[1] = signCertificate(certFor(f.street, org(2), CertificateRole::Office, false), f.district);
    chain[2] = signCertificate(certFor(f.laptop, org(3), CertificateRole::Capture, false), f.street);
    CHECK(refusal(chain, f.context()).find("certificate 3 of the chain: its issuer's certificate does not allow delegation") != std::string::npos);
  }
  SUBCASE("a capture laptop certifies another laptop") {
    auto chain = f.chain();
    SigningKeyPair second = newSigningKeyPair();
    chain.push_back(signCertificate(certFor(second, org(3), CertificateRole::Capture, false), f.laptop));
    CHECK(refusal(chain, f.context()).find("certificate 4 of the chain: its issuer's certificate does not allow delegation") != std::string::npos);
  }
  SUBCASE("a street certifies a node of another district") {
    auto chain = f.chain();
    chain[2] = signCertificate(certFor(f.laptop, org(4), CertificateRole::Capture, false), f.street);
    CHECK(refusal(chain, f.context()).find("certificate 3 of the chain: its scope lies outside its issuer's scope") != std::string::npos);
  }
  SUBCASE("a certificate that outlives its issuer's") {
    auto chain = f.chain();
    chain[2] = signCertificate(certFor(f.laptop, org(3), CertificateRole::Capture, false, kNow + 400 * kDay), f.street);
    CHECK(refusal(chain, f.context()).find("outlives its issuer") != std::string::npos);
  }
  SUBCASE("expired and not yet valid") {
    ChainContext later = f.context();
    later.nowMs = kNow + 366 * kDay;
    CHECK(refusal(f.chain(), later).find("certificate 1 of the chain: expired") != std::string::npos);
    ChainContext earlier = f.context();
    earlier.nowMs = kNow - 2 * kDay;
    CHECK(refusal(f.chain(), earlier).find("not valid yet") != std::string::npos);
  }
  SUBCASE("a revoked street cuts off everything it certified") {
    ChainContext context = f.context();
    const SigningPublicKey revokedKey = f.street.publicKey;
    context.revoked = [revokedKey](const SigningPublicKey& key) { return key == revokedKey; };
    CHECK(refusal(f.chain(), context).find("certificate 2 of the chain: the node's certificate has been revoked") != std::string::npos);
  }
  SUBCASE("empty and overlong chains") {
    CHECK(refusal({}, f.context()).find("empty") != std::string::npos);
    std::vector<Certificate> chain(kMaxChainLength + 1, f.chain()[0]);
    CHECK(refusal(chain, f.context()).find("too long") != std::string::npos);
  }
}

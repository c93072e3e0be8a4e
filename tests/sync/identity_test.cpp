// CURVE identity files and fingerprints.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>
#include <regex>
#include <vector>

#include "sync/identity.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

TEST_CASE("identity: created once, secret key mode 0600, stable across loads") {
  TempDir dir;
  auto first = loadOrCreateIdentity(dir.path());
  REQUIRE(first.has_value());
  CHECK(first->publicKey.size() == 40);
  CHECK(isValidPublicKey(first->publicKey));
  struct stat st {};
  REQUIRE(::stat((dir.path() + "/sync/curve.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = loadOrCreateIdentity(dir.path());
  REQUIRE(second.has_value());
  CHECK(second->publicKey == first->publicKey);
  CHECK(second->secretKey == first->secretKey);
  CHECK(second->fingerprint == first->fingerprint);

  TempDir other;
  CHECK(loadOrCreateIdentity(other.path())->publicKey != first->publicKey);
}

TEST_CASE("identity: public keys never start with '-' (a command line would read an option)") {
  // 300 keys: a generator that allowed a leading '-' (1 in 85) would show one with 97% odds.
  for (int i = 0; i < 300; ++i) {
    TempDir dir;
    auto identity = loadOrCreateIdentity(dir.path());
    REQUIRE(identity.has_value());
    REQUIRE(identity->publicKey.front() != '-');
  }
}

TEST_CASE("identity: a corrupt key file is an error, not a crash") {
  TempDir dir;
  REQUIRE(loadOrCreateIdentity(dir.path()).has_value());
  {
    FILE* f = std::fopen((dir.path() + "/sync/curve.key").c_str(), "w");
    std::fputs("not a key\n", f);
    std::fclose(f);
  }
  CHECK_FALSE(loadOrCreateIdentity(dir.path()).has_value());
}

TEST_CASE("fingerprint: 8 groups of 4 readable characters, deterministic, key-dependent") {
  TempDir a, b;
  auto ia = loadOrCreateIdentity(a.path()).value();
  auto ib = loadOrCreateIdentity(b.path()).value();
  std::regex shape("^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$");
  CHECK(std::regex_match(ia.fingerprint, shape));
  CHECK(fingerprintOf(ia.publicKey) == ia.fingerprint);
  CHECK(ia.fingerprint != ib.fingerprint);
  CHECK(fingerprintOf("too short").empty());
  CHECK(fingerprintOf(std::string(40, '"')).empty());  // not Z85
  // Known answer: the fingerprint algorithm must never change silently (users compare them).
  CHECK(fingerprintOf("rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7") == "KB2Y-3S19-C7Z5-7SNC-3CJ4-AR73-EKCV-XXA0");
}

TEST_CASE("z85OfRawKey: only 32-byte keys") {
  CHECK(z85OfRawKey(std::string(32, '\0')).size() == 40);
  CHECK(z85OfRawKey("short").empty());
}

TEST_CASE("signing key: created once (mode 0600), stable across loads, signs what verifies") {
  TempDir dir;
  auto first = loadOrCreateSigningKey(dir.path());
  REQUIRE(first.has_value());
  struct stat st {};
  REQUIRE(::stat((dir.path() + "/sync/sign.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = loadOrCreateSigningKey(dir.path());
  REQUIRE(second.has_value());
  CHECK(second->publicKey == first->publicKey);
  CHECK(second->secretKey == first->secretKey);
  TempDir other;
  CHECK(loadOrCreateSigningKey(other.path())->publicKey != first->publicKey);

  // The loaded key is a working pair: a certificate it signs verifies against its public key.
  Certificate c;
  c.expiresMs = 2;
  c.issuedMs = 1;
  ChainContext context{first->publicKey, 1, [](const RecordId&, const RecordId&) { return true; }, {}};
  CHECK(verifyChain(std::vector{signCertificate(c, *second)}, context).has_value());
}

TEST_CASE("signing key: a corrupt or truncated key file is an error naming the file") {
  TempDir dir;
  REQUIRE(loadOrCreateSigningKey(dir.path()).has_value());
  for (const char* text : {"not a key\n", "00ff\n", ""}) {
    FILE* f = std::fopen((dir.path() + "/sync/sign.key").c_str(), "w");
    std::fputs(text, f);
    std::fclose(f);
    auto loaded = loadOrCreateSigningKey(dir.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.find("sign.key") != std::string::npos);
  }
}

TEST_CASE("root key: none until adopted, the first writer wins, a truncated or garbled file is named") {
  TempDir dir;
  CHECK_FALSE(loadRootKey(dir.path())->has_value());
  SigningPublicKey first{};
  first.fill(7);
  SigningPublicKey second{};
  second.fill(9);
  CHECK(adoptRootKey(dir.path(), first).value() == first);
  CHECK(adoptRootKey(dir.path(), second).value() == first);  // a later adoption never replaces it
  CHECK(loadRootKey(dir.path())->value() == first);
  for (const char* broken : {"0707", "zz07070707070707070707070707070707070707070707070707070707070707"}) {
    FILE* f = std::fopen((dir.path() + "/sync/root.pub").c_str(), "w");
    REQUIRE(f);
    std::fputs(broken, f);
    std::fclose(f);
    auto loaded = loadRootKey(dir.path());
    REQUIRE_FALSE(loaded.has_value());
    CHECK(loaded.error().message.find("root.pub") != std::string::npos);
  }
}

// The node's long-term CURVE identity and its human-comparable fingerprint, and its signing
// key.
//
// Contract:
// - Keys live in <dataDir>/sync/: `curve.key` (secret key, Z85, file mode 0600) and
//   `curve.pub` (public key, Z85). They are created at first use; creation is race-free
//   between processes (the first writer wins, everyone reads the same pair).
// - A public key is shown as Z85 text (40 characters), as libzmq's CURVE options take it.
// - The fingerprint is 8 groups of 4 characters ("K7QF-2M9X-...", 160 bits of BLAKE2b of the
//   raw public key, Crockford base32 without I/L/O/U): short enough to read aloud or compare
//   on two screens, long enough that nobody can make a key with the same fingerprint.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"
#include "sync/certificate.h"

namespace unionsync {

struct Identity {
  std::string publicKey;  // Z85, 40 characters
  std::string secretKey;  // Z85, 40 characters; never logged, never sent
  std::string fingerprint;
};

// <dataDir>/sync, created (mode 0700) when missing.
Result<std::string> syncDirectory(const std::string& dataDir);

// Loads the key pair from <dataDir>/sync, creating it on first use.
Result<Identity> loadOrCreateIdentity(const std::string& dataDir);

// The node's Ed25519 signing key (federation certificates, signed changes), from
// <dataDir>/sync/sign.key (the 32-byte seed as 64 hex digits, mode 0600), created on first
// use as race-free as the CURVE key. Fails on an unreadable or corrupt file, naming it.
Result<SigningKeyPair> loadOrCreateSigningKey(const std::string& dataDir);

// The signing key of the deployment root this node answers to (DESIGN.md "Federation"), in
// <dataDir>/sync/root.pub (64 hex digits). Empty while the node is in no deployment.
// Fails on an unreadable or corrupt file, naming it.
Result<std::optional<SigningPublicKey>> loadRootKey(const std::string& dataDir);
// Records `key` as the root unless one is recorded already (race-free: the first writer wins);
// returns the root now on disk, which may be another key than `key`.
Result<SigningPublicKey> adoptRootKey(const std::string& dataDir, const SigningPublicKey& key);

// True for 40 Z85 characters that decode to 32 bytes.
bool isValidPublicKey(std::string_view z85);

// Fingerprint of a Z85 public key; empty when the key is not valid.
std::string fingerprintOf(std::string_view publicKeyZ85);

// The 32 raw bytes of a Z85 public key; empty when it is not valid.
std::optional<std::array<std::uint8_t, 32>> rawOfZ85Key(std::string_view z85);

// Z85 of 32 raw key bytes (as a ZAP request carries them); empty if `raw` is not 32 bytes.
std::string z85OfRawKey(std::string_view raw);

}  // namespace unionsync

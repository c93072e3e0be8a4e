// The node code: what a node shows (`peer key`) so that an issuing node can certify it with
// `grant CODE`. It carries the three things a certificate binds — the CURVE key, the signing
// key and the node id — and a checksum, so a mistyped or cut code is refused, not certified.
//
// Form: "usn1-" then 168 hex digits: CURVE key (32 bytes), signing key (32), node id (16),
// BLAKE2b checksum (4). Spaces and line breaks inside the code are ignored (it is long and gets
// wrapped in messages and e-mails).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "store/types.h"
#include "sync/certificate.h"

namespace unionsync {

struct NodeCode {
  std::array<std::uint8_t, 32> curveKey{};
  SigningPublicKey signingKey{};
  std::array<std::uint8_t, 16> nodeId{};
};

std::string encodeNodeCode(const NodeCode& code);
// Fails naming what is wrong (prefix, length, not hex, checksum) in Chinese and English.
Result<NodeCode> decodeNodeCode(std::string_view text);

}  // namespace unionsync

// What an origin signs of its changes (DESIGN.md "Federation", docs/SYNC.md "Signed origins"),
// and how the signature is kept beside the change.
//
// A change's digest covers its kind, id, origin, seq and HLC and the multiset of its fields'
// leaf hashes (name, value, base). A relay that no longer holds some fields of a change (a
// later write superseded them, or they lost on arrival) keeps their leaf hashes beside the
// signature (ChangeSignature::absent), so the fields it still carries verify on their own:
// digest(carried fields + absent leafs) is the digest the origin signed.
//
// The store keeps and forwards signatures; it never checks them (the application's gate
// does, where the sender is not accountable for the change: sync/peer_rules.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace unionsync {

using ChangeDigest = std::array<std::uint8_t, 32>;

LeafHash leafHash(std::string_view name, std::string_view value, const Stamp& base);
// The digest the origin signs: `change`'s own fields plus the `absent` leafs, in any order.
ChangeDigest changeDigest(const Change& change, const std::vector<LeafHash>& absent);

// The signatures table's value: 64 signature bytes, then 16 bytes per absent leaf. Empty on
// decoding when the length is not 64 + 16n.
std::string encodeSignature(const ChangeSignature& signature);
std::optional<ChangeSignature> decodeSignature(std::string_view bytes);

// `from` without one copy of each leaf of `remove` (a multiset difference).
std::vector<LeafHash> withoutLeafs(std::vector<LeafHash> from, const std::vector<LeafHash>& remove);

}  // namespace unionsync

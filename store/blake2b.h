// BLAKE2b (libsodium's crypto_generichash) with an N-byte output, fed piece by piece: the one
// hash helper behind record digests, range fingerprints, deployment hashes and key
// fingerprints. Not keyed; domain separation is the caller's first update().
#pragma once

#include <sodium.h>

#include <array>
#include <cstddef>
#include <string_view>

namespace unionsync {

template <std::size_t N>
class Blake2b {
  static_assert(N >= crypto_generichash_BYTES_MIN && N <= crypto_generichash_BYTES_MAX);

 public:
  Blake2b() { crypto_generichash_init(&state_, nullptr, 0, N); }
  Blake2b& update(const void* data, std::size_t size) {
    crypto_generichash_update(&state_, static_cast<const unsigned char*>(data), size);
    return *this;
  }
  Blake2b& update(std::string_view bytes) { return update(bytes.data(), bytes.size()); }
  // The digest; the object must not be updated afterwards.
  std::array<unsigned char, N> final() {
    std::array<unsigned char, N> out{};
    crypto_generichash_final(&state_, out.data(), out.size());
    return out;
  }

 private:
  crypto_generichash_state state_;
};

}  // namespace unionsync

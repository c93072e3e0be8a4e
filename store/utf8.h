// The one check of "this is text" for everything that enters the store: local writes,
// imports and changes received from peers.
#pragma once

#include <cstddef>
#include <string_view>

namespace unionsync {

// Offset of the first byte that keeps `text` from being valid UTF-8 without NUL: a NUL byte,
// a stray continuation byte, a truncated, overlong or surrogate sequence, or a code point
// above U+10FFFF. std::string_view::npos when the whole text is valid (the empty text is).
std::size_t invalidTextOffset(std::string_view text);

inline bool isValidText(std::string_view text) {
  return invalidTextOffset(text) == std::string_view::npos;
}

}  // namespace unionsync

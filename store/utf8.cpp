#include "store/utf8.h"

#include <cstdint>
#include <cstring>

namespace unionsync {

namespace {

// The offset of the first ill-formed sequence (or NUL, when `nulIsInvalid`), or npos.
std::size_t firstInvalid(std::string_view text, bool nulIsInvalid) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Most values are ASCII (digits, dates, ids, CSV commas): skip eight bytes at a time
    // while none has its high bit set (and, when NUL counts, none is zero).
    if (size - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes + i, sizeof word);
      const bool anyZero = ((word - 0x0101010101010101u) & ~word & 0x8080808080808080u) != 0;
      if ((word & 0x8080808080808080u) == 0 && !(nulIsInvalid && anyZero)) {
        i += 8;
        continue;
      }
    }
    if (bytes[i] == 0 && nulIsInvalid) return i;
    const std::size_t length = sequenceLength(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

std::size_t sequenceLength(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  const unsigned char lead = *p;
  if (lead < 0x80) return 1;
  // The range the second byte must fall in depends on the lead byte (Unicode table 3-7):
  // the narrowed ranges exclude overlong forms, surrogates and code points past U+10FFFF.
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (text.size() - pos < length) return 0;
  if (p[1] < low || p[1] > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((p[k] & 0xC0) != 0x80) return 0;
  return length;
}

std::optional<char32_t> decodeNext(std::string_view text, std::size_t& pos) {
  const std::size_t length = sequenceLength(text, pos);
  if (length == 0) {
    ++pos;
    return std::nullopt;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
  // The lead byte keeps 7, 5, 4 or 3 bits; each continuation byte 6.
  static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  char32_t cp = p[0] & kLeadMask[length];
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6) | (p[k] & 0x3F);
  pos += length;
  return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return;
  }
  const int n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  char buf[4];
  for (int i = n - 1; i > 0; --i) {
    buf[i] = static_cast<char>(0x80 | (cp & 0x3F));
    cp >>= 6;
  }
  buf[0] = static_cast<char>((n == 2 ? 0xC0 : n == 3 ? 0xE0 : 0xF0) | cp);
  out.append(buf, static_cast<std::size_t>(n));
}

std::size_t boundaryAtOrBefore(std::string_view text, std::size_t at) {
  if (at >= text.size()) return text.size();
  std::size_t end = at;
  for (int backed = 0; backed < 3 && end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80; ++backed) --end;
  return end;
}

std::size_t invalidUtf8Offset(std::string_view text) { return firstInvalid(text, false); }

std::size_t invalidTextOffset(std::string_view text) { return firstInvalid(text, true); }

}  // namespace unionsync

#include "gui/glyph_set.h"

#include <algorithm>

namespace unionsync::gui {

char32_t decodeUtf8(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  const int extra = lead >= 0xF0 && lead <= 0xF4 ? 3 : lead >= 0xE0 && lead < 0xF0 ? 2
                    : lead >= 0xC2 && lead < 0xE0 ? 1 : -1;
  if (extra < 0 || pos + static_cast<std::size_t>(extra) >= text.size()) {
    ++pos;
    return U'\uFFFD';
  }
  char32_t cp = lead & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    const unsigned char c = byte(pos + i);
    if ((c & 0xC0) != 0x80) {
      ++pos;
      return U'\uFFFD';
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++pos;
    return U'\uFFFD';
  }
  pos += static_cast<std::size_t>(extra) + 1;
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

bool hasAstral(std::string_view text) {
  // A four-byte UTF-8 sequence starts with 0xF0-0xF4; nothing else does.
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xF0; });
}

void GlyphSet::addAstral(char32_t cp, std::size_t& added) {
  if (std::find(astral_.begin(), astral_.end(), cp) != astral_.end() || astral_.size() >= kMaxAstral) return;
  astral_.push_back(cp);
  ++added;
}

std::size_t GlyphSet::addText(std::string_view text) {
  std::size_t added = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = decodeUtf8(text, pos);
    if (cp > 0xFFFF) {
      addAstral(cp, added);
    } else if (cp != 0 && !bits_.test(cp)) {
      bits_.set(cp);
      ++added;
    }
  }
  return added;
}

void GlyphSet::addRanges(const std::uint16_t* ranges) {
  for (; ranges[0] != 0; ranges += 2)
    for (std::uint32_t cp = ranges[0]; cp <= ranges[1]; ++cp) bits_.set(cp);
}

void GlyphSet::add(char32_t codePoint) {
  std::size_t added = 0;
  if (codePoint > 0xFFFF) addAstral(codePoint, added);
  else if (codePoint != 0) bits_.set(codePoint);
}

std::size_t GlyphSet::merge(const GlyphSet& other) {
  const std::size_t before = bits_.count();
  bits_ |= other.bits_;
  std::size_t added = bits_.count() - before;
  for (char32_t cp : other.astral_) addAstral(cp, added);
  return added;
}

bool GlyphSet::contains(char32_t codePoint) const {
  if (codePoint > 0xFFFF) return std::find(astral_.begin(), astral_.end(), codePoint) != astral_.end();
  return bits_.test(codePoint);
}

std::vector<std::uint16_t> GlyphSet::ranges() const {
  const std::uint32_t standInEnd = kStandInBase + static_cast<std::uint32_t>(astral_.size());
  auto included = [&](std::uint32_t cp) { return bits_.test(cp) && (cp < kStandInBase || cp >= standInEnd); };
  std::vector<std::uint16_t> out;
  for (std::uint32_t cp = 1; cp < 0x10000; ++cp) {
    if (!included(cp)) continue;
    std::uint32_t last = cp;
    while (last + 1 < 0x10000 && included(last + 1)) ++last;
    out.push_back(static_cast<std::uint16_t>(cp));
    out.push_back(static_cast<std::uint16_t>(last));
    cp = last;
  }
  out.push_back(0);
  return out;
}

std::string GlyphSet::displayable(std::string_view text) const {
  if (astral_.empty() || !hasAstral(text)) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t cp = decodeUtf8(text, pos);
    auto it = cp > 0xFFFF ? std::find(astral_.begin(), astral_.end(), cp) : astral_.end();
    if (it != astral_.end()) appendUtf8(out, kStandInBase + static_cast<char32_t>(it - astral_.begin()));
    else out.append(text.substr(start, pos - start));
  }
  return out;
}

}  // namespace unionsync::gui

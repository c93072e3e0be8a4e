#include "gui/glyph_set.h"

#include <algorithm>

#include "app/model/text.h"

namespace unionsync::gui {

// The program's one walker (app/model/text.h); the GUI shows a damaged byte as U+FFFD.
char32_t decodeUtf8(std::string_view text, std::size_t& pos) { return text::decodeNext(text, pos).value_or(U'\uFFFD'); }

void appendUtf8(std::string& out, char32_t cp) { text::appendUtf8(out, cp); }

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

// The set of characters the font atlas must hold.
//
// A fixed "common Chinese" range shows rare surname characters (䶮, 堃, 玥 ...) as '?', so the
// program builds its glyph set from a base range plus every character of the UI strings and
// of the data it displays, and rebuilds the atlas when data brings characters it has not
// seen.
//
// Characters above U+FFFF (CJK extensions B-G, e.g. 𫖯 in names): ImGui 1.86 as built by
// Debian stores glyphs as 16-bit ImWchar, so such a character cannot be drawn under its own
// code point. The set gives each one it sees a stand-in in the Private Use Area (U+E000 on,
// in order of discovery, stable for the life of the set); the font atlas draws the real glyph
// under the stand-in, and displayable() rewrites text for display. Editing such text in an
// ImGui input would lose the character, so forms show it read-only (hasAstral()).
//
// Not thread-safe; cheap to copy (an 8 KiB bitmap), so a worker can build one and hand it over.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace unionsync::gui {

class GlyphSet {
 public:
  // Adds every character of UTF-8 `text` (malformed bytes are skipped). Returns how many
  // characters were not in the set before.
  std::size_t addText(std::string_view text);
  // Adds ImGui-style ranges: pairs of inclusive [first, last] code points ending with 0.
  void addRanges(const std::uint16_t* ranges);
  void add(char32_t codePoint);
  // Adds every character of `other`; returns how many were new.
  std::size_t merge(const GlyphSet& other);

  bool contains(char32_t codePoint) const;
  std::size_t size() const { return bits_.count() + astral_.size(); }
  // Characters above U+FFFF seen, in order of discovery; astral()[i] is drawn as U+E000 + i.
  const std::vector<char32_t>& astral() const { return astral_; }
  static constexpr char32_t kStandInBase = 0xE000;
  static constexpr std::size_t kMaxAstral = 0x1900;  // the Private Use Area's size

  // The set as ImGui glyph ranges: sorted, merged [first, last] pairs, ending with 0. U+0000
  // is never included (it terminates the list); the stand-ins are not included either (the
  // atlas adds them as custom glyphs).
  std::vector<std::uint16_t> ranges() const;

  // `text` with every known character above U+FFFF replaced by its stand-in.
  std::string displayable(std::string_view text) const;

 private:
  void addAstral(char32_t codePoint, std::size_t& added);

  std::bitset<0x10000> bits_;
  std::vector<char32_t> astral_;
};

// Decodes one UTF-8 character at `pos` and advances `pos`; returns U+FFFD for a malformed
// sequence (consuming one byte).
char32_t decodeUtf8(std::string_view text, std::size_t& pos);
void appendUtf8(std::string& out, char32_t codePoint);
// True when `text` holds a character above U+FFFF (which an ImGui input cannot keep).
bool hasAstral(std::string_view text);

}  // namespace unionsync::gui

#include "gui/font_file.h"

#include <stb_truetype.h>

#include <fstream>
#include <sstream>

namespace unionsync::gui {

std::optional<FontFile> FontFile::loadSystemFont() {
  struct Candidate {
    const char* path;
    int face;
  };
  // Face 2 of Noto Sans CJK is Simplified Chinese (glyph shapes as used on the mainland).
  static constexpr Candidate kFonts[] = {
      {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2},
      {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0},
  };
  for (const Candidate& c : kFonts)
    if (auto font = load(c.path, c.face)) return font;
  return std::nullopt;
}

std::optional<FontFile> FontFile::load(const std::string& path, int face) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  FontFile font;
  font.path_ = path;
  font.face_ = face;
  font.bytes_ = std::make_shared<std::string>(std::move(bytes).str());
  font.info_ = std::make_shared<stbtt_fontinfo>();
  const auto* data = reinterpret_cast<const unsigned char*>(font.bytes_->data());
  const int offset = stbtt_GetFontOffsetForIndex(data, face);
  if (offset < 0 || !stbtt_InitFont(font.info_.get(), data, offset)) return std::nullopt;
  return font;
}

bool FontFile::has(char32_t codePoint) const {
  return stbtt_FindGlyphIndex(info_.get(), static_cast<int>(codePoint)) != 0;
}

}  // namespace unionsync::gui

// The font atlas: a CJK system font with exactly the glyphs the program needs (see
// glyph_set.h), rebuilt before a frame when text with new characters has been noted.
//
// Must be used on the UI thread between ImGui frames (never inside NewFrame/Render).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gui/font_file.h"
#include "gui/glyph_set.h"

struct ImFont;

namespace unionsync::gui {

class Fonts {
 public:
  // Finds a system CJK font (Noto Sans CJK SC, then WenQuanYi Micro Hei) and builds the
  // atlas for `glyphs` plus ImGui's common Chinese range. Fails when no font is installed.
  bool init(GlyphSet& glyphs, std::string& error);
  // Rebuilds the atlas and its texture when `glyphs` grew since the last build. Returns true
  // when it rebuilt.
  bool update(const GlyphSet& glyphs);
  // Creates the OpenGL texture of the atlas (after the OpenGL backend is initialised).
  void upload();

  // The font for titles and figures; changes when the atlas is rebuilt.
  ImFont* large() const { return large_; }

 private:
  struct AstralGlyph {
    int rect;   // custom rectangle of the atlas
    int glyph;  // glyph index in the font
    float scale;
  };
  void build(const GlyphSet& glyphs);
  std::vector<AstralGlyph> reserveAstral(const GlyphSet& glyphs);
  void drawAstral(const std::vector<AstralGlyph>& glyphs);

  std::optional<FontFile> font_;  // kept so rebuilds do not read the file again
  std::size_t builtSize_ = 0;
  GlyphSet largeGlyphs_;
  ImFont* regular_ = nullptr;
  ImFont* large_ = nullptr;
};

}  // namespace unionsync::gui

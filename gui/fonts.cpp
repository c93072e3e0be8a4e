#include "gui/fonts.h"

#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_truetype.h>
#include <GL/gl.h>

#include <cstdint>
#include <cmath>

#include "gui/i18n.h"

namespace unionsync::gui {

namespace {

constexpr float kRegularSize = 18.0f;
constexpr float kLargeSize = 30.0f;

}  // namespace

bool Fonts::init(GlyphSet& glyphs, std::string& error) {
  font_ = FontFile::loadSystemFont();
  if (!font_) {
    error = "找不到中文字体：请安装 fonts-noto-cjk 或 fonts-wqy-microhei / no Chinese font found: install fonts-noto-cjk or fonts-wqy-microhei";
    return false;
  }
  ImGuiIO& io = ImGui::GetIO();
  glyphs.addRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
  glyphs.addText("…—–·•✓×±≥≤←→↑↓▲▼°％");
  // Every UI string in both languages, so switching language never needs a rebuild. The large
  // font (figures, titles) only ever shows UI strings, digits and signs.
  for (const TextEntry& e : textTable()) {
    glyphs.addText(e.zh);
    glyphs.addText(e.en);
    largeGlyphs_.addText(e.zh);
    largeGlyphs_.addText(e.en);
  }
  for (const ChoiceName& c : choiceTable()) {
    glyphs.addText(c.zh);
    glyphs.addText(c.en);
  }
  largeGlyphs_.addRanges(io.Fonts->GetGlyphRangesDefault());
  build(glyphs);
  return true;
}

bool Fonts::update(const GlyphSet& glyphs) {
  if (glyphs.size() == builtSize_) return false;
  build(glyphs);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  upload();
  return true;
}

void Fonts::upload() {
  ImGui_ImplOpenGL3_CreateFontsTexture();
  // Glyphs are rasterised at their display size and drawn on whole pixels (no oversampling,
  // PixelSnapH), so nearest sampling gives the same picture as the backend's bilinear one at a
  // quarter of the texture reads: it matters under software GL.
  const auto texture = static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(ImGui::GetIO().Fonts->TexID));
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
}

void Fonts::build(const GlyphSet& glyphs) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  // ImGui keeps pointers to the ranges until the atlas is built.
  const std::vector<std::uint16_t> ranges = glyphs.ranges();
  const std::vector<std::uint16_t> largeRanges = largeGlyphs_.ranges();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // font_ lives as long as this object
  config.FontNo = font_->face();
  // CJK glyphs are dense; oversampling would triple the atlas and its build time for little.
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  std::string& bytes = font_->bytes();
  regular_ = atlas->AddFontFromMemoryTTF(bytes.data(), static_cast<int>(bytes.size()), kRegularSize, &config,
                                         reinterpret_cast<const ImWchar*>(ranges.data()));
  large_ = atlas->AddFontFromMemoryTTF(bytes.data(), static_cast<int>(bytes.size()), kLargeSize, &config,
                                       reinterpret_cast<const ImWchar*>(largeRanges.data()));
  const std::vector<AstralGlyph> astral = reserveAstral(glyphs);
  atlas->Build();
  drawAstral(astral);
  builtSize_ = glyphs.size();
}

// Characters above U+FFFF are drawn with stb_truetype (which reads the font's 32-bit cmap)
// into custom rectangles of the atlas, registered under their Private Use Area stand-ins.
std::vector<Fonts::AstralGlyph> Fonts::reserveAstral(const GlyphSet& glyphs) {
  std::vector<AstralGlyph> out;
  const stbtt_fontinfo* info = &font_->info();
  const float scale = stbtt_ScaleForPixelHeight(info, kRegularSize);
  int ascent = 0, descent = 0, gap = 0;
  stbtt_GetFontVMetrics(info, &ascent, &descent, &gap);
  // ImGui places glyphs below a baseline at the rounded-up scaled ascent.
  const float baseline = std::floor(static_cast<float>(ascent) * scale + 1);
  for (std::size_t i = 0; i < glyphs.astral().size(); ++i) {
    const int glyph = stbtt_FindGlyphIndex(info, static_cast<int>(glyphs.astral()[i]));
    if (glyph == 0) continue;  // not in this font: ImGui shows its fallback
    int x0, y0, x1, y1, advance, bearing;
    stbtt_GetGlyphBitmapBox(info, glyph, scale, scale, &x0, &y0, &x1, &y1);
    stbtt_GetGlyphHMetrics(info, glyph, &advance, &bearing);
    const auto id = static_cast<ImWchar>(GlyphSet::kStandInBase + i);
    const int rect = ImGui::GetIO().Fonts->AddCustomRectFontGlyph(
        regular_, id, x1 - x0, y1 - y0, std::round(static_cast<float>(advance) * scale),
        {static_cast<float>(x0), baseline + static_cast<float>(y0)});
    out.push_back({rect, glyph, scale});
  }
  return out;
}

void Fonts::drawAstral(const std::vector<AstralGlyph>& glyphs) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  if (glyphs.empty() || !atlas->TexPixelsAlpha8) return;
  for (const AstralGlyph& g : glyphs) {
    const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(g.rect);
    unsigned char* at = atlas->TexPixelsAlpha8 + r->Y * atlas->TexWidth + r->X;
    stbtt_MakeGlyphBitmap(&font_->info(), at, r->Width, r->Height, atlas->TexWidth, g.scale, g.scale, g.glyph);
  }
}

}  // namespace unionsync::gui

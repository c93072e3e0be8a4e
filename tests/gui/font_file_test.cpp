#include <doctest/doctest.h>

#include <fmt/format.h>

#include "gui/font_file.h"
#include "gui/glyph_set.h"
#include "gui/i18n.h"

using namespace unionsync::gui;

namespace {
// Characters of `text` the font lacks (ImGui would draw them as '?').
std::string missing(const FontFile& font, std::string_view text) {
  std::string out;
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = decodeUtf8(text, pos);
    if (!font.has(cp)) out += fmt::format("U+{:04X} ", static_cast<std::uint32_t>(cp));
  }
  return out;
}
}  // namespace

TEST_CASE("the system font draws every character of the UI strings and choices") {
  auto font = FontFile::loadSystemFont();
  REQUIRE_MESSAGE(font.has_value(), "install fonts-noto-cjk or fonts-wqy-microhei");
  for (const TextEntry& e : textTable()) {
    CAPTURE(e.id);
    CHECK(missing(*font, e.zh) == "");
    CHECK(missing(*font, e.en) == "");
  }
  for (const ChoiceName& c : choiceTable()) {
    CHECK(missing(*font, c.zh) == "");
    CHECK(missing(*font, c.en) == "");
  }
}

TEST_CASE("rare name characters are in the font, including those above U+FFFF") {
  auto font = FontFile::loadSystemFont();
  REQUIRE(font.has_value());
  CHECK(font->has(U'䶮'));  // CJK extension A
  if (font->path().find("Noto") != std::string::npos) CHECK(font->has(U'𫖯'));  // extension C
  CHECK_FALSE(FontFile::load("/nonexistent.ttc", 0).has_value());
}

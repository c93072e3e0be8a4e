#include <doctest/doctest.h>

#include "gui/glyph_set.h"

using namespace unionsync::gui;

TEST_CASE("the glyph set collects the characters of the data") {
  GlyphSet set;
  const std::uint16_t common[] = {0x20, 0x7E, 0x4E00, 0x4E10, 0};
  set.addRanges(common);
  CHECK(set.contains(U'A'));
  CHECK_FALSE(set.contains(U'䶮'));
  CHECK(set.addText("李䶮") == 2);  // 李 (U+674E) is outside the sample range too
  CHECK(set.addText("李䶮") == 0);
  CHECK(set.contains(U'䶮'));
  const auto ranges = set.ranges();
  REQUIRE(ranges.size() % 2 == 1);
  CHECK(ranges.back() == 0);
  bool found = false;
  for (std::size_t i = 0; i + 1 < ranges.size(); i += 2) {
    CHECK(ranges[i] <= ranges[i + 1]);
    if (i > 0) CHECK(ranges[i] > ranges[i - 1] + 1);  // merged: no adjacent or overlapping pairs
    found |= ranges[i] <= 0x4DAE && 0x4DAE <= ranges[i + 1];
  }
  CHECK(found);
}

TEST_CASE("merging reports new characters") {
  GlyphSet a, b;
  a.addText("王伟");
  b.addText("王芳");
  CHECK(a.merge(b) == 1);
  CHECK(a.merge(b) == 0);
  CHECK(a.size() == 3);
}

TEST_CASE("characters above U+FFFF get stable stand-ins for display") {
  GlyphSet set;
  CHECK(set.addText("王孟𫖯") == 3);
  CHECK(set.addText("𠮷") == 1);
  REQUIRE(set.astral().size() == 2);
  CHECK(set.astral()[0] == U'𫖯');
  CHECK(set.contains(U'𫖯'));
  // 𫖯 -> U+E000, 𠮷 -> U+E001; other text unchanged.
  CHECK(set.displayable("王孟𫖯") == "王孟\xEE\x80\x80");
  CHECK(set.displayable("𠮷𫖯") == "\xEE\x80\x81\xEE\x80\x80");
  CHECK(set.displayable("李䶮") == "李䶮");
  // Stand-ins are custom glyphs, never part of the font ranges.
  set.add(0xE000);
  for (std::size_t i = 0; i + 1 < set.ranges().size(); i += 2) CHECK_FALSE((set.ranges()[i] <= 0xE001 && 0xE000 <= set.ranges()[i + 1]));
  GlyphSet other;
  other.merge(set);
  CHECK(other.displayable("𫖯") == set.displayable("𫖯"));
}

TEST_CASE("UTF-8 decoding skips malformed bytes") {
  std::size_t pos = 0;
  const std::string bad = "\xE4\xB8";  // truncated 3-byte sequence
  CHECK(decodeUtf8(bad, pos) == U'\uFFFD');
  CHECK(pos == 1);
  pos = 0;
  CHECK(decodeUtf8("\xC0\xAF", pos) == U'\uFFFD');  // overlong
  pos = 0;
  CHECK(decodeUtf8("𫖯", pos) == U'𫖯');
  CHECK(pos == 4);
  std::string out;
  appendUtf8(out, U'䶮');
  CHECK(out == "䶮");
  CHECK(hasAstral("王孟𫖯"));
  CHECK_FALSE(hasAstral("李䶮"));
}

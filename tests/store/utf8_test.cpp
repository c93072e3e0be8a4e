// The one UTF-8 walker (store/utf8.h): decoding, the checks, encoding and boundaries, on
// valid text and on every kind of damage Unicode table 3-7 rules out.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "store/utf8.h"

using namespace unionsync;

namespace {

// Every decodeNext result over `text`; 0xFFFFFFFF stands for "not well-formed".
std::vector<char32_t> decodeAll(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t pos = 0; pos < text.size();) out.push_back(decodeNext(text, pos).value_or(0xFFFFFFFF));
  return out;
}

constexpr char32_t kBad = 0xFFFFFFFF;
constexpr auto npos = std::string_view::npos;

}  // namespace

TEST_CASE("utf8: valid text of one to four bytes a character decodes and encodes back") {
  const std::string text = "A\u00E9\u738B\u6DFC\U0002B5AF\U0010FFFF";  // A é 王 淼 𫖯 U+10FFFF
  CHECK(decodeAll(text) == std::vector<char32_t>{U'A', U'\u00E9', U'\u738B', U'\u6DFC', U'\U0002B5AF', U'\U0010FFFF'});
  std::string back;
  for (char32_t cp : decodeAll(text)) appendUtf8(back, cp);
  CHECK(back == text);
  CHECK(invalidUtf8Offset(text) == npos);
  CHECK(isValidText(text));
  CHECK(isValidText(""));
  CHECK(sequenceLength(text, 0) == 1);
  CHECK(sequenceLength(text, 1) == 2);
  CHECK(sequenceLength(text, 3) == 3);
  CHECK(sequenceLength(text, 9) == 4);
  CHECK(sequenceLength(text, text.size()) == 0);
  // Edges of each length.
  CHECK(decodeAll("\x7F") == std::vector<char32_t>{0x7F});
  CHECK(decodeAll("\xC2\x80") == std::vector<char32_t>{0x80});
  CHECK(decodeAll("\xE0\xA0\x80") == std::vector<char32_t>{0x800});
  CHECK(decodeAll("\xED\x9F\xBF") == std::vector<char32_t>{0xD7FF});
  CHECK(decodeAll("\xEE\x80\x80") == std::vector<char32_t>{0xE000});
  CHECK(decodeAll("\xF0\x90\x80\x80") == std::vector<char32_t>{0x10000});
}

TEST_CASE("utf8: overlong forms are refused") {
  for (std::string_view overlong : {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF", "\xF0\x8F\xBF\xBF"}) {
    CAPTURE(overlong.size());
    CHECK(sequenceLength(overlong, 0) == 0);
    CHECK(invalidUtf8Offset(overlong) == 0);
    CHECK(decodeAll(overlong).front() == kBad);
  }
}

TEST_CASE("utf8: surrogates are refused") {
  for (std::string_view surrogate : {"\xED\xA0\x80", "\xED\xBF\xBF", "\xED\xB0\x80"}) {
    CHECK(sequenceLength(surrogate, 0) == 0);
    CHECK(invalidTextOffset(surrogate) == 0);
  }
}

TEST_CASE("utf8: code points above U+10FFFF are refused") {
  for (std::string_view beyond : {"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF", "\xF8\x88\x80\x80\x80", "\xFF"}) {
    CHECK(sequenceLength(beyond, 0) == 0);
    CHECK(invalidUtf8Offset(beyond) == 0);
  }
}

TEST_CASE("utf8: truncated sequences and stray continuation bytes are refused where they start") {
  CHECK(invalidUtf8Offset("ab\xE7\x8E") == 2);       // 王 missing its last byte
  CHECK(invalidUtf8Offset("\xF0\xAB\x96") == 0);     // 𫖯 missing its last byte
  CHECK(invalidUtf8Offset("\xC3") == 0);
  CHECK(invalidUtf8Offset("\xE7\x8E\x8B\x80") == 3);  // a stray continuation after 王
  CHECK(invalidUtf8Offset("\xE7(\x8B") == 0);         // a continuation byte replaced
  // Decoding moves one byte on at damage and picks up at the next character.
  CHECK(decodeAll("\xE7\x8E" "A") == std::vector<char32_t>{kBad, kBad, U'A'});
  CHECK(decodeAll("\x80\xE7\x8E\x8B") == std::vector<char32_t>{kBad, U'\u738B'});
}

TEST_CASE("utf8: NUL is UTF-8 but not text; the ASCII fast path sees both") {
  const std::string withNul = std::string("0123456789") + '\0' + "abcdefgh";
  CHECK(invalidUtf8Offset(withNul) == npos);
  CHECK(invalidTextOffset(withNul) == 10);
  CHECK(invalidTextOffset(std::string("12345678\xC3\x28") + "abcdefgh") == 8);
  CHECK(invalidTextOffset(std::string(64, 'x') + "\xE7\x8E\x8B") == npos);
}

TEST_CASE("utf8: boundaryAtOrBefore never splits a character") {
  const std::string text = "王淼A";  // 3 + 3 + 1 bytes
  CHECK(boundaryAtOrBefore(text, 0) == 0);
  CHECK(boundaryAtOrBefore(text, 1) == 0);
  CHECK(boundaryAtOrBefore(text, 2) == 0);
  CHECK(boundaryAtOrBefore(text, 3) == 3);
  CHECK(boundaryAtOrBefore(text, 5) == 3);
  CHECK(boundaryAtOrBefore(text, 6) == 6);
  CHECK(boundaryAtOrBefore(text, 99) == text.size());
  // Damaged text: at most three bytes back.
  CHECK(boundaryAtOrBefore(std::string(10, '\x80'), 8) == 5);
}

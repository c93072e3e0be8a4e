// The one UTF-8 walker of the program: the check of "this is text" for everything that
// enters the store (local writes, imports, changes received from peers), and the decoding,
// encoding and boundary helpers that CSV import, the CLI, the received-change checks and the
// GUI (through app/model/text.h) use instead of decoders of their own.
//
// Well-formed means Unicode table 3-7: no stray continuation byte, no truncated or overlong
// sequence, no surrogate (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace unionsync {

// Length (1..4) of the well-formed sequence that starts at text[pos], or 0 when the bytes
// there do not start one (or pos is past the end). NUL is a well-formed one-byte sequence.
std::size_t sequenceLength(std::string_view text, std::size_t pos);

// Decodes the character at text[pos] and moves pos past it. When the bytes there do not form
// a well-formed sequence, returns nothing and moves pos one byte on, so that a loop
// `while (pos < text.size()) decodeNext(text, pos)` always ends and resynchronises at the
// next lead byte. Precondition: pos < text.size().
std::optional<char32_t> decodeNext(std::string_view text, std::size_t& pos);

// Appends the UTF-8 form of `codePoint`. Precondition: a Unicode scalar value (not a
// surrogate, at most U+10FFFF).
void appendUtf8(std::string& out, char32_t codePoint);

// The largest offset <= min(at, text.size()) that is not inside a character of `text`, for
// cutting valid text to a byte budget without splitting a character. It backs over at most
// three continuation bytes, so on damaged text it still ends near `at`.
std::size_t boundaryAtOrBefore(std::string_view text, std::size_t at);

// Offset of the first byte of the first ill-formed sequence; npos when `text` is well-formed
// UTF-8 (NUL bytes allowed).
std::size_t invalidUtf8Offset(std::string_view text);

// Offset of the first byte that keeps `text` from being valid UTF-8 without NUL: a NUL byte
// or the first ill-formed sequence. std::string_view::npos when the whole text is valid (the
// empty text is).
std::size_t invalidTextOffset(std::string_view text);

inline bool isValidText(std::string_view text) {
  return invalidTextOffset(text) == std::string_view::npos;
}

}  // namespace unionsync

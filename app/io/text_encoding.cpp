#include "app/io/text_encoding.h"

#include "store/utf8.h"

#include <fmt/format.h>
#include <unicode/ucnv.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace unionsync {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kValid = std::string_view::npos;

// Length of the well-formed UTF-8 sequence at `p` (store/utf8.h), or 0: for the walks below,
// which go by pointers.
std::size_t utf8SequenceLength(const unsigned char* p, const unsigned char* end) {
  return sequenceLength(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p)), 0);
}

// Bytes one damaged spot takes: the bad byte and the continuation bytes right after it (a
// truncated or overlong sequence), so that it becomes one U+FFFD.
std::size_t damagedLength(const unsigned char* p, const unsigned char* end) {
  std::size_t n = 1;
  while (n < 4 && p + n != end && (p[n] & 0xC0) == 0x80) ++n;
  return n;
}

// The text with every damaged spot replaced by U+FFFD; counts them and keeps the offset of
// the first in `firstOffset`.
std::string replaceInvalidUtf8(std::string_view text, std::size_t& replaced, std::size_t& firstOffset) {
  std::string out;
  out.reserve(text.size() + kReplacement.size());
  std::size_t done = 0;
  for (;;) {
    const std::size_t bad = invalidUtf8Offset(text.substr(done));
    if (bad == kValid) break;
    out.append(text.substr(done, bad));
    out.append(kReplacement);
    if (replaced++ == 0) firstOffset = done + bad;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + done + bad;
    done += bad + damagedLength(p, reinterpret_cast<const unsigned char*>(text.data()) + text.size());
  }
  out.append(text.substr(done));
  return out;
}

// Where line `offset` falls, counting line breaks as CsvReader does (LF, CRLF, lone CR).
// Right for GB18030 too: 0x0A and 0x0D are never part of a multi-byte character there.
std::size_t lineOf(std::string_view bytes, std::size_t offset) {
  const char* const begin = bytes.data();
  const char* const end = begin + offset;
  std::size_t line = 1 + static_cast<std::size_t>(std::count(begin, end, '\n'));
  for (const char* p = begin;
       (p = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
    if (p + 1 == begin + bytes.size() || p[1] != '\n') ++line;
  }
  return line;
}

// "byte offset 12 (line 3)".
std::string position(std::string_view bytes, std::size_t offset) {
  return "byte offset " + std::to_string(offset) + " (line " + std::to_string(lineOf(bytes, offset)) + ")";
}

struct ConverterCloser {
  void operator()(UConverter* converter) const { ucnv_close(converter); }
};
using Converter = std::unique_ptr<UConverter, ConverterCloser>;

// A converter that stops at the first unreadable or unmappable character instead of
// substituting, so that a wrong encoding never silently turns names into "?".
Result<Converter> openConverter(const char* name) {
  UErrorCode status = U_ZERO_ERROR;
  Converter converter(ucnv_open(name, &status));
  if (U_SUCCESS(status)) {
    ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                        &status);
    ucnv_setFromUCallBack(converter.get(), UCNV_FROM_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                          &status);
  }
  if (U_FAILURE(status)) {
    return fail(std::string("cannot load the ") + name + " converter: " + u_errorName(status));
  }
  return converter;
}

// Converts valid UTF-8 to GB18030, which maps every code point, so a failure here means ICU
// itself failed.
Result<std::string> encodeGb18030(std::string_view utf8) {
  auto from = openConverter("UTF-8");
  if (!from) return std::unexpected(from.error());
  auto to = openConverter("GB18030");
  if (!to) return std::unexpected(to.error());

  std::string out;
  out.reserve(utf8.size());
  std::array<char, 1 << 16> chunk;
  std::array<UChar, 1 << 14> pivot;
  UChar* pivotSource = pivot.data();
  UChar* pivotTarget = pivot.data();
  const char* source = utf8.data();
  UErrorCode status = U_ZERO_ERROR;
  for (bool first = true;; first = false) {
    char* target = chunk.data();
    ucnv_convertEx(to->get(), from->get(), &target, chunk.data() + chunk.size(), &source,
                   utf8.data() + utf8.size(), pivot.data(), &pivotSource, &pivotTarget,
                   pivot.data() + pivot.size(), first, true, &status);
    out.append(chunk.data(), target);
    if (status != U_BUFFER_OVERFLOW_ERROR) break;
    status = U_ZERO_ERROR;
  }
  if (U_FAILURE(status)) return fail(std::string("cannot convert to gbk: ") + u_errorName(status));
  return out;
}

// Two-byte GB18030 codes: lead 0x81-0xFE, trail 0x40-0xFE (minus 0x7F). The table is indexed
// by trail bytes 0x40-0xFF so that the lookup needs no range check beyond the lead byte.
constexpr unsigned kTrailBase = 0x40;
constexpr std::size_t kTrailCount = 0x100 - kTrailBase;

std::size_t twoByteIndex(unsigned lead, unsigned trail) {
  return (lead - 0x81) * kTrailCount + (trail - kTrailBase);
}

// Packs a BMP code point's UTF-8 bytes in the low 24 bits and their count in the top 8.
std::uint32_t packUtf8(char16_t unit) {
  if (unit < 0x80) return 1u << 24 | unit;
  if (unit < 0x800) return 2u << 24 | (0x80u | (unit & 0x3F)) << 8 | (0xC0u | unit >> 6);
  return 3u << 24 | (0x80u | (unit & 0x3F)) << 16 | (0x80u | ((unit >> 6) & 0x3F)) << 8 |
         (0xE0u | unit >> 12);
}

// The packed UTF-8 of every two-byte code, taken from ICU so that both decoding paths agree.
// 0 marks codes that are not characters or map outside the BMP; the slow path handles those,
// so the table only speeds decoding up and may be all zeros if ICU fails here.
std::vector<std::uint32_t> buildTwoByteTable() {
  std::vector<std::uint32_t> table((0xFE - 0x81 + 1) * kTrailCount, 0);
  auto converter = openConverter("GB18030");
  if (!converter) return table;
  for (unsigned lead = 0x81; lead <= 0xFE; ++lead) {
    for (unsigned trail = kTrailBase; trail <= 0xFE; ++trail) {
      const char code[2] = {static_cast<char>(lead), static_cast<char>(trail)};
      UChar unit[2];
      UErrorCode status = U_ZERO_ERROR;
      const int32_t units = ucnv_toUChars(converter->get(), unit, 2, code, 2, &status);
      if (U_SUCCESS(status) && units == 1 && !U16_IS_SURROGATE(unit[0])) {
        table[twoByteIndex(lead, trail)] = packUtf8(unit[0]);
      }
    }
  }
  return table;
}

const std::vector<std::uint32_t>& twoByteTable() {
  static const std::vector<std::uint32_t> table = buildTwoByteTable();
  return table;
}

// Length of the GB18030 sequence at `p` by its shape alone, or 0 when it is malformed.
std::size_t gb18030SequenceLength(const unsigned char* p, const unsigned char* end) {
  const auto inRange = [](unsigned byte, unsigned low, unsigned high) {
    return byte >= low && byte <= high;
  };
  if (end - p < 2 || !inRange(p[0], 0x81, 0xFE)) return 0;
  if (inRange(p[1], 0x30, 0x39)) {
    const bool fourBytes = end - p >= 4 && inRange(p[2], 0x81, 0xFE) && inRange(p[3], 0x30, 0x39);
    return fourBytes ? 4 : 0;
  }
  return inRange(p[1], 0x40, 0xFE) && p[1] != 0x7F ? 2 : 0;
}

// --- weighing lines ---------------------------------------------------------------------------

// What one line's bytes say about the file's encoding.
enum class LineKind {
  Plain,     // ASCII only: says nothing
  Utf8Weak,  // valid UTF-8, but could as well be GBK
  Utf8,      // clearly UTF-8 (possibly with a damaged byte or two)
  Gbk,       // clearly GBK: not UTF-8, well-formed GB18030
  Neither,   // damaged either way
};

bool isAscii(std::string_view line) {
  return std::ranges::none_of(line, [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Walks the bytes above 0x7F of `line` in steps of `length(p, end)` bytes; false at the first
// step of 0 (a malformed sequence).
template <typename Length>
bool walkSequences(std::string_view line, Length length) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const auto* const end = p + line.size();
  while (p != end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t step = length(p, end);
    if (step == 0) return false;
    p += step;
  }
  return true;
}

// True when every non-ASCII byte pair is a GB2312 (EUC-CN) code: lead A1-F7, trail A1-FE.
// Office text in GBK nearly always is; Chinese UTF-8 read as GBK nearly never, as its
// continuation bytes 80-A0 fall outside.
bool isGb2312(std::string_view line) {
  return walkSequences(line, [](const unsigned char* p, const unsigned char* end) -> std::size_t {
    const bool code = end - p >= 2 && *p >= 0xA1 && *p <= 0xF7 && p[1] >= 0xA1 && p[1] <= 0xFE;
    return code ? 2 : 0;
  });
}

bool isGb18030Shaped(std::string_view line) { return walkSequences(line, gb18030SequenceLength); }

LineKind classifyLine(std::string_view line) {
  if (isAscii(line)) return LineKind::Plain;
  // Chinese characters and punctuation (U+3000-U+9FFF) are three bytes E3-E9 xx xx in UTF-8;
  // GBK text rarely forms such a sequence by chance, and even more rarely several.
  std::size_t chinese = 0;
  std::size_t damaged = 0;
  walkSequences(line, [&](const unsigned char* p, const unsigned char* end) {
    const std::size_t length = utf8SequenceLength(p, end);
    if (length == 0) {
      ++damaged;
      return damagedLength(p, end);
    }
    if (length == 3 && *p >= 0xE3 && *p <= 0xE9) ++chinese;
    return length;
  });
  if (damaged == 0) return chinese >= 2 && !isGb2312(line) ? LineKind::Utf8 : LineKind::Utf8Weak;
  if (chinese >= 2 && chinese >= 2 * damaged) return LineKind::Utf8;
  return isGb18030Shaped(line) ? LineKind::Gbk : LineKind::Neither;
}

// The first line (1-based) of each kind that decides, as far as the file was read.
struct LineEvidence {
  std::size_t utf8 = 0;
  std::size_t gbk = 0;
  std::size_t utf8Weak = 0;
  bool mixed() const { return utf8 != 0 && gbk != 0; }
};

// Weighs the lines of `body` until the file proves mixed.
LineEvidence weighLines(std::string_view body) {
  LineEvidence evidence;
  std::size_t line = 1;
  std::size_t start = 0;
  while (start <= body.size() && !evidence.mixed()) {
    std::size_t stop = start;
    while (stop != body.size() && body[stop] != '\n' && body[stop] != '\r') ++stop;
    switch (classifyLine(body.substr(start, stop - start))) {
      case LineKind::Utf8:
        if (evidence.utf8 == 0) evidence.utf8 = line;
        break;
      case LineKind::Gbk:
        if (evidence.gbk == 0) evidence.gbk = line;
        break;
      case LineKind::Utf8Weak:
        if (evidence.utf8Weak == 0) evidence.utf8Weak = line;
        break;
      case LineKind::Plain:
      case LineKind::Neither:
        break;
    }
    if (stop == body.size()) break;
    start = stop + (body[stop] == '\r' && stop + 1 != body.size() && body[stop + 1] == '\n' ? 2 : 1);
    ++line;
  }
  return evidence;
}

std::unexpected<Error> mixedFailure(const LineEvidence& evidence) {
  const bool utf8First = evidence.utf8 < evidence.gbk;
  const std::size_t before = utf8First ? evidence.utf8 : evidence.gbk;
  const std::size_t other = utf8First ? evidence.gbk : evidence.utf8;
  const std::string_view beforeName = utf8First ? "UTF-8" : "GBK";
  const std::string_view otherName = utf8First ? "GBK" : "UTF-8";
  return fail(fmt::format(
      "第 {} 行的编码与前文不同（GBK/UTF-8 混用）：第 {} 行是 {}，第 {} 行是 {}；请在 Excel 中把文件另存为同一种编码"
      "（如“CSV UTF-8”）后再导入 / line {} is in another encoding than the lines before it (GBK and UTF-8 mixed: "
      "line {} is {}, line {} is {}): save the file again as one encoding",
      other, before, beforeName, other, otherName, other, before, beforeName, other, otherName));
}

// Decodes one sequence with ICU and writes its UTF-8 at `out`; false if ICU rejects it.
bool decodeWithIcu(UConverter* converter, const unsigned char* sequence, std::size_t length,
                   char*& out) {
  UChar units[4];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t count = ucnv_toUChars(converter, units, 4, reinterpret_cast<const char*>(sequence),
                                      static_cast<int32_t>(length), &status);
  if (U_FAILURE(status) || count == 0) return false;
  std::int32_t written = 0;
  for (std::int32_t i = 0; i < count;) {
    UChar32 c;
    U16_NEXT(units, i, count, c);
    U8_APPEND_UNSAFE(reinterpret_cast<std::uint8_t*>(out), written, c);
  }
  out += written;
  return true;
}

// Decodes GB18030 into `out`, which must have room for twice the input. ASCII and the table
// cover nearly all real text; ICU alone decodes whole files at only about 110 MB/s.
// Returns the bytes written, or the offset of the first sequence that is not GB18030.
std::expected<std::size_t, std::size_t> decodeGb18030Into(std::string_view bytes,
                                                          UConverter* converter, char* out) {
  const auto& table = twoByteTable();
  const auto* const begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = begin + bytes.size();
  const auto* p = begin;
  char* const outBegin = out;
  while (p != end) {
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080u) == 0) {
        std::memcpy(out, p, sizeof word);
        p += 8;
        out += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      *out++ = static_cast<char>(*p++);
      continue;
    }
    if (end - p >= 2 && *p >= 0x81 && *p <= 0xFE && p[1] >= kTrailBase) {
      if (const std::uint32_t packed = table[twoByteIndex(p[0], p[1])]; packed != 0) {
        out[0] = static_cast<char>(packed);
        out[1] = static_cast<char>(packed >> 8);
        out[2] = static_cast<char>(packed >> 16);
        out += packed >> 24;
        p += 2;
        continue;
      }
    }
    const std::size_t length = gb18030SequenceLength(p, end);
    if (length == 0 || !decodeWithIcu(converter, p, length, out)) {
      return std::unexpected(static_cast<std::size_t>(p - begin));
    }
    p += length;
  }
  return static_cast<std::size_t>(out - outBegin);
}

Result<DecodedText> decodeGb18030(std::string_view bytes) {
  auto converter = openConverter("GB18030");
  if (!converter) return std::unexpected(converter.error());
  std::string utf8;
  std::size_t invalid = kValid;
  // Every step writes at most twice what it reads; the unused tail is never touched.
  utf8.resize_and_overwrite(2 * bytes.size() + 8, [&](char* out, std::size_t) {
    const auto written = decodeGb18030Into(bytes, converter->get(), out);
    invalid = written ? kValid : written.error();
    return written.value_or(0);
  });
  if (invalid != kValid) return fail("not valid GBK/GB18030 at " + position(bytes, invalid));
  // GB18030's byte-order mark decodes to U+FEFF, which would stick to the first header name.
  const bool bom = utf8.starts_with(kUtf8Bom);
  if (bom) utf8.erase(0, kUtf8Bom.size());
  return DecodedText{std::move(utf8), Encoding::Gbk, bom};
}

}  // namespace

std::string_view encodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::Auto: return "auto";
    case Encoding::Utf8: return "utf-8";
    case Encoding::Gbk: return "gbk";
  }
  std::unreachable();
}

std::optional<Encoding> encodingFromName(std::string_view name) {
  std::string lower(name);
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  if (lower == "auto") return Encoding::Auto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::Utf8;
  if (lower == "gbk" || lower == "gb18030" || lower == "gb2312") return Encoding::Gbk;
  return std::nullopt;
}

Result<DecodedText> decodeText(std::string_view bytes, Encoding encoding) {
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return fail(
        "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）” / the file is UTF-16 "
        "(Excel's \"Unicode text\"): save it as \"CSV UTF-8 (comma delimited)\"");
  }
  const bool bom = bytes.starts_with(kUtf8Bom);
  if (encoding == Encoding::Gbk && bom) {
    return fail(
        "the file starts with a UTF-8 byte-order mark, so it is not GBK; "
        "import it as utf-8");
  }
  // Some tools write the mark twice; a second one would stick to the first header name.
  std::size_t bodyStart = 0;
  while (bytes.substr(bodyStart).starts_with(kUtf8Bom)) bodyStart += kUtf8Bom.size();
  const std::string_view body = bytes.substr(bodyStart);
  const std::size_t invalid = invalidUtf8Offset(body);
  if (invalid == kValid && encoding != Encoding::Gbk) return DecodedText{std::string(body), Encoding::Utf8, bom};

  const LineEvidence evidence = weighLines(body);
  if (evidence.mixed()) return mixedFailure(evidence);
  const std::string where = invalid == kValid ? std::string() : position(bytes, bodyStart + invalid);
  if (encoding == Encoding::Gbk) {
    if (evidence.utf8 != 0) {
      return fail(fmt::format("第 {} 行是 UTF-8 文字，不是 GBK，请按 utf-8 导入 / line {} is UTF-8, not GBK: import it as utf-8",
                              evidence.utf8, evidence.utf8));
    }
    return decodeGb18030(bytes);
  }
  if (evidence.gbk != 0) {
    if (bom) {
      return fail("the file starts with a UTF-8 byte-order mark but is not valid UTF-8 at " + where +
                  " (GBK text?)");
    }
    if (encoding == Encoding::Utf8) {
      return fail("not valid UTF-8 at " + where +
                  "; if the file was saved by Excel in China, "
                  "import it as gbk");
    }
    auto gbk = decodeGb18030(bytes);
    if (!gbk) {
      return fail("the file is neither UTF-8 (invalid at " + where + ") nor GBK (" +
                  gbk.error().message + ")");
    }
    return gbk;
  }
  if (encoding == Encoding::Auto && !bom && evidence.utf8 == 0 && evidence.utf8Weak == 0) {
    // No line reads as text in either encoding.
    auto gbk = decodeGb18030(bytes);
    return fail("the file is neither UTF-8 (invalid at " + where + ") nor GBK (" +
                (gbk ? std::string("no Chinese text") : gbk.error().message) + ")");
  }
  // UTF-8 with damaged bytes: keep every readable line, mark the damage for the importer.
  DecodedText decoded{std::string(), Encoding::Utf8, bom};
  std::size_t firstOffset = 0;
  decoded.utf8 = replaceInvalidUtf8(body, decoded.replaced, firstOffset);
  if (decoded.replaced != 0) decoded.firstReplacedLine = lineOf(bytes, bodyStart + firstOffset);
  return decoded;
}

Result<std::string> encodeText(std::string_view utf8, Encoding target) {
  if (target == Encoding::Auto) return fail("choose an export encoding: utf-8 or gbk");
  const std::size_t invalid = invalidUtf8Offset(utf8);
  if (invalid != kValid) {
    return fail("cannot export text that is not valid UTF-8 at " + position(utf8, invalid));
  }
  return target == Encoding::Gbk ? encodeGb18030(utf8) : Result<std::string>(std::string(utf8));
}

bool isValidUtf8(std::string_view bytes) { return invalidUtf8Offset(bytes) == kValid; }

}  // namespace unionsync

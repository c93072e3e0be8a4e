#include "app/text_encoding.h"

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
constexpr std::size_t kValid = std::string_view::npos;

// Offset of the first byte of the first ill-formed sequence, or kValid.
std::size_t invalidUtf8Offset(std::string_view bytes) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* const end = begin + bytes.size();
  const auto* p = begin;
  while (p != end) {
    // Most of a roster is ASCII (digits, dates, commas), so skip it eight bytes at a time.
    if (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if ((word & 0x8080808080808080u) == 0) {
        p += 8;
        continue;
      }
    }
    const unsigned lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    // Unicode table 3-7: the second byte's range depends on the lead byte, which is what
    // excludes overlong forms, surrogates and code points above U+10FFFF.
    std::ptrdiff_t length;
    unsigned low = 0x80;
    unsigned high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      low = lead == 0xE0 ? 0xA0 : low;
      high = lead == 0xED ? 0x9F : high;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      low = lead == 0xF0 ? 0x90 : low;
      high = lead == 0xF4 ? 0x8F : high;
    } else {
      return static_cast<std::size_t>(p - begin);
    }
    if (end - p < length || p[1] < low || p[1] > high) {
      return static_cast<std::size_t>(p - begin);
    }
    for (std::ptrdiff_t i = 2; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) {
        return static_cast<std::size_t>(p - begin);
      }
    }
    p += length;
  }
  return kValid;
}

// "byte offset 12 (line 3)". Counting '\n' is right for GB18030 too: 0x0A is never part of a
// multi-byte character there.
std::string position(std::string_view bytes, std::size_t offset) {
  const auto line = 1 + std::count(bytes.begin(), bytes.begin() + offset, '\n');
  return "byte offset " + std::to_string(offset) + " (line " + std::to_string(line) + ")";
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
  const bool bom = bytes.starts_with(kUtf8Bom);
  if (encoding == Encoding::Gbk) {
    if (bom) {
      return fail(
          "the file starts with a UTF-8 byte-order mark, so it is not GBK; "
          "import it as utf-8");
    }
    return decodeGb18030(bytes);
  }

  const std::string_view body = bom ? bytes.substr(kUtf8Bom.size()) : bytes;
  const std::size_t invalid = invalidUtf8Offset(body);
  if (invalid == kValid) return DecodedText{std::string(body), Encoding::Utf8, bom};
  const std::string where = position(bytes, invalid + (bom ? kUtf8Bom.size() : 0));
  if (bom) {
    return fail("the file starts with a UTF-8 byte-order mark but is not valid UTF-8 at " + where);
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

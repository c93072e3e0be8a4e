// Text encodings of imported and exported files.
//
// Chinese offices produce rosters with Excel, which saves CSV in the system code page
// (GBK, read here as its superset GB18030) or, with "CSV UTF-8", as UTF-8 with a byte-order
// mark. Everything inside the program is UTF-8; these functions convert at the file edge.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"

namespace unionsync {

// Gbk means GB18030, a superset of GBK and GB2312 that covers all of Unicode, so rare name
// characters such as 䶮 survive a round trip.
enum class Encoding { Auto, Utf8, Gbk };

// "auto", "utf-8" or "gbk": the names shown to users and accepted by encodingFromName.
std::string_view encodingName(Encoding encoding);

// Accepts "auto", "utf-8", "utf8", "gbk", "gb18030" and "gb2312" in any letter case; empty for
// anything else.
std::optional<Encoding> encodingFromName(std::string_view name);

struct DecodedText {
  std::string utf8;   // without any byte-order mark
  Encoding detected;  // Utf8 or Gbk, never Auto
  bool hadBom;        // a byte-order mark was stripped
};

// Converts file bytes to UTF-8.
// - Utf8: strips a leading UTF-8 BOM; fails on any invalid UTF-8.
// - Gbk: converts from GB18030 and strips a leading U+FEFF; fails on bytes that are not
//   GB18030, and on a leading UTF-8 BOM, which means the file is not GBK.
// - Auto: UTF-8 when the bytes start with a UTF-8 BOM or are entirely valid UTF-8, else
//   GB18030. Real GBK text is almost never valid UTF-8, but a very short text can be (GBK "小"
//   is valid UTF-8 "С"); pass the encoding explicitly when the user knows it.
// Failures name the byte offset (0-based, in `bytes`) and the line number (1-based) of the
// first bad byte.
Result<DecodedText> decodeText(std::string_view bytes, Encoding encoding);

// Converts UTF-8 to `target` (Utf8 or Gbk, meaning GB18030) for export, without a BOM.
// Fails when `utf8` is not valid UTF-8 (naming offset and line) or `target` is Auto.
Result<std::string> encodeText(std::string_view utf8, Encoding target);

// True when `bytes` is well-formed UTF-8: shortest forms only, no surrogates, at most
// U+10FFFF.
bool isValidUtf8(std::string_view bytes);

}  // namespace unionsync

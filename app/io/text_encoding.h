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
  std::string utf8;   // without any byte-order mark; always valid UTF-8
  Encoding detected;  // Utf8 or Gbk, never Auto
  bool hadBom;        // a byte-order mark was stripped
  // UTF-8 files only: byte sequences that are not UTF-8, each replaced by U+FFFD so that the
  // rest of its line can still be read (an importer rejects the cells holding U+FFFD).
  std::size_t replaced = 0;
  std::size_t firstReplacedLine = 0;  // 1-based; 0 when nothing was replaced
};

// Converts file bytes to UTF-8. Lines end at LF, CRLF or a lone CR, for line numbers.
//
// Every line with bytes above 0x7F is weighed on its own, because files are pasted together
// from several sources: a line is clearly UTF-8 when it is valid UTF-8 holding Chinese text
// that read as GBK would contain codes outside GB2312 (real GBK text almost never does both),
// or when it holds Chinese UTF-8 with a damaged byte or two; it is clearly GBK when it is not
// UTF-8 but is well-formed GB18030. A file with lines clearly in each encoding is refused,
// naming the first line in the other encoding than the lines before it: decoding it either
// way would store unreadable names.
// - Utf8: strips a leading UTF-8 BOM; damaged bytes are replaced (see `replaced`). Fails when
//   the lines read as GBK ("import it as gbk").
// - Gbk: converts from GB18030 and strips a leading U+FEFF; fails on bytes that are not
//   GB18030, on a leading UTF-8 BOM, and on lines that are clearly UTF-8.
// - Auto: a UTF-8 BOM or entirely valid UTF-8 means UTF-8; otherwise the clear lines decide,
//   then valid UTF-8 lines (UTF-8 with damaged bytes replaced) before GBK. Text that has no
//   line readable as either fails. A very short GBK text can be valid UTF-8 (GBK "小" is
//   UTF-8 "С"); pass the encoding explicitly when the user knows it.
// - A UTF-16 byte-order mark (Excel's "Unicode text") fails with what to do instead.
// Failures name the byte offset (0-based, in `bytes`) and the line number (1-based) of the
// first bad byte, or the lines that disagree.
Result<DecodedText> decodeText(std::string_view bytes, Encoding encoding);

// Converts UTF-8 to `target` (Utf8 or Gbk, meaning GB18030) for export, without a BOM.
// Fails when `utf8` is not valid UTF-8 (naming offset and line) or `target` is Auto.
Result<std::string> encodeText(std::string_view utf8, Encoding target);

// True when `bytes` is well-formed UTF-8: shortest forms only, no surrogates, at most
// U+10FFFF.
bool isValidUtf8(std::string_view bytes);

}  // namespace unionsync

#include "app/io/xlsx_package.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <fstream>
#include <vector>

namespace unionsync::xlsx {

namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

std::string_view localName(const XML_Char* name) {
  std::string_view n(name);
  const auto bar = n.rfind('|');  // the parser puts "namespace|" before namespaced names
  return bar == std::string_view::npos ? n : n.substr(bar + 1);
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The code unit of the escape _xHHHH_ at `at` in `s`, or nothing.
std::optional<std::uint32_t> escapeAt(std::string_view s, std::size_t at) {
  if (at + 6 >= s.size() || s[at] != '_' || s[at + 1] != 'x' || s[at + 6] != '_') return std::nullopt;
  std::uint32_t unit = 0;
  auto [end, ec] = std::from_chars(s.data() + at + 2, s.data() + at + 6, unit, 16);
  if (ec != std::errc() || end != s.data() + at + 6) return std::nullopt;
  return unit;
}

// "xl/worksheets/sheet1.xml" for the target "worksheets/sheet1.xml" of a relationship of
// "xl/workbook.xml"; an absolute target ("/xl/...") is from the root.
std::string resolveTarget(std::string_view source, std::string_view target) {
  std::vector<std::string> parts;
  auto push = [&](std::string_view path) {
    for (std::size_t start = 0; start <= path.size();) {
      const std::size_t stop = std::min(path.find('/', start), path.size());
      const auto part = path.substr(start, stop - start);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.emplace_back(part);
      }
      start = stop + 1;
    }
  };
  if (!target.starts_with('/')) push(source.substr(0, source.rfind('/') == std::string_view::npos ? 0 : source.rfind('/')));
  push(target);
  return fmt::format("{}", fmt::join(parts, "/"));
}

}  // namespace

std::string_view attribute(const XML_Char** atts, std::string_view name) {
  for (; *atts; atts += 2)
    if (localName(atts[0]) == name) return atts[1];
  return {};
}

std::string decodeEscapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto unit = escapeAt(s, i);
    if (!unit) {
      out.push_back(s[i]);
      continue;
    }
    i += 6;
    std::uint32_t cp = *unit;
    // UTF-16 surrogates: a pair is one character; a lone one is not text (U+FFFD, which the
    // import refuses as damaged).
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      auto low = escapeAt(s, i + 1);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    appendUtf8(out, cp);
  }
  return out;
}

Result<ZipPtr> openPackage(const std::string& path) {
  int zipError = 0;
  ZipPtr zip(zip_open(path.c_str(), ZIP_RDONLY, &zipError));
  if (zip) return zip;
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> magic{};
  in.read(magic.data(), magic.size());
  const std::string_view head(magic.data(), static_cast<std::size_t>(in.gcount()));
  if (!in && head.empty() && zipError == ZIP_ER_OPEN) return fail(fmt::format("无法打开文件 {} / cannot open the file", path));
  if (head == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
    return fail(fmt::format("文件 {} 是旧版Excel的.xls格式，无法直接导入：请在Excel或WPS中“另存为”.xlsx或CSV后再导入 / the file is "
                            "an old Excel .xls workbook: save it as .xlsx or CSV in Excel or WPS, then import that",
                            path));
  if (head.starts_with("PK"))
    return fail(fmt::format("文件 {} 已损坏或不完整（可能没有下载或复制完），请重新获取或在Excel中重新保存 / the file is damaged or "
                            "truncated (an unfinished download or copy?): get it again or save it again in Excel",
                            path));
  return fail(fmt::format("文件 {} 不是xlsx文件（不是ZIP格式）；如果是CSV文件，请把扩展名改为.csv / the file is not an xlsx "
                          "workbook (not a ZIP file); if it is CSV, name it .csv",
                          path));
}

bool hasPart(zip_t* zip, const std::string& name) { return zip_name_locate(zip, name.c_str(), 0) >= 0; }

void XmlHandler::stop(std::string message) {
  if (error_) return;
  error_ = std::move(message);
  XML_StopParser(parser_, XML_FALSE);
}

Result<XmlPart> XmlPart::open(zip_t* zip, const std::string& file, const std::string& name, std::uint64_t maxBytes,
                              XmlHandler& handler) {
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(zip, name.c_str(), 0, &st) != 0)
    return fail(fmt::format("文件 {} 缺少 {} 部分，不是完整的xlsx文件 / the file lacks its part {}: not a complete xlsx workbook",
                            file, name, name));
  if ((st.valid & ZIP_STAT_SIZE) && st.size > maxBytes) return tooLarge(file, name, maxBytes);
  std::unique_ptr<zip_file_t, ZipFileCloser> in(zip_fopen(zip, name.c_str(), 0));
  if (!in) return damaged(file, name, zip_strerror(zip));
  std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreateNS(nullptr, '|'));
  if (!parser) return fail("内存不足 / out of memory");
  XML_SetUserData(parser.get(), &handler);
  handler.attach(parser.get());
  XML_SetElementHandler(
      parser.get(),
      [](void* h, const XML_Char* n, const XML_Char** a) { static_cast<XmlHandler*>(h)->start(localName(n), a); },
      [](void* h, const XML_Char* n) { static_cast<XmlHandler*>(h)->end(localName(n)); });
  XML_SetCharacterDataHandler(parser.get(), [](void* h, const XML_Char* s, int len) {
    static_cast<XmlHandler*>(h)->text(std::string_view(s, static_cast<std::size_t>(len)));
  });
  // OOXML parts never declare a DTD: refusing one shuts out entity expansion attacks.
  XML_SetStartDoctypeDeclHandler(parser.get(), [](void* h, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<XmlHandler*>(h)->stop("含有文档类型声明（DTD），xlsx文件不会有 / it declares a DTD, which xlsx parts never do");
  });
  return XmlPart(file, name, maxBytes, std::move(in), std::move(parser), handler);
}

XmlPart::XmlPart(std::string file, std::string name, std::uint64_t maxBytes, std::unique_ptr<zip_file_t, ZipFileCloser> in,
                 std::unique_ptr<XML_ParserStruct, ParserFree> parser, XmlHandler& handler)
    : file_(std::move(file)), name_(std::move(name)), maxBytes_(maxBytes), in_(std::move(in)), parser_(std::move(parser)),
      handler_(&handler) {}

Result<bool> XmlPart::step() {
  if (done_) return false;
  std::array<char, kChunkBytes> buffer;
  const zip_int64_t n = zip_fread(in_.get(), buffer.data(), buffer.size());
  if (n < 0) return damaged(file_, name_, zip_error_strerror(zip_file_get_error(in_.get())));
  read_ += static_cast<std::uint64_t>(n);
  // The declared size may lie: the bytes actually inflated count.
  if (read_ > maxBytes_) return tooLarge(file_, name_, maxBytes_);
  done_ = n == 0;
  if (XML_Parse(parser_.get(), buffer.data(), static_cast<int>(n), done_) != XML_STATUS_OK) {
    if (handler_->error()) return fail(fmt::format("文件 {} 的 {} 部分有误 / the part {} of the file is wrong: {}", file_, name_, name_,
                                                   *handler_->error()));
    return fail(fmt::format("文件 {} 的 {} 部分不是有效的XML（第{}行），文件可能已损坏 / the part {} is not well-formed XML (line {}): "
                            "the file may be damaged: {}",
                            file_, name_, XML_GetCurrentLineNumber(parser_.get()), name_,
                            XML_GetCurrentLineNumber(parser_.get()), XML_ErrorString(XML_GetErrorCode(parser_.get()))));
  }
  return !done_;
}

Result<void> XmlPart::readAll() {
  for (;;) {
    auto more = step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
  }
}

std::unexpected<Error> XmlPart::tooLarge(const std::string& file, const std::string& name, std::uint64_t maxBytes) {
  const auto mib = maxBytes >> 20;
  return fail(fmt::format("文件 {} 的 {} 部分解压后超过 {} MiB，不导入（可能是“压缩炸弹”）；请把表格另存为CSV再导入 / the part {} "
                          "inflates to more than {} MiB: not imported (a zip bomb?); save the sheet as CSV and import that",
                          file, name, mib, name, mib));
}

std::unexpected<Error> XmlPart::damaged(const std::string& file, const std::string& name, const char* why) {
  return fail(fmt::format("文件 {} 已损坏，无法读取其中的 {}（{}），请在Excel中重新保存 / the file is damaged: cannot read its part {} "
                          "({}); save it again in Excel",
                          file, name, why, name, why));
}

void RelsHandler::start(std::string_view name, const XML_Char** atts) {
  if (name != "Relationship" || attribute(atts, "TargetMode") == "External") return;
  std::string target = resolveTarget(source_, attribute(atts, "Target"));
  std::string_view type = attribute(atts, "Type");
  byType.try_emplace(std::string(type.substr(type.rfind('/') + 1)), target);
  byId.try_emplace(std::string(attribute(atts, "Id")), std::move(target));
}

std::string relsPathOf(std::string_view part) {
  const auto slash = part.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : part.substr(0, slash + 1);
  const std::string_view base = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return fmt::format("{}_rels/{}.rels", dir, base);
}

}  // namespace unionsync::xlsx

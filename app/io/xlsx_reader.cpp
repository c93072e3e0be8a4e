#include "app/io/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <utility>

namespace unionsync {

namespace {

constexpr std::uint32_t kMaxRow = 1048576;   // Excel's last row
constexpr std::uint32_t kMaxColumns = 16384;  // A .. XFD
// A sheet of Excel's every row by 16 columns of different text: more means a hostile file.
constexpr std::size_t kMaxSharedStrings = std::size_t{1} << 25;
constexpr std::size_t kChunkBytes = 64 * 1024;

std::string_view localName(const XML_Char* name) {
  std::string_view n(name);
  const auto bar = n.rfind('|');  // the parser puts "namespace|" before namespaced names
  return bar == std::string_view::npos ? n : n.substr(bar + 1);
}

std::string_view attribute(const XML_Char** atts, std::string_view name) {
  for (; *atts; atts += 2)
    if (localName(atts[0]) == name) return atts[1];
  return {};
}

template <typename T>
std::optional<T> parseNumber(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// OOXML writes characters XML cannot hold (a CR, control characters) as _xHHHH_, and an
// underscore that would read as such an escape as _x005F_.
std::string decodeEscapes(std::string_view s) {
  if (s.find("_x") == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      std::uint32_t cp = 0;
      auto [end, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 6, cp, 16);
      if (ec == std::errc() && end == s.data() + i + 6) {
        appendUtf8(out, cp);
        i += 6;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// "B12" -> column 1, row 12. Nothing when it is not a cell reference.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parseCellRef(std::string_view ref) {
  std::uint64_t column = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 4; ++i) column = column * 26 + (ref[i] - 'A' + 1);
  if (i == 0) return std::nullopt;
  auto row = parseNumber<std::uint32_t>(ref.substr(i));
  if (!row) return std::nullopt;
  return std::pair{static_cast<std::uint32_t>(std::min<std::uint64_t>(column - 1, UINT32_MAX)), *row};
}

// Built-in number formats that show dates or times (ECMA-376 18.8.30, with the ids Chinese
// Excel uses for 年月日 formats).
bool builtinDateFormat(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

// A custom format code shows a date when, outside quoted text, [...] sections and escaped
// characters, it holds a date or time token.
bool dateFormatCode(std::string_view code) {
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '"') i = std::min(code.find('"', i + 1), code.size());
    else if (c == '[') i = std::min(code.find(']', i + 1), code.size());
    else if (c == '\\' || c == '_' || c == '*') ++i;
    else if (std::string_view("yYmMdDhHsS").find(c) != std::string_view::npos) return true;
  }
  return false;
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

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ParserFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

// Receives the elements of an XML part, by local name (namespaces stripped).
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XML_Char** atts) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}

  // Stops the parse with `message` (bilingual), which the part's reader returns.
  void stop(std::string message) {
    if (error_) return;
    error_ = std::move(message);
    XML_StopParser(parser_, XML_FALSE);
  }
  const std::optional<std::string>& error() const { return error_; }
  void attach(XML_Parser parser) { parser_ = parser; }

 private:
  XML_Parser parser_ = nullptr;
  std::optional<std::string> error_;
};

// One part of the ZIP inflated and parsed piece by piece, its size capped.
class XmlPart {
 public:
  static Result<XmlPart> open(zip_t* zip, const std::string& file, const std::string& name, const XlsxLimits& limits,
                              XmlHandler& handler) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip, name.c_str(), 0, &st) != 0)
      return fail(fmt::format("文件 {} 缺少 {} 部分，不是完整的xlsx文件 / the file lacks its part {}: not a complete xlsx workbook",
                              file, name, name));
    if ((st.valid & ZIP_STAT_SIZE) && st.size > limits.maxPartBytes) return tooLarge(file, name, limits);
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
    return XmlPart(file, name, limits, std::move(in), std::move(parser), handler);
  }

  // Parses the next piece; false at the end of the part.
  Result<bool> step() {
    if (done_) return false;
    std::array<char, kChunkBytes> buffer;
    const zip_int64_t n = zip_fread(in_.get(), buffer.data(), buffer.size());
    if (n < 0) return damaged(file_, name_, zip_error_strerror(zip_file_get_error(in_.get())));
    read_ += static_cast<std::uint64_t>(n);
    // The declared size may lie: the bytes actually inflated count.
    if (read_ > limits_.maxPartBytes) return tooLarge(file_, name_, limits_);
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

  // Parses the whole part.
  Result<void> readAll() {
    for (;;) {
      auto more = step();
      if (!more) return std::unexpected(more.error());
      if (!*more) return {};
    }
  }

 private:
  XmlPart(std::string file, std::string name, const XlsxLimits& limits, std::unique_ptr<zip_file_t, ZipFileCloser> in,
          std::unique_ptr<XML_ParserStruct, ParserFree> parser, XmlHandler& handler)
      : file_(std::move(file)), name_(std::move(name)), limits_(limits), in_(std::move(in)), parser_(std::move(parser)),
        handler_(&handler) {}

  static std::unexpected<Error> tooLarge(const std::string& file, const std::string& name, const XlsxLimits& limits) {
    const auto mib = limits.maxPartBytes >> 20;
    return fail(fmt::format("文件 {} 的 {} 部分解压后超过 {} MiB，不导入（可能是“压缩炸弹”）；请把表格另存为CSV再导入 / the part {} "
                            "inflates to more than {} MiB: not imported (a zip bomb?); save the sheet as CSV and import that",
                            file, name, mib, name, mib));
  }
  static std::unexpected<Error> damaged(const std::string& file, const std::string& name, const char* why) {
    return fail(fmt::format("文件 {} 已损坏，无法读取其中的 {}（{}），请在Excel中重新保存 / the file is damaged: cannot read its part {} "
                            "({}); save it again in Excel",
                            file, name, why, name, why));
  }

  std::string file_, name_;
  XlsxLimits limits_;
  std::unique_ptr<zip_file_t, ZipFileCloser> in_;
  std::unique_ptr<XML_ParserStruct, ParserFree> parser_;
  XmlHandler* handler_;
  std::uint64_t read_ = 0;
  bool done_ = false;
};

// The relationships of a part (its _rels/NAME.rels): id -> target, and the first target of
// each type (by the type's last path segment: "worksheet", "sharedStrings" ...).
class RelsHandler final : public XmlHandler {
 public:
  explicit RelsHandler(std::string source) : source_(std::move(source)) {}
  void start(std::string_view name, const XML_Char** atts) override {
    if (name != "Relationship" || attribute(atts, "TargetMode") == "External") return;
    std::string target = resolveTarget(source_, attribute(atts, "Target"));
    std::string_view type = attribute(atts, "Type");
    byType.try_emplace(std::string(type.substr(type.rfind('/') + 1)), target);
    byId.try_emplace(std::string(attribute(atts, "Id")), std::move(target));
  }
  void end(std::string_view) override {}

  std::map<std::string, std::string, std::less<>> byId, byType;

 private:
  std::string source_;
};

std::string relsPathOf(std::string_view part) {
  const auto slash = part.rfind('/');
  const std::string_view dir = slash == std::string_view::npos ? "" : part.substr(0, slash + 1);
  const std::string_view base = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return fmt::format("{}_rels/{}.rels", dir, base);
}

class WorkbookHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** atts) override {
    if (name == "sheet") {
      names.emplace_back(decodeEscapes(attribute(atts, "name")));
      ids.emplace_back(attribute(atts, "id"));
    } else if (name == "workbookPr") {
      const auto v = attribute(atts, "date1904");
      date1904 = v == "1" || v == "true";
    }
  }
  void end(std::string_view) override {}

  std::vector<std::string> names, ids;
  bool date1904 = false;
};

// The shared strings, in one buffer: string i is text[ends[i-1], ends[i]).
struct SharedStrings {
  std::string text;
  std::vector<std::uint32_t> ends;
  bool present = false;

  std::string_view at(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends[i - 1];
    return std::string_view(text).substr(begin, ends[i] - begin);
  }
};

// Text runs (t) of a string item (si, or a cell's is), but not its phonetic guide (rPh).
class RunText {
 public:
  void start(std::string_view name) {
    if (name == "rPh") ++phonetic_;
    else if (name == "t" && phonetic_ == 0) inText_ = true;
  }
  void end(std::string_view name) {
    if (name == "rPh") --phonetic_;
    else if (name == "t") inText_ = false;
  }
  void text(std::string_view s) {
    if (inText_ && phonetic_ == 0) text_.append(s);
  }
  std::string take() {
    inText_ = false;
    phonetic_ = 0;
    return decodeEscapes(std::exchange(text_, {}));
  }

 private:
  std::string text_;
  bool inText_ = false;
  int phonetic_ = 0;
};

class SharedStringsHandler final : public XmlHandler {
 public:
  explicit SharedStringsHandler(SharedStrings& out) : out_(out) {}
  void start(std::string_view name, const XML_Char**) override {
    if (name == "si") inItem_ = true;
    else if (inItem_) run_.start(name);
  }
  void end(std::string_view name) override {
    if (name != "si") return run_.end(name);
    inItem_ = false;
    if (out_.ends.size() >= kMaxSharedStrings)
      return stop(fmt::format("共享字符串超过 {} 个 / more than {} shared strings", kMaxSharedStrings, kMaxSharedStrings));
    out_.text += run_.take();
    out_.ends.push_back(static_cast<std::uint32_t>(out_.text.size()));  // the part's cap keeps it below 4 GiB
  }
  void text(std::string_view s) override { run_.text(s); }

 private:
  SharedStrings& out_;
  RunText run_;
  bool inItem_ = false;
};

// Which cell formats (the s attribute of a cell: an index into cellXfs) show dates.
class StylesHandler final : public XmlHandler {
 public:
  void start(std::string_view name, const XML_Char** atts) override {
    if (name == "numFmt") {
      if (auto id = parseNumber<int>(attribute(atts, "numFmtId"))) customDate_[*id] = dateFormatCode(attribute(atts, "formatCode"));
    } else if (name == "cellXfs") {
      inCellXfs_ = true;
    } else if (name == "xf" && inCellXfs_) {
      formats_.push_back(parseNumber<int>(attribute(atts, "numFmtId")).value_or(0));
    }
  }
  void end(std::string_view name) override {
    if (name == "cellXfs") inCellXfs_ = false;
  }

  std::vector<bool> dateStyles() const {
    std::vector<bool> out;
    for (int id : formats_) {
      auto custom = customDate_.find(id);
      out.push_back(custom != customDate_.end() ? custom->second : builtinDateFormat(id));
    }
    return out;
  }

 private:
  std::map<int, bool> customDate_;
  std::vector<int> formats_;
  bool inCellXfs_ = false;
};

// What the first bytes of a file that is not an XLSX workbook say it is.
std::unexpected<Error> notXlsx(const std::string& path, int zipError) {
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

}  // namespace

std::string xlsxColumnName(std::uint32_t column) {
  std::string letters;
  for (std::uint64_t c = std::uint64_t{column} + 1; c > 0; c = (c - 1) / 26)
    letters.insert(letters.begin(), char('A' + (c - 1) % 26));
  return letters;
}

// --- the workbook ------------------------------------------------------------------------------

struct XlsxWorkbook::Impl {
  std::string path;
  XlsxLimits limits;
  ZipPtr zip;
  std::vector<std::string> sheetNames;
  std::vector<std::string> sheetParts;  // per sheet; empty when its relationship is missing
  bool date1904 = false;
  SharedStrings shared;
  std::vector<bool> dateStyles;

  Result<void> parse(const std::string& part, XmlHandler& handler) {
    auto opened = XmlPart::open(zip.get(), path, part, limits, handler);
    if (!opened) return std::unexpected(opened.error());
    return opened->readAll();
  }
  bool has(const std::string& part) const { return zip_name_locate(zip.get(), part.c_str(), 0) >= 0; }
};

XlsxWorkbook::XlsxWorkbook(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxWorkbook::XlsxWorkbook(XlsxWorkbook&&) noexcept = default;
XlsxWorkbook& XlsxWorkbook::operator=(XlsxWorkbook&&) noexcept = default;
XlsxWorkbook::~XlsxWorkbook() = default;

const std::vector<std::string>& XlsxWorkbook::sheetNames() const { return impl_->sheetNames; }
bool XlsxWorkbook::date1904() const { return impl_->date1904; }
const std::string& XlsxWorkbook::path() const { return impl_->path; }

Result<XlsxWorkbook> XlsxWorkbook::open(const std::string& path, const XlsxLimits& limits) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->limits = limits;
  int error = 0;
  impl->zip.reset(zip_open(path.c_str(), ZIP_RDONLY, &error));
  if (!impl->zip) return notXlsx(path, error);

  // The package's relationships name the workbook part; xl/workbook.xml is where Excel puts it.
  std::string workbookPart = "xl/workbook.xml";
  if (impl->has("_rels/.rels")) {
    RelsHandler root("");
    if (auto ok = impl->parse("_rels/.rels", root); !ok) return std::unexpected(ok.error());
    if (auto it = root.byType.find("officeDocument"); it != root.byType.end()) workbookPart = it->second;
  }
  WorkbookHandler workbook;
  if (auto ok = impl->parse(workbookPart, workbook); !ok) return std::unexpected(ok.error());
  RelsHandler rels(workbookPart);
  if (auto ok = impl->parse(relsPathOf(workbookPart), rels); !ok) return std::unexpected(ok.error());
  impl->sheetNames = std::move(workbook.names);
  impl->date1904 = workbook.date1904;
  for (const auto& id : workbook.ids) {
    auto it = rels.byId.find(id);
    impl->sheetParts.push_back(it == rels.byId.end() ? std::string() : it->second);
  }
  if (auto it = rels.byType.find("sharedStrings"); it != rels.byType.end() && impl->has(it->second)) {
    SharedStringsHandler handler(impl->shared);
    if (auto ok = impl->parse(it->second, handler); !ok) return std::unexpected(ok.error());
    impl->shared.present = true;
  }
  if (auto it = rels.byType.find("styles"); it != rels.byType.end() && impl->has(it->second)) {
    StylesHandler handler;
    if (auto ok = impl->parse(it->second, handler); !ok) return std::unexpected(ok.error());
    impl->dateStyles = handler.dateStyles();
  }
  return XlsxWorkbook(std::move(impl));
}

// --- a sheet -------------------------------------------------------------------------------------

namespace {

class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(const SharedStrings& shared, const std::vector<bool>& dateStyles) : shared_(shared), dateStyles_(dateStyles) {}

  void start(std::string_view name, const XML_Char** atts) override {
    if (name == "row") return startRow(atts);
    if (name == "c") return startCell(atts);
    if (!inCell_) return;
    if (name == "v") inValue_ = true;
    else if (name == "is") inInline_ = true;
    else if (inInline_) run_.start(name);
  }

  void end(std::string_view name) override {
    if (name == "row") {
      if (!row_.cells.empty()) rows.push_back(std::move(row_));
      row_ = XlsxRow{};
      inRow_ = false;
    } else if (name == "c") {
      endCell();
    } else if (name == "v") {
      inValue_ = false;
    } else if (name == "is") {
      inInline_ = false;
    } else if (inInline_) {
      run_.end(name);
    }
  }

  void text(std::string_view s) override {
    if (inValue_) value_.append(s);
    else if (inInline_) run_.text(s);
  }

  std::deque<XlsxRow> rows;  // rows parsed and not yet taken

 private:
  void startRow(const XML_Char** atts) {
    const auto r = attribute(atts, "r");
    const std::uint32_t number = r.empty() ? lastRow_ + 1 : parseNumber<std::uint32_t>(r).value_or(0);
    if (number == 0 || number > kMaxRow)
      return stop(fmt::format("行号“{}”不是Excel的行号（1至{}）/ row number \"{}\" is not an Excel row (1 to {})", r, kMaxRow, r, kMaxRow));
    if (number <= lastRow_)
      return stop(fmt::format("第{}行出现在第{}行之后，行的顺序乱了（不是Excel保存的文件？）/ row {} comes after row {}: the rows are out "
                              "of order (not saved by Excel?)",
                              number, lastRow_, number, lastRow_));
    lastRow_ = number;
    row_ = XlsxRow{number, {}};
    inRow_ = true;
    lastColumn_ = -1;
  }

  void startCell(const XML_Char** atts) {
    if (!inRow_) return stop("单元格不在任何行里 / a cell outside any row");
    const auto ref = attribute(atts, "r");
    std::int64_t column = lastColumn_ + 1;
    if (!ref.empty()) {
      auto parsed = parseCellRef(ref);
      if (!parsed || parsed->second != row_.number)
        return stop(fmt::format("第{}行有一个不属于这一行的单元格引用“{}” / row {} holds the cell reference \"{}\", which is not in it",
                                row_.number, ref, row_.number, ref));
      column = parsed->first;
    }
    if (column >= kMaxColumns)
      return stop(fmt::format("第{}行的单元格“{}”超出了Excel的最后一列XFD / in row {} the cell \"{}\" is past Excel's last column, XFD",
                              row_.number, ref, row_.number, ref));
    if (column <= lastColumn_)
      return stop(fmt::format("第{}行的单元格“{}”出现在同一行更右边的单元格之后（不是Excel保存的文件？）/ in row {} the cell \"{}\" comes after "
                              "a cell to its right (not saved by Excel?)",
                              row_.number, ref, row_.number, ref));
    lastColumn_ = column;
    cellType_ = attribute(atts, "t");
    const auto style = parseNumber<std::size_t>(attribute(atts, "s")).value_or(0);
    dateStyle_ = style < dateStyles_.size() && dateStyles_[style];
    inCell_ = true;
    value_.clear();
  }

  void endCell() {
    inCell_ = inValue_ = inInline_ = false;
    XlsxCell cell{.column = static_cast<std::uint32_t>(lastColumn_)};
    const std::string name = xlsxColumnName(cell.column) + std::to_string(row_.number);  // for messages
    if (cellType_ == "s") {
      auto index = parseNumber<std::size_t>(value_);
      if (!shared_.present)
        return stop(fmt::format("单元格{}引用共享字符串，但文件没有 sharedStrings.xml 部分 / the cell {} refers to a shared string, but the "
                                "file has no sharedStrings.xml part",
                                name, name));
      if (!index || *index >= shared_.ends.size())
        return stop(fmt::format("单元格{}引用的共享字符串“{}”不存在（共{}个）/ the cell {} refers to the shared string \"{}\", which does "
                                "not exist ({} in the file)",
                                name, value_, shared_.ends.size(), name, value_, shared_.ends.size()));
      cell.text = std::string(shared_.at(*index));
    } else if (cellType_ == "inlineStr") {
      cell.text = run_.take();
    } else if (cellType_ == "str") {
      cell.text = decodeEscapes(value_);
    } else if (cellType_ == "b") {
      cell.type = XlsxCell::Type::Boolean;
      cell.text = value_ == "1" || value_ == "true" ? "1" : "0";
    } else if (cellType_ == "e") {
      cell.type = XlsxCell::Type::Error;
      cell.text = value_;
    } else if (cellType_ == "d") {
      cell.text = value_.substr(0, std::min<std::size_t>(value_.size(), 10));  // an ISO 8601 date: its day
    } else {
      if (value_.empty()) return;  // a formatted cell without a value
      if (!parseNumber<double>(value_))
        return stop(fmt::format("单元格{}应为数字，却是“{}” / the cell {} should hold a number but holds \"{}\"", name, value_, name, value_));
      cell.type = XlsxCell::Type::Number;
      cell.text = value_;
      cell.dateFormat = dateStyle_;
    }
    if (cell.type != XlsxCell::Type::Text || !cell.text.empty()) row_.cells.push_back(std::move(cell));
  }

  const SharedStrings& shared_;
  const std::vector<bool>& dateStyles_;
  XlsxRow row_;
  std::uint32_t lastRow_ = 0;
  std::int64_t lastColumn_ = -1;
  bool inRow_ = false, inCell_ = false, inValue_ = false, inInline_ = false, dateStyle_ = false;
  std::string cellType_;
  std::string value_;
  RunText run_;
};

}  // namespace

struct XlsxSheetReader::Impl {
  std::string name;
  std::unique_ptr<SheetHandler> handler;  // before part: the part's parser points at it
  std::optional<XmlPart> part;
  std::optional<Error> failure;
};

XlsxSheetReader::XlsxSheetReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxSheetReader::XlsxSheetReader(XlsxSheetReader&&) noexcept = default;
XlsxSheetReader& XlsxSheetReader::operator=(XlsxSheetReader&&) noexcept = default;
XlsxSheetReader::~XlsxSheetReader() = default;

const std::string& XlsxSheetReader::sheetName() const { return impl_->name; }

Result<XlsxSheetReader> XlsxWorkbook::sheet(std::string_view name) const {
  const Impl& w = *impl_;
  if (w.sheetNames.empty()) return fail(fmt::format("文件 {} 里没有工作表 / the workbook has no sheet", w.path));
  std::size_t index = 0;
  if (!name.empty()) {
    auto it = std::ranges::find(w.sheetNames, name);
    if (it == w.sheetNames.end())
      return fail(fmt::format("文件 {} 里没有名为“{}”的工作表，有：{} / the workbook has no sheet named \"{}\"; its sheets: {}", w.path,
                              name, fmt::join(w.sheetNames, "、"), name, fmt::join(w.sheetNames, ", ")));
    index = static_cast<std::size_t>(it - w.sheetNames.begin());
  }
  auto impl = std::make_unique<XlsxSheetReader::Impl>();
  impl->name = w.sheetNames[index];
  impl->handler = std::make_unique<SheetHandler>(w.shared, w.dateStyles);
  if (w.sheetParts[index].empty())
    return fail(fmt::format("文件 {} 不完整：找不到工作表“{}”的内容 / the file is incomplete: the sheet \"{}\" has no part", w.path,
                            impl->name, impl->name));
  auto part = XmlPart::open(w.zip.get(), w.path, w.sheetParts[index], w.limits, *impl->handler);
  if (!part) return std::unexpected(part.error());
  impl->part.emplace(std::move(*part));
  return XlsxSheetReader(std::move(impl));
}

Result<std::optional<XlsxRow>> XlsxSheetReader::next() {
  Impl& r = *impl_;
  while (!r.failure && r.handler->rows.empty()) {
    auto more = r.part->step();
    if (!more) r.failure = more.error();
    else if (!*more) break;
  }
  if (r.failure) return std::unexpected(*r.failure);
  if (r.handler->rows.empty()) return std::nullopt;
  XlsxRow row = std::move(r.handler->rows.front());
  r.handler->rows.pop_front();
  return row;
}

}  // namespace unionsync

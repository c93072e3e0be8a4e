#include "app/io/xlsx_reader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <utility>

#include "app/io/xlsx_package.h"

namespace unionsync {

using xlsx::attribute;
using xlsx::decodeEscapes;
using xlsx::parseNumber;
using xlsx::XmlHandler;
using xlsx::XmlPart;

namespace {

constexpr std::uint32_t kMaxRow = 1048576;   // Excel's last row
constexpr std::uint32_t kMaxColumns = 16384;  // A .. XFD
// A sheet of Excel's every row by 16 columns of different text: more means a hostile file.
constexpr std::size_t kMaxSharedStrings = std::size_t{1} << 25;

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
  xlsx::ZipPtr zip;
  std::vector<std::string> sheetNames;
  std::vector<std::string> sheetParts;  // per sheet; empty when its relationship is missing
  bool date1904 = false;
  SharedStrings shared;
  std::vector<bool> dateStyles;

  Result<void> parse(const std::string& part, XmlHandler& handler) {
    auto opened = XmlPart::open(zip.get(), path, part, limits.maxPartBytes, handler);
    if (!opened) return std::unexpected(opened.error());
    return opened->readAll();
  }
  bool has(const std::string& part) const { return xlsx::hasPart(zip.get(), part); }
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
  auto zip = xlsx::openPackage(path);
  if (!zip) return std::unexpected(zip.error());
  impl->zip = std::move(*zip);

  // The package's relationships name the workbook part; xl/workbook.xml is where Excel puts it.
  std::string workbookPart = "xl/workbook.xml";
  if (impl->has("_rels/.rels")) {
    xlsx::RelsHandler root("");
    if (auto ok = impl->parse("_rels/.rels", root); !ok) return std::unexpected(ok.error());
    if (auto it = root.byType.find("officeDocument"); it != root.byType.end()) workbookPart = it->second;
  }
  WorkbookHandler workbook;
  if (auto ok = impl->parse(workbookPart, workbook); !ok) return std::unexpected(ok.error());
  xlsx::RelsHandler rels(workbookPart);
  if (auto ok = impl->parse(xlsx::relsPathOf(workbookPart), rels); !ok) return std::unexpected(ok.error());
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
    if (number == lastRow_)
      return stop(fmt::format("第{}行出现了两次（不是Excel保存的文件？）/ row {} appears twice (not saved by Excel?)", number, number));
    if (number < lastRow_)
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
    // Named as written, or as Excel would name it when the file leaves references out.
    const std::string name = !ref.empty() ? std::string(ref)
                                          : xlsxColumnName(static_cast<std::uint32_t>(std::min<std::int64_t>(column, kMaxColumns))) +
                                                std::to_string(row_.number);
    if (column >= kMaxColumns)
      return stop(fmt::format("第{}行的单元格“{}”超出了Excel的最后一列XFD / in row {} the cell \"{}\" is past Excel's last column, XFD",
                              row_.number, name, row_.number, name));
    if (column <= lastColumn_)
      return stop(fmt::format("第{}行的单元格“{}”出现在同一行更右边的单元格之后（不是Excel保存的文件？）/ in row {} the cell \"{}\" comes after "
                              "a cell to its right (not saved by Excel?)",
                              row_.number, name, row_.number, name));
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
  auto part = XmlPart::open(w.zip.get(), w.path, w.sheetParts[index], w.limits.maxPartBytes, *impl->handler);
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

#include "app/io/xlsx_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <utility>

#include "app/model/text.h"
#include "app/io/xlsx_reader.h"
#include "app/model/validation.h"

namespace unionsync {

namespace {

constexpr std::size_t kMaxDataRows = LXW_ROW_MAX - 1;  // row 0 is the header
constexpr std::size_t kMaxColumns = LXW_COL_MAX;
constexpr std::size_t kMaxCellChars = 32767;  // Excel's limit per cell
constexpr std::size_t kMaxSheetNameChars = LXW_SHEETNAME_MAX;
constexpr double kMinWidth = 6;
constexpr double kMaxWidth = 60;

bool isWide(char32_t cp) {
  // East Asian Wide and Fullwidth ranges (UAX #11), the ones Chinese text uses.
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
         (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
         (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::size_t codePoints(std::string_view utf8) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size(); ++n) text::decodeNext(utf8, i);
  return n;
}

// A date written exactly "YYYY-MM-DD" that exists (normalizeDate's calendar check) and
// that Excel can hold (1900-9999), or nothing.
std::optional<lxw_datetime> parseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (auto normalized = normalizeDate(s); !normalized || *normalized != s) return std::nullopt;
  auto number = [&](std::size_t at, std::size_t length) {
    int v = 0;
    for (std::size_t i = at; i < at + length; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int year = number(0, 4);
  if (year < 1900) return std::nullopt;
  return lxw_datetime{year, number(5, 2), number(8, 2), 0, 0, 0};
}

// Excel's reference of a cell, for messages: "C12".
std::string cellName(std::size_t row, std::size_t column) {
  return fmt::format("{}{}", xlsxColumnName(static_cast<std::uint32_t>(column)), row + 1);
}

// The width a number takes as Excel shows it with our formats.
std::size_t numberWidth(const SheetCell& cell) {
  switch (cell.type) {
    case SheetCell::Type::Integer: return std::to_string(cell.number).size();
    case SheetCell::Type::Fen: return std::to_string(cell.number / 100).size() + 3;
    case SheetCell::Type::Fraction: return fmt::format("{:.1f}%", cell.fraction * 100).size();
    case SheetCell::Type::Date: return 10;
    default: return 0;
  }
}

}  // namespace

SheetCell SheetCell::ofDate(std::string ymd) {
  const bool valid = parseDate(ymd).has_value();
  return {valid ? Type::Date : Type::Text, std::move(ymd)};
}

std::size_t cellTextWidth(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) width += isWide(text::decodeNext(utf8, i).value_or(0)) ? 2 : 1;
  return width;
}

struct XlsxWriter::Impl {
  std::string path;
  std::string temp;
  lxw_workbook* book = nullptr;
  lxw_format* headerFormat = nullptr;
  lxw_format* integerFormat = nullptr;
  lxw_format* fenFormat = nullptr;
  lxw_format* fractionFormat = nullptr;
  lxw_format* dateFormat = nullptr;
  bool failed = false;
  bool closed = false;
  std::set<std::string> sheetNames;  // ASCII-lowercased: Excel compares names ignoring case

  // The sheet being written.
  lxw_worksheet* sheet = nullptr;
  std::string sheetName;
  std::size_t rows = 0;  // data rows written
  std::size_t headerColumns = 0;
  std::vector<std::size_t> widths;

  ~Impl() {
    if (book) lxw_workbook_free(book);
    if (!closed) ::unlink(temp.c_str());
  }

  std::unexpected<Error> failAt(std::string zh, std::string en) {
    failed = true;
    return fail(fmt::format("无法写入文件 {}：{} / cannot write the file: {}", path, zh, en));
  }

  std::unexpected<Error> failWith(lxw_error error, std::string_view where) {
    return failAt(fmt::format("{}（{}）", where, lxw_strerror(error)), fmt::format("{}: {}", where, lxw_strerror(error)));
  }

  Result<void> usable() {
    if (closed) return fail(fmt::format("文件 {} 已写完 / the file {} is already closed", path, path));
    if (failed) return fail(fmt::format("文件 {} 前面已写入失败 / writing the file {} failed before", path, path));
    return {};
  }

  void widen(std::size_t column, std::size_t width) {
    if (widths.size() <= column) widths.resize(column + 1, 0);
    widths[column] = std::max(widths[column], width);
  }

  // Sizes the columns, the autofilter and the frozen header of the sheet being written.
  Result<void> finishSheet() {
    if (!sheet) return {};
    for (std::size_t c = 0; c < widths.size(); ++c) {
      double width = std::clamp(static_cast<double>(widths[c]) + 1, kMinWidth, kMaxWidth);
      if (auto e = worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width, nullptr))
        return failWith(e, fmt::format("sheet \"{}\"", sheetName));
    }
    if (headerColumns > 0)
      if (auto e = worksheet_autofilter(sheet, 0, 0, static_cast<lxw_row_t>(rows),
                                        static_cast<lxw_col_t>(headerColumns - 1)))
        return failWith(e, fmt::format("sheet \"{}\"", sheetName));
    worksheet_freeze_panes(sheet, 1, 0);
    sheet = nullptr;
    return {};
  }

  // Why Excel would refuse `name` as a sheet name, or empty.
  std::string sheetNameProblem(std::string_view name) const {
    if (name.empty()) return "工作表名称为空 / the sheet name is empty";
    if (!text::isValidText(name)) return "工作表名称不是UTF-8 / the sheet name is not UTF-8";
    if (codePoints(name) > kMaxSheetNameChars)
      return fmt::format("工作表名称“{}”超过31个字符 / the sheet name \"{}\" is longer than 31 characters", name, name);
    if (name.find_first_of("[]:*?/\\") != std::string_view::npos)
      return fmt::format("工作表名称“{}”不能含有 []:*?/\\ / the sheet name \"{}\" holds one of []:*?/\\", name, name);
    if (name.front() == '\'' || name.back() == '\'')
      return fmt::format("工作表名称“{}”不能以'开头或结尾 / the sheet name \"{}\" starts or ends with '", name, name);
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (sheetNames.contains(lower))
      return fmt::format("工作表名称“{}”重复 / the sheet name \"{}\" is used twice", name, name);
    return {};
  }

  Result<void> writeText(std::size_t row, std::size_t column, std::string_view text, lxw_format* format) {
    // libxlsxwriter takes NUL-terminated strings: an embedded NUL would cut the text short.
    if (!text::isValidText(text))
      return failAt(fmt::format("工作表“{}”的{}不是UTF-8文本或含NUL字符", sheetName, cellName(row, column)),
                    fmt::format("sheet \"{}\" cell {} is not UTF-8 text or holds a NUL", sheetName, cellName(row, column)));
    if (codePoints(text) > kMaxCellChars)
      return failAt(fmt::format("工作表“{}”的{}超过32767个字符", sheetName, cellName(row, column)),
                    fmt::format("sheet \"{}\" cell {} is longer than 32767 characters", sheetName, cellName(row, column)));
    const std::string copy(text);
    if (auto e = worksheet_write_string(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column), copy.c_str(), format))
      return failWith(e, fmt::format("sheet \"{}\" cell {}", sheetName, cellName(row, column)));
    return {};
  }

  Result<void> writeCell(std::size_t row, std::size_t column, const SheetCell& cell) {
    const auto r = static_cast<lxw_row_t>(row);
    const auto c = static_cast<lxw_col_t>(column);
    lxw_error e = LXW_NO_ERROR;
    switch (cell.type) {
      case SheetCell::Type::Empty: return {};
      case SheetCell::Type::Text:
        widen(column, cellTextWidth(cell.text));
        return writeText(row, column, cell.text, nullptr);
      case SheetCell::Type::Integer:
        e = worksheet_write_number(sheet, r, c, static_cast<double>(cell.number), integerFormat);
        break;
      case SheetCell::Type::Fen:
        e = worksheet_write_number(sheet, r, c, static_cast<double>(cell.number) / 100.0, fenFormat);
        break;
      case SheetCell::Type::Fraction:
        e = worksheet_write_number(sheet, r, c, cell.fraction, fractionFormat);
        break;
      case SheetCell::Type::Date: {
        auto date = parseDate(cell.text);
        // A Date cell built by hand with a wrong text keeps the text rather than failing.
        if (!date) return writeCell(row, column, SheetCell::ofText(cell.text));
        e = worksheet_write_datetime(sheet, r, c, &*date, dateFormat);
        break;
      }
    }
    if (e) return failWith(e, fmt::format("sheet \"{}\" cell {}", sheetName, cellName(row, column)));
    widen(column, numberWidth(cell));
    return {};
  }
};

XlsxWriter::XlsxWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxWriter::XlsxWriter(XlsxWriter&&) noexcept = default;
XlsxWriter& XlsxWriter::operator=(XlsxWriter&&) noexcept = default;
XlsxWriter::~XlsxWriter() = default;

Result<XlsxWriter> XlsxWriter::create(const std::string& path, const XlsxOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->temp = path + ".tmp";
  // The temporary file is created here with its final mode: libxlsxwriter opens it again with
  // fopen("wb"), which keeps the mode, so personal data is never readable by others, and a
  // missing directory or a read-only one is reported before any work is done.
  const mode_t mode = options.ownerOnly ? 0600 : 0644;
  int fd = ::open(impl->temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0 || ::fchmod(fd, mode) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    impl->closed = true;  // nothing of ours to remove
    return fail(fmt::format("无法创建文件 {} / cannot create the file: {}", path, std::strerror(err)));
  }
  ::close(fd);

  lxw_workbook_options lxwOptions{};
  // Rows go to a temporary file as they are written: memory does not grow with the rows.
  lxwOptions.constant_memory = LXW_TRUE;
  impl->book = workbook_new_opt(impl->temp.c_str(), &lxwOptions);
  if (!impl->book) return fail(fmt::format("无法创建文件 {} / cannot create the file (out of memory)", path));
  impl->headerFormat = workbook_add_format(impl->book);
  format_set_bold(impl->headerFormat);
  impl->integerFormat = workbook_add_format(impl->book);
  format_set_num_format(impl->integerFormat, "0");
  impl->fenFormat = workbook_add_format(impl->book);
  format_set_num_format(impl->fenFormat, "0.00");
  impl->fractionFormat = workbook_add_format(impl->book);
  format_set_num_format(impl->fractionFormat, "0.0%");
  impl->dateFormat = workbook_add_format(impl->book);
  format_set_num_format(impl->dateFormat, "yyyy-mm-dd");
  return XlsxWriter(std::move(impl));
}

Result<void> XlsxWriter::addSheet(std::string_view name, std::span<const std::string> headers) {
  Impl& w = *impl_;
  if (auto ok = w.usable(); !ok) return ok;
  if (auto ok = w.finishSheet(); !ok) return ok;
  if (auto problem = w.sheetNameProblem(name); !problem.empty()) {
    w.failed = true;
    return fail(fmt::format("无法写入文件 {} / cannot write the file {}: {}", w.path, w.path, problem));
  }
  if (headers.size() > kMaxColumns)
    return w.failAt(fmt::format("工作表“{}”超过16384列", name), fmt::format("sheet \"{}\" has more than 16384 columns", name));
  const std::string copy(name);
  w.sheet = workbook_add_worksheet(w.book, copy.c_str());
  if (!w.sheet) return w.failAt(fmt::format("无法添加工作表“{}”", name), fmt::format("cannot add the sheet \"{}\"", name));
  std::string lower(copy);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  w.sheetNames.insert(lower);
  w.sheetName = copy;
  w.rows = 0;
  w.headerColumns = headers.size();
  w.widths.assign(headers.size(), 0);
  for (std::size_t c = 0; c < headers.size(); ++c) {
    // Bold text is a little wider; the autofilter's button takes about two characters.
    w.widen(c, cellTextWidth(headers[c]) + 3);
    if (auto ok = w.writeText(0, c, headers[c], w.headerFormat); !ok) return ok;
  }
  return {};
}

Result<void> XlsxWriter::addRow(std::span<const SheetCell> cells) {
  Impl& w = *impl_;
  if (auto ok = w.usable(); !ok) return ok;
  if (!w.sheet) return fail(fmt::format("写入文件 {} 时未先添加工作表 / no sheet was started in the file {}", w.path, w.path));
  if (w.rows >= kMaxDataRows)
    return w.failAt(fmt::format("工作表“{}”超过Excel的1048575行", w.sheetName),
                    fmt::format("sheet \"{}\" has more than Excel's 1048575 rows", w.sheetName));
  if (cells.size() > kMaxColumns)
    return w.failAt(fmt::format("工作表“{}”超过16384列", w.sheetName),
                    fmt::format("sheet \"{}\" has more than 16384 columns", w.sheetName));
  const std::size_t row = ++w.rows;
  for (std::size_t c = 0; c < cells.size(); ++c)
    if (auto ok = w.writeCell(row, c, cells[c]); !ok) return ok;
  return {};
}

Result<void> XlsxWriter::close() {
  Impl& w = *impl_;
  if (auto ok = w.usable(); !ok) return ok;
  if (w.sheetNames.empty()) return w.failAt("没有工作表", "the workbook has no sheet");
  if (auto ok = w.finishSheet(); !ok) return ok;
  lxw_workbook* book = std::exchange(w.book, nullptr);
  if (auto e = workbook_close(book)) {  // frees the workbook, also on failure
    if (e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE || e == LXW_ERROR_ZIP_FILE_OPERATION ||
        e == LXW_ERROR_ZIP_CLOSE || e == LXW_ERROR_ZIP_FILE_ADD)
      return w.failAt(fmt::format("{}（磁盘已满或无写入权限？）", lxw_strerror(e)),
                      fmt::format("{} (disk full or no permission?)", lxw_strerror(e)));
    return w.failWith(e, "closing");
  }
  if (::rename(w.temp.c_str(), w.path.c_str()) != 0) return w.failAt(std::strerror(errno), std::strerror(errno));
  w.closed = true;
  return {};
}

Result<void> writeXlsx(const std::string& path, const std::vector<Sheet>& sheets, const XlsxOptions& options) {
  auto book = XlsxWriter::create(path, options);
  if (!book) return std::unexpected(book.error());
  for (const auto& sheet : sheets) {
    if (auto ok = book->addSheet(sheet.name, sheet.headers); !ok) return ok;
    for (const auto& row : sheet.rows)
      if (auto ok = book->addRow(row); !ok) return ok;
  }
  return book->close();
}

}  // namespace unionsync

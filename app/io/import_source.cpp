#include "app/io/import_source.h"
#include "app/io/lost_digits.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/io/import_file.h"
#include "app/io/xlsx_cell_text.h"

namespace unionsync {

namespace {

Result<std::string> readFileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return fail(fmt::format("无法打开文件 {} / cannot open the file", path));
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return fail(fmt::format("读取文件 {} 失败 / cannot read the file", path));
  return bytes;
}

bool isBlank(std::string_view cell) { return cell.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

bool cellFailed(const std::vector<RowProblem>& problems, std::size_t column) {
  return std::ranges::any_of(problems, [&](const RowProblem& p) { return p.cell == static_cast<int>(column); });
}

std::string lowercaseExtension(const std::string& path) {
  std::string extension = std::filesystem::path(path).extension().string();
  std::ranges::transform(extension, extension.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

Result<DecodedText> readImportText(const std::string& path, Encoding encoding) {
  auto bytes = readFileBytes(path);
  if (!bytes) return std::unexpected(bytes.error());
  auto decoded = decodeText(*bytes, encoding);
  if (!decoded) return fail(fmt::format("无法读取文件 {} 的文字编码 / cannot decode the file: {}", path, decoded.error().message));
  return decoded;
}

bool isXlsxFile(const std::string& path) {
  const std::string extension = lowercaseExtension(path);
  if (extension == ".xlsx" || extension == ".xlsm" || extension == ".xls") return true;
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, sizeof magic);
  const std::string_view head(magic, static_cast<std::size_t>(in.gcount()));
  return head == std::string_view("PK\x03\x04", 4) || head == std::string_view("\xD0\xCF\x11\xE0", 4);
}

// --- rows ------------------------------------------------------------------------------------------

struct ImportRows::Impl {
  std::optional<CsvReader> csv;
  std::optional<XlsxSheetReader> sheet;
  bool date1904 = false;
  const ImportColumns* columns = nullptr;
  std::vector<std::string> cells;  // the XLSX row's text, which the CsvRow views
  std::vector<RowProblem> problems;

  Result<std::optional<CsvRow>> nextCsv() {
    auto row = csv->next();
    if (!row) return fail(fmt::format("文件不是有效的CSV，未导入任何数据 / the file is not valid CSV, nothing was imported: {}",
                                      row.error().message));
    problems.clear();
    if (*row && columns)
      for (std::size_t c = 0; c < (*row)->fields.size() && c < columns->fields.size(); ++c)
        if (auto problem = scientificNotationProblem((*row)->fields[c], columns->fields[c]); !problem.empty())
          problems.push_back({columns->headers[c], std::move(problem), static_cast<int>(c)});
    return row;
  }

  Result<std::optional<CsvRow>> nextXlsx() {
    for (;;) {
      auto row = sheet->next();
      if (!row) return std::unexpected(row.error());
      if (!*row) return std::nullopt;
      problems.clear();
      cells.assign((*row)->cells.empty() ? 0 : (*row)->cells.back().column + 1, std::string());
      for (const XlsxCell& cell : (*row)->cells) {
        const bool known = columns && cell.column < columns->fields.size();
        auto text = xlsxCellText(cell, known ? columns->fields[cell.column] : nullptr, date1904);
        if (!text.problem.empty())
          problems.push_back({known ? columns->headers[cell.column] : "", std::move(text.problem), static_cast<int>(cell.column)});
        cells[cell.column] = std::move(text.text);
      }
      if (std::ranges::all_of(cells, isBlank)) continue;
      return CsvRow{(*row)->number, std::vector<std::string_view>(cells.begin(), cells.end())};
    }
  }
};

ImportRows::ImportRows(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImportRows::ImportRows(ImportRows&&) noexcept = default;
ImportRows& ImportRows::operator=(ImportRows&&) noexcept = default;
ImportRows::~ImportRows() = default;

Result<std::optional<CsvRow>> ImportRows::next() { return impl_->csv ? impl_->nextCsv() : impl_->nextXlsx(); }
const std::vector<RowProblem>& ImportRows::problems() const { return impl_->problems; }
void ImportRows::readAs(const ImportColumns& columns) { impl_->columns = &columns; }

std::string ImportSource::where() const {
  return xlsx() ? fmt::format("文件 {} 的工作表“{}”", path, sheet) : fmt::format("文件 {}", path);
}

Result<ImportRows> ImportSource::rows() const {
  auto impl = std::make_unique<ImportRows::Impl>();
  if (!xlsx()) {
    impl->csv.emplace(text.utf8);
    return ImportRows(std::move(impl));
  }
  auto reader = workbook->sheet(sheet);
  if (!reader) return std::unexpected(reader.error());
  impl->sheet.emplace(std::move(*reader));
  impl->date1904 = workbook->date1904();
  return ImportRows(std::move(impl));
}

Result<ImportSource> openImportSource(const std::string& path, Encoding encoding, std::string_view sheetName) {
  ImportSource source{.path = path};
  if (!isXlsxFile(path)) {
    if (!sheetName.empty())
      return fail(fmt::format("文件 {} 是CSV文件，没有工作表，请去掉 --sheet / the file is CSV, which has no sheets: drop --sheet", path));
    auto decoded = readImportText(path, encoding);
    if (!decoded) return std::unexpected(decoded.error());
    source.text = std::move(*decoded);
    return source;
  }
  auto workbook = XlsxWorkbook::open(path);
  if (!workbook) return std::unexpected(workbook.error());
  source.workbook = std::make_shared<const XlsxWorkbook>(std::move(*workbook));
  // Opening the sheet here says at once when it does not exist.
  auto sheet = source.workbook->sheet(sheetName);
  if (!sheet) return std::unexpected(sheet.error());
  source.sheet = sheet->sheetName();
  return source;
}

}  // namespace unionsync

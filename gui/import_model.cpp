#include "gui/import_model.h"

#include <algorithm>
#include <filesystem>

#include "app/io/import_file.h"
#include "app/io/record_table.h"
#include "app/io/xlsx_export.h"

namespace unionsync::gui {

namespace {

std::vector<PreviewColumn> mapColumns(const std::vector<std::string>& headers) {
  std::vector<PreviewColumn> columns;
  for (const auto& header : headers) {
    PreviewColumn c{header, fieldForHeader(Kind::Member, header), false};
    if (c.field && std::ranges::any_of(columns, [&](const PreviewColumn& o) { return o.field == c.field; })) {
      c.duplicate = true;
      c.field = nullptr;
    }
    columns.push_back(std::move(c));
  }
  return columns;
}

}  // namespace

ImportPreview previewMemberFile(const std::string& path, Encoding encoding, std::string_view sheet, std::size_t maxRows) {
  ImportPreview p;
  p.path = path;
  auto failed = [&](const Error& error) {
    p.error = error.message;
    return p;
  };
  auto source = openImportSource(path, encoding, sheet);
  if (!source) return failed(source.error());
  p.detected = source->text.detected;
  p.sheet = source->sheet;
  if (source->xlsx()) p.sheets = source->workbook->sheetNames();
  auto rows = source->rows();
  if (!rows) return failed(rows.error());
  auto shape = readShape(*rows, Kind::Member);
  if (!shape) return failed(shape.error());
  if (shape->headerLine == 0) {
    p.error = "文件是空的 / the file is empty";
    return p;
  }
  p.headerLine = shape->headerLine;
  p.dataRows = shape->dataRows;
  p.columns = mapColumns(shape->headers);
  // The first data rows, read as the import reads them (dates, numbers of an XLSX sheet).
  const ImportColumns columns = ImportColumns::map(Kind::Member, shape->headers);
  auto data = source->rows();
  if (!data) return failed(data.error());
  data->readAs(columns);
  while (p.rows.size() < maxRows) {
    auto row = data->next();
    if (!row || !*row) break;
    if ((*row)->line > p.headerLine) p.rows.emplace_back((*row)->fields.begin(), (*row)->fields.end());
  }
  for (const FieldDef& f : kindDef(Kind::Member).fields)
    if (f.required && std::ranges::none_of(p.columns, [&](const PreviewColumn& c) { return c.field == &f; }))
      p.missingRequired.push_back(&f);
  return p;
}

std::vector<std::string> importFilesNear(const std::string& pathOrDir, std::size_t limit) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = pathOrDir.empty() ? fs::current_path(ec) : fs::path(pathOrDir);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string ext = p.extension().string();
    std::ranges::transform(ext, ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if ((ext != ".csv" && ext != ".xlsx") || !it->is_regular_file(ec)) continue;
    found.emplace_back(it->last_write_time(ec), p.string());
  }
  std::ranges::sort(found, std::greater<>{});
  std::vector<std::string> out;
  for (auto& [time, path] : found) {
    if (out.size() >= limit) break;
    out.push_back(std::move(path));
  }
  return out;
}

Result<std::size_t> exportMemberView(const Node& node, const MemberView& view, const std::string& path,
                                     Encoding encoding) {
  if (!view.snapshot) return fail("会员列表尚未载入 / the member list has not loaded yet");
  const MemberSnapshot& s = *view.snapshot;
  const RecordTable table(node, Kind::Member, view.query.filter.org);
  // The view's members in its order, as stored now (one deleted since the list loaded is left out).
  auto members = [&](const std::function<bool(const Record&)>& visit, const WorkHooks&) {
    for (std::size_t row : view.rows) {
      auto record = node.get(Kind::Member, s.row(row).id);
      if (record && !record->deleted() && !visit(*record)) break;
    }
    return Completion::Finished;
  };
  auto summary = exportFile(table, members, path, ExportOptions{.encoding = encoding});
  if (!summary) return std::unexpected(summary.error());
  return summary->records;
}

}  // namespace unionsync::gui

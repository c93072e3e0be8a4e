#include "gui/import_model.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "app/io/csv.h"
#include "app/io/csv_export.h"

namespace unionsync::gui {

namespace {

constexpr std::size_t kHeaderSearchRows = 10;  // as importMembers

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

bool namesKeyColumns(const std::vector<PreviewColumn>& columns) {
  auto has = [&](std::string_view f) {
    return std::ranges::any_of(columns, [&](const PreviewColumn& c) { return c.field && c.field->name == f; });
  };
  return has("name") && has("id_number");
}

Result<void> writeFileOwnerOnly(const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  auto failure = [&] { return fail(fmt::format("无法写入文件 {} / cannot write the file {}", path, path)); };
  if (fd < 0) return failure();
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      return failure();
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    return failure();
  }
  return {};
}

}  // namespace

ImportPreview previewMemberCsv(const std::string& path, Encoding encoding, std::size_t maxRows) {
  ImportPreview p;
  p.path = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    p.error = fmt::format("无法打开文件 {} / cannot open the file {}", path, path);
    return p;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  auto decoded = decodeText(bytes.str(), encoding);
  if (!decoded) {
    p.error = decoded.error().message;
    return p;
  }
  p.detected = decoded->detected;
  CsvReader reader(decoded->utf8);
  std::vector<std::vector<std::string>> rows;  // until the header is known
  std::vector<std::size_t> lines;
  std::size_t headerIndex = SIZE_MAX;
  for (std::size_t index = 0;; ++index) {
    auto row = reader.next();
    if (!row) {
      p.error = row.error().message;
      return p;
    }
    if (!*row) break;
    std::vector<std::string> fields((*row)->fields.begin(), (*row)->fields.end());
    if (headerIndex == SIZE_MAX && index < kHeaderSearchRows && namesKeyColumns(mapColumns(fields))) {
      headerIndex = index;  // rows above it are titles
    }
    if (index < kHeaderSearchRows + maxRows) {
      rows.push_back(std::move(fields));
      lines.push_back((*row)->line);
    }
    ++p.dataRows;
  }
  if (rows.empty()) {
    p.error = "文件是空的 / the file is empty";
    return p;
  }
  // No row names both key columns: the first row is the header (and the check below says
  // which columns are missing), as importMembers does.
  if (headerIndex == SIZE_MAX) headerIndex = 0;
  const std::size_t headerAt = std::min(headerIndex, rows.size() - 1);
  p.headerLine = lines[headerAt];
  p.columns = mapColumns(rows[headerAt]);
  p.dataRows -= headerIndex + 1;
  for (std::size_t i = headerAt + 1; i < rows.size() && p.rows.size() < maxRows; ++i) p.rows.push_back(std::move(rows[i]));
  for (const FieldDef& f : kindDef(Kind::Member).fields)
    if (f.required && std::ranges::none_of(p.columns, [&](const PreviewColumn& c) { return c.field == &f; }))
      p.missingRequired.push_back(&f);
  return p;
}

std::vector<std::string> csvFilesNear(const std::string& pathOrDir, std::size_t limit) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = pathOrDir.empty() ? fs::current_path(ec) : fs::path(pathOrDir);
  if (!fs::is_directory(dir, ec)) dir = dir.parent_path();
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::string ext = p.extension().string();
    std::ranges::transform(ext, ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext != ".csv" || !it->is_regular_file(ec)) continue;
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
  // Which people the view holds, by (ID type, ID number): what identifies a member.
  std::unordered_map<std::string, std::size_t> position;
  const MemberSnapshot& s = *view.snapshot;
  for (std::size_t i = 0; i < view.rows.size(); ++i) position.emplace(std::string(s.text(s.row(view.rows[i]).idNumber)), i);

  // Rows formatted by exportCsv's own code, filtered to the view and put in its order.
  const std::string all = exportCsvText(node, Kind::Member, ExportOptions{.org = view.query.filter.org});
  CsvReader reader(all);
  std::vector<std::string> header;
  int idColumn = -1;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> picked;
  for (;;) {
    auto row = reader.next();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    std::vector<std::string> fields((*row)->fields.begin(), (*row)->fields.end());
    if (header.empty()) {
      header = std::move(fields);
      for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c] == findField(Kind::Member, "id_number")->zh) idColumn = static_cast<int>(c);
      if (idColumn < 0) return fail("导出格式缺少证件号码列 / the export has no ID number column");
      continue;
    }
    std::string_view id = fields[static_cast<std::size_t>(idColumn)];
    if (id.starts_with('\t')) id.remove_prefix(1);  // excelText's marker for long digit strings
    auto it = position.find(std::string(id));
    if (it != position.end()) picked.emplace_back(it->second, std::move(fields));
  }
  std::ranges::sort(picked, {}, [](const auto& p) { return p.first; });
  std::string text;
  appendCsvRow(text, header);
  for (const auto& [pos, fields] : picked) appendCsvRow(text, fields);
  std::string bytes;
  if (encoding == Encoding::Gbk) {
    auto encoded = encodeText(text, Encoding::Gbk);
    if (!encoded) return std::unexpected(encoded.error());
    bytes = std::move(*encoded);
  } else {
    bytes = "\xEF\xBB\xBF" + text;  // Excel reads UTF-8 only with a byte-order mark
  }
  if (auto written = writeFileOwnerOnly(path, bytes); !written) return std::unexpected(written.error());
  return picked.size();
}

}  // namespace unionsync::gui

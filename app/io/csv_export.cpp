#include "app/io/csv_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>

#include "app/io/csv.h"
#include "app/io/record_table.h"

namespace unionsync {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Rows are handed to the file in pieces of about this size, so memory stays flat.
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

using Sink = std::function<Result<void>(std::string_view utf8)>;

struct Written {
  std::size_t records = 0;
  Completion completion = Completion::Finished;
};

// Turns the records into CSV text with the table's columns, in pieces (ending at row ends)
// handed to `sink`; returns the number of records, and whether `hooks` stopped it (the last
// piece is then not handed over).
Result<Written> writeRows(const RecordTable& table, const RecordSource& records, const Sink& sink,
                          const WorkHooks& hooks = {}) {
  std::string buffer;
  appendCsvRow(buffer, table.headers());
  std::size_t count = 0;
  std::optional<Error> failure;
  std::vector<std::string> row;
  const Completion completion = records([&](const Record& r) {
    table.textRow(r, row);
    appendCsvRow(buffer, row);
    ++count;
    if (buffer.size() < kFlushBytes) return true;
    if (auto ok = sink(buffer); !ok) failure = ok.error();
    buffer.clear();
    return !failure;
  }, hooks);
  if (!failure && completion == Completion::Finished)
    if (auto ok = sink(buffer); !ok) failure = ok.error();
  if (failure) return std::unexpected(*failure);
  return Written{count, completion};
}

}  // namespace

AtomicFile::AtomicFile(std::string path, bool ownerOnly) : path_(std::move(path)), temp_(path_ + ".tmp") {
  const mode_t mode = ownerOnly ? 0600 : 0644;
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  // A temporary file left by an earlier run keeps its mode through O_CREAT: set it.
  if (fd_ >= 0 && ::fchmod(fd_, mode) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

Result<void> AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) return failure();
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return failure();
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> AtomicFile::commit() {
  if (fd_ < 0) return failure();
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0 || ::rename(temp_.c_str(), path_.c_str()) != 0) {
    auto error = failure();
    ::unlink(temp_.c_str());
    return error;
  }
  return {};
}

std::unexpected<Error> AtomicFile::failure() const {
  if (errno == ENOSPC) return fail(fmt::format("磁盘已满，无法写入文件 {} / the disk is full: cannot write the file", path_));
  return fail(fmt::format("无法写入文件 {} / cannot write the file: {}", path_, std::strerror(errno)));
}

std::string excelText(std::string_view value) {
  const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
  if (!digits || (value.size() < 12 && (value.size() < 2 || value[0] != '0'))) return std::string(value);
  std::string text;
  text.reserve(value.size() + 1);
  text.push_back('\t');
  text.append(value);
  return text;
}

Result<ExportSummary> exportCsv(const Node& node, Kind kind, const std::string& path, const ExportOptions& options) {
  RecordTable table(node, kind, options.org);
  return exportCsv(table, allRecords(table), path, options);
}

RecordSource allRecords(const RecordTable& table) {
  return [&table](const auto& visit, const WorkHooks& hooks) { return table.forEach(visit, hooks); };
}

Result<ExportSummary> exportCsv(const RecordTable& table, const RecordSource& records, const std::string& path,
                                const ExportOptions& options) {
  if (options.encoding == Encoding::Auto) return fail("请选择导出编码 utf-8 或 gbk / choose an export encoding: utf-8 or gbk");
  ExportSummary summary{.personalColumns = table.personalHeaders()};

  AtomicFile file(path, !summary.personalColumns.empty());
  if (options.encoding == Encoding::Utf8)
    if (auto ok = file.write(kUtf8Bom); !ok) return std::unexpected(ok.error());
  auto written = writeRows(table, records, [&](std::string_view utf8) -> Result<void> {
    // Pieces end at row ends, so each is whole UTF-8 text.
    auto bytes = encodeText(utf8, options.encoding);
    if (!bytes) return fail(fmt::format("无法按{}编码导出 / cannot encode the export: {}", encodingName(options.encoding),
                                        bytes.error().message));
    return file.write(*bytes);
  }, options.hooks);
  if (!written) return std::unexpected(written.error());
  summary.records = written->records;
  // Not committed: the temporary file goes with `file`.
  summary.cancelled = written->completion == Completion::Cancelled;
  if (summary.cancelled) return summary;
  if (auto ok = file.commit(); !ok) return std::unexpected(ok.error());
  return summary;
}

std::string exportCsvText(const Node& node, Kind kind, const ExportOptions& options) {
  std::string text;
  const RecordTable table(node, kind, options.org);
  (void)writeRows(table, allRecords(table), [&](std::string_view utf8) -> Result<void> {
    text.append(utf8);
    return {};
  });
  return text;
}

}  // namespace unionsync

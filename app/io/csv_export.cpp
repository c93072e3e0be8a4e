#include "app/internal/store_access.h"
#include "app/io/csv_export.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "app/io/csv.h"

namespace unionsync {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kParticipantsHeader = "参加会员数";
// Rows are handed to the file in pieces of about this size, so memory stays flat.
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

// A member reference is written as the member's ID number (below).
bool isPersonal(const FieldDef& field) {
  return field.type == FieldType::IdNumber || field.type == FieldType::Mobile || field.personal ||
         (field.type == FieldType::Ref && field.refKind == Kind::Member);
}

// Titles of the records a reference may point to; a title held by several records is
// written as the id instead, so that an import resolves it to the same record. Members are
// named by their ID number, which identifies them (names do not).
class RefTitles {
 public:
  RefTitles(const Node& node, Kind kind) {
    std::unordered_map<std::string, int> uses;
    const std::string_view title = kind == Kind::Member ? "id_number" : kindDef(kind).titleField;
    internal::storeOf(node).forEach(kind, [&](const Record& r) {
      if (r.deleted()) return true;
      std::string name(r.get(title));
      ++uses[name];
      titles_.emplace(r.id.hex(), std::move(name));
      return true;
    });
    for (auto& [hex, name] : titles_)
      if (name.empty() || uses[name] > 1) name = hex;
  }

  std::string shown(std::string_view hex) const {
    auto it = titles_.find(std::string(hex));
    return it == titles_.end() ? std::string(hex) : it->second;
  }

 private:
  std::unordered_map<std::string, std::string> titles_;
};

std::size_t participantCount(const Record& r) {
  std::size_t n = 0;
  for (const auto& [name, field] : r.fields)
    if (name.starts_with(kParticipantPrefix) && !field.value.empty()) ++n;
  return n;
}

// Turns records of one kind into CSV rows, in pieces handed to `sink`.
class Exporter {
 public:
  using Sink = std::function<Result<void>(std::string_view utf8)>;

  Exporter(const Node& node, Kind kind, const ExportOptions& options) : node_(node), kind_(kind) {
    for (const auto& field : kindDef(kind).fields)
      if (field.type == FieldType::Ref && !refs_.contains(field.refKind)) refs_.emplace(field.refKind, RefTitles(node, field.refKind));
    if (options.org) {
      auto subtree = node.orgTree().subtree(*options.org);
      scope_.emplace(subtree.begin(), subtree.end());
    }
  }

  std::vector<std::string> headers() const {
    std::vector<std::string> out;
    for (const auto& field : kindDef(kind_).fields) out.emplace_back(field.zh);
    if (kind_ == Kind::Activity) out.emplace_back(kParticipantsHeader);
    return out;
  }

  Result<std::size_t> run(const Sink& sink) {
    std::string buffer;
    appendCsvRow(buffer, headers());
    std::size_t records = 0;
    std::optional<Error> failure;
    std::vector<std::string> row;
    internal::storeOf(node_).forEach(kind_, [&](const Record& r) {
      if (r.deleted() || !inScope(r)) return true;
      fillRow(r, row);
      appendCsvRow(buffer, row);
      ++records;
      if (buffer.size() < kFlushBytes) return true;
      if (auto ok = sink(buffer); !ok) failure = ok.error();
      buffer.clear();
      return !failure;
    });
    if (!failure)
      if (auto ok = sink(buffer); !ok) failure = ok.error();
    if (failure) return std::unexpected(*failure);
    return records;
  }

 private:
  bool inScope(const Record& r) const {
    if (!scope_) return true;
    if (kind_ == Kind::Organization) return scope_->contains(r.id);
    auto owner = RecordId::fromHex(r.get(kindDef(kind_).ownerField));
    return owner && scope_->contains(*owner);
  }

  void fillRow(const Record& r, std::vector<std::string>& row) const {
    row.clear();
    for (const auto& field : kindDef(kind_).fields) {
      std::string_view stored = r.get(field.name);
      if (field.type == FieldType::Ref)
        row.push_back(stored.empty() ? std::string() : refs_.at(field.refKind).shown(stored));
      else
        row.push_back(excelText(displayValue(field, stored)));
    }
    if (kind_ == Kind::Activity) row.push_back(std::to_string(participantCount(r)));
  }

  const Node& node_;
  Kind kind_;
  std::map<Kind, RefTitles> refs_;
  std::optional<std::set<RecordId>> scope_;
};

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
  if (options.encoding == Encoding::Auto) return fail("请选择导出编码 utf-8 或 gbk / choose an export encoding: utf-8 or gbk");
  ExportSummary summary;
  for (const auto& field : kindDef(kind).fields)
    if (isPersonal(field)) summary.personalColumns.emplace_back(field.zh);

  AtomicFile file(path, !summary.personalColumns.empty());
  if (options.encoding == Encoding::Utf8)
    if (auto ok = file.write(kUtf8Bom); !ok) return std::unexpected(ok.error());
  Exporter exporter(node, kind, options);
  auto records = exporter.run([&](std::string_view utf8) -> Result<void> {
    // Pieces end at row ends, so each is whole UTF-8 text.
    auto bytes = encodeText(utf8, options.encoding);
    if (!bytes) return fail(fmt::format("无法按{}编码导出 / cannot encode the export: {}", encodingName(options.encoding),
                                        bytes.error().message));
    return file.write(*bytes);
  });
  if (!records) return std::unexpected(records.error());
  if (auto ok = file.commit(); !ok) return std::unexpected(ok.error());
  summary.records = *records;
  return summary;
}

std::string exportCsvText(const Node& node, Kind kind, const ExportOptions& options) {
  std::string text;
  Exporter exporter(node, kind, options);
  (void)exporter.run([&](std::string_view utf8) -> Result<void> {
    text.append(utf8);
    return {};
  });
  return text;
}

}  // namespace unionsync

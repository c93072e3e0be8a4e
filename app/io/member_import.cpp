#include "app/internal/store_access.h"
#include "app/io/member_import.h"
#include "app/search/name_hints.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "app/io/csv.h"
#include "app/io/csv_export.h"
#include "app/io/import_file.h"
#include "app/records/batch_writer.h"
#include "app/records/field_values.h"
#include "app/records/member_identity.h"
#include "app/records/member_rules.h"
#include "store/validation.h"

namespace unionsync {

namespace {

struct RecordIdHash {
  std::size_t operator()(const RecordId& id) const {
    // Member ids are keyed hashes already: their first bytes are uniformly distributed.
    std::size_t h;
    std::memcpy(&h, id.bytes.data(), sizeof h);
    return h;
  }
};

// --- unions ------------------------------------------------------------------------------------

// Organization names to ids (as stored: hex), read once per import. Names held by several
// unions are ambiguous.
class OrgNames {
 public:
  explicit OrgNames(const Store& store) {
    store.forEach(Kind::Organization, [&](const Record& r) {
      if (r.deleted()) return true;
      std::string hex = r.id.hex();
      ids_.insert(hex);
      auto [it, inserted] = byName_.emplace(std::string(r.get("name")), hex);
      if (!inserted) it->second.clear();  // ambiguous
      return true;
    });
  }

  Result<std::string> resolve(std::string_view text) const {
    if (auto id = RecordId::fromHex(text)) {
      if (auto it = ids_.find(id->hex()); it != ids_.end()) return *it;
      return fail(fmt::format("找不到编号为{}的工会 / no union with this id", text));
    }
    auto it = byName_.find(text);
    if (it == byName_.end()) {
      const std::string near = hintsFor(text);
      if (!near.empty())
        return fail(fmt::format("找不到名为“{}”的工会，是否指：{} / no union named \"{}\"; did you mean: {}", text, near, text, near));
      return fail(fmt::format("找不到名为“{}”的工会 / no union named \"{}\"", text, text));
    }
    if (it->second.empty())
      return fail(fmt::format("有多个工会名为“{}”，请填写工会编号 / several unions are named \"{}\": use the id", text, text));
    return it->second;
  }

 private:
  // Once per distinct name: a file may name the same missing union on every row.
  const std::string& hintsFor(std::string_view text) const {
    auto [it, first] = hints_.try_emplace(std::string(text));
    if (first) {
      NameHints hints(text);
      for (const auto& held : byName_)
        if (!hints.offer(held.first)) break;
      it->second = hints.list();
    }
    return it->second;
  }

  std::map<std::string, std::string, std::less<>> byName_;
  std::set<std::string, std::less<>> ids_;
  mutable std::map<std::string, std::string, std::less<>> hints_;
};

// --- rows ----------------------------------------------------------------------------------------

// A row turned into the member it describes: its id and the normalized non-blank values.
struct PreparedRow {
  RecordId id;
  FieldValues values;
  bool hasOrg = false;
};

// Validates rows as Node::validate validates a new member, with the per-import work (column
// lookup, union names, today's date, the deployment key) done once.
class RowPreparer {
 public:
  RowPreparer(const ImportColumns& columns, const OrgNames& orgs, std::optional<RecordId> defaultOrg,
              std::string today, std::string deploymentKey)
      : columns_(columns),
        orgs_(orgs),
        defaultOrg_(std::move(defaultOrg)),
        today_(std::move(today)),
        key_(std::move(deploymentKey)),
        idTypeColumn_(columns.columnOf("id_type")),
        orgText_(*findField(Kind::Member, "org")) {
    // Union cells are names: trimmed and length-checked as text, then looked up.
    orgText_.type = FieldType::Text;
    orgText_.required = false;
  }

  // `problems`: those found reading the row's cells (ImportRows::problems).
  std::expected<PreparedRow, std::vector<RowProblem>> prepare(const CsvRow& row, std::vector<RowProblem> problems) const {
    PreparedRow out;
    out.values.reserve(columns_.fields.size() + 4);
    std::string idType;
    if (auto type = normalizeValue(*findField(Kind::Member, "id_type"), filledCell(row, idTypeColumn_), today_))
      idType = *type;
    const bool resident = isResidentIdType(idType);
    std::optional<IdNumberInfo> idInfo;
    for (std::size_t c = 0; c < columns_.fields.size(); ++c) {
      if (columns_.firstOfField[c] != static_cast<int>(c)) continue;  // read with the field's first column
      auto value = readField(row, c, resident, idInfo, problems);
      if (value && !value->empty()) out.values.emplace_back(std::string(columns_.fields[c]->name), std::move(*value));
    }
    for (std::size_t c = columns_.fields.size(); c < row.fields.size(); ++c)
      if (!row.fields[c].empty())
        problems.push_back({"", fmt::format("第{}个单元格在表头之外 / cell {} is beyond the header", c + 1, c + 1)});
    if (!hasValue(out.values, "org") && defaultOrg_) out.values.emplace_back("org", defaultOrg_->hex());
    out.hasOrg = hasValue(out.values, "org");
    // The columns that give the birth date and gender must agree with the ID number.
    if (idInfo)
      for (auto& error : applyIdNumberFacts(*idInfo, out.values))
        problems.push_back({columns_.headerOf(error.field), std::move(error.message)});
    if (!problems.empty()) return std::unexpected(std::move(problems));
    out.id = memberIdFromIdNumber(key_, idType, valueOf(out.values, "id_number"));
    return out;
  }

 private:
  static bool hasValue(const FieldValues& values, std::string_view name) { return !valueOf(values, name).empty(); }

  // The first non-blank cell among the field's columns (the first column's when all are blank).
  std::string_view filledCell(const CsvRow& row, int first) const {
    if (first < 0) return {};
    for (std::size_t c : columns_.columnsOfField(static_cast<std::size_t>(first))) {
      std::string_view cell = cellAt(row, static_cast<int>(c));
      if (cell.find_first_not_of(" \t") != std::string_view::npos) return cell;
    }
    return cellAt(row, first);
  }

  // One column's cell, checked as text and normalized; an empty value when it fails (the
  // problem is added, naming the column).
  std::optional<std::string> readColumn(const CsvRow& row, std::size_t c, bool resident,
                                        std::optional<IdNumberInfo>& idInfo, std::vector<RowProblem>& problems) const {
    const FieldDef& field = *columns_.fields[c];
    std::string_view cell = cellAt(row, static_cast<int>(c));
    if (auto bad = cellTextProblem(field, cell, columns_.headers.size()); !bad.empty()) {
      problems.push_back({columns_.headers[c], std::move(bad)});
      return std::nullopt;
    }
    auto value = field.type == FieldType::IdNumber ? normalizeIdNumber(field, cell, resident, idInfo)
                                                   : normalizeCell(field, cell);
    if (!value) {
      problems.push_back({columns_.headers[c], value.error().message});
      return std::nullopt;
    }
    return std::move(*value);
  }

  // The value of the field whose first column is `first`. With several columns for the field
  // (手机 and 手机号码), the filled ones must agree after normalizing; empty ones are fine.
  std::optional<std::string> readField(const CsvRow& row, std::size_t first, bool resident,
                                       std::optional<IdNumberInfo>& idInfo, std::vector<RowProblem>& problems) const {
    const std::vector<std::size_t> same = columns_.columnsOfField(first);
    if (std::ranges::any_of(same, [&](std::size_t c) { return cellFailed(problems, c); })) return std::nullopt;
    std::vector<std::size_t> filled;
    for (std::size_t c : same)
      if (cellAt(row, static_cast<int>(c)).find_first_not_of(" \t") != std::string_view::npos) filled.push_back(c);
    if (filled.size() <= 1) return readColumn(row, filled.empty() ? first : filled[0], resident, idInfo, problems);

    std::optional<std::string> kept;
    std::size_t keptColumn = filled[0];
    for (std::size_t c : filled) {
      std::optional<IdNumberInfo> info;
      auto value = readColumn(row, c, resident, info, problems);
      if (!value) return std::nullopt;
      if (!kept) {
        kept = std::move(value);
        idInfo = std::move(info);
      } else if (*value != *kept) {
        const std::string& a = columns_.headers[keptColumn];
        const std::string& b = columns_.headers[c];
        problems.push_back({a + "；" + b,
                            fmt::format("“{}”列为“{}”，“{}”列为“{}”，同一字段的两列不一致，请只保留一个值 / columns {} and {} "
                                        "differ (\"{}\", \"{}\"): keep one value",
                                        a, cellAt(row, static_cast<int>(keptColumn)), b, cellAt(row, static_cast<int>(c)), a,
                                        b, cellAt(row, static_cast<int>(keptColumn)), cellAt(row, static_cast<int>(c)))});
        return std::nullopt;
      }
    }
    return kept;
  }

  Result<std::string> normalizeCell(const FieldDef& field, std::string_view cell) const {
    if (field.name != "org") return normalizeValue(field, cell, today_);
    auto name = normalizeValue(orgText_, cell, today_);
    if (!name || name->empty()) return name;
    auto id = orgs_.resolve(*name);
    if (!id) return fail(fmt::format("{}: {}", field.zh, id.error().message));
    return *id;
  }

  // A resident ID number is parsed once, here, for its normalized form, birth date and gender
  // (normalizeValue would parse it and drop the rest).
  Result<std::string> normalizeIdNumber(const FieldDef& field, std::string_view cell, bool resident,
                                        std::optional<IdNumberInfo>& info) const {
    if (!resident) return normalizeOtherIdNumber(field, cell);
    auto parsed = parseIdNumber(cell, today_);
    if (!parsed) return normalizeValue(field, cell, today_);  // fails too, with the schema's wording
    info = std::move(*parsed);
    return info->normalized;
  }

  const ImportColumns& columns_;
  const OrgNames& orgs_;
  std::optional<RecordId> defaultOrg_;
  std::string today_;
  std::string key_;
  int idTypeColumn_;
  FieldDef orgText_;
};

// --- storing ---------------------------------------------------------------------------------------

enum class Outcome { Created, Updated, Unchanged, Duplicate };

// Rows processed since the last stored chunk, with their counts, committed together.
struct Chunk {
  std::vector<PreparedRecord> writes;
  std::size_t rows = 0, created = 0, updated = 0, unchanged = 0, duplicates = 0, rejected = 0;
  std::size_t lastLine = 0;
  std::size_t reportMark = 0;  // report size before this chunk

  void count(Outcome outcome) {
    switch (outcome) {
      case Outcome::Created: ++created; break;
      case Outcome::Updated: ++updated; break;
      case Outcome::Unchanged: ++unchanged; break;
      case Outcome::Duplicate: ++duplicates; break;
    }
  }
  void addTo(ImportReport& report) const {
    report.rows += rows;
    report.created += created;
    report.updated += updated;
    report.unchanged += unchanged;
    report.duplicates += duplicates;
    report.rejected += rejected;
    report.storedThroughLine = lastLine;
  }
};

class Importer {
 public:
  Importer(Node& node, const ImportColumns& columns, const ImportOptions& options, std::size_t totalRows)
      : node_(node),
        options_(options),
        orgs_(internal::storeOf(node)),
        preparer_(columns, orgs_, options.defaultOrg, node.today(), internal::storeOf(node).deploymentKey()),
        columns_(columns),
        report_(columns.headers),
        totalRows_(totalRows),
        writer_(node) {
    seen_.reserve(totalRows);
  }

  // Imports the data rows below the header line.
  void run(ImportRows& rows, std::size_t headerLine, ImportReport& result) {
    Chunk chunk;
    chunk.reportMark = report_.size();
    for (;;) {
      auto row = rows.next();
      if (!row || !*row) break;  // the first pass has seen the file is well-formed
      if ((*row)->line <= headerLine) continue;
      take(**row, rows.problems(), chunk);
      if (chunk.rows >= options_.chunkRows) {
        if (!submit(chunk, result)) return;
      } else if (chunk.rows % kReadTickRows == 0 && !readTick(chunk, result)) {
        return;
      }
    }
    if (chunk.rows > 0 && !submit(chunk, result)) return;
    finishWrite(result);
  }

  void saveTo(ImportReport& result) const { saveReport(report_, result); }

 private:
  void take(const CsvRow& row, const std::vector<RowProblem>& cellProblems, Chunk& chunk) {
    ++chunk.rows;
    chunk.lastLine = row.line;
    if (repeatsHeader(row, columns_.headers)) {
      reject(row, {{"", "与表头相同：又一个表头行，文件可能由几个文件拼接而成；本行已跳过 / the header row again: the file looks "
                        "joined from several files; this row was skipped"}},
             chunk);
      return;
    }
    auto prepared = preparer_.prepare(row, cellProblems);
    if (!prepared) {
      reject(row, prepared.error(), chunk);
      return;
    }
    auto [it, first] = seen_.try_emplace(prepared->id, row.line);
    if (!first) {
      report_.add(row, {{columns_.headerOf("id_number"),
                         fmt::format("与第{}行是同一人，本行已导入，非空单元格覆盖前面的值 / same person as line {}: "
                                     "imported, this row's filled cells replace the earlier values",
                                     it->second, it->second)}});
      it->second = row.line;
      chunk.count(Outcome::Duplicate);
      chunk.writes.push_back({Kind::Member, prepared->id, std::move(prepared->values)});
      return;
    }
    auto existing = internal::storeOf(node_).get(Kind::Member, prepared->id);
    Outcome outcome = classify(existing, *prepared);
    if (outcome == Outcome::Created && !prepared->hasOrg) {
      seen_.erase(it);
      reject(row, {{columns_.headerOf("org"), fmt::format("{}: 必填 / required", findField(Kind::Member, "org")->zh)}},
             chunk);
      return;
    }
    chunk.count(outcome);
    if (outcome != Outcome::Unchanged) chunk.writes.push_back({Kind::Member, prepared->id, std::move(prepared->values)});
  }

  void reject(const CsvRow& row, const std::vector<RowProblem>& problems, Chunk& chunk) {
    report_.add(row, problems);
    ++chunk.rejected;
  }

  // Created members get the defaults Node::upsertMember gives them.
  static Outcome classify(const std::optional<Record>& existing, PreparedRow& row) {
    if (!existing || existing->deleted()) {
      setValue(row.values, kDeletedField, "0");
      if (valueOf(row.values, "status").empty()) row.values.emplace_back("status", "正常");
      return Outcome::Created;
    }
    for (const auto& [name, value] : row.values)
      if (existing->get(name) != value) {
        noteDeparture(*existing, row.values);
        return Outcome::Updated;
      }
    return Outcome::Unchanged;
  }

  // Chunks are large (ImportOptions::chunkRows): between them, every few thousand rows read,
  // progress counts the rows read and a cancel is seen at once, without waiting for the chunk
  // (its rows are then not stored). False when the import must stop.
  static constexpr std::size_t kReadTickRows = 5000;
  bool readTick(Chunk& chunk, ImportReport& result) {
    if (options_.cancel && options_.cancel->load()) {
      finishWrite(result);
      stopCancelled(chunk, result);
      return false;
    }
    const std::size_t read = result.rows + (inFlight_ ? inFlight_->rows : 0) + chunk.rows;
    if (options_.progress) options_.progress(ImportProgress{read, totalRows_});
    return true;
  }

  void stopCancelled(Chunk& chunk, ImportReport& result) {
    result.cancelled = true;
    report_.truncate(chunk.reportMark);
  }

  // Hands the chunk to a second thread to store while the next chunk is read and checked
  // (the store's write path and the row checks take comparable time), after the previous
  // chunk is stored. False when the import must stop (cancelled, or storing failed).
  bool submit(Chunk& chunk, ImportReport& result) {
    if (!finishWrite(result)) return false;
    if (options_.cancel && options_.cancel->load()) {
      stopCancelled(chunk, result);
      return false;
    }
    // The writer sorts the chunk by id, stably: a person's rows stay in file order, so the
    // later row still wins.
    writer_.writeInBackground(std::move(chunk.writes));
    inFlight_ = std::move(chunk);
    chunk = Chunk{};
    chunk.reportMark = report_.size();
    return true;
  }

  // Waits for the chunk being stored and counts it; false when storing it failed.
  bool finishWrite(ImportReport& result) {
    if (!inFlight_) return true;
    auto written = writer_.wait();
    Chunk done = std::move(*inFlight_);
    inFlight_.reset();
    if (!written) {
      result.failure = written.error().message;
      report_.truncate(done.reportMark);  // the lines of this chunk and of the one after it
      return false;
    }
    done.addTo(result);
    if (options_.progress) options_.progress(ImportProgress{result.rows, totalRows_});
    return true;
  }

  Node& node_;
  const ImportOptions& options_;
  OrgNames orgs_;
  RowPreparer preparer_;
  const ImportColumns& columns_;
  RejectionReport report_;
  std::size_t totalRows_;
  BatchWriter writer_;
  std::optional<Chunk> inFlight_;  // the counts of the chunk writer_ is storing
  // Members seen in this file -> the last line that named them.
  std::unordered_map<RecordId, std::size_t, RecordIdHash> seen_;
};

}  // namespace

std::vector<std::string> ImportReport::ignoredHeaders() const { return unionsync::ignoredHeaders(headerMapping); }

Result<ImportReport> importMembers(Node& node, const std::string& path, const ImportOptions& options) {
  auto opened = openImport(Kind::Member, path, options);
  if (!opened) return std::unexpected(opened.error());
  ImportReport& report = opened->report;
  auto rows = opened->source.rows();
  if (!rows) return std::unexpected(rows.error());
  rows->readAs(opened->columns);
  Importer importer(node, opened->columns, options, opened->dataRows);
  importer.run(*rows, report.headerLine, report);
  importer.saveTo(report);
  return std::move(report);
}

}  // namespace unionsync

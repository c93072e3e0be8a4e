#include "app/io/record_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_set>
#include <utility>

#include "app/io/import_file.h"
#include "app/records/batch_writer.h"
#include "app/records/field_values.h"
#include "app/records/member_identity.h"

namespace unionsync {

namespace {

constexpr ImportableKind kImportable[] = {
    {"orgs", Kind::Organization},  {"employers", Kind::Employer}, {"activities", Kind::Activity},
    {"hardship", Kind::Hardship},  {"assistance", Kind::Assistance}, {"case", Kind::RightsCase},
    {"contract", Kind::Contract},  {"congress", Kind::Congress},   {"funds", Kind::Funds},
};

bool isBlank(std::string_view cell) { return cell.find_first_not_of(" \t") == std::string_view::npos; }

// A record's schema fields as one string, to recognise a row that would write a record
// identical to one held. Values are stored normalized, so equal records give equal strings.
std::string fingerprint(Kind kind, const std::function<std::string_view(std::string_view)>& valueOfField) {
  std::string out;
  for (const auto& field : kindDef(kind).fields) {
    out.append(valueOfField(field.name));
    out.push_back('\0');
  }
  return out;
}

// The rows validated but not yet stored, written together in one transaction: a durable
// commit per row (Node::add) managed 140 rows a second where this was measured, a
// transaction of 1000 rows 17,000.
struct Pending {
  std::vector<PreparedRecord> writes;
  std::unordered_set<std::string> prints;  // their fingerprints
  std::set<std::string> members;           // the members they name
  ImportReport counts;                     // rows, created ... rejected of these rows
  std::size_t lastLine = 0;
  std::size_t reportMark = 0;              // the report's size before these rows
};

class RecordImporter {
 public:
  RecordImporter(Node& node, Kind kind, const ImportColumns& columns, const ImportOptions& options, std::size_t total)
      : node_(node),
        kind_(kind),
        columns_(columns),
        options_(options),
        report_(columns.headers),
        total_(total),
        writer_(node),
        // Keyed records are created or updated one by one (Node::add, set); so are unions,
        // whose parents may be rows above them in the same file.
        batched_(kindDef(kind).keyFields.empty() && kind != Kind::Organization),
        memberField_(findField(kind, "member") != nullptr) {
    if (kindDef(kind).keyFields.empty())
      node.forEach(kind, [&](const Record& r) {
        if (!r.deleted()) held_.insert(fingerprint(kind, [&](std::string_view f) { return r.get(f); }));
        return true;
      });
  }

  void run(ImportRows& rows, std::size_t headerLine, ImportReport& result) {
    pending_.reportMark = report_.size();
    for (;;) {
      auto row = rows.next();
      if (!row || !*row) break;  // the first pass has seen the file is well-formed
      if ((*row)->line <= headerLine) continue;
      if (options_.cancel && options_.cancel->load()) {
        result.cancelled = true;
        break;
      }
      take(**row, rows.problems(), result);
      if (result.failure) return;  // storing the rows before it failed
      ++pending_.counts.rows;
      pending_.lastLine = (*row)->line;
      if (pending_.counts.rows >= kChunkRows && !store(result)) return;
    }
    retryDeferred(result);
    (void)store(result);
  }

  void saveTo(ImportReport& result) const { saveReport(report_, result); }

 private:
  static constexpr std::size_t kChunkRows = 1000;

  // A union row whose parent is not held yet, kept to be tried again.
  struct Deferred {
    std::size_t line;
    std::vector<std::string> cells;
    std::vector<RowProblem> cellProblems;
  };

  // Unions whose 上级工会 named no union held are tried again once the rest of the file is in,
  // as long as each round stores some: the parent may be a row further down (an export lists
  // unions in id order, not parents first). The last round's rows are rejected with the
  // reason the parent is not found.
  void retryDeferred(ImportReport& result) {
    for (bool last = false; !deferred_.empty();) {
      std::vector<Deferred> round = std::exchange(deferred_, {});
      deferring_ = !last;
      for (const Deferred& d : round) take(CsvRow{d.line, {d.cells.begin(), d.cells.end()}}, d.cellProblems, result);
      last = deferred_.size() == round.size();
    }
  }

  // True (and the row kept in deferred_) for a union row rejected for a parent not held.
  bool deferred(const CsvRow& row, const std::vector<RowProblem>& cellProblems, const ValidationFailure& failure) {
    if (kind_ != Kind::Organization || !deferring_) return false;
    const int column = columns_.columnOf("parent");
    const std::string_view parent = cellAt(row, column);
    if (isBlank(parent) || node_.resolve(Kind::Organization, parent)) return false;
    if (std::ranges::none_of(failure.errors, [](const auto& e) { return e.field == "parent"; })) return false;
    deferred_.push_back({row.line, {row.fields.begin(), row.fields.end()}, cellProblems});
    return true;
  }

  void take(const CsvRow& row, const std::vector<RowProblem>& cellProblems, ImportReport& result) {
    if (repeatsHeader(row, columns_.headers)) {
      reject(row, {{"", "与表头相同：又一个表头行，文件可能由几个文件拼接而成；本行已跳过 / the header row again: the file looks "
                        "joined from several files; this row was skipped"}});
      return;
    }
    std::vector<RowProblem> problems = cellProblems;
    FieldValues values = read(row, problems);
    if (!problems.empty()) return reject(row, problems);
    if (!batched_) return storeNow(row, cellProblems, values);

    auto normalized = node_.validate(kind_, values, true);
    // A row naming a member that rows waiting to be stored name too: those are stored first,
    // so the kind's rules (one active hardship file per member) see them.
    if (normalized && memberField_ && pending_.members.contains(std::string(valueOf(*normalized, "member")))) {
      if (!store(result)) return;
      normalized = node_.validate(kind_, values, true);
    }
    if (!normalized) return reject(row, problemsOf(normalized.error()));
    std::string print = fingerprint(kind_, [&](std::string_view f) { return valueOf(*normalized, f); });
    if (held_.contains(print) || pending_.prints.contains(print)) return duplicate(row);
    RecordId id;
    node_.random().fill(id.bytes.data(), id.bytes.size());
    if (memberField_) pending_.members.emplace(valueOf(*normalized, "member"));
    pending_.prints.insert(std::move(print));
    pending_.writes.push_back(PreparedRecord{kind_, id, std::move(*normalized)});
    ++pending_.counts.created;
  }

  // Stores the pending rows and counts them; false when storing failed (the import stops,
  // the rows before them stay stored, and their lines leave the report).
  bool store(ImportReport& result) {
    Pending done = std::exchange(pending_, Pending{});
    pending_.reportMark = report_.size();
    if (done.counts.rows == 0) return true;
    if (auto written = writer_.write(std::move(done.writes)); !written) {
      result.failure = written.error().message;
      report_.truncate(done.reportMark);
      return false;
    }
    held_.merge(done.prints);
    for (auto count : {&ImportReport::rows, &ImportReport::created, &ImportReport::updated, &ImportReport::unchanged,
                       &ImportReport::duplicates, &ImportReport::rejected})
      result.*count += done.counts.*count;
    result.storedThroughLine = done.lastLine;
    if (options_.progress) options_.progress({result.rows, total_});
    return true;
  }

  // A row of a keyed kind (funds: union and year), or a union: created, or the record held
  // updated, at once.
  void storeNow(const CsvRow& row, const std::vector<RowProblem>& cellProblems, const FieldValues& values) {
    auto normalized = node_.validate(kind_, values, true);
    if (!normalized && deferred(row, cellProblems, normalized.error())) return;
    if (!normalized) return reject(row, problemsOf(normalized.error()));
    std::optional<RecordId> id;
    if (!kindDef(kind_).keyFields.empty()) {
      std::vector<std::string_view> key;
      for (std::string_view field : kindDef(kind_).keyFields) key.push_back(valueOf(*normalized, field));
      id = recordIdFromKey(kind_, key);
    }
    auto held = id ? node_.get(kind_, *id) : std::nullopt;
    if (!held || held->deleted()) {
      std::string print = fingerprint(kind_, [&](std::string_view f) { return valueOf(*normalized, f); });
      if (!id && held_.contains(print)) return duplicate(row);
      auto added = node_.add(kind_, values);
      if (!added) return reject(row, problemsOf(added.error()));
      held_.insert(std::move(print));
      ++pending_.counts.created;
      return;
    }
    // What the row would change: checked as an update, with the held record's values.
    auto update = node_.validate(kind_, values, false, id);
    if (!update) return reject(row, problemsOf(update.error()));
    if (std::ranges::all_of(*update, [&](const auto& v) { return held->get(v.first) == v.second; }))
      return void(++pending_.counts.unchanged);
    auto set = node_.set(kind_, *id, values);
    if (!set) return reject(row, problemsOf(set.error()));
    ++pending_.counts.updated;
  }

  // The row's filled cells as field values (blank cells are fields not given), with the
  // default union for a blank union cell.
  FieldValues read(const CsvRow& row, std::vector<RowProblem>& problems) const {
    FieldValues values;
    for (std::size_t c = 0; c < columns_.fields.size(); ++c) {
      if (columns_.firstOfField[c] != static_cast<int>(c)) continue;  // read with the field's first column
      std::optional<std::size_t> kept;
      for (std::size_t same : columns_.columnsOfField(c)) {
        if (cellFailed(problems, same)) continue;  // its problem is in `problems` already
        std::string_view cell = cellAt(row, static_cast<int>(same));
        if (auto bad = cellTextProblem(*columns_.fields[c], cell, columns_.headers.size()); !bad.empty()) {
          problems.push_back({columns_.headers[same], std::move(bad)});
          continue;
        }
        if (isBlank(cell)) continue;
        if (!kept) {
          kept = same;
        } else if (cell != cellAt(row, static_cast<int>(*kept))) {
          const std::string& a = columns_.headers[*kept];
          const std::string& b = columns_.headers[same];
          problems.push_back({a + "；" + b, fmt::format("“{}”列与“{}”列同为{}，但值不同，请只保留一个值 / columns {} and {} give "
                                                     "{} different values: keep one",
                                                     a, b, columns_.fields[c]->zh, a, b, columns_.fields[c]->name)});
        }
      }
      if (kept) values.emplace_back(std::string(columns_.fields[c]->name), std::string(cellAt(row, static_cast<int>(*kept))));
    }
    for (std::size_t c = columns_.fields.size(); c < row.fields.size(); ++c)
      if (!isBlank(row.fields[c]))
        problems.push_back({"", fmt::format("第{}个单元格在表头之外 / cell {} is beyond the header", c + 1, c + 1)});
    const std::string owner(kindDef(kind_).ownerField);
    if (options_.defaultOrg && valueOf(values, owner).empty()) values.emplace_back(owner, options_.defaultOrg->hex());
    return values;
  }

  // The facade's errors, each naming the column of its field as headed in the file.
  std::vector<RowProblem> problemsOf(const ValidationFailure& failure) const {
    std::vector<RowProblem> out;
    for (const auto& error : failure.errors)
      out.push_back({error.field.empty() ? std::string() : columns_.headerOf(error.field), error.message});
    return out;
  }

  void reject(const CsvRow& row, const std::vector<RowProblem>& problems) {
    report_.add(row, problems);
    ++pending_.counts.rejected;
  }

  void duplicate(const CsvRow& row) {
    report_.add(row, {{"", fmt::format("已有完全相同的{}记录（可能已导入过，或与前面的行相同），本行未重复导入 / an identical {} "
                                       "record is held already (imported before, or an earlier row): not imported twice",
                                       kindDef(kind_).zh, kindDef(kind_).en)}});
    ++pending_.counts.duplicates;
  }

  Node& node_;
  Kind kind_;
  const ImportColumns& columns_;
  const ImportOptions& options_;
  RejectionReport report_;
  std::size_t total_;
  BatchWriter writer_;
  bool batched_;
  bool memberField_;
  Pending pending_;
  std::vector<Deferred> deferred_;
  bool deferring_ = true;
  // Fingerprints of the live records of an unkeyed kind, and of the rows stored so far.
  std::unordered_set<std::string> held_;
};

}  // namespace

std::span<const ImportableKind> importableKinds() { return kImportable; }

Result<ImportReport> importRecords(Node& node, Kind kind, const std::string& path, const ImportOptions& options) {
  if (std::ranges::none_of(kImportable, [&](const ImportableKind& k) { return k.kind == kind; }))
    return fail(fmt::format("不能用这个命令导入{} / {} records cannot be imported here", kindDef(kind).zh, kindDef(kind).en));
  auto opened = openImport(kind, path, options);
  if (!opened) return std::unexpected(opened.error());
  ImportReport& report = opened->report;
  auto rows = opened->source.rows();
  if (!rows) return std::unexpected(rows.error());
  rows->readAs(opened->columns);
  RecordImporter importer(node, kind, opened->columns, options, opened->dataRows);
  importer.run(*rows, report.headerLine, report);
  importer.saveTo(report);
  return std::move(report);
}

}  // namespace unionsync

#include "app/internal/store_access.h"
#include "app/io/member_import.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "app/io/csv.h"
#include "app/io/csv_export.h"
#include "app/records/batch_writer.h"
#include "app/records/field_values.h"
#include "app/records/member_identity.h"
#include "app/records/member_rules.h"
#include "store/validation.h"

namespace unionsync {

namespace {

// Title rows above the header are searched this far down.
constexpr std::size_t kHeaderSearchRows = 10;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct RecordIdHash {
  std::size_t operator()(const RecordId& id) const {
    // Member ids are keyed hashes already: their first bytes are uniformly distributed.
    std::size_t h;
    std::memcpy(&h, id.bytes.data(), sizeof h);
    return h;
  }
};

Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return fail(fmt::format("无法打开文件 {} / cannot open the file", path));
  std::string bytes(size, '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return fail(fmt::format("读取文件 {} 失败 / cannot read the file", path));
  return bytes;
}

std::string_view cellAt(const CsvRow& row, int column) {
  return column >= 0 && static_cast<std::size_t>(column) < row.fields.size() ? row.fields[column] : std::string_view{};
}

// --- columns ---------------------------------------------------------------------------------

// Which schema field each column of the file feeds.
struct Columns {
  std::vector<std::string> headers;
  std::vector<const FieldDef*> fields;  // per column; nullptr when ignored
  std::vector<int> firstOfField;        // per column: the first column of its field (itself if first), or -1
  std::vector<ColumnMapping> mapping;

  int columnOf(std::string_view field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
      if (fields[i] && fields[i]->name == field) return static_cast<int>(i);
    return -1;
  }
  std::string headerOf(std::string_view field) const {
    int column = columnOf(field);
    return column >= 0 ? headers[column] : std::string(findField(Kind::Member, field)->zh);
  }
};

Columns mapColumns(const std::vector<std::string>& headers) {
  Columns columns;
  columns.headers = headers;
  for (const auto& header : headers) {
    const FieldDef* field = fieldForHeader(Kind::Member, header);
    ColumnMapping mapping{header, "", ""};
    int first = -1;
    if (!field) {
      mapping.note = "未识别的列，已忽略 / unknown column, ignored";
    } else {
      mapping.field = std::string(field->name);
      first = columns.columnOf(field->name);
      // A second column for a field is read too: it may fill what the first leaves blank,
      // and a row where the two disagree is rejected rather than one value dropped silently.
      if (first >= 0)
        mapping.note = fmt::format("与前面的“{}”列同为{}，每行两列须一致 / second column for {}: rows must agree",
                                   columns.headers[first], field->zh, field->name);
      else
        first = static_cast<int>(columns.fields.size());
    }
    columns.fields.push_back(field);
    columns.firstOfField.push_back(first);
    columns.mapping.push_back(std::move(mapping));
  }
  return columns;
}

bool looksLikeHeader(const std::vector<std::string>& headers) {
  auto columns = mapColumns(headers);
  return columns.columnOf("name") >= 0 && columns.columnOf("id_number") >= 0;
}

Result<void> checkRequiredColumns(const Columns& columns, bool haveDefaultOrg) {
  std::vector<std::string_view> missing;
  for (const auto& field : kindDef(Kind::Member).fields) {
    if (!field.required || columns.columnOf(field.name) >= 0) continue;
    if (field.name == "org" && haveDefaultOrg) continue;
    missing.push_back(field.zh);
  }
  if (missing.empty()) return {};
  std::string list;
  for (auto zh : missing) list += (list.empty() ? "" : "、") + std::string(zh);
  return fail(fmt::format("文件缺少必需的列：{}{}，未导入任何数据 / the file lacks required columns ({}); nothing was imported",
                          list, haveDefaultOrg ? "" : "（或用 --org 指定工会）", list));
}

// The header row and the number of data rows below it, read in a first pass so that a
// malformed file is refused before anything is stored.
struct FileShape {
  std::size_t headerLine = 0;
  std::vector<std::string> headers;
  std::size_t dataRows = 0;
};

Result<FileShape> readShape(std::string_view text) {
  CsvReader reader(text);
  FileShape shape;
  std::size_t rows = 0, headerRow = 0;
  for (;;) {
    auto row = reader.next();
    if (!row) return fail(fmt::format("文件不是有效的CSV，未导入任何数据 / the file is not valid CSV, nothing was imported: {}",
                                      row.error().message));
    if (!*row) break;
    ++rows;
    if (headerRow != 0 || rows > kHeaderSearchRows) continue;
    std::vector<std::string> fields((*row)->fields.begin(), (*row)->fields.end());
    // The first row stands as header unless a row below it names the key columns.
    if (rows == 1 || looksLikeHeader(fields)) {
      shape.headers = std::move(fields);
      shape.headerLine = (*row)->line;
      if (looksLikeHeader(shape.headers)) headerRow = rows;
    }
  }
  // No row names both key columns: the first row is the header, and the column check will
  // say what is missing.
  if (headerRow == 0 && rows > 0) headerRow = 1;
  shape.dataRows = rows - headerRow;
  return shape;
}

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
    if (it == byName_.end()) return fail(fmt::format("找不到名为“{}”的工会 / no union named \"{}\"", text, text));
    if (it->second.empty())
      return fail(fmt::format("有多个工会名为“{}”，请填写工会编号 / several unions are named \"{}\": use the id", text, text));
    return it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> byName_;
  std::set<std::string, std::less<>> ids_;
};

// --- rows ----------------------------------------------------------------------------------------

struct RowProblem {
  std::string column;
  std::string reason;
};

// A row turned into the member it describes: its id and the normalized non-blank values.
struct PreparedRow {
  RecordId id;
  FieldValues values;
  bool hasOrg = false;
};

// Why the text of a cell cannot be stored as it is, or empty when it can. These are bytes that
// a value would carry invisibly into the store and on to every peer: NUL, bytes that were not
// UTF-8 (decodeText made them U+FFFD), a byte-order mark from files joined together, control
// characters, and line breaks outside the notes. A notes cell holding whole rows means a
// quote opened in it was never closed where it should have been, so the rows it swallowed
// would be lost silently.
std::string cellTextProblem(const FieldDef& field, std::string_view cell, std::size_t width) {
  if (cell.find('\0') != std::string_view::npos)
    return "含有空字符（NUL），文件可能已损坏，请重新输入这一格 / holds a NUL byte (a damaged file?): retype this cell";
  if (cell.find("\xEF\xBF\xBD") != std::string_view::npos)
    return "含有无法识别的字节（显示为�），不是有效的文字，请重新输入这一格或把文件另存为“CSV UTF-8” / holds bytes that are "
           "not UTF-8 text (shown as �): retype this cell or save the file again as CSV UTF-8";
  if (cell.find("\xEF\xBB\xBF") != std::string_view::npos)
    return "含有字节顺序标记（BOM），文件可能由几个文件拼接而成，请删去它 / holds a byte-order mark (U+FEFF): the file looks "
           "joined from several files; delete it";
  const bool multiline = field.name == "notes";
  for (const char c : cell) {
    const bool lineBreak = c == '\n' || c == '\r';
    if (lineBreak && !multiline)
      return "单元格内有换行，请删去换行 / the cell holds a line break: remove it";
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && !lineBreak)
      return "含有控制字符，请重新输入这一格 / holds a control character: retype this cell";
  }
  if (multiline && cell.find_first_of("\r\n") != std::string_view::npos) {
    // A line inside the cell with about as many commas as a row has separators.
    const std::size_t rowLike = std::max<std::size_t>(2, width / 2);
    for (std::size_t start = 0; start < cell.size();) {
      const std::size_t stop = std::min(cell.find_first_of("\r\n", start), cell.size());
      const auto line = cell.substr(start, stop - start);
      if (static_cast<std::size_t>(std::ranges::count(line, ',')) >= rowLike)
        return "这一格里有像整行数据的内容，可能是格中的引号没有结束，后面的行被并入了这一格；请检查引号 / the cell holds what "
               "look like whole rows: a quote in it may not be closed, so the rows after it were taken into it; check the quotes";
      start = stop + 1;
    }
  }
  return {};
}

// Validates rows as Node::validate validates a new member, with the per-import work (column
// lookup, union names, today's date, the deployment key) done once.
class RowPreparer {
 public:
  RowPreparer(const Columns& columns, const OrgNames& orgs, std::optional<RecordId> defaultOrg,
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

  std::expected<PreparedRow, std::vector<RowProblem>> prepare(const CsvRow& row) const {
    PreparedRow out;
    out.values.reserve(columns_.fields.size() + 4);
    std::vector<RowProblem> problems;
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

  // The columns of the field whose first column is `first`: usually just that one.
  std::vector<std::size_t> columnsOfField(std::size_t first) const {
    std::vector<std::size_t> out{first};
    for (std::size_t c = first + 1; c < columns_.fields.size(); ++c)
      if (columns_.firstOfField[c] == static_cast<int>(first)) out.push_back(c);
    return out;
  }

  // The first non-blank cell among the field's columns (the first column's when all are blank).
  std::string_view filledCell(const CsvRow& row, int first) const {
    if (first < 0) return {};
    for (std::size_t c : columnsOfField(static_cast<std::size_t>(first))) {
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
    const std::vector<std::size_t> same = columnsOfField(first);
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

  const Columns& columns_;
  const OrgNames& orgs_;
  std::optional<RecordId> defaultOrg_;
  std::string today_;
  std::string key_;
  int idTypeColumn_;
  FieldDef orgText_;
};

// --- the report file -------------------------------------------------------------------------

class ReportFile {
 public:
  explicit ReportFile(const Columns& columns) : width_(columns.headers.size()) {
    std::vector<std::string> header{"行号/line", "列/column", "原因/reason"};
    header.insert(header.end(), columns.headers.begin(), columns.headers.end());
    appendCsvRow(text_, header);
  }

  // One line per rejected row: all its faulty columns and reasons, then the row as read.
  void add(const CsvRow& row, const std::vector<RowProblem>& problems) {
    std::vector<std::string_view> columns;
    std::string reasons;
    for (const auto& p : problems) {
      if (!p.column.empty() && std::ranges::find(columns, p.column) == columns.end()) columns.push_back(p.column);
      reasons += (reasons.empty() ? "" : "；") + p.reason;
    }
    std::vector<std::string> line{std::to_string(row.line), fmt::format("{}", fmt::join(columns, "；")), reasons};
    // The row as read, with long digit strings kept as text for Excel; a NUL would cut the
    // line short in spreadsheets, so it is shown as the replacement character.
    for (auto cell : row.fields) {
      std::string text = excelText(cell);
      for (std::size_t nul; (nul = text.find('\0')) != std::string::npos;) text.replace(nul, 1, "\xEF\xBF\xBD");
      line.push_back(std::move(text));
    }
    if (line.size() < width_ + 3) line.resize(width_ + 3);
    appendCsvRow(text_, line);
  }

  std::size_t size() const { return text_.size(); }
  void truncate(std::size_t size) { text_.resize(size); }

  // Owner-only, like the store: the report holds ID numbers. Replaced whole, so a report left
  // by an earlier import never keeps its old mode.
  Result<void> save(const std::string& path) const {
    AtomicFile file(path, true);
    auto ok = file.write(kUtf8Bom);
    if (ok) ok = file.write(text_);
    if (ok) ok = file.commit();
    if (!ok) return fail(fmt::format("无法写入报告文件 {} / cannot write the report file: {}", path, ok.error().message));
    return {};
  }

 private:
  std::size_t width_;
  std::string text_;
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
  Importer(Node& node, const Columns& columns, const ImportOptions& options, std::size_t totalRows)
      : node_(node),
        options_(options),
        orgs_(internal::storeOf(node)),
        preparer_(columns, orgs_, options.defaultOrg, node.today(), internal::storeOf(node).deploymentKey()),
        columns_(columns),
        report_(columns),
        totalRows_(totalRows),
        writer_(node) {
    seen_.reserve(totalRows);
  }

  // Imports the data rows of `text` below the header line.
  void run(std::string_view text, std::size_t headerLine, ImportReport& result) {
    CsvReader reader(text);
    Chunk chunk;
    chunk.reportMark = report_.size();
    for (;;) {
      auto row = reader.next();
      if (!row || !*row) break;  // the first pass has seen the file is well-formed
      if ((*row)->line <= headerLine) continue;
      take(**row, chunk);
      if (chunk.rows >= options_.chunkRows && !submit(chunk, result)) return;
    }
    if (chunk.rows > 0 && !submit(chunk, result)) return;
    finishWrite(result);
  }

  Result<void> saveReport(const std::string& path) const { return report_.save(path); }

 private:
  void take(const CsvRow& row, Chunk& chunk) {
    ++chunk.rows;
    chunk.lastLine = row.line;
    if (repeatsHeader(row)) {
      reject(row, {{"", "与表头相同：又一个表头行，文件可能由几个文件拼接而成；本行已跳过 / the header row again: the file looks "
                        "joined from several files; this row was skipped"}},
             chunk);
      return;
    }
    auto prepared = preparer_.prepare(row);
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

  bool repeatsHeader(const CsvRow& row) const {
    const auto& headers = columns_.headers;
    if (row.fields.empty() || row.fields[0] != headers[0]) return false;  // the quick test for most rows
    for (std::size_t c = 0; c < std::max(row.fields.size(), headers.size()); ++c)
      if (cellAt(row, static_cast<int>(c)) != (c < headers.size() ? std::string_view(headers[c]) : std::string_view()))
        return false;
    return true;
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

  // Hands the chunk to a second thread to store while the next chunk is read and checked
  // (the store's write path and the row checks take comparable time), after the previous
  // chunk is stored. False when the import must stop (cancelled, or storing failed).
  bool submit(Chunk& chunk, ImportReport& result) {
    if (!finishWrite(result)) return false;
    if (options_.cancel && options_.cancel->load()) {
      result.cancelled = true;
      report_.truncate(chunk.reportMark);
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
  const Columns& columns_;
  ReportFile report_;
  std::size_t totalRows_;
  BatchWriter writer_;
  std::optional<Chunk> inFlight_;  // the counts of the chunk writer_ is storing
  // Members seen in this file -> the last line that named them.
  std::unordered_map<RecordId, std::size_t, RecordIdHash> seen_;
};

Result<void> checkWritable(const std::string& path, const std::string& input) {
  std::error_code ec;
  if (std::filesystem::equivalent(path, input, ec))
    return fail("报告文件不能是要导入的文件本身 / the report cannot overwrite the file being imported");
  AtomicFile probe(path, true);  // not committed: only tries to create the file beside it
  if (!probe.write("")) return fail(fmt::format("无法写入报告文件 {}，未导入任何数据 / cannot write the report file; nothing was imported", path));
  return {};
}

}  // namespace

std::vector<std::string> ImportReport::ignoredHeaders() const {
  std::vector<std::string> out;
  for (const auto& m : headerMapping)
    if (m.field.empty()) out.push_back(m.header);
  return out;
}

std::string defaultReportPath(const std::string& inputPath) {
  std::string base = inputPath;
  if (base.size() > 4 && (base.ends_with(".csv") || base.ends_with(".CSV"))) base.resize(base.size() - 4);
  return base + ".rejected.csv";
}

Result<ImportReport> importMembers(Node& node, const std::string& path, const ImportOptions& options) {
  auto bytes = readFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  auto decoded = decodeText(*bytes, options.encoding);
  if (!decoded) return fail(fmt::format("无法读取文件 {} 的文字编码 / cannot decode the file: {}", path, decoded.error().message));
  bytes->clear();
  bytes->shrink_to_fit();

  auto shape = readShape(decoded->utf8);
  if (!shape) return std::unexpected(shape.error());
  if (shape->headerLine == 0)
    return fail(fmt::format("文件 {} 是空的（或只有空行），未导入任何数据 / the file is empty (or blank lines only); nothing was imported", path));
  Columns columns = mapColumns(shape->headers);
  if (auto ok = checkRequiredColumns(columns, options.defaultOrg.has_value()); !ok) return std::unexpected(ok.error());
  if (shape->dataRows == 0)
    return fail(fmt::format("文件 {} 只有表头（第{}行），下面没有数据行，未导入任何数据 / the file has a header (line {}) but no data "
                            "rows below it; nothing was imported",
                            path, shape->headerLine, shape->headerLine));

  ImportReport report;
  report.detectedEncoding = decoded->detected;
  report.damagedBytes = decoded->replaced;
  report.firstDamagedLine = decoded->firstReplacedLine;
  report.headerLine = shape->headerLine;
  report.headerMapping = columns.mapping;
  report.reportPath = options.reportPath.empty() ? defaultReportPath(path) : options.reportPath;
  if (auto ok = checkWritable(report.reportPath, path); !ok) return std::unexpected(ok.error());

  Importer importer(node, columns, options, shape->dataRows);
  importer.run(decoded->utf8, shape->headerLine, report);
  if (auto saved = importer.saveReport(report.reportPath); !saved) {
    // The rows are stored: say so rather than failing as if nothing happened.
    std::string message = saved.error().message;
    report.failure = report.failure ? *report.failure + "；" + message : message;
  }
  return report;
}

}  // namespace unionsync

#include "app/cli/cli_output.h"

#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli_commands.h"
#include "app/model/text.h"
#include "app/model/validation.h"
#include "app/records/union_work_rules.h"

namespace unionsync {

int reportFailure(const std::string& message) {
  std::cerr << "unionsync: " << message << "\n";
  return 1;
}

int reportFailure(const Error& error) { return reportFailure(error.message); }

void addJsonFlag(CLI::App* command, CliContext& ctx) {
  command->add_flag("--json", ctx.json, "以JSON输出 / print JSON");
}

namespace {

std::string titleOf(const Node& node, Kind kind, std::string_view idHex) {
  auto id = RecordId::fromHex(idHex);
  if (!id) return {};
  auto r = node.get(kind, *id);
  return r ? std::string(r->get(kindDef(kind).titleField)) : std::string();
}

// The value as a person should see it in a list.
std::string shown(const Node& node, const FieldDef& field, std::string_view stored, const OutputStyle& style) {
  if (field.type == FieldType::IdNumber && !style.reveal) return maskIdNumber(stored);
  if (field.type == FieldType::Ref) return titleOf(node, field.refKind, stored);
  return displayValue(field, stored);
}

std::string padded(std::string_view text, std::size_t width) {
  std::string out(text);
  for (std::size_t w = displayWidth(text); w < width; ++w) out.push_back(' ');
  return out;
}

}  // namespace

std::size_t displayWidth(std::string_view text) {
  std::size_t width = 0;
  // Characters from U+0800 on (CJK among them) take two columns; a damaged byte one.
  for (std::size_t pos = 0; pos < text.size();) width += text::decodeNext(text, pos).value_or(0) >= 0x800 ? 2 : 1;
  return width;
}

nlohmann::json recordJson(const Node& node, const Record& record, const OutputStyle& style) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& field : kindDef(record.kind).fields) {
    std::string_view stored = record.get(field.name);
    if (stored.empty()) continue;
    if (field.type == FieldType::IdNumber && !style.reveal) fields[std::string(field.name)] = maskIdNumber(stored);
    else fields[std::string(field.name)] = displayValue(field, stored, true);
    if (field.type == FieldType::Ref) fields[std::string(field.name) + "_name"] = titleOf(node, field.refKind, stored);
  }
  nlohmann::json j{{"id", record.id.hex()}, {"kind", kindName(record.kind)}, {"deleted", record.deleted()}, {"fields", fields}};
  if (auto derived = derivedFields(record); !derived.empty()) {
    nlohmann::json d = nlohmann::json::object();
    for (const auto& f : derived) d[f.name] = f.value;
    j["derived"] = d;
  }
  if (record.kind == Kind::Activity) {
    nlohmann::json people = nlohmann::json::array();
    for (const auto& [member, time] : node.participants(record.id)) people.push_back({{"member", member.hex()}, {"checked_in", time}});
    j["participants"] = people;
  }
  return j;
}

void printRecord(std::ostream& out, const Node& node, const Record& record, const OutputStyle& style) {
  if (style.json) {
    out << recordJson(node, record, style).dump(2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows{
      {"编号 id", record.id.hex() + (record.deleted() ? "  [已删除 deleted]" : "")}};
  for (const auto& field : kindDef(record.kind).fields) {
    std::string_view stored = record.get(field.name);
    if (!stored.empty()) rows.push_back({fmt::format("{} {}", field.zh, field.name), shown(node, field, stored, style)});
  }
  for (const auto& f : derivedFields(record)) rows.push_back({fmt::format("{} {}", f.zh, f.name), f.value});
  const auto people = record.kind == Kind::Activity ? node.participants(record.id)
                                                     : std::vector<std::pair<RecordId, std::string>>{};
  if (record.kind == Kind::Activity) rows.push_back({"参加人数 participants", std::to_string(people.size())});
  printAligned(out, rows);
  for (const auto& [member, time] : people) {
    auto m = node.get(Kind::Member, member);
    out << "  " << time << "  " << (m ? m->get("name") : "?") << "  " << member.hex() << "\n";
  }
}

void printRecords(std::ostream& out, const Node& node, const std::vector<Record>& records, const OutputStyle& style) {
  if (style.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& r : records) all.push_back(recordJson(node, r, style));
    out << all.dump(2) << "\n";
    return;
  }
  if (records.empty()) {
    out << "（没有记录 / no records）\n";
    return;
  }
  Kind kind = records.front().kind;
  const auto columns = kindDef(kind).listColumns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header{"编号 id"};
  for (auto c : columns) header.push_back(std::string(findField(kind, c)->zh));
  rows.push_back(header);
  for (const auto& r : records) {
    std::vector<std::string> row{r.id.hex()};
    for (auto c : columns) row.push_back(shown(node, *findField(kind, c), r.get(c), style));
    rows.push_back(std::move(row));
  }
  printAligned(out, rows);
  out << fmt::format("共 {} 条 / {} records\n", records.size(), records.size());
}

void printAligned(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], displayWidth(row[i]));
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += padded(row[i], widths[i] + 2);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  }
}

}  // namespace unionsync

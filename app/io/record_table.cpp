#include "app/io/record_table.h"

#include <fmt/format.h>

#include "app/io/csv_export.h"

namespace unionsync {

namespace {

constexpr std::string_view kParticipantsHeader = "参加会员数";

std::size_t participantCount(const Record& r) {
  std::size_t n = 0;
  for (const auto& [name, field] : r.fields)
    if (name.starts_with(kParticipantPrefix) && !field.value.empty()) ++n;
  return n;
}

std::optional<std::int64_t> storedNumber(std::string_view stored) {
  try {
    std::size_t used = 0;
    const std::string text(stored);
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

// A member reference is written as the member's ID number (below).
bool isPersonalField(const FieldDef& field) {
  return field.type == FieldType::IdNumber || field.type == FieldType::Mobile || field.personal ||
         (field.type == FieldType::Ref && field.refKind == Kind::Member);
}

// A title held by several records is written as the id instead, so that an import resolves
// it to the same record. Members are named by their ID number, which identifies them (names
// do not).
RecordTable::RefTitles::RefTitles(const Node& node, Kind kind) {
  std::unordered_map<std::string, int> uses;
  const std::string_view title = kind == Kind::Member ? "id_number" : kindDef(kind).titleField;
  node.forEach(kind, [&](const Record& r) {
    if (r.deleted()) return true;
    std::string name(r.get(title));
    ++uses[name];
    titles_.emplace(r.id.hex(), std::move(name));
    return true;
  });
  for (auto& [hex, name] : titles_)
    if (name.empty() || uses[name] > 1) name = hex;
}

std::string RecordTable::RefTitles::shown(std::string_view hex) const {
  auto it = titles_.find(std::string(hex));
  return it == titles_.end() ? std::string(hex) : it->second;
}

RecordTable::RecordTable(const Node& node, Kind kind, const std::optional<RecordId>& org) : node_(node), kind_(kind) {
  for (const auto& field : kindDef(kind).fields)
    if (field.type == FieldType::Ref && !refs_.contains(field.refKind)) refs_.emplace(field.refKind, RefTitles(node, field.refKind));
  if (org) {
    auto subtree = node.orgTree().subtree(*org);
    scope_.emplace(subtree.begin(), subtree.end());
  }
}

std::vector<std::string> RecordTable::headers() const {
  std::vector<std::string> out;
  for (const auto& field : kindDef(kind_).fields) out.emplace_back(field.zh);
  if (kind_ == Kind::Activity) out.emplace_back(kParticipantsHeader);
  return out;
}

std::vector<std::string> RecordTable::personalHeaders() const {
  std::vector<std::string> out;
  for (const auto& field : kindDef(kind_).fields)
    if (isPersonalField(field)) out.emplace_back(field.zh);
  return out;
}

Completion RecordTable::forEach(const std::function<bool(const Record&)>& visit, const WorkHooks& hooks) const {
  const std::uint64_t held = hooks.progress ? node_.count(kind_) : 0;
  std::uint64_t read = 0;
  bool cancelled = false;
  node_.forEach(kind_, [&](const Record& r) {
    if ((cancelled = hooks.cancelled())) return false;
    hooks.report(++read, std::max(held, read));
    if (r.deleted() || !inScope(r)) return true;
    return visit(r);
  });
  return cancelled ? Completion::Cancelled : Completion::Finished;
}

bool RecordTable::inScope(const Record& r) const {
  if (!scope_) return true;
  if (kind_ == Kind::Organization) return scope_->contains(r.id);
  auto owner = RecordId::fromHex(r.get(kindDef(kind_).ownerField));
  return owner && scope_->contains(*owner);
}

std::string RecordTable::refShown(const FieldDef& field, std::string_view stored) const {
  return stored.empty() ? std::string() : refs_.at(field.refKind).shown(stored);
}

void RecordTable::textRow(const Record& r, std::vector<std::string>& row) const {
  row.clear();
  for (const auto& field : kindDef(kind_).fields) {
    std::string_view stored = r.get(field.name);
    if (field.type == FieldType::Ref)
      row.push_back(refShown(field, stored));
    else
      row.push_back(excelText(displayValue(field, stored)));
  }
  if (kind_ == Kind::Activity) row.push_back(std::to_string(participantCount(r)));
}

void RecordTable::sheetRow(const Record& r, std::vector<SheetCell>& row) const {
  row.clear();
  for (const auto& field : kindDef(kind_).fields) {
    std::string_view stored = r.get(field.name);
    if (stored.empty()) {
      row.push_back(SheetCell::empty());
      continue;
    }
    // A stored number that does not parse (no valid write stores one) is kept as text.
    const auto number = field.type == FieldType::Money || field.type == FieldType::Count ? storedNumber(stored) : std::nullopt;
    switch (field.type) {
      case FieldType::Ref: row.push_back(SheetCell::ofText(refShown(field, stored))); break;
      case FieldType::Money: row.push_back(number ? SheetCell::ofFen(*number) : SheetCell::ofText(std::string(stored))); break;
      case FieldType::Count: row.push_back(number ? SheetCell::ofInteger(*number) : SheetCell::ofText(std::string(stored))); break;
      case FieldType::Date: row.push_back(SheetCell::ofDate(std::string(stored))); break;
      // Text cells of an XLSX file stay text: ID numbers and card numbers keep every digit
      // without excelText's tab.
      default: row.push_back(SheetCell::ofText(displayValue(field, stored))); break;
    }
  }
  if (kind_ == Kind::Activity) row.push_back(SheetCell::ofInteger(static_cast<std::int64_t>(participantCount(r))));
}

}  // namespace unionsync

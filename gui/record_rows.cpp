#include "gui/record_rows.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "app/model/validation.h"

namespace unionsync::gui {

namespace {

// Stored money; empty when blank (no valid write stores anything but digits).
std::optional<std::int64_t> fenOf(std::string_view stored) {
  std::int64_t v = 0;
  const auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), v);
  if (stored.empty() || error != std::errc() || end != stored.data() + stored.size()) return std::nullopt;
  return v;
}

// Names of referenced records, each read once per list (a list names the same union or member
// on many rows). Organizations come from the summary the views already hold.
class RefNames {
 public:
  RefNames(const Node& node, const OrgSummary& orgs) : node_(node), orgs_(orgs) {}

  std::string operator()(Kind kind, std::string_view hex) {
    const auto id = RecordId::fromHex(hex);
    if (!id) return std::string(hex);
    if (kind == Kind::Organization)
      if (const OrgRow* row = orgs_.find(*id)) return row->name;
    const auto key = std::pair{kind, *id};
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    const auto record = node_.get(kind, *id);
    // A record not held here (another part of the tree) still shows as something to look up.
    std::string name = record ? std::string(record->get(kindDef(kind).titleField)) : id->hex().substr(0, 8);
    return cache_.emplace(key, std::move(name)).first->second;
  }

 private:
  const Node& node_;
  const OrgSummary& orgs_;
  std::map<std::pair<Kind, RecordId>, std::string> cache_;
};

std::vector<Record> matchingRecords(const Node& node, const RecordListQuery& filter, bool& truncated) {
  ListQuery query{.kind = filter.kind,
                  .org = filter.scope,
                  .year = filter.year,
                  .includeDeleted = filter.deleted,
                  .onlyDeleted = filter.deleted,
                  .limit = 0};
  if (filter.member.empty() || !memberField(filter.kind)) return node.list(query);
  // The member index answers "records of this member" directly: look the members up first.
  std::vector<Record> out;
  const auto members = node.list(ListQuery{.kind = Kind::Member, .search = filter.member, .limit = kMemberSearchLimit + 1});
  truncated = members.size() > kMemberSearchLimit;
  for (std::size_t i = 0; i < members.size() && i < kMemberSearchLimit; ++i) {
    query.member = members[i].id;
    for (Record& r : node.list(query)) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

const FieldDef* memberField(Kind kind) {
  const FieldDef* f = findField(kind, "member");
  return f && f->type == FieldType::Ref && f->refKind == Kind::Member ? f : nullptr;
}

const FieldDef* choiceFilterField(Kind kind) {
  for (std::string_view column : kindDef(kind).listColumns)
    if (const FieldDef* f = findField(kind, column); f && f->type == FieldType::Choice) return f;
  return nullptr;
}

std::string cellText(const FieldDef& field, std::string_view stored, const Tr& tr,
                     const std::function<std::string(Kind, std::string_view)>& refName) {
  if (stored.empty()) return {};
  switch (field.type) {
    case FieldType::Ref: return refName(field.refKind, stored);
    case FieldType::IdNumber: return maskIdNumber(stored);
    case FieldType::Mobile: return maskMobile(stored);
    case FieldType::Money:
      if (auto fen = fenOf(stored)) return yuan(*fen);
      return std::string(stored);
    default: return tr.display(field, stored);
  }
}

RecordList loadRecordList(const Node& node, const OrgSummary& orgs, const RecordListQuery& filter) {
  RecordList list{.filter = filter};
  const KindDef& kind = kindDef(filter.kind);
  const Tr tr(filter.lang);
  RefNames names(node, orgs);
  const FieldDef* choice = filter.choice.empty() ? nullptr : choiceFilterField(filter.kind);
  std::vector<const FieldDef*> columns;
  for (std::string_view column : kind.listColumns) columns.push_back(findField(filter.kind, column));
  list.totals.assign(columns.size(), std::nullopt);
  for (std::size_t c = 0; c < columns.size(); ++c)
    if (columns[c] && columns[c]->type == FieldType::Money) list.totals[c] = 0;

  std::vector<Record> records = matchingRecords(node, filter, list.membersTruncated);
  // Latest first; records without a date last. Stable: equal dates keep the store's order.
  std::ranges::stable_sort(records, std::greater<>{}, [&](const Record& r) { return r.get(kind.dateField); });
  for (const Record& r : records) {
    if (choice && r.get(choice->name) != filter.choice) continue;
    RecordRow row{.id = r.id, .deleted = r.deleted()};
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string_view stored = columns[c] ? r.get(columns[c]->name) : std::string_view();
      row.cells.push_back(columns[c] ? cellText(*columns[c], stored, tr, std::ref(names)) : std::string());
      if (list.totals[c])
        if (auto fen = fenOf(stored)) *list.totals[c] += *fen;
    }
    list.rows.push_back(std::move(row));
  }
  return list;
}

MemberWork loadMemberWork(const Node& node, const OrgSummary& orgs, const RecordId& member) {
  MemberWork work;
  work.hardship = node.list(ListQuery{.kind = Kind::Hardship, .member = member, .limit = 0});
  std::ranges::stable_sort(work.hardship, std::greater<>{}, [](const Record& r) { return r.get("filed_date"); });
  for (const Record& r : node.list(ListQuery{.kind = Kind::Assistance, .member = member, .limit = 0})) {
    MemberGrant g{.id = r.id, .date = std::string(r.get("date")), .kind = std::string(r.get("kind")),
                  .amount = fenOf(r.get("amount")).value_or(0), .inKind = fenOf(r.get("in_kind")).value_or(0)};
    if (auto org = RecordId::fromHex(r.get("org")))
      if (const OrgRow* row = orgs.find(*org)) g.org = row->name;
    work.total += g.amount + g.inKind;
    work.assistance.push_back(std::move(g));
  }
  std::ranges::stable_sort(work.assistance, std::greater<>{}, &MemberGrant::date);
  return work;
}

std::vector<std::uint32_t> findMembers(const MemberSnapshot& snapshot, std::string_view typed, std::size_t limit) {
  std::vector<std::uint32_t> out;
  const SearchKey key = makeSearchKey(typed);
  if (key.text.empty()) return out;
  for (std::size_t i = 0; i < snapshot.size() && out.size() < limit; ++i) {
    const MemberRow& row = snapshot.row(i);
    if (!row.deleted && matchesSearch(snapshot, row, key)) out.push_back(static_cast<std::uint32_t>(i));
  }
  return out;
}

std::string memberName(const MemberSnapshot* snapshot, const RecordId& id) {
  if (!snapshot) return {};
  const auto index = snapshot->find(id);
  return index ? std::string(snapshot->text(snapshot->row(*index).name)) : std::string();
}

std::string yuan(std::int64_t fen) {
  const std::string plain = formatFen(fen);  // "-1234567.80"
  const std::size_t start = plain.starts_with('-') ? 1 : 0;
  const std::size_t point = plain.find('.');
  std::string out = plain.substr(0, start);
  for (std::size_t i = start; i < point; ++i) {
    if (i > start && (point - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[i]);
  }
  return out + plain.substr(point);
}

std::vector<int> recentYears(std::string_view today) {
  int year = 0;
  std::from_chars(today.data(), today.data() + std::min<std::size_t>(today.size(), 4), year);
  std::vector<int> out;
  for (int y = year; y > year - 10 && y > 0; --y) out.push_back(y);
  return out;
}

}  // namespace unionsync::gui

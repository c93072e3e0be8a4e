// The lists of the union work views (困难职工档案, 帮扶救助, 维权案件, 集体合同, 职代会, 经费),
// read from the schema alone: the columns are KindDef::listColumns, the year filter is
// KindDef::dateField, the member search exists where the kind has a `member` field, the choice
// filter is the first Choice column. A new kind in store/schema.cpp gets its list without code
// here. Rows are built on a worker (TaskQueue) and hold the cells as shown, so drawing a frame
// formats nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "gui/i18n.h"
#include "gui/member_table.h"
#include "gui/org_model.h"

namespace unionsync::gui {

// What a record list shows.
struct RecordListQuery {
  Kind kind = Kind::Assistance;
  std::optional<RecordId> scope;  // the organization subtree; empty = all
  int year = 0;                   // of KindDef::dateField; 0 = every year
  std::string member;             // typed member search (kinds with a member field)
  std::string choice;             // stored value of choiceFilterField(); empty = any
  bool deleted = false;           // the recycle bin: only deleted records instead of live ones
  Lang lang = Lang::Zh;           // the cells are formatted in this language
  bool operator==(const RecordListQuery&) const = default;
};

struct RecordRow {
  RecordId id;
  std::vector<std::string> cells;  // one per KindDef::listColumns entry, as shown
  bool deleted = false;
};

struct RecordList {
  RecordListQuery filter;  // what it answers
  std::vector<RecordRow> rows;  // latest date first
  // Per column: the sum of a money column over the rows, in fen; empty for other columns.
  std::vector<std::optional<std::int64_t>> totals;
  // The member search matched more members than are looked up: the list may be incomplete.
  bool membersTruncated = false;
};

// The kind's member field (a Ref to a member), or null: the member search and the member's
// page use it.
const FieldDef* memberField(Kind kind);
// The first Choice field among the list columns, or null.
const FieldDef* choiceFilterField(Kind kind);
// Most members a member search looks up (a one-character name matches many).
inline constexpr std::size_t kMemberSearchLimit = 200;

// A stored value as a list cell: references as the name of the record they name, money in yuan
// (yuan()), choices and booleans in the filter's language, ID numbers masked.
// `refName(kind, id hex)` names a referenced record.
std::string cellText(const FieldDef& field, std::string_view stored, const Tr& tr,
                     const std::function<std::string(Kind, std::string_view)>& refName);

// The list a filter selects. Any thread.
RecordList loadRecordList(const Node& node, const OrgSummary& orgs, const RecordListQuery& filter);

// What a member's page shows of the union's work with that member: the hardship files and
// the assistance granted (latest first) with its total.
struct MemberGrant {
  RecordId id;
  std::string date;
  std::string kind;  // stored (Chinese); translate with Tr::choice
  std::int64_t amount = 0;  // fen: cash
  std::int64_t inKind = 0;  // fen: goods
  std::string org;          // granting union's name
  bool operator==(const MemberGrant&) const = default;
};
struct MemberWork {
  std::vector<Record> hardship;
  std::vector<MemberGrant> assistance;
  std::int64_t total = 0;  // fen: cash and goods
};
MemberWork loadMemberWork(const Node& node, const OrgSummary& orgs, const RecordId& member);

// Live members whose name, ID number, mobile or card number the typed text starts (see
// matchesSearch), at most `limit`, in snapshot order: the member picker of the forms.
std::vector<std::uint32_t> findMembers(const MemberSnapshot& snapshot, std::string_view typed, std::size_t limit);
// The member's name from the snapshot, or empty when the snapshot does not hold it.
std::string memberName(const MemberSnapshot* snapshot, const RecordId& id);

// Money for reading: fen as yuan with two decimals and thousands grouped ("1,234,567.80").
std::string yuan(std::int64_t fen);

// Years the year filter offers: this year and the nine before it, latest first.
std::vector<int> recentYears(std::string_view today);

}  // namespace unionsync::gui

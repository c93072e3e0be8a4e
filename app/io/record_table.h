// The records of one kind as a table, for exports (CSV: csv_export.h, XLSX: xlsx_export.h):
// the same columns, rows and scope in every format.
//
// - One row per record that is not deleted, in id order; one column per schema field of the
//   kind, headed by its Chinese label (which the imports recognise). Activities get one more
//   column, 参加会员数, the number of members checked in.
// - References (所属工会, 会员 ...) are shown as the referenced record's name (a member's as its
//   ID number), or as its 32-hex id when that is not unique, so an import finds the same
//   record again.
// - With a union given, only the records of that union and the unions below it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/io/xlsx_writer.h"
#include "app/node.h"

namespace unionsync {

// True for columns that hold personal information (ID numbers, mobiles, member references,
// fields marked personal): exports flag them and are created owner-only.
bool isPersonalField(const FieldDef& field);

class RecordTable {
 public:
  // Reads the titles of the records the kind refers to, once.
  RecordTable(const Node& node, Kind kind, const std::optional<RecordId>& org);

  Kind kind() const { return kind_; }
  std::vector<std::string> headers() const;
  // The headers of the columns holding personal information.
  std::vector<std::string> personalHeaders() const;

  // Calls `visit` with every record of the table, in id order, until it returns false. One
  // read transaction (Node::forEach). Progress: the records of the kind read (deleted and
  // out of scope ones too) of those held; Cancelled when hooks.cancelled() stopped it.
  Completion forEach(const std::function<bool(const Record&)>& visit, const WorkHooks& hooks = {}) const;

  // A record's row as a person reads it: money in yuan, booleans 是/否, dates YYYY-MM-DD,
  // references as titles. Replaces `row`.
  void textRow(const Record& r, std::vector<std::string>& row) const;
  // The same row typed for a spreadsheet: money as Fen, counts as Integer, dates as Date,
  // everything else as text. Replaces `row`.
  void sheetRow(const Record& r, std::vector<SheetCell>& row) const;

 private:
  // Titles of the records a reference may point to (see the header).
  class RefTitles {
   public:
    RefTitles(const Node& node, Kind kind);
    std::string shown(std::string_view hex) const;

   private:
    std::unordered_map<std::string, std::string> titles_;
  };

  bool inScope(const Record& r) const;
  std::string refShown(const FieldDef& field, std::string_view stored) const;

  const Node& node_;
  Kind kind_;
  std::map<Kind, RefTitles> refs_;
  std::optional<std::set<RecordId>> scope_;
};

}  // namespace unionsync

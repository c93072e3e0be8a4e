// The Import/export view's data: a preview of a CSV roster before importing it, and the
// export of exactly the members the Members view shows.
//
// The preview reads the file the way importMembers (app/member_import.h) does — encoding
// detection, the header row being the first of the first ten rows that names a name and an
// ID number column, headers matched with fieldForHeader — so what the cadre sees mapped is
// what the import will use. The import itself is importMembers on a Job thread.
#pragma once

#include <string>
#include <vector>

#include "app/node.h"
#include "app/io/text_encoding.h"
#include "gui/member_table.h"

namespace unionsync::gui {

struct PreviewColumn {
  std::string header;
  const FieldDef* field = nullptr;  // null: ignored
  bool duplicate = false;           // a second column for a field already mapped
};

struct ImportPreview {
  std::string path;
  Encoding detected = Encoding::Utf8;
  std::size_t headerLine = 0;
  std::vector<PreviewColumn> columns;
  std::vector<std::vector<std::string>> rows;  // the first data rows
  std::size_t dataRows = 0;                    // data rows in the whole file
  std::vector<const FieldDef*> missingRequired;  // required member fields without a column
  std::string error;                           // bilingual; empty when the file was read
};

ImportPreview previewMemberCsv(const std::string& path, Encoding encoding, std::size_t maxRows = 12);

// CSV files in `dir` (or the folder of a file path), newest first, at most `limit`.
std::vector<std::string> csvFilesNear(const std::string& pathOrDir, std::size_t limit = 30);

// Writes the members of `view` (its filter and order) to `path` as importMembers reads it,
// formatted exactly like exportCsv. Returns the number of members written.
Result<std::size_t> exportMemberView(const Node& node, const MemberView& view, const std::string& path,
                                     Encoding encoding);

}  // namespace unionsync::gui

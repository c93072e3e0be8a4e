// The Import/export view's data: a preview of a roster (CSV or XLSX) before importing it, and
// the export of exactly the members the Members view shows.
//
// The preview reads the file with importMembers' own reader (app/io/import_file.h) — XLSX's
// first sheet or CSV's encoding detection, the header row being the first of the first ten
// rows that names a name and an ID number column, headers matched with fieldForHeader — so
// what the cadre sees mapped is what the import will use. The import itself is importMembers
// on a Job thread.
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
  Encoding detected = Encoding::Utf8;  // CSV
  std::string sheet;                   // XLSX: the sheet read; empty for CSV
  std::vector<std::string> sheets;     // XLSX: every sheet's name, in tab order
  std::size_t headerLine = 0;  // CSV line or Excel row
  std::vector<PreviewColumn> columns;
  std::vector<std::vector<std::string>> rows;  // the first data rows
  std::size_t dataRows = 0;                    // data rows in the whole file
  std::vector<const FieldDef*> missingRequired;  // required member fields without a column
  std::string error;                           // bilingual; empty when the file was read
};

// Never fails: a file that cannot be read gives a preview with `error` set (the import's
// message, e.g. not an xlsx workbook, not valid CSV).
// `sheet`: XLSX only, the sheet to read (empty: the first).
ImportPreview previewMemberFile(const std::string& path, Encoding encoding, std::string_view sheet = {},
                                std::size_t maxRows = 12);

// CSV and XLSX files in `dir` (or the folder of a file path), newest first, at most `limit`.
std::vector<std::string> importFilesNear(const std::string& pathOrDir, std::size_t limit = 30);

// Writes the members of `view` (its filter and order) to `path` as importMembers reads it:
// XLSX or CSV by the extension (exportFormatFor; `encoding` for CSV), formatted exactly like
// `export members`. Returns the number of members written.
Result<std::size_t> exportMemberView(const Node& node, const MemberView& view, const std::string& path,
                                     Encoding encoding);

}  // namespace unionsync::gui

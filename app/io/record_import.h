// Importing records of any kind but members (unions, employers, activities, hardship files,
// assistance, rights cases, collective contracts, workers' congresses, funds) from a CSV or
// XLSX file (a sheet read as rows of text, import_file.h), as offices keep them in Excel. Members have their own import (member_import.h:
// upsert by ID number, chunked writes); both share import_file.h.
//
// Contract:
// - The file is UTF-8 (with or without BOM) or GBK, as for members (decodeText); rows end at
//   LF, CRLF or CR. The header row is the first row, or the first of the first ten that names
//   every required column but the union (headerKeyFields). Headers are English field names,
//   Chinese labels or the aliases offices use (fieldForHeader); unknown headers are ignored
//   and listed in the report (ImportReport::headerMapping). A second column for a field is
//   read too: a blank cell in one is filled from the other; two filled cells that differ
//   reject the row.
// - A missing required column (the union's may be missing when a default union is given), a
//   file that cannot be read or decoded, is not well-formed CSV, or has no data rows fails
//   before anything is stored; so does a report file that cannot be written.
// - Each row is checked by the facade like a record typed into a form (Node::validate, then
//   stored as Node::add stores it, or Node::add / set), so every rule applies: formats (money in yuan: "3000", "3,000.50", "3000元"; never
//   negative), references as a cadre types them (会员: an ID number, a card number or the id;
//   工会: a union's exact name or its id), and the kind's rules (one active hardship file per
//   member, a closed case has a result ...). Blank cells are fields not given; a blank union
//   cell takes ImportOptions::defaultOrg when set.
// - A row that fails is listed in the report with its line, the columns at fault (headers as
//   written) and the reasons, and does not stop the others. Cell text unfit to store (NUL,
//   bytes that were not UTF-8, control characters, line breaks outside 备注), cells beyond
//   the header and a repeated header row reject the row too, as for members.
// - Unions: a row whose 上级工会 names no union held is tried again after the rest of the
//   file, round after round while rounds store some, since its parent may be a row below it
//   (exports list unions in id order); what is left is rejected saying the parent is not found.
// - Activities: the 参加会员数 column of an export is ignored (listed as such): members are
//   checked in to an activity (Node::join), not imported.
// - Keyed kinds (funds: one record per union and year): a row for a record already held
//   updates it — its filled cells replace the stored values, blank cells leave them — and
//   counts as updated, or unchanged when nothing differs. Offices send the year's funds sheet
//   again as figures are corrected; importing the corrected sheet must correct them.
// - Other kinds: each row creates a record, except a row that would write a record identical
//   (every field) to one already held or to an earlier row of the file: it is not stored
//   again, counts as a duplicate and is named in the report, so importing a file twice does
//   not double grants or cases. A second identical grant that really happened is entered by
//   hand (or with a note that tells it apart).
// - Rows are checked one by one and stored in transactions of 1000 rows (a durable commit
//   per row manages about a hundred rows a second); a row naming a member that rows waiting
//   to be stored name too stores those first, so the rules see them. Unions and keyed
//   records are written one by one (Node::add, set): a union's parent may be a row above it.
//   A Ctrl-C (ImportOptions::cancel) stops before the next row and stores the rows checked
//   so far; if storing fails, the rows of the transaction that failed are not stored and
//   leave the report, the import stops, and ImportReport::failure says why. Either way every
//   row up to storedThroughLine is stored or in the report. ImportOptions::chunkRows is not
//   used.
// - The report file is written as for members (UTF-8 with BOM, 0600, original columns after
//   行号/列/原因), so a cadre can fix the rows in it and import the report itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/io/member_import.h"

namespace unionsync {

// The kinds importRecords takes and the names the CLI gives them ("orgs", "hardship", ...):
// every kind the union keeps but members (importMembers) and membership events (which
// member changes write).
struct ImportableKind {
  std::string_view name;
  Kind kind;
};
std::span<const ImportableKind> importableKinds();

// Imports the records of `kind` in the CSV or XLSX file at `path` into `node` (the contract above).
// ImportReport's counts: created, updated and unchanged (keyed kinds), duplicates (rows not
// stored because an identical record is held), rejected. Fails, storing nothing, for the
// reasons above, and when `kind` is not importable.
Result<ImportReport> importRecords(Node& node, Kind kind, const std::string& path, const ImportOptions& options = {});

}  // namespace unionsync

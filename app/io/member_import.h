// Importing a member roster from a CSV or XLSX file, as offices keep them in Excel.
//
// Contract:
// - An XLSX workbook is read from its first sheet, or the one ImportOptions::sheet names, as
//   rows of text (import_file.h, xlsx_cell_text.h); line numbers are then Excel's row numbers,
//   and an ID number stored as a number (its last digits lost) rejects its row. Everything
//   below applies to both formats.
// - The file is UTF-8 (with or without BOM) or GBK, detected unless the caller says which;
//   a file mixing the two is refused naming the first line in the other encoding
//   (decodeText). Rows end at LF, CRLF or a lone CR (old Mac Excel).
// - The header row is the first row, or the first of the first ten rows that names both a
//   name and an ID number column (rosters often carry a title row above the header).
//   Headers are matched with fieldForHeader: English field names, Chinese labels and the
//   aliases offices use (身份证号, 手机号码, 单位, 入会时间 ...). Unknown headers are
//   ignored and listed in the report. A second column for the same field (手机 and 手机号码)
//   is read too: a blank cell in one is filled from the other, and a row where both are
//   filled with values that differ after normalizing is rejected, naming both columns.
// - Required columns: 姓名, 证件号码, and 所属工会 unless a default union is given. When
//   one is missing, or the file cannot be decoded or is not well-formed CSV, the import fails
//   before anything is stored. So does a file without data rows below the header: a file
//   with content never imports as "0 rows, success".
// - 所属工会 names a union by its exact name (or its 32-hex id); a name shared by several
//   unions is rejected as ambiguous. A blank 所属工会 cell falls back to the default union.
// - Every row is validated like Node::validate validates a new member (formats, checksums,
//   birth date and gender derived from a resident ID number and checked against the
//   columns that give them). A row that fails is rejected as a whole and listed in the report
//   with its line number, the columns at fault and the reasons; the other rows are imported.
//   Before that, a cell's text must be fit to store: a NUL, bytes that were not UTF-8
//   (U+FFFD), a byte-order mark (files joined together), control characters and line breaks
//   (outside 备注) reject the row, naming the column; so does a 备注 cell holding lines that
//   look like whole rows (a quote left open swallowed them), and a row repeating the header.
// - CSV cells that begin with "'" before =, +, -, @ (as our exports guard formulas, csv.h)
//   lose that one "'", so an exported file imports back unchanged. XLSX cells are taken as
//   they are: the XLSX export adds nothing to them.
// - A member is identified by its ID number (member_identity.h): a row whose person is
//   already held updates that member instead of creating a second one. A blank cell leaves
//   the stored value alone (rosters from different offices fill different columns); clear a
//   field with `member set`. New members (and deleted ones imported again) get status 正常
//   unless the row says otherwise.
// - Two rows for the same person in one file: the later row wins field by field; the person
//   counts once (as created, updated or unchanged by the first row) and every later row
//   counts as a duplicate and is named in the report, so nothing is merged silently.
// - Rows are stored in chunks, one write transaction each. If storing fails or the import is
//   cancelled, the rows of the chunks already written stay stored and the report says
//   exactly which lines (`storedThroughLine`) and how many; nothing is half-written.
// - The report file is always written (CSV: UTF-8 with BOM, so Excel opens it; XLSX when its
//   path ends in .xlsx, by default for an XLSX input), mode 0600 as it
//   holds ID numbers (also when a file of that name existed before): columns
//   行号/line, 列/column, 原因/reason, then the original row under its original headers, so
//   a cadre can fix the rows in the report and import the report itself.
#pragma once

#include <string>

#include "app/node.h"
#include "app/io/import_file.h"
#include "app/io/text_encoding.h"

namespace unionsync {

// Imports the member roster in the file at `path` into `node`. Fails, storing nothing, when
// the file cannot be read or decoded, is not well-formed CSV or a readable XLSX sheet, lacks
// a required column, or the report file cannot be written; otherwise returns what happened
// (see ImportReport).
Result<ImportReport> importMembers(Node& node, const std::string& path, const ImportOptions& options = {});

// The report path used when ImportOptions::reportPath is empty: defaultReportPath
// (import_file.h).

}  // namespace unionsync

// Exporting records to CSV, for an office's own spreadsheets and for moving a roster to
// another deployment by import.
//
// Contract:
// - One row per record that is not deleted, in id order; one column per schema field of the
//   kind, headed by its Chinese label, which importMembers recognises. Activities get one
//   more column, 参加会员数, the number of members checked in.
// - Values as a person reads them: money in yuan, booleans 是/否, dates YYYY-MM-DD.
//   References (所属工会, 上级工会 ...) are written as the referenced record's name (a member's as
//   its ID number), or as its 32-hex id when that is not unique, so an import finds the same
//   record again.
// - ID numbers, mobiles and fields marked personal (income, health) are written in full: the
//   file is personal information
//   (ExportSummary::personalColumns says which columns; the file is created readable by its
//   owner only). Digit strings that Excel would turn into a rounded or zero-stripped number
//   (12 digits or more, or a leading 0) get a leading tab, which Excel shows as text and
//   every import here trims. Cells a spreadsheet would run as a formula (=, +, -, @ ...)
//   get a leading "'" (csv.h), which the import strips again.
// - UTF-8 files start with a byte-order mark, so Excel reads them; GBK files (GB18030) have
//   none. The file is written under a temporary name and renamed into place: a failed
//   export leaves no partial file.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "app/io/text_encoding.h"

namespace unionsync {

struct ExportOptions {
  Encoding encoding = Encoding::Utf8;  // Utf8 or Gbk
  std::optional<RecordId> org;         // only records of this union and the unions below it
  // Progress (RecordTable::forEach) and stopping: a cancelled export writes no file.
  WorkHooks hooks;
};

struct ExportSummary {
  std::size_t records = 0;  // written; when cancelled, those written before it stopped
  std::vector<std::string> personalColumns;  // headers of columns holding personal information
  // Stopped by options.hooks: nothing was written at the path (a file there is untouched).
  bool cancelled = false;
};

// Writes the records of `kind` to the CSV file `path`. Fails with a message naming the file
// when it cannot be written, or when `encoding` is Auto.
Result<ExportSummary> exportCsv(const Node& node, Kind kind, const std::string& path,
                                const ExportOptions& options = {});

class RecordTable;
// Calls its argument with records, in the order they are to be written, until it returns false
// or the hooks stop it (RecordTable::forEach); a source may ignore the hooks.
using RecordSource = std::function<Completion(const std::function<bool(const Record&)>&, const WorkHooks&)>;
// Every record of `table` (RecordTable::forEach); `table` must outlive the source.
RecordSource allRecords(const RecordTable& table);

// The same for the records `records` gives (a selection of `table`'s, in any order; say the
// member list on screen) with `table`'s columns. `options.org` is not used: `table` has its
// scope.
Result<ExportSummary> exportCsv(const RecordTable& table, const RecordSource& records, const std::string& path,
                                const ExportOptions& options);

// A file written under a temporary name and renamed into place by commit(), so that a
// failed write leaves no partial file and an existing file is replaced whole. `ownerOnly`
// files (personal information: ID numbers, mobiles) are created mode 0600, whatever mode a
// file at `path` had before; others 0644 (less the umask).
class AtomicFile {
 public:
  AtomicFile(std::string path, bool ownerOnly);
  ~AtomicFile();  // without commit(): removes the temporary file
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Fail with a message naming the file ("disk full" as such); after a failure the file is
  // not renamed into place.
  Result<void> write(std::string_view bytes);
  Result<void> commit();

 private:
  std::unexpected<Error> failure() const;

  std::string path_;
  std::string temp_;
  int fd_ = -1;
};

// `value` as written into a CSV cell for Excel: a digit string Excel would turn into a number
// that changes it (12 digits or more are rounded, a leading 0 is dropped) gets a leading tab,
// which Excel shows as text and imports trim; anything else is unchanged.
std::string excelText(std::string_view value);

// The same rows as UTF-8 CSV text without a byte-order mark.
std::string exportCsvText(const Node& node, Kind kind, const ExportOptions& options = {});

}  // namespace unionsync

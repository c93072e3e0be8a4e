// The member table behind the Members view: a compact in-memory copy of every member
// (MemberSnapshot), the filter/sort/search that turns it into the rows shown (MemberQueryEngine)
// and the worker thread that keeps both current (MemberTableModel).
//
// Why a copy: a virtualized table over a million members must answer "which member is row
// 734 512 under this sort and filter" every frame without touching LMDB, and must re-sort and
// re-filter within a keystroke. A row is ~70 bytes plus its strings, so 1M members take about
// 150 MB. The copy is immutable and shared (std::shared_ptr<const>): the worker builds a new
// one when the store changes (only the members written since the last copy are re-read, via
// Node::changedSince) and the UI thread swaps pointers, so no LMDB read transaction lives
// across frames and the UI never waits for the worker.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/node.h"
#include "gui/glyph_set.h"
#include "gui/text_ids.h"

namespace unionsync::gui {

enum class MemberColumn : std::uint8_t {
  Name,
  Gender,
  IdNumber,
  Mobile,
  Org,
  Employer,
  CardNo,
  JoinDate,
  Status,
  Migrant,
  Count_
};
inline constexpr std::size_t kMemberColumns = static_cast<std::size_t>(MemberColumn::Count_);
// The schema field each column shows.
std::string_view memberColumnField(MemberColumn column);

// The member fields a snapshot reads (gui_bench times a bare scan of them).
std::span<const std::string_view> memberSnapshotFields();

struct StrRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

inline constexpr std::uint32_t kNoOrg = TextIds::kNone;  // orgIndex() when not found

struct MemberRow {
  RecordId id;
  StrRef name, idNumber, mobile, cardNo, employer;
  std::uint32_t nameId = 0;  // index into MemberSnapshot::names(): rows of one name share it
  std::uint32_t org = kNoOrg;  // index into MemberSnapshot::orgIds()
  std::uint32_t joinDate = 0;  // YYYYMMDD, 0 when empty
  std::uint8_t status = 0;     // 1 + index into the schema's status choices, 0 when empty
  std::uint8_t gender = 0;     // 1 + index into the schema's gender choices, 0 when empty
  bool migrant = false;
  bool deleted = false;
};

class MemberSnapshot {
 public:
  struct LoadOptions {
    // The id range is split into this many parts, read and built on as many threads and then
    // joined; 0: one per core (at most 4), one for a small store. A part done early reads on
    // into the part below's range, from its top (the first rows' part waits for a frame).
    unsigned parts = 0;
    // Called on the calling thread every few thousand rows with the rows read so far (all
    // parts); when it returns false the load stops and returns nullptr.
    std::function<bool(std::size_t rowsRead)> progress;
    // Called once, on the calling thread, with a snapshot of the first `firstRows` members
    // (the lowest ids; complete() false; its names have no pinyin keys yet, so a pinyin
    // search finds none of them) while the rest is still being read, so a screenful can be
    // shown long before the whole list. Not called unless the first part holds more members.
    std::function<void(std::shared_ptr<const MemberSnapshot>)> firstRowsReady;
    std::size_t firstRows = 2048;
    // Called once, on the calling thread, when every member is read and before the parts are
    // joined, with every character of their names and employers: the font can take them in
    // while the list is being finished.
    std::function<void(const GlyphSet&)> everyRowRead;
  };
  // Where a load's time went, for gui_bench.
  struct LoadStats {
    unsigned parts = 1;
    double firstRowsMs = 0;  // load start -> firstRowsReady called
    double readMs = 0;       // load start -> every part read and built (store scan + rows)
    double joinMs = 0;       // then joining the parts into one snapshot
    double pinyinMs = 0;     // then making the distinct names' pinyin keys, over `parts` threads
    std::size_t rowsTaken = 0;  // rows a part read in chunks of the part below, done early
  };
  // Reads every member (deleted ones included): the fields the table shows, nothing copied
  // twice (Node::forEachFields). Throws, as the node does, only on data it cannot decode.
  static std::shared_ptr<const MemberSnapshot> load(const Node& node, const LoadOptions& options);
  static std::shared_ptr<const MemberSnapshot> load(const Node& node);
  // A copy brought up to date with the members written since this one was read; nullptr
  // when nothing changed. Falls back to a full load when very many members changed.
  std::shared_ptr<const MemberSnapshot> refreshed(const Node& node) const;

  // One per distinct name (names repeat: 王伟, 李娜): the name and its pinyin::nameKeys, one per
  // line, so a search judges each name once rather than once per row.
  struct Name {
    StrRef text, pinyin;
  };
  const std::vector<Name>& names() const { return names_; }

  std::size_t size() const { return rows_.size(); }
  const MemberRow& row(std::size_t index) const { return rows_[index]; }
  std::string_view text(StrRef ref) const { return std::string_view(pool_).substr(ref.offset, ref.size); }
  // The column as stored (choices in Chinese, dates YYYY-MM-DD); org as its hex id.
  std::string value(const MemberRow& row, MemberColumn column) const;
  // Row index of a member, by binary search (rows are in id order).
  std::optional<std::size_t> find(const RecordId& id) const;
  const std::vector<RecordId>& orgIds() const { return orgIds_; }
  std::uint32_t orgIndex(const RecordId& org) const;
  // Every character of the names and employers: the font needs them.
  const GlyphSet& glyphs() const { return glyphs_; }
  // The store's version vector read just before this snapshot (changes after it are not
  // necessarily included).
  const VersionVector& version() const { return version_; }
  // Counts every time a snapshot is built, so caches can tell snapshots apart.
  std::uint64_t serial() const { return serial_; }
  // False for the first rows handed out while a load goes on (LoadOptions::firstRowsReady).
  bool complete() const { return complete_; }
  // Zero for a snapshot made by refreshed().
  const LoadStats& loadStats() const { return stats_; }

 private:
  friend class SnapshotBuilder;
  std::vector<MemberRow> rows_;
  std::vector<Name> names_;
  std::string pool_;
  std::vector<RecordId> orgIds_;
  TextIds orgIndex_;  // hex -> index into orgIds_
  GlyphSet glyphs_;
  VersionVector version_;
  std::uint64_t serial_ = 0;
  bool complete_ = true;
  LoadStats stats_;
};

enum class MigrantFilter : std::uint8_t { Any, Yes, No };

struct MemberFilter {
  std::string search;            // name prefix, ID number, mobile, card no. (see matchesSearch)
  std::uint8_t status = 0;       // MemberRow::status value; 0 = any
  MigrantFilter migrant = MigrantFilter::Any;
  std::optional<RecordId> org;   // this organization and every one below it
  bool deleted = false;          // the recycle bin: only deleted members instead of live ones
  bool operator==(const MemberFilter&) const = default;
};

struct MemberSort {
  MemberColumn column = MemberColumn::Name;
  bool ascending = true;
  bool operator==(const MemberSort&) const = default;
};

struct MemberQuery {
  MemberFilter filter;
  MemberSort sort;
  bool operator==(const MemberQuery&) const = default;
};

// What a person typed in the search box, normalized once: spaces dropped, full-width digits
// and letters read as ASCII (Chinese input methods produce them).
struct SearchKey {
  std::string text;         // for names
  std::string pinyin;       // pinyin::queryKey: empty when what was typed is not pinyin
  std::string upper;        // ASCII letters upper-cased: card numbers, the ID check character
  bool digitsOnly = false;  // digits (and a final X): may be the tail of an ID number or mobile
};
SearchKey makeSearchKey(std::string_view typed);

// A member matches when the key is a prefix of the name, ID number, mobile or card number,
// or (four or more digits) the end of the ID number or mobile: lists show ID numbers as
// 110105********002X, so a cadre searches by the last four characters. Pinyin (wm, wangm,
// "wang miao") matches the name as the CLI's search does (app/search/pinyin.h).
bool matchesSearch(const MemberSnapshot& snapshot, const MemberRow& row, const SearchKey& key);
// The name part of matchesSearch, for one of snapshot.names().
bool nameMatchesSearch(const MemberSnapshot& snapshot, std::uint32_t nameId, const SearchKey& key);
// The rest of matchesSearch: card number, ID number, mobile.
bool numbersMatchSearch(const MemberSnapshot& snapshot, const MemberRow& row, const SearchKey& key);

// Hides the middle of a mobile number: 138****5678 (anything but 11 characters: unchanged
// when empty, fully masked otherwise).
std::string maskMobile(std::string_view mobile);

// The rows a query selects, in display order.
struct MemberView {
  std::shared_ptr<const MemberSnapshot> snapshot;
  std::vector<std::uint32_t> rows;  // indices into the snapshot
  MemberQuery query;
  std::uint64_t generation = 0;     // of the query request that produced it
  double queryMs = 0;               // filter + sort time on the worker
};

// Filters and sorts snapshots. Keeps, per snapshot, the full order of every column used so
// far, so a new search is one linear pass over a ready-made order (tens of milliseconds on
// 1M rows, split over the cores) and only a new sort column costs a sort. A keystroke that
// extends the previous search only re-checks the previous result (matches of "王伟" are among
// those of "王"), except where the tail-of-number rule makes a longer key match other rows.
// Names, organizations and employers sort in Chinese (pinyin) order. Not thread-safe: owned
// by one worker.
class MemberQueryEngine {
 public:
  MemberQueryEngine();
  ~MemberQueryEngine();
  MemberQueryEngine(const MemberQueryEngine&) = delete;
  MemberQueryEngine& operator=(const MemberQueryEngine&) = delete;

  MemberView run(const std::shared_ptr<const MemberSnapshot>& snapshot, const std::shared_ptr<const OrgTree>& orgs,
                 const MemberQuery& query);

 private:
  const std::vector<std::uint32_t>& order(const MemberSnapshot& snapshot, const OrgTree& orgs, MemberColumn column);
  // Rows of the whole snapshot matching the filter, in the column's order.
  std::vector<std::uint32_t> scan(const MemberSnapshot& snapshot, const OrgTree& orgs, const MemberQuery& query);
  struct Collation;
  std::unique_ptr<Collation> collation_;
  std::uint64_t cachedSerial_ = 0;
  std::uint64_t cachedOrgNames_ = 0;
  std::vector<std::uint32_t> orders_[kMemberColumns];
  MemberView last_;                        // the previous answer, for narrowing
  std::shared_ptr<const OrgTree> lastOrgs_;
};

// Keeps a MemberView current on its own thread. The UI thread calls setQuery / setOrgTree /
// storeChanged (cheap, never blocking on work) and poll() once per frame; `wake` is called
// from the worker when a new view, the preview or glyphs() are ready (to wake an idle event
// loop), not for progress: while loading() the loop must poll at its own pace to move a
// progress bar. The first load shows its first rows (preview()) within milliseconds; the part
// that read them then pauses until a frame has drawn them (at most 0.3 s), so the program's
// first frames do not share every core with the load, while the other parts read on (the one
// above it on into its rest).
class MemberTableModel {
 public:
  // `firstRows`: how many members the preview holds (tests make it small).
  MemberTableModel(const Node& node, std::function<void()> wake,
                   std::size_t firstRows = MemberSnapshot::LoadOptions{}.firstRows);
  ~MemberTableModel();
  MemberTableModel(const MemberTableModel&) = delete;
  MemberTableModel& operator=(const MemberTableModel&) = delete;

  // Returns the generation that a view answering this query will carry.
  std::uint64_t setQuery(const MemberQuery& query);
  void setOrgTree(std::shared_ptr<const OrgTree> tree);
  // The store changed (a local edit, sync, an import): refresh the snapshot.
  void storeChanged();

  // Takes the newest finished view (or preview); true when one replaced the current one.
  bool poll();
  // The newest view of every member; its snapshot is empty until the whole list is read.
  const MemberView& view() const { return view_; }
  // While loading (once the first rows are read): the current query over the first rows
  // (MemberSnapshot::LoadOptions::firstRowsReady), for the Members table to show meanwhile.
  // Empty otherwise. Only a view of part of the list: nothing but the table should use it.
  const MemberView& preview() const { return preview_; }
  const MemberQuery& query() const { return query_; }
  // Once the first load has read every member (shortly before the whole list is ready): every
  // character of their names and employers, so the font can take them in meanwhile. Empty
  // before; not updated by later refreshes (their snapshots' glyphs() have those).
  const GlyphSet& glyphs() const { return glyphs_; }
  // True until the whole list is loaded; rowsLoaded counts progress.
  bool loading() const { return !view_.snapshot; }
  std::size_t rowsLoaded() const { return rowsLoaded_.load(); }
  // A query (or refresh) newer than the shown view is being worked on.
  bool busy() const;
  // Why the member list could not be read (bilingual; empty when fine). Reading stops until
  // the next storeChanged().
  std::string error() const;

 private:
  void run();

  const Node& node_;
  std::function<void()> wake_;
  const std::size_t firstRows_;
  MemberQuery query_;  // UI thread's latest request
  MemberView view_;    // UI thread's current view
  MemberView preview_;
  GlyphSet glyphs_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  MemberQuery pendingQuery_;
  std::uint64_t requested_ = 0;       // generation of the latest query request
  std::uint64_t answered_ = 0;        // generation of the latest published view
  bool storeDirty_ = false;
  std::shared_ptr<const OrgTree> pendingOrgs_;
  std::optional<MemberView> finished_;
  std::optional<MemberView> finishedPreview_;
  std::optional<GlyphSet> finishedGlyphs_;
  int previewPolls_ = 0;  // polls since the preview was taken
  std::string error_;
  bool stop_ = false;
  std::atomic<std::size_t> rowsLoaded_{0};
  std::thread thread_;
};

}  // namespace unionsync::gui

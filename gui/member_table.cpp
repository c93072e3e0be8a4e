#include "gui/member_table.h"

#include <fmt/format.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <numeric>
#include <span>
#include <unordered_map>

#include "app/model/records.h"
#include "app/search/pinyin.h"

namespace unionsync::gui {

namespace {

std::atomic<std::uint64_t> gSnapshotSerial{0};

// How many threads `items` items of some microseconds each are worth: one per 10 000.
std::size_t threadsFor(std::size_t items) {
  return std::clamp<std::size_t>(items / 10'000, 1, std::max(1u, std::thread::hardware_concurrency()));
}

// Calls work(slice, begin, end) for `slices` consecutive slices of [0, n), the first on the
// calling thread and the others on threads of their own; returns when all are done.
void forSlices(std::size_t n, std::size_t slices, const std::function<void(std::size_t, std::size_t, std::size_t)>& work) {
  const std::size_t chunk = (n + slices - 1) / std::max<std::size_t>(slices, 1);
  std::vector<std::jthread> helpers;
  for (std::size_t t = 1; t < slices; ++t) helpers.emplace_back(work, t, std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  work(0, 0, std::min(n, chunk));
}

std::uint8_t choiceIndex(const FieldDef& def, std::string_view value) {
  for (std::size_t i = 0; i < def.choices.size(); ++i)
    if (def.choices[i] == value) return static_cast<std::uint8_t>(i + 1);
  return 0;
}

std::string_view choiceAt(std::string_view field, std::uint8_t index) {
  if (index == 0) return {};
  return findField(Kind::Member, field)->choices[index - 1];
}

std::uint32_t packDate(std::string_view date) {
  // YYYY-MM-DD -> YYYYMMDD; anything else -> 0.
  if (date.size() != 10) return 0;
  std::uint32_t v = 0;
  for (char c : date) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

std::string unpackDate(std::uint32_t v) {
  if (v == 0) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", v / 10000, v / 100 % 100, v % 100);
  return buf;
}

}  // namespace

std::string_view memberColumnField(MemberColumn column) {
  static constexpr std::string_view kFields[] = {"name",     "gender",  "id_number", "mobile",    "org",
                                                 "employer", "card_no", "join_date", "status", "migrant"};
  static_assert(std::size(kFields) == kMemberColumns);
  return kFields[static_cast<std::size_t>(column)];
}

namespace {

using Steady = std::chrono::steady_clock;

double msBetween(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// The fields a row is made of, in the order SnapshotBuilder::add reads them.
constexpr std::string_view kRowFields[] = {"name",   "id_number", "mobile", "card_no", "employer", "org",
                                           "join_date", "status",    "gender", "migrant", "deleted"};
enum RowField : std::size_t { FName, FIdNumber, FMobile, FCardNo, FEmployer, FOrg, FJoinDate, FStatus, FGender, FMigrant, FDeleted };
static_assert(std::size(kRowFields) == FDeleted + 1);

}  // namespace

std::span<const std::string_view> memberSnapshotFields() { return kRowFields; }

// Appends rows to a snapshot under construction, keeping its string pool, org table and
// glyph set in step.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::shared_ptr<MemberSnapshot> target) : s_(std::move(target)) {}

  // `v` holds the kRowFields values.
  void add(const RecordId& id, std::span<const std::string_view> v) {
    MemberRow row;
    row.id = id;
    setName(row, v[FName]);
    row.idNumber = put(v[FIdNumber]);
    row.mobile = put(v[FMobile]);
    row.cardNo = put(v[FCardNo]);
    row.employer = employer(v[FEmployer]);
    row.org = org(v[FOrg]);
    row.joinDate = packDate(v[FJoinDate]);
    row.status = choiceIndex(status_, v[FStatus]);
    row.gender = choiceIndex(gender_, v[FGender]);
    row.migrant = v[FMigrant] == "1";
    row.deleted = v[FDeleted] == "1";
    s_->rows_.push_back(row);
  }

  void add(const Record& r) {
    std::array<std::string_view, std::size(kRowFields)> v;
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = r.get(kRowFields[i]);
    add(r.id, v);
  }

  // Copies a row of another snapshot whose org table this one started from.
  void copy(const MemberSnapshot& from, const MemberRow& source) {
    MemberRow row = source;
    setName(row, from.text(source.name), from.text(from.names_[source.nameId].pinyin));
    row.idNumber = put(from.text(source.idNumber));
    row.mobile = put(from.text(source.mobile));
    row.cardNo = put(from.text(source.cardNo));
    row.employer = employer(from.text(source.employer));
    s_->rows_.push_back(row);
  }

  // Appends the rows of `part` in `ranges` (row index ranges, in this order), ids above all of
  // this one's: its pool is taken whole, its names and organizations are matched to this one's.
  void append(const MemberSnapshot& part, std::span<const std::pair<std::size_t, std::size_t>> ranges) {
    const auto base = static_cast<std::uint32_t>(s_->pool_.size());
    s_->pool_.append(part.pool_);
    auto shift = [base](StrRef r) { return StrRef{r.offset + base, r.size}; };
    // The part's names have no keys yet (finish() makes them): only names new here need any.
    std::vector<std::uint32_t> nameOf(part.names_.size());
    for (std::size_t i = 0; i < nameOf.size(); ++i) {
      const StrRef text = part.names_[i].text;
      const auto [id, inserted] = nameIds_.insert(part.text(text));
      if (inserted) {
        keyless_.push_back(id);
        s_->names_.push_back({shift(text), {}});
      }
      nameOf[i] = id;
    }
    std::vector<std::uint32_t> orgOf(part.orgIds_.size());
    for (std::size_t i = 0; i < orgOf.size(); ++i) orgOf[i] = org(part.orgIds_[i].hex());
    for (auto [begin, end] : ranges)
      for (MemberRow row : std::span(part.rows_).subspan(begin, end - begin)) {
        row.nameId = nameOf[row.nameId];
        row.name = s_->names_[row.nameId].text;
        row.idNumber = shift(row.idNumber);
        row.mobile = shift(row.mobile);
        row.cardNo = shift(row.cardNo);
        row.employer = shift(row.employer);
        if (row.org != kNoOrg) row.org = orgOf[row.org];
        s_->rows_.push_back(row);
      }
    s_->glyphs_.merge(part.glyphs_);
  }

  void reserve(std::size_t rows, std::size_t poolBytes) {
    s_->rows_.reserve(rows);
    s_->pool_.reserve(poolBytes);
  }

  const MemberSnapshot& snapshot() const { return *s_; }

  // The snapshot, once the names that have no pinyin keys got them (over `threads` threads).
  // The keys are made at the end rather than as rows arrive, so the first rows are not kept
  // waiting for ICU's transliterators to load.
  std::shared_ptr<MemberSnapshot> finish(unsigned threads = 1) {
    const auto started = Steady::now();
    std::vector<std::string> keys(keyless_.size());
    forSlices(keys.size(), std::min<std::size_t>(threads, threadsFor(keys.size())), [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i)
        for (const std::string& key : pinyin::nameKeys(s_->text(s_->names_[keyless_[i]].text))) keys[i].append(key).push_back('\n');
    });
    for (std::size_t i = 0; i < keys.size(); ++i) s_->names_[keyless_[i]].pinyin = put(keys[i]);
    keyless_.clear();
    keysMs_ = msBetween(started, Steady::now());
    s_->serial_ = ++gSnapshotSerial;
    return std::move(s_);
  }
  double keysMs() const { return keysMs_; }

 private:
  StrRef put(std::string_view text) {
    StrRef ref{static_cast<std::uint32_t>(s_->pool_.size()), static_cast<std::uint32_t>(text.size())};
    s_->pool_.append(text);
    return ref;
  }

  // Names repeat (王伟, 李娜): each distinct name is stored, and its glyphs found, once;
  // its pinyin keys are `keys` when known, else made by finish().
  void setName(MemberRow& row, std::string_view name, std::optional<std::string_view> keys = std::nullopt) {
    const auto [id, inserted] = nameIds_.insert(name);
    if (inserted) {
      const StrRef text = put(name);
      s_->names_.push_back({text, keys ? put(*keys) : StrRef{}});
      if (!keys) keyless_.push_back(id);
      s_->glyphs_.addText(name);
    }
    row.nameId = id;
    row.name = s_->names_[id].text;
  }

  // Employers repeat even more than names: each is stored, and its glyphs found, once.
  StrRef employer(std::string_view text) {
    const auto [id, inserted] = employerIds_.insert(text);
    if (!inserted) return employers_[id];
    s_->glyphs_.addText(text);
    return employers_.emplace_back(put(text));
  }

  std::uint32_t org(std::string_view hex) {
    if (hex.empty()) return kNoOrg;
    const auto [index, inserted] = s_->orgIndex_.insert(hex);
    if (inserted) s_->orgIds_.push_back(RecordId::fromHex(hex).value_or(RecordId{}));
    return index;
  }

  std::shared_ptr<MemberSnapshot> s_;
  // Looked up once: findField compares names one by one.
  const FieldDef& status_ = *findField(Kind::Member, "status");
  const FieldDef& gender_ = *findField(Kind::Member, "gender");
  TextIds nameIds_;                     // numbered as names_
  std::vector<std::uint32_t> keyless_;  // names whose keys finish() makes
  TextIds employerIds_;                 // numbered as employers_
  std::vector<StrRef> employers_;
  double keysMs_ = 0;
};

namespace {

// Below this many members one thread reads them all: threads would cost more than they save.
constexpr std::size_t kRowsPerPart = 50'000;

// The first byte of the ids part `p` of `parts` starts at: ids are random, so equal slices of
// the first byte hold about equal numbers of members. Each value of the first byte is a
// chunk: the unit a part that is done early takes over from the part below it.
unsigned partStart(unsigned p, unsigned parts) { return 256 * p / parts; }

// The ids whose first byte is in [from, to).
IdRange chunkRange(unsigned from, unsigned to) {
  IdRange range;
  range.from.bytes[0] = static_cast<std::uint8_t>(from);
  if (to < 256) {
    range.to.emplace();
    range.to->bytes[0] = static_cast<std::uint8_t>(to);
  }
  return range;
}

}  // namespace

std::shared_ptr<const MemberSnapshot> MemberSnapshot::load(const Node& node) { return load(node, LoadOptions{}); }

std::shared_ptr<const MemberSnapshot> MemberSnapshot::load(const Node& node, const LoadOptions& options) {
  const auto started = Steady::now();
  // The vector is read first: writes racing with the scan are then re-read by the next
  // refresh, which is harmless, instead of being missed.
  VersionVector version = node.versionVector();
  const std::size_t expected = node.count(Kind::Member);
  const unsigned parts = options.parts > 0 ? std::min(options.parts, 256u)
                         : expected < 2 * kRowsPerPart ? 1u
                                                       : std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  std::vector<SnapshotBuilder> builders;
  builders.reserve(parts);
  for (unsigned p = 0; p < parts; ++p) {
    builders.emplace_back(std::make_shared<MemberSnapshot>());
    // Room for every member in each part: a part may take over most of another's chunks, and
    // part 0 becomes the whole. Only pages written to take memory, so the room costs nothing,
    // while growing would copy (at the join: 30 ms for 1M members).
    const std::size_t rows = expected + expected / 16 + 16;
    builders.back().reserve(rows, rows * 72);
  }
  std::atomic<std::size_t> rowsRead{0};
  std::atomic<bool> stop{false};
  std::vector<std::exception_ptr> errors(parts);
  LoadStats stats;
  stats.parts = parts;

  // ICU's transliterators take ~0.1 s to load on first use: loaded while the parts are read
  // (after the first rows, which must not wait), the pinyin keys at the end need not wait.
  std::jthread warmPinyin;
  // A part reads its own chunks upwards until it meets one the part above took, then takes
  // chunks from the top of the part below, downwards, until it meets that part: so the part
  // that paused for the first frame (part 0) is not left to finish alone. Each chunk is read
  // whole by whoever claimed it first.
  std::array<std::atomic<bool>, 256> claimed{};
  // Per part, the row ranges of the chunks it took from below, in the order taken (downwards).
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> taken(parts);
  // Part 0 runs on the calling thread, which makes every callback from it.
  auto readPart = [&](unsigned p) {
    constexpr std::size_t kBatch = 4096;
    std::size_t rows = 0;
    try {
      unsigned chunk = 256;  // of the last row read
      auto visit = [&](const RecordId& id, std::span<const std::string_view> v) {
        if (id.bytes[0] != chunk) {
          chunk = id.bytes[0];
          // Claimed by the part above: this part's own chunks are done.
          if (claimed[chunk].exchange(true)) return false;
        }
        builders[p].add(id, v);
        ++rows;
        if (p == 0 && rows == options.firstRows && options.firstRowsReady) {
          auto first = std::make_shared<MemberSnapshot>(builders[0].snapshot());
          first->complete_ = false;
          first->version_ = version;
          first->serial_ = ++gSnapshotSerial;
          stats.firstRowsMs = msBetween(started, Steady::now());
          options.firstRowsReady(std::move(first));
          warmPinyin = std::jthread([] { pinyin::nameKeys("王伟"); });
        }
        if (rows % kBatch != 0) return true;
        const std::size_t total = rowsRead += kBatch;
        if (p == 0 && options.progress && !options.progress(total)) stop = true;
        return !stop;
      };
      node.forEachFields(Kind::Member, kRowFields, chunkRange(partStart(p, parts), partStart(p + 1, parts)), visit);
      for (unsigned below = partStart(p, parts); p > 0 && below > partStart(p - 1, parts) && !stop; --below) {
        chunk = below - 1;
        if (claimed[chunk].exchange(true)) break;
        const std::size_t from = builders[p].snapshot().size();
        node.forEachFields(Kind::Member, kRowFields, chunkRange(chunk, chunk + 1), visit);
        taken[p].emplace_back(from, builders[p].snapshot().size());
      }
    } catch (...) {
      errors[p] = std::current_exception();
      stop = true;
    }
    rowsRead += rows % kBatch;
  };
  {
    std::vector<std::jthread> helpers;
    for (unsigned p = 1; p < parts; ++p) helpers.emplace_back(readPart, p);
    readPart(0);
  }
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  if (stop) return nullptr;
  if (options.progress && !options.progress(rowsRead)) return nullptr;
  stats.readMs = msBetween(started, Steady::now());
  if (options.everyRowRead) {
    GlyphSet glyphs;
    for (const SnapshotBuilder& b : builders) glyphs.merge(b.snapshot().glyphs());
    options.everyRowRead(glyphs);
  }

  const auto joining = Steady::now();
  std::size_t rows = 0, pool = 0;
  for (const SnapshotBuilder& b : builders) {
    rows += b.snapshot().rows_.size();
    // A name's keys take some 40 bytes.
    pool += b.snapshot().pool_.size() + 40 * b.snapshot().names_.size();
  }
  SnapshotBuilder& whole = builders[0];
  whole.reserve(rows, pool);
  for (unsigned p = 1; p < parts; ++p) {
    // In id order: the chunks taken from below (the last taken lowest), then the part's own.
    std::vector<std::pair<std::size_t, std::size_t>> ranges(taken[p].rbegin(), taken[p].rend());
    for (auto [begin, end] : ranges) stats.rowsTaken += end - begin;
    ranges.emplace_back(0, taken[p].empty() ? builders[p].snapshot().size() : taken[p].front().first);
    whole.append(builders[p].snapshot(), ranges);
  }
  stats.joinMs = msBetween(joining, Steady::now());
  auto snapshot = whole.finish(parts);
  stats.pinyinMs = whole.keysMs();
  snapshot->version_ = std::move(version);
  snapshot->stats_ = stats;
  return snapshot;
}

std::shared_ptr<const MemberSnapshot> MemberSnapshot::refreshed(const Node& node) const {
  const VersionVector now = node.versionVector();
  if (now == version_) return nullptr;
  // Past this many changed members one sequential scan is cheaper than point reads.
  const std::size_t limit = std::max<std::size_t>(50'000, rows_.size() / 4);
  const auto changedOrNone = node.changedSince(Kind::Member, version_, limit);
  if (!changedOrNone) return load(node);
  const std::vector<RecordId>& changed = *changedOrNone;

  auto next = std::make_shared<MemberSnapshot>();
  next->version_ = now;
  next->orgIds_ = orgIds_;
  next->orgIndex_ = orgIndex_;
  next->glyphs_ = glyphs_;
  next->rows_.reserve(rows_.size() + changed.size());
  next->pool_.reserve(pool_.size());
  SnapshotBuilder builder(next);
  // Both sequences are in id order: merge them.
  std::size_t i = 0;
  for (const RecordId& id : changed) {
    for (; i < rows_.size() && rows_[i].id < id; ++i) builder.copy(*this, rows_[i]);
    if (i < rows_.size() && rows_[i].id == id) ++i;  // replaced by the fresh read below
    if (auto record = node.get(Kind::Member, id)) builder.add(*record);
  }
  for (; i < rows_.size(); ++i) builder.copy(*this, rows_[i]);
  return builder.finish();
}

std::string MemberSnapshot::value(const MemberRow& row, MemberColumn column) const {
  switch (column) {
    case MemberColumn::Name: return std::string(text(row.name));
    case MemberColumn::Gender: return std::string(choiceAt("gender", row.gender));
    case MemberColumn::IdNumber: return std::string(text(row.idNumber));
    case MemberColumn::Mobile: return std::string(text(row.mobile));
    case MemberColumn::Org: return row.org == kNoOrg ? std::string() : orgIds_[row.org].hex();
    case MemberColumn::Employer: return std::string(text(row.employer));
    case MemberColumn::CardNo: return std::string(text(row.cardNo));
    case MemberColumn::JoinDate: return unpackDate(row.joinDate);
    case MemberColumn::Status: return std::string(choiceAt("status", row.status));
    case MemberColumn::Migrant: return row.migrant ? "1" : "0";
    case MemberColumn::Count_: break;
  }
  return {};
}

std::optional<std::size_t> MemberSnapshot::find(const RecordId& id) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), id, [](const MemberRow& r, const RecordId& v) { return r.id < v; });
  if (it == rows_.end() || it->id != id) return std::nullopt;
  return static_cast<std::size_t>(it - rows_.begin());
}

std::uint32_t MemberSnapshot::orgIndex(const RecordId& org) const {
  return orgIndex_.find(org.hex());
}

// --- search ---------------------------------------------------------------------------------

SearchKey makeSearchKey(std::string_view typed) {
  SearchKey key;
  for (std::size_t pos = 0; pos < typed.size();) {
    char32_t cp = decodeUtf8(typed, pos);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII from Chinese input methods
    if (cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0) continue;
    appendUtf8(key.text, cp);
  }
  key.pinyin = pinyin::queryKey(typed);
  key.upper = key.text;
  for (char& c : key.upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  const std::string_view t = key.upper;
  const std::string_view digits = t.ends_with('X') ? t.substr(0, t.size() - 1) : t;
  key.digitsOnly = !t.empty() && std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; });
  return key;
}

bool nameMatchesSearch(const MemberSnapshot& s, std::uint32_t nameId, const SearchKey& key) {
  const MemberSnapshot::Name& name = s.names()[nameId];
  if (s.text(name.text).starts_with(key.text)) return true;
  if (key.pinyin.empty()) return false;
  // One key per line: a query (letters only) cannot match across the line break.
  const std::string_view keys = s.text(name.pinyin);
  for (std::size_t at = 0; at < keys.size();) {
    if (keys.substr(at).starts_with(key.pinyin)) return true;
    const std::size_t end = keys.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return false;
}

bool numbersMatchSearch(const MemberSnapshot& s, const MemberRow& row, const SearchKey& key) {
  const std::string_view k = key.upper;
  if (s.text(row.cardNo).starts_with(k)) return true;
  if (!key.digitsOnly) return false;
  const std::string_view id = s.text(row.idNumber);
  const std::string_view mobile = s.text(row.mobile);
  if (id.starts_with(k) || mobile.starts_with(k)) return true;
  return k.size() >= 4 && (id.ends_with(k) || mobile.ends_with(k));
}

bool matchesSearch(const MemberSnapshot& s, const MemberRow& row, const SearchKey& key) {
  if (key.text.empty()) return true;
  return nameMatchesSearch(s, row.nameId, key) || numbersMatchSearch(s, row, key);
}

std::string maskMobile(std::string_view mobile) {
  if (mobile.empty()) return {};
  if (mobile.size() != 11) return std::string(mobile.size(), '*');
  return std::string(mobile.substr(0, 3)) + "****" + std::string(mobile.substr(7));
}

// --- query engine -------------------------------------------------------------------------------

struct MemberQueryEngine::Collation {
  // One per thread that makes keys at once (clones share the rules): ICU does not promise
  // that one collator may be used from several threads.
  std::vector<std::unique_ptr<icu::Collator>> collators;

  Collation() {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> collator(icu::Collator::createInstance(icu::Locale::getChinese(), status));
    if (U_SUCCESS(status)) collators.push_back(std::move(collator));
    while (!collators.empty() && collators.size() < threadsFor(SIZE_MAX)) {
      std::unique_ptr<icu::Collator> clone(collators.front()->clone());
      if (!clone) break;  // out of memory: fewer threads share the rest
      collators.push_back(std::move(clone));
    }
  }

  // Byte strings that compare like the texts in Chinese (pinyin) order; the UTF-8 bytes when
  // ICU has no Chinese collation. `slice` < threadsFor(SIZE_MAX) picks the collator.
  std::string sortKey(std::string_view text, std::size_t slice) const {
    if (collators.empty()) return std::string(text);
    const icu::Collator* collator = collators[std::min(slice, collators.size() - 1)].get();
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
    std::string key(64, '\0');
    std::int32_t n = collator->getSortKey(u, reinterpret_cast<std::uint8_t*>(key.data()), static_cast<std::int32_t>(key.size()));
    if (n > static_cast<std::int32_t>(key.size())) {
      key.resize(static_cast<std::size_t>(n));
      n = collator->getSortKey(u, reinterpret_cast<std::uint8_t*>(key.data()), n);
    }
    key.resize(static_cast<std::size_t>(n));
    return key;
  }
};

MemberQueryEngine::MemberQueryEngine() : collation_(std::make_unique<Collation>()) {}
MemberQueryEngine::~MemberQueryEngine() = default;

namespace {

// The first eight bytes of a sort key as a number that compares like them (zero-padded):
// most comparisons of two keys end there. Empty texts get the largest, so they sort last: no
// key starts with eight 0xFF bytes (ICU's do not, UTF-8 text cannot).
std::uint64_t keyPrefix(std::string_view key, bool emptyText) {
  if (emptyText) return UINT64_MAX;
  std::uint64_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) prefix = prefix << 8 | (i < key.size() ? static_cast<unsigned char>(key[i]) : 0u);
  return prefix;
}

// Rank of each row's text among the distinct texts of the column; empty texts rank last.
// Distinct values are far fewer than rows (names repeat), so only they are collated; when the
// texts are known to be distinct already (the snapshot's names) they are not looked up.
template <typename Text, typename Key>
std::vector<std::uint32_t> textRanks(std::size_t rows, Text text, Key sortKey, bool distinctTexts = false) {
  std::vector<std::string_view> distinct;
  std::vector<std::uint32_t> valueOf(rows);
  if (distinctTexts) {
    distinct.reserve(rows);
    for (std::size_t i = 0; i < rows; ++i) distinct.push_back(text(i));
    std::iota(valueOf.begin(), valueOf.end(), 0u);
  } else {
    std::unordered_map<std::string_view, std::uint32_t> distinctIndex;
    for (std::size_t i = 0; i < rows; ++i) {
      auto [it, inserted] = distinctIndex.try_emplace(text(i), static_cast<std::uint32_t>(distinct.size()));
      if (inserted) distinct.push_back(it->first);
      valueOf[i] = it->second;
    }
  }
  std::vector<std::string> keys(distinct.size());
  struct Entry {
    std::uint64_t prefix;
    std::uint32_t index;
  };
  std::vector<Entry> byKey(distinct.size());
  // Collation keys cost a few microseconds each: split over the cores when there are many.
  forSlices(distinct.size(), threadsFor(distinct.size()), [&](std::size_t slice, std::size_t begin, std::size_t end) {
    for (std::size_t d = begin; d < end; ++d) {
      keys[d] = sortKey(distinct[d], slice);
      byKey[d] = {keyPrefix(keys[d], distinct[d].empty()), static_cast<std::uint32_t>(d)};
    }
  });
  std::ranges::sort(byKey, [&](const Entry& a, const Entry& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    return keys[a.index] < keys[b.index];
  });
  std::vector<std::uint32_t> rankOf(distinct.size());
  for (std::size_t r = 0; r < byKey.size(); ++r) rankOf[byKey[r].index] = static_cast<std::uint32_t>(r);
  for (auto& v : valueOf) v = rankOf[v];
  return valueOf;
}

// Row indices in key order, ties in row (id) order.
std::vector<std::uint32_t> sortedByKey(const std::vector<std::uint32_t>& key) {
  const std::size_t n = key.size();
  std::vector<std::uint32_t> out(n);
  std::uint32_t top = 0;  // the largest key short of UINT32_MAX (a missing value)
  for (std::uint32_t k : key)
    if (k != UINT32_MAX) top = std::max(top, k);
  if (top < 4 * n) {
    // Ranks and small codes: a counting sort, linear and stable.
    std::vector<std::uint32_t> start(std::size_t{top} + 3, 0);
    auto bucket = [top](std::uint32_t k) { return k == UINT32_MAX ? std::size_t{top} + 1 : std::size_t{k}; };
    for (std::uint32_t k : key) ++start[bucket(k) + 1];
    std::partial_sum(start.begin(), start.end(), start.begin());
    for (std::size_t i = 0; i < n; ++i) out[start[bucket(key[i])]++] = static_cast<std::uint32_t>(i);
    return out;
  }
  // (key, row) pairs in one 64-bit word: one fast sort.
  std::vector<std::uint64_t> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = (std::uint64_t{key[i]} << 32) | i;
  std::ranges::sort(pairs);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(pairs[i]);
  return out;
}

}  // namespace

const std::vector<std::uint32_t>& MemberQueryEngine::order(const MemberSnapshot& s, const OrgTree& orgs,
                                                           MemberColumn column) {
  if (cachedSerial_ != s.serial()) {
    for (auto& o : orders_) o.clear();
    cachedSerial_ = s.serial();
  }
  // Organization names can change while the snapshot stays: key that order by the names.
  std::vector<std::string> orgNames(s.orgIds().size());
  if (column == MemberColumn::Org) {
    std::uint64_t hash = 1469598103934665603ull;
    for (std::size_t i = 0; i < orgNames.size(); ++i) {
      auto it = orgs.nodes.find(s.orgIds()[i]);
      orgNames[i] = it == orgs.nodes.end() ? std::string() : it->second.name;
      for (unsigned char c : orgNames[i]) hash = (hash ^ c) * 1099511628211ull;
      hash = (hash ^ 0xFF) * 1099511628211ull;
    }
    if (hash != cachedOrgNames_) orders_[static_cast<std::size_t>(column)].clear();
    cachedOrgNames_ = hash;
  }
  auto& out = orders_[static_cast<std::size_t>(column)];
  if (!out.empty() || s.size() == 0) return out;

  const std::size_t n = s.size();
  auto collated = [&](std::string_view t, std::size_t slice) { return collation_->sortKey(t, slice); };
  auto bytes = [](std::string_view t, std::size_t) { return std::string(t); };
  std::vector<std::uint32_t> key;
  auto small = [&](auto field) {
    key.resize(n);
    // Missing values (0) sort after every present one.
    forSlices(n, threadsFor(n), [&](std::size_t, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint32_t v = field(s.row(i));
        key[i] = v == 0 ? UINT32_MAX : v;
      }
    });
  };
  switch (column) {
    case MemberColumn::Name: {
      const auto nameRank =
          textRanks(s.names().size(), [&](std::size_t i) { return s.text(s.names()[i].text); }, collated, true);
      small([&](const MemberRow& r) { return nameRank[r.nameId] + 1; });
      break;
    }
    case MemberColumn::Employer: key = textRanks(n, [&](std::size_t i) { return s.text(s.row(i).employer); }, collated); break;
    case MemberColumn::IdNumber: key = textRanks(n, [&](std::size_t i) { return s.text(s.row(i).idNumber); }, bytes); break;
    case MemberColumn::Mobile: key = textRanks(n, [&](std::size_t i) { return s.text(s.row(i).mobile); }, bytes); break;
    case MemberColumn::CardNo: key = textRanks(n, [&](std::size_t i) { return s.text(s.row(i).cardNo); }, bytes); break;
    case MemberColumn::Org: {
      auto orgRank = textRanks(orgNames.size(), [&](std::size_t i) { return std::string_view(orgNames[i]); }, collated);
      small([&](const MemberRow& r) { return r.org == kNoOrg ? 0u : orgRank[r.org] + 1; });
      break;
    }
    case MemberColumn::JoinDate: small([](const MemberRow& r) { return r.joinDate; }); break;
    case MemberColumn::Status: small([](const MemberRow& r) { return std::uint32_t{r.status}; }); break;
    case MemberColumn::Gender: small([](const MemberRow& r) { return std::uint32_t{r.gender}; }); break;
    case MemberColumn::Migrant: small([](const MemberRow& r) { return r.migrant ? 1u : 2u; }); break;
    case MemberColumn::Count_: break;
  }
  out = sortedByKey(key);
  return out;
}

std::vector<std::uint32_t> MemberQueryEngine::scan(const MemberSnapshot& s, const OrgTree& orgs, const MemberQuery& query) {
  const MemberFilter& f = query.filter;
  std::vector<char> orgAllowed;
  if (f.org) {
    orgAllowed.assign(s.orgIds().size(), 0);
    for (const RecordId& id : orgs.subtree(*f.org, true))
      if (auto index = s.orgIndex(id); index != kNoOrg) orgAllowed[index] = 1;
  }
  const SearchKey key = makeSearchKey(f.search);
  // Each distinct name is judged once; rows then look their name's verdict up.
  std::vector<char> nameHit;
  if (!key.text.empty()) {
    nameHit.resize(s.names().size());
    for (std::uint32_t n = 0; n < nameHit.size(); ++n) nameHit[n] = nameMatchesSearch(s, n, key);
  }
  // Filter in row order (sequential memory), split over the cores, then walk the column's
  // ready-made order.
  std::vector<char> match(s.size(), 0);
  auto filter = [&](std::size_t begin, std::size_t end) {
    std::size_t matches = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const MemberRow& r = s.row(i);
      if (r.deleted != f.deleted) continue;
      if (f.status != 0 && r.status != f.status) continue;
      if (f.migrant != MigrantFilter::Any && r.migrant != (f.migrant == MigrantFilter::Yes)) continue;
      if (f.org && (r.org == kNoOrg || !orgAllowed[r.org])) continue;
      if (!key.text.empty() && !nameHit[r.nameId] && !numbersMatchSearch(s, r, key)) continue;
      match[i] = 1;
      ++matches;
    }
    return matches;
  };
  constexpr std::size_t kRowsPerThread = 200'000;
  const std::size_t threads = std::clamp<std::size_t>(s.size() / kRowsPerThread, 1, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::size_t> counts(threads);
  forSlices(s.size(), threads, [&](std::size_t slice, std::size_t begin, std::size_t end) { counts[slice] = filter(begin, end); });
  std::vector<std::uint32_t> rows;
  rows.reserve(std::accumulate(counts.begin(), counts.end(), std::size_t{0}));
  const auto& ordered = order(s, orgs, query.sort.column);
  auto take = [&](std::uint32_t i) {
    if (match[i]) rows.push_back(i);
  };
  if (query.sort.ascending) std::ranges::for_each(ordered, take);
  else std::for_each(ordered.rbegin(), ordered.rend(), take);
  return rows;
}

MemberView MemberQueryEngine::run(const std::shared_ptr<const MemberSnapshot>& snapshot,
                                  const std::shared_ptr<const OrgTree>& orgs, const MemberQuery& query) {
  const auto started = std::chrono::steady_clock::now();
  MemberView view;
  view.snapshot = snapshot;
  view.query = query;
  // Narrowing: same data and filters, and the search only grew. A key of four or more digits
  // also matches number tails, which the shorter key's result need not hold.
  const SearchKey key = makeSearchKey(query.filter.search);
  const SearchKey lastKey = makeSearchKey(last_.query.filter.search);
  MemberFilter lastFilter = last_.query.filter;
  lastFilter.search = query.filter.search;
  const bool narrowing = last_.snapshot == snapshot && lastOrgs_ == orgs && last_.query.sort == query.sort &&
                         lastFilter == query.filter && !lastKey.text.empty() && key.text.starts_with(lastKey.text) &&
                         !(key.digitsOnly && key.upper.size() >= 4);
  if (narrowing) {
    for (std::uint32_t i : last_.rows)
      if (matchesSearch(*snapshot, snapshot->row(i), key)) view.rows.push_back(i);
  } else {
    view.rows = scan(*snapshot, *orgs, query);
  }
  last_ = view;
  lastOrgs_ = orgs;
  view.queryMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return view;
}

// --- threaded model -----------------------------------------------------------------------------

MemberTableModel::MemberTableModel(const Node& node, std::function<void()> wake, std::size_t firstRows)
    : node_(node), wake_(std::move(wake)), firstRows_(firstRows), pendingOrgs_(std::make_shared<OrgTree>()) {
  requested_ = 1;  // the first (default) query
  thread_ = std::thread([this] { run(); });
}

MemberTableModel::~MemberTableModel() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::uint64_t MemberTableModel::setQuery(const MemberQuery& query) {
  std::lock_guard lock(mutex_);
  if (query == query_ && requested_ > 0) return requested_;
  query_ = query;
  pendingQuery_ = query;
  ++requested_;
  changed_.notify_all();
  return requested_;
}

void MemberTableModel::setOrgTree(std::shared_ptr<const OrgTree> tree) {
  std::lock_guard lock(mutex_);
  pendingOrgs_ = std::move(tree);
  ++requested_;  // the org filter and org-name order depend on it
  changed_.notify_all();
}

void MemberTableModel::storeChanged() {
  std::lock_guard lock(mutex_);
  storeDirty_ = true;
  changed_.notify_all();
}

bool MemberTableModel::poll() {
  std::lock_guard lock(mutex_);
  if (preview_.snapshot && ++previewPolls_ == 1) changed_.notify_all();  // the frame that drew it is done
  if (finishedGlyphs_) {
    glyphs_ = std::move(*finishedGlyphs_);
    finishedGlyphs_.reset();
  }
  if (finished_) {
    view_ = std::move(*finished_);
    finished_.reset();
    preview_ = {};  // the whole list supersedes it; a late preview is dropped in run()
    return true;
  }
  if (!finishedPreview_) return false;
  preview_ = std::move(*finishedPreview_);
  finishedPreview_.reset();
  return true;
}

bool MemberTableModel::busy() const {
  std::lock_guard lock(mutex_);
  return error_.empty() && (storeDirty_ || answered_ < requested_ || finished_.has_value());
}

std::string MemberTableModel::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void MemberTableModel::run() {
  MemberQueryEngine engine;
  std::shared_ptr<const MemberSnapshot> snapshot;
  std::shared_ptr<const OrgTree> orgs;
  for (;;) {
    MemberQuery query;
    std::uint64_t generation = 0;
    bool refresh = false;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || storeDirty_ || (error_.empty() && answered_ < requested_); });
      if (stop_) return;
      error_.clear();
      query = pendingQuery_;
      generation = requested_;
      orgs = pendingOrgs_;
      refresh = storeDirty_;
      storeDirty_ = false;
    }
    // The store throws on data it cannot decode (a damaged or newer-format file): say so in the
    // view instead of ending the program.
    try {
      if (!snapshot) {
        MemberSnapshot::LoadOptions load;
        load.firstRows = firstRows_;
        load.progress = [&](std::size_t rows) {
          // Not announced by a wake: the event loop draws a loading progress bar at its own pace,
          // and each wake cost a few frames drawn back to back, on the cores the load needs.
          rowsLoaded_ = rows;
          std::lock_guard lock(mutex_);
          return !stop_;
        };
        load.firstRowsReady = [&](std::shared_ptr<const MemberSnapshot> first) {
          MemberQuery latest;
          std::shared_ptr<const OrgTree> latestOrgs;
          {
            std::lock_guard lock(mutex_);
            latest = pendingQuery_;
            latestOrgs = pendingOrgs_;
          }
          MemberView preview = engine.run(first, latestOrgs, latest);
          {
            std::lock_guard lock(mutex_);
            finishedPreview_ = std::move(preview);
            previewPolls_ = 0;
          }
          if (wake_) wake_();
          std::unique_lock lock(mutex_);
          // The rest of the list waits until a frame has shown these rows (the poll after the
          // one that took them), so the start-up's first frames get the cores to themselves;
          // not for long, in case no frame comes (a hidden window, a test).
          changed_.wait_for(lock, std::chrono::milliseconds(300), [&] { return stop_ || previewPolls_ >= 1; });
        };
        load.everyRowRead = [&](const GlyphSet& glyphs) {
          {
            std::lock_guard lock(mutex_);
            finishedGlyphs_ = glyphs;
          }
          // At once: a frame notes them, the next rebuilds the font (~60 ms for 1M members)
          // while this thread joins the parts.
          if (wake_) wake_();
        };
        snapshot = MemberSnapshot::load(node_, load);
        if (!snapshot) return;  // stopped while loading
        std::lock_guard lock(mutex_);
        finishedPreview_.reset();
        // The query and the organizations often changed during the load (the scope is chosen
        // once the tree is read): answer the latest, not a first one that a second must follow.
        query = pendingQuery_;
        generation = requested_;
        orgs = pendingOrgs_;
      } else if (refresh) {
        if (auto next = snapshot->refreshed(node_)) snapshot = std::move(next);
        else if (generation == answered_) continue;  // nothing changed and nothing asked
      }
      MemberView view = engine.run(snapshot, orgs, query);
      view.generation = generation;
      std::lock_guard lock(mutex_);
      finished_ = std::move(view);
      answered_ = generation;
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      error_ = fmt::format("无法读取会员数据：{} / cannot read the member records: {}", e.what(), e.what());
    }
    if (wake_) wake_();
  }
}

}  // namespace unionsync::gui

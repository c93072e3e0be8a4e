#include "gui/member_table.h"

#include <fmt/format.h>
#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <numeric>

#include "app/model/records.h"
#include "app/search/pinyin.h"

namespace unionsync::gui {

namespace {

std::atomic<std::uint64_t> gSnapshotSerial{0};

std::uint8_t choiceIndex(std::string_view field, std::string_view value) {
  const FieldDef* def = findField(Kind::Member, field);
  for (std::size_t i = 0; i < def->choices.size(); ++i)
    if (def->choices[i] == value) return static_cast<std::uint8_t>(i + 1);
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

// Appends rows to a snapshot under construction, keeping its string pool, org table and
// glyph set in step.
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(std::shared_ptr<MemberSnapshot> target) : s_(std::move(target)) {}

  void add(const Record& r) {
    MemberRow row;
    row.id = r.id;
    setName(row, r.get("name"));
    row.idNumber = put(r.get("id_number"));
    row.mobile = put(r.get("mobile"));
    row.cardNo = put(r.get("card_no"));
    row.employer = put(r.get("employer"));
    row.org = org(r.get("org"));
    row.joinDate = packDate(r.get("join_date"));
    row.status = choiceIndex("status", r.get("status"));
    row.gender = choiceIndex("gender", r.get("gender"));
    row.migrant = r.get("migrant") == "1";
    row.deleted = r.deleted();
    s_->glyphs_.addText(r.get("name"));
    s_->glyphs_.addText(r.get("employer"));
    s_->rows_.push_back(row);
  }

  // Copies a row of another snapshot whose org table this one started from.
  void copy(const MemberSnapshot& from, const MemberRow& source) {
    MemberRow row = source;
    setName(row, from.text(source.name));
    row.idNumber = put(from.text(source.idNumber));
    row.mobile = put(from.text(source.mobile));
    row.cardNo = put(from.text(source.cardNo));
    row.employer = put(from.text(source.employer));
    s_->rows_.push_back(row);
  }

  std::shared_ptr<MemberSnapshot> finish() {
    s_->serial_ = ++gSnapshotSerial;
    return std::move(s_);
  }

 private:
  StrRef put(std::string_view text) {
    StrRef ref{static_cast<std::uint32_t>(s_->pool_.size()), static_cast<std::uint32_t>(text.size())};
    s_->pool_.append(text);
    return ref;
  }

  // Names repeat (王伟, 李娜): each distinct name is stored, and its keys made, once.
  void setName(MemberRow& row, std::string_view name) {
    auto [it, inserted] = nameIds_.try_emplace(std::string(name), static_cast<std::uint32_t>(s_->names_.size()));
    if (inserted) {
      std::string keys;
      for (const std::string& key : pinyin::nameKeys(name)) keys.append(key).push_back('\n');
      const StrRef text = put(name);
      s_->names_.push_back({text, put(keys)});
    }
    row.nameId = it->second;
    row.name = s_->names_[it->second].text;
  }

  std::uint32_t org(std::string_view hex) {
    if (hex.empty()) return kNoOrg;
    auto [it, inserted] = s_->orgIndex_.try_emplace(std::string(hex), static_cast<std::uint32_t>(s_->orgIds_.size()));
    if (inserted) {
      auto id = RecordId::fromHex(hex);
      s_->orgIds_.push_back(id.value_or(RecordId{}));
    }
    return it->second;
  }

  std::shared_ptr<MemberSnapshot> s_;
  std::unordered_map<std::string, std::uint32_t> nameIds_;
};

std::shared_ptr<const MemberSnapshot> MemberSnapshot::load(const Node& node,
                                                           const std::function<bool(std::size_t)>& progress) {
  auto snapshot = std::make_shared<MemberSnapshot>();
  // The vector is read first: writes racing with the scan are then re-read by the next
  // refresh, which is harmless, instead of being missed.
  snapshot->version_ = node.versionVector();
  const std::size_t expected = node.count(Kind::Member);
  snapshot->rows_.reserve(expected);
  snapshot->pool_.reserve(expected * 64);
  SnapshotBuilder builder(snapshot);
  bool stopped = false;
  node.forEach(Kind::Member, [&](const Record& r) {
    builder.add(r);
    if (progress && snapshot->rows_.size() % 4096 == 0 && !progress(snapshot->rows_.size())) stopped = true;
    return !stopped;
  });
  if (stopped) return nullptr;
  if (progress) progress(snapshot->rows_.size());
  return builder.finish();
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
  auto it = orgIndex_.find(org.hex());
  return it == orgIndex_.end() ? kNoOrg : it->second;
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
  std::unique_ptr<icu::Collator> collator;

  Collation() {
    UErrorCode status = U_ZERO_ERROR;
    collator.reset(icu::Collator::createInstance(icu::Locale::getChinese(), status));
    if (U_FAILURE(status)) collator.reset();
  }

  // Byte strings that compare like the texts in Chinese (pinyin) order; the UTF-8 bytes when
  // ICU has no Chinese collation.
  std::string sortKey(std::string_view text) const {
    if (!collator) return std::string(text);
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

// Rank of each row's text among the distinct texts of the column; empty texts rank last.
// Distinct values are far fewer than rows (names repeat), so only they are collated.
template <typename Text, typename Key>
std::vector<std::uint32_t> textRanks(std::size_t rows, Text text, Key sortKey) {
  std::unordered_map<std::string_view, std::uint32_t> distinctIndex;
  std::vector<std::string_view> distinct;
  std::vector<std::uint32_t> valueOf(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    auto [it, inserted] = distinctIndex.try_emplace(text(i), static_cast<std::uint32_t>(distinct.size()));
    if (inserted) distinct.push_back(it->first);
    valueOf[i] = it->second;
  }
  std::vector<std::string> keys(distinct.size());
  for (std::size_t d = 0; d < distinct.size(); ++d) keys[d] = sortKey(distinct[d]);
  std::vector<std::uint32_t> byKey(distinct.size());
  std::iota(byKey.begin(), byKey.end(), 0u);
  std::ranges::sort(byKey, [&](std::uint32_t a, std::uint32_t b) {
    const bool emptyA = distinct[a].empty(), emptyB = distinct[b].empty();
    if (emptyA != emptyB) return emptyB;
    return keys[a] < keys[b];
  });
  std::vector<std::uint32_t> rankOf(distinct.size());
  for (std::size_t r = 0; r < byKey.size(); ++r) rankOf[byKey[r]] = static_cast<std::uint32_t>(r);
  for (auto& v : valueOf) v = rankOf[v];
  return valueOf;
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
  auto collated = [&](std::string_view t) { return collation_->sortKey(t); };
  auto bytes = [](std::string_view t) { return std::string(t); };
  std::vector<std::uint32_t> key;
  auto small = [&](auto field) {
    key.resize(n);
    // Missing values (0) sort after every present one.
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t v = field(s.row(i));
      key[i] = v == 0 ? UINT32_MAX : v;
    }
  };
  switch (column) {
    case MemberColumn::Name: {
      const auto nameRank = textRanks(s.names().size(), [&](std::size_t i) { return s.text(s.names()[i].text); }, collated);
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
  // (key, row) pairs in one 64-bit word: one fast sort, ties in id order.
  std::vector<std::uint64_t> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = (std::uint64_t{key[i]} << 32) | i;
  std::ranges::sort(pairs);
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint32_t>(pairs[i]);
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
  {
    std::vector<std::jthread> helpers;
    const std::size_t chunk = (s.size() + threads - 1) / threads;
    for (std::size_t t = 1; t < threads; ++t)
      helpers.emplace_back([&, t] { counts[t] = filter(t * chunk, std::min(s.size(), (t + 1) * chunk)); });
    counts[0] = filter(0, std::min(s.size(), chunk));
  }
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

MemberTableModel::MemberTableModel(const Node& node, std::function<void()> wake)
    : node_(node), wake_(std::move(wake)), pendingOrgs_(std::make_shared<OrgTree>()) {
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
  if (!finished_) return false;
  view_ = std::move(*finished_);
  finished_.reset();
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
        snapshot = MemberSnapshot::load(node_, [&](std::size_t rows) {
          rowsLoaded_ = rows;
          if (rows % (64 * 4096) == 0 && wake_) wake_();
          std::lock_guard lock(mutex_);
          return !stop_;
        });
        if (!snapshot) return;  // stopped while loading
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

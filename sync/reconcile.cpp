#include "sync/reconcile.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "sync/session.h"

namespace unionsync {
namespace {

// Rough encoded sizes, for cutting frames well below kMaxMessageBytes.
constexpr std::size_t kRangeBytes = 96;
constexpr std::size_t kItemBytes = 64;
constexpr std::size_t kWantBytes = 32;

std::size_t changeBytes(const Change& c) {
  std::size_t size = 64;
  for (const auto& f : c.fields) size += f.name.size() + f.value.size() + 40;
  return size;
}

bool decodeKey(std::string_view key, Kind& kind, RecordId& id) {
  if (!validRecordKey(key)) return false;
  kind = static_cast<Kind>(static_cast<std::uint8_t>(key[0]));
  std::copy(key.begin() + 1, key.end(), reinterpret_cast<char*>(id.bytes.data()));
  return true;
}

std::string keyOf(Kind kind, const RecordId& id) {
  std::string key(1, static_cast<char>(kind));
  key.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  return key;
}

}  // namespace

Reconciler::Reconciler(Store& store, Clock& clock, ReconcileConfig config, SendFunction send)
    : store_(store), clock_(clock), config_(config), sendFn_(std::move(send)) {}

void Reconciler::begin(std::uint64_t round, bool initiator) {
  active_ = true;
  round_ = round;
  sawDifference_ = false;
  turnsReceived_ = 0;
  turnLastHi_.clear();
  turnSentRanges_ = false;
  outRanges_.clear();
  outWant_.clear();
  outChanges_.clear();
  outRangeBytes_ = outChangeBytes_ = 0;
  result_ = ReconcileResult{};
  result_.round = round;
  result_.initiator = initiator;
  result_.startedMs = clock_.nowMs();
  lastActivityMs_ = result_.startedMs;
}

void Reconciler::start() {
  if (active_) abandon("replaced by a new round");
  begin(nextRound_++, true);
  ReconcileMsg first;
  first.round = round_;
  first.ranges.push_back(ReconcileRange{wholeKeySpace(), store_.fingerprint(), false, {}});
  result_.turns += 1;
  send(encodeMessage(first));
}

void Reconciler::send(std::string&& frame) {
  result_.framesSent += 1;
  result_.bytesSent += frame.size();
  sendFn_(std::move(frame));
}

void Reconciler::finish() {
  active_ = false;
  finishedUntaken_ = true;
  result_.finishedMs = clock_.nowMs();
}

void Reconciler::abandon(std::string reason) {
  result_.abandoned = true;
  result_.abandonReason = std::move(reason);
  result_.equal = false;
  finish();
}

std::optional<ReconcileResult> Reconciler::takeFinished() {
  if (!finishedUntaken_) return std::nullopt;
  finishedUntaken_ = false;
  return result_;
}

void Reconciler::tick() {
  if (active_ && clock_.nowMs() - lastActivityMs_ >= config_.replyTimeoutMs)
    abandon("对方未应答核对 / the peer did not answer the verification");
}

Result<bool> Reconciler::handle(const WireMessage& message, std::size_t frameBytes) {
  const auto* reconcile = std::get_if<ReconcileMsg>(&message);
  const auto* items = std::get_if<ReconcileItemsMsg>(&message);
  const auto* done = std::get_if<ReconcileDoneMsg>(&message);
  if (!reconcile && !items && !done) return false;
  const std::uint64_t round = reconcile ? reconcile->round : items ? items->round : done->round;
  if (reconcile && (!active_ || round != round_)) {
    // The peer starts a round (or restarted one we still thought open).
    if (active_) abandon("the peer started a new round");
    begin(round, false);
  }
  if (!active_ || round != round_) return true;  // a late frame of a round that ended
  result_.framesReceived += 1;
  result_.bytesReceived += frameBytes;
  lastActivityMs_ = clock_.nowMs();
  Result<void> handled;
  if (reconcile) {
    handled = onReconcile(*reconcile);
  } else if (items) {
    handled = onItems(*items);
  } else {
    result_.turns += 1;
    result_.equal = !sawDifference_ && done->equal;
    finish();
  }
  if (!handled) {
    abandon(handled.error().message);
    return std::unexpected(handled.error());
  }
  return true;
}

Result<void> Reconciler::onReconcile(const ReconcileMsg& message) {
  for (const ReconcileRange& range : message.ranges) {
    // Within one frame the codec checked the order; across the frames of a turn it is here.
    if (!turnLastHi_.empty() && range.range.lo < turnLastHi_)
      return fail("核对协议错误：区间重叠 / verification protocol error: ranges overlap across frames");
    turnLastHi_ = range.range.hi;
    if (range.hasItems)
      compareItems(range);
    else
      compareRange(range);
  }
  for (const std::string& key : message.want) addRecord(key);
  if (message.more) return {};
  result_.turns += 1;
  turnLastHi_.clear();
  if (++turnsReceived_ > config_.maxTurns) {
    flushChanges();
    send(encodeMessage(ReconcileDoneMsg{round_, false}));
    abandon(fmt::format("核对超过 {} 轮未结束 / verification did not end within {} turns", config_.maxTurns,
                        config_.maxTurns));
    return {};
  }
  endTurn();
  return {};
}

void Reconciler::compareRange(const ReconcileRange& theirs) {
  const KeyRange& r = theirs.range;
  const Fingerprint mine = store_.rangeFingerprint(r.lo, r.hi);
  if (mine == theirs.fingerprint) return;
  sawDifference_ = true;
  std::vector<KeyRange> parts;
  if (mine.count > config_.itemThreshold) parts = store_.splitRange(r.lo, r.hi, config_.parts);
  if (parts.size() < 2) {  // small, or nothing to split at: the items settle it
    std::vector<FingerprintItem> items = store_.rangeItems(r.lo, r.hi);
    addRange(ReconcileRange{r, Fingerprint{items.size(), mine.digest}, true, std::move(items)});
    return;
  }
  for (KeyRange& part : parts) {
    Fingerprint fp = store_.rangeFingerprint(part.lo, part.hi);
    addRange(ReconcileRange{std::move(part), fp, false, {}});
  }
}

void Reconciler::compareItems(const ReconcileRange& theirs) {
  const std::vector<FingerprintItem> mine = store_.rangeItems(theirs.range.lo, theirs.range.hi);
  // Both lists are in key order: one merge pass finds what each side lacks or holds otherwise.
  auto m = mine.begin();
  auto t = theirs.items.begin();
  while (m != mine.end() || t != theirs.items.end()) {
    if (t == theirs.items.end() || (m != mine.end() && m->key < t->key)) {
      addRecord((m++)->key);
    } else if (m == mine.end() || t->key < m->key) {
      addWant((t++)->key);
    } else {
      if (m->hash != t->hash) {
        addRecord(m->key);
        addWant(t->key);
      }
      ++m;
      ++t;
    }
  }
}

void Reconciler::addRange(ReconcileRange&& range) {
  outRangeBytes_ += kRangeBytes + range.items.size() * kItemBytes;
  outRanges_.push_back(std::move(range));
  if (outRangeBytes_ >= config_.frameBudgetBytes || outRanges_.size() >= kMaxReconcileRanges) flushRanges(true);
}

void Reconciler::addWant(std::string key) {
  sawDifference_ = true;
  outRangeBytes_ += kWantBytes;
  outWant_.push_back(std::move(key));
  if (outRangeBytes_ >= config_.frameBudgetBytes || outWant_.size() >= kMaxReconcileWants) flushRanges(true);
}

void Reconciler::addRecord(std::string_view key) {
  Kind kind;
  RecordId id;
  if (!decodeKey(key, kind, id)) return;
  std::vector<Change> changes = store_.recordAsChanges(kind, id);
  if (changes.empty()) return;  // not held (a want for a record we never had)
  sawDifference_ = true;
  result_.recordsSent += 1;
  for (Change& c : changes) {
    outChangeBytes_ += changeBytes(c);
    outChanges_.push_back(std::move(c));
  }
  if (outChangeBytes_ >= config_.frameBudgetBytes || outChanges_.size() >= config_.maxChangesPerFrame) flushChanges();
}

void Reconciler::flushChanges() {
  if (outChanges_.empty()) return;
  send(encodeReconcileItems(round_, outChanges_));
  outChanges_.clear();
  outChangeBytes_ = 0;
}

void Reconciler::flushRanges(bool more) {
  ReconcileMsg message{round_, std::move(outRanges_), std::move(outWant_), more};
  outRanges_.clear();
  outWant_.clear();
  outRangeBytes_ = 0;
  if (more) turnSentRanges_ = true;
  send(encodeMessage(message));
}

// Repairs first (the peer applies them before it reads our questions), then the questions;
// nothing left to ask ends the round.
void Reconciler::endTurn() {
  flushChanges();
  result_.turns += 1;
  if (outRanges_.empty() && outWant_.empty() && !turnSentRanges_) {
    send(encodeMessage(ReconcileDoneMsg{round_, !sawDifference_}));
    result_.equal = !sawDifference_;
    finish();
    return;
  }
  flushRanges(false);
  turnSentRanges_ = false;
}

Result<void> Reconciler::onItems(const ReconcileItemsMsg& message) {
  sawDifference_ = true;
  std::string lastKey;
  for (const Change& c : message.changes) {
    std::string key = keyOf(c.kind, c.id);
    if (key != lastKey) result_.recordsReceived += 1;  // a record's changes travel together
    lastKey = std::move(key);
  }
  return applyRepair(message.changes);
}

Result<void> Reconciler::applyRepair(const std::vector<Change>& changes) {
  const Origin own = store_.info().origin;
  const VersionVector before = store_.versionVector();
  // Which changes we lacked although our vector claims them: the smallest seq per origin.
  std::map<Origin, std::uint64_t> lackedBelowEntry;
  std::set<Origin> origins;
  std::optional<Record> held;
  for (const Change& c : changes) {
    if (c.origin == own) continue;
    origins.insert(c.origin);
    if (!held || held->kind != c.kind || held->id != c.id) {
      held = store_.get(c.kind, c.id);
      if (!held) held = Record{c.kind, c.id, {}};
    }
    const bool lacked = std::any_of(c.fields.begin(), c.fields.end(), [&](const FieldWrite& f) {
      auto it = held->fields.find(f.name);
      return it == held->fields.end() || it->second.stamp < c.stamp();
    });
    if (lacked && c.seq <= entryOf(before, c.origin)) {
      auto [it, inserted] = lackedBelowEntry.try_emplace(c.origin, c.seq);
      if (!inserted) it->second = std::min(it->second, c.seq);
    }
  }
  auto applied = store_.apply(changes);
  if (!applied) return std::unexpected(applied.error());
  result_.changesRefused += applied->refused;
  result_.changesParked += applied->parked;
  if (!applied->refusals.empty()) result_.lastRefusal = applied->refusals.back();
  const VersionVector after = store_.versionVector();
  for (Origin origin : origins) {
    std::uint64_t target = entryOf(before, origin);
    auto lacked = lackedBelowEntry.find(origin);
    if (lacked != lackedBelowEntry.end()) target = std::min(target, lacked->second - 1);
    if (entryOf(after, origin) > target) {
      if (auto r = store_.lowerVersionVector(origin, target); !r) return std::unexpected(r.error());
    }
    if (lacked != lackedBelowEntry.end()) {
      auto known = std::find_if(result_.lowered.begin(), result_.lowered.end(),
                                [&](const auto& entry) { return entry.first == origin; });
      if (known == result_.lowered.end())
        result_.lowered.emplace_back(origin, target);
      else
        known->second = std::min(known->second, target);
    }
  }
  return {};
}

}  // namespace unionsync

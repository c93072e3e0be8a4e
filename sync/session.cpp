#include "sync/session.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "store/blake2b.h"
#include "store/schema.h"

namespace unionsync {

std::string_view sessionStateName(SessionState state) {
  switch (state) {
    case SessionState::AwaitingHello: return "handshake";
    case SessionState::AwaitingKey: return "deployment-key";
    case SessionState::Active: return "active";
    case SessionState::Closed: return "closed";
  }
  return "closed";
}

bool covers(const VersionVector& holder, const VersionVector& vector) {
  for (const auto& [origin, seq] : vector) {
    if (seq == 0) continue;
    auto it = holder.find(origin);
    if (it == holder.end() || it->second < seq) return false;
  }
  return true;
}

std::uint64_t entryOf(const VersionVector& vector, Origin origin) {
  auto it = vector.find(origin);
  return it == vector.end() ? 0 : it->second;
}

void mergeVector(VersionVector& into, const VersionVector& other) {
  for (const auto& [origin, seq] : other) {
    auto& slot = into[origin];
    if (seq > slot) slot = seq;
  }
}

std::string printableText(std::string_view text, std::size_t maxChars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size() && chars < maxChars;) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + len > text.size()) break;
    if (lead < 0x20 || lead == 0x7F) {
      out.push_back(' ');
    } else if (lead >= 0x80 && lead < 0xC0) {
      out.push_back('?');  // a stray continuation byte (decoding already refuses invalid UTF-8)
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
    ++chars;
  }
  return out;
}

namespace {

bool isVerificationMessage(const WireMessage& message) {
  return std::holds_alternative<ReconcileMsg>(message) || std::holds_alternative<ReconcileItemsMsg>(message) ||
         std::holds_alternative<ReconcileDoneMsg>(message);
}

// "3.5 小时 / 3.5 hours" or "12 分钟 / 12 minutes".
std::string durationText(std::int64_t ms) {
  if (ms >= 2 * 3600 * 1000) {
    const double hours = static_cast<double>(ms) / 3600000.0;
    return fmt::format("{:.1f} 小时 / {:.1f} hours", hours, hours);
  }
  const std::int64_t minutes = ms / 60000;
  return fmt::format("{} 分钟 / {} minutes", minutes, minutes);
}

}  // namespace

std::string Session::deploymentKeyHash(const std::string& key) {
  static constexpr std::string_view kDomain = "unionsync deployment v1";
  const auto out = Blake2b<16>().update(kDomain).update(key).final();
  return std::string(reinterpret_cast<const char*>(out.data()), out.size());
}

Session::Session(Store& store, Clock& clock, SessionConfig config, bool initiator, SendFunction send)
    : store_(store), clock_(clock), config_(config), initiator_(initiator), sendFn_(std::move(send)),
      applyLimit_(std::max<std::size_t>(1, config_.applyMaxChanges)) {
  startedMs_ = clock_.nowMs();
  lastReceiveMs_ = startedMs_;
  lastSendMs_ = startedMs_;
}

void Session::start() {
  if (initiator_) send(makeHello());
}

HelloMsg Session::makeHello() const {
  StoreInfo info = store_.info();
  HelloMsg h;
  h.nodeId = info.nodeId;
  h.name = info.nodeName;
  h.wallClockMs = clock_.nowMs();
  h.versionVector = store_.versionVector();
  h.deploymentKeyHash = deploymentKeyHash(store_.deploymentKey());
  h.memberCount = store_.count(Kind::Member);
  h.origin = info.origin;
  h.partial = rules_ && !rules_->sameData();
  return h;
}

std::string Session::peerLabel() const {
  if (!peerHello_) return "peer";
  return printableText(peerHello_->name.empty() ? peerHello_->nodeId : peerHello_->name, 64);
}

void Session::send(const WireMessage& message) { sendFrame(encodeMessage(message)); }

void Session::sendFrame(std::string&& frame) {
  if (state_ == SessionState::Closed) return;
  stats_.bytesSent += frame.size();
  lastSendMs_ = clock_.nowMs();
  sendFn_(std::move(frame));
}

void Session::close(WireErrorCode code, std::string reason, bool notifyPeer) {
  if (state_ == SessionState::Closed) return;
  if (notifyPeer) send(ErrorMsg{code, reason});
  state_ = SessionState::Closed;
  closeCode_ = code;
  closeReason_ = std::move(reason);
  round_ = Round{};
}

void Session::onFrame(std::string_view frame) { onFrames({frame}); }

void Session::onFrames(const std::vector<std::string_view>& frames) {
  receive(frames);
  endOfFrames();
}

void Session::receive(const std::vector<std::string_view>& frames) {
  for (std::string_view frame : frames) {
    if (state_ == SessionState::Closed) break;
    handleFrame(frame);
  }
}

void Session::endOfFrames() {
  flushBatches();
  maybeVerify();
}

void Session::handleFrame(std::string_view frame) {
  if (state_ == SessionState::Closed) return;
  stats_.bytesReceived += frame.size();
  lastReceiveMs_ = clock_.nowMs();
  auto decoded = decodeMessage(frame);
  if (!decoded) {
    flushBatches();  // what arrived intact before the bad frame is kept
    close(WireErrorCode::Malformed, decoded.error().message, true);
    return;
  }
  WireMessage& message = *decoded;
  if (!std::holds_alternative<BatchMsg>(message)) flushBatches();
  if (auto* error = std::get_if<ErrorMsg>(&message)) {
    state_ = SessionState::Closed;
    closedByPeer_ = true;
    closeCode_ = error->code;
    closeReason_ = error->reason.empty() ? std::string(wireErrorCodeName(error->code)) : printableText(error->reason);
    round_ = Round{};
    return;
  }
  if (std::holds_alternative<HeartbeatMsg>(message) || std::holds_alternative<UnknownMsg>(message)) {
    return;
  }
  if (auto* hello = std::get_if<HelloMsg>(&message)) {
    if (state_ != SessionState::AwaitingHello) {
      close(WireErrorCode::OutOfOrder, "unexpected second hello", true);
      return;
    }
    onHello(std::move(*hello));
    return;
  }
  if (state_ == SessionState::AwaitingHello) {
    close(WireErrorCode::OutOfOrder,
          "协议错误：握手前收到 " + std::string(messageTypeName(message)) +
              " / protocol error: " + std::string(messageTypeName(message)) + " before hello",
          true);
    return;
  }
  if (auto* key = std::get_if<DeploymentKeyMsg>(&message)) {
    onDeploymentKey(*key);
    return;
  }
  if (state_ == SessionState::AwaitingKey) {
    close(WireErrorCode::OutOfOrder, "protocol error: records before the deployment key", true);
    return;
  }
  if (onVerificationMessage(message, frame.size())) return;
  if (auto* batch = std::get_if<BatchMsg>(&message)) {
    onBatch(std::move(*batch));
  } else if (auto* ack = std::get_if<AckMsg>(&message)) {
    onAck(*ack);
  } else if (auto* caughtUp = std::get_if<CaughtUpMsg>(&message)) {
    onCaughtUp(*caughtUp);
  }
}

void Session::onHello(HelloMsg&& hello) {
  if (hello.magic != kWireMagic) {
    close(WireErrorCode::BadMagic, "对方不是 unionsync 节点 / the peer is not a unionsync node (bad magic)", true);
    return;
  }
  if (hello.protocolVersion != kProtocolVersion) {
    close(WireErrorCode::IncompatibleVersion,
          "协议版本不兼容：对方 " + std::to_string(hello.protocolVersion) + "，本节点 " +
              std::to_string(kProtocolVersion) +
              "，请升级较旧的一方 / incompatible protocol version: peer speaks " +
              std::to_string(hello.protocolVersion) + ", this node " +
              std::to_string(kProtocolVersion) + "; upgrade the older node",
          true);
    return;
  }
  StoreInfo info = store_.info();
  if (hello.nodeId == info.nodeId) {
    close(WireErrorCode::DuplicateSession, "连接到了自己 / connected to this node itself", true);
    return;
  }
  if (const std::int64_t ahead = hello.wallClockMs - clock_.nowMs(); ahead > config_.maxClockAheadMs) {
    const std::string who = printableText(hello.name.empty() ? hello.nodeId : hello.name, 64);
    close(WireErrorCode::ClockAhead,
          fmt::format("节点「{}」的时钟比本节点快 {}，请校正该电脑的日期和时间后再同步 / the clock of peer '{}' "
                      "is {} ahead of this node's: correct that computer's date and time, then sync again",
                      who, durationText(ahead), who, durationText(ahead)),
          true);
    return;
  }
  peerHello_ = std::move(hello);
  if (peerHello_->origin == info.origin) {
    close(WireErrorCode::FalseClaim,
          "节点「" + peerLabel() + "」声称使用本节点的编号 / peer '" + peerLabel() + "' claims this node's origin", true);
    return;
  }
  if (rulesSource_) rules_ = rulesSource_(*peerHello_);
  stats_.partial = (rules_ && !rules_->sameData()) || peerHello_->partial;
  peerVector_ = peerHello_->versionVector;
  correctEntriesByAuthority();
  shown_ = peerVector_;
  if (!initiator_) send(makeHello());

  const std::string myHash = deploymentKeyHash(store_.deploymentKey());
  if (myHash == peerHello_->deploymentKeyHash) {
    becomeActive();
    return;
  }
  const std::uint64_t mine = store_.count(Kind::Member);
  const std::uint64_t theirs = peerHello_->memberCount;
  const bool iAdopt = (mine == 0 && theirs > 0) || (mine == 0 && theirs == 0 && info.nodeId > peerHello_->nodeId);
  const bool theyAdopt = (theirs == 0 && mine > 0) || (mine == 0 && theirs == 0 && info.nodeId < peerHello_->nodeId);
  if (iAdopt) {
    state_ = SessionState::AwaitingKey;
  } else if (theyAdopt) {
    send(DeploymentKeyMsg{store_.deploymentKey()});
    becomeActive();
  } else {
    const std::string who = peerLabel();
    close(WireErrorCode::DifferentDeployment,
          "不同的部署：节点「" + who +
              "」使用另一个部署密钥，双方都已有成员记录，不同步任何记录；只与同一部署的节点配对，"
              "新节点请在录入成员之前先同步 / different deployments: peer '" + who +
              "' uses another deployment key and both hold members, so no records move; pair only "
              "nodes of one deployment and sync a new node before adding members",
          true);
  }
}

void Session::onDeploymentKey(const DeploymentKeyMsg& key) {
  if (state_ != SessionState::AwaitingKey) {
    if (key.key == store_.deploymentKey()) return;  // already ours
    close(WireErrorCode::OutOfOrder, "protocol error: unexpected deployment key", true);
    return;
  }
  if (deploymentKeyHash(key.key) != peerHello_->deploymentKeyHash) {
    close(WireErrorCode::DifferentDeployment, "protocol error: deployment key does not match its hash", true);
    return;
  }
  if (auto r = store_.adoptDeploymentKey(key.key); !r) {
    const std::string who = peerLabel();
    close(WireErrorCode::DifferentDeployment,
          "不同的部署：无法采用节点「" + who + "」的部署密钥（" + r.error().message +
              "）/ different deployments: cannot adopt the deployment key of peer '" + who +
              "': " + r.error().message,
          true);
    return;
  }
  stats_.adoptedDeploymentKey = true;
  becomeActive();
}

void Session::becomeActive() {
  state_ = SessionState::Active;
  // The first round always runs (possibly empty) so the peer learns we are caught up.
  round_ = Round{};
  round_.active = true;
  round_.startVector = store_.versionVector();
  if (rules_) sendWhole(rules_->wholeOnStart());
  pump(round_.startVector);
}

void Session::pump(const std::optional<VersionVector>& localVector) {
  if (state_ != SessionState::Active) return;
  if (!round_.active) {
    VersionVector local = localVector ? *localVector : store_.versionVector();
    if (covers(peerVector_, local)) return;
    round_ = Round{};
    round_.active = true;
    round_.startVector = std::move(local);
  }
  while (state_ == SessionState::Active && round_.active && !round_.sourceDone &&
         round_.unacked.size() < config_.window) {
    RecordFilter filter;
    if (rules_) {
      const Origin own = store_.info().origin;
      filter = [this, own](const Record& record, Origin origin, std::uint64_t seq) {
        if (rules_->mayReceive(record) || rules_->departureFor(record, origin, seq)) return true;
        // One of our own writes the peer holds but may not take from us (a record we moved
        // out of our scope into its): our CaughtUp must not vouch for it.
        if (origin == own && rules_->peerHolds(record) && (withheldOwn_ == 0 || seq < withheldOwn_)) withheldOwn_ = seq;
        return false;
      };
    }
    ChangeBatch batch =
        store_.changesSince(peerVector_, round_.cursor, config_.batchMaxChanges, config_.batchMaxBytes, filter);
    round_.cursor = batch.next;
    if (!batch.changes.empty()) {
      const std::uint64_t no = nextOutNo_++;
      std::string frame = encodeBatch(no, batch.changes);
      if (frame.size() > kMaxMessageBytes) {
        close(WireErrorCode::Malformed, "a batch exceeds the message size limit", false);
        return;
      }
      round_.unacked.push_back(no);
      stats_.batchesSent += 1;
      stats_.changesSent += batch.changes.size();
      sendFrame(std::move(frame));
      if (rules_) sendWholeRecords(batch.changes);
    }
    if (batch.done) round_.sourceDone = true;
    if (batch.changes.empty() && !batch.done) round_.sourceDone = true;  // defensive: no progress
  }
  if (state_ == SessionState::Active && round_.active && round_.sourceDone && !round_.caughtUpSent) {
    const std::uint64_t no = nextOutNo_++;
    round_.unacked.push_back(no);
    round_.caughtUpSent = true;
    VersionVector claim = round_.startVector;
    if (withheldOwn_ > 0) {
      auto& mine = claim[store_.info().origin];
      mine = std::min(mine, withheldOwn_ - 1);
    }
    send(CaughtUpMsg{claim, no});
    mergeVector(peerVector_, round_.startVector);
  }
}

void Session::sendWholeRecords(const std::vector<Change>& sent) {
  std::vector<std::pair<Kind, RecordId>> records;
  for (const Change& change : sent) {
    const std::string_view owner = kindDef(change.kind).ownerField;
    if (owner.empty() ||
        std::none_of(change.fields.begin(), change.fields.end(), [&](const FieldWrite& f) { return f.name == owner; }))
      continue;
    auto record = store_.get(change.kind, change.id);
    if (record && rules_->sendWhole(*record, change)) records.emplace_back(change.kind, change.id);
  }
  sendWhole(records);
}

void Session::sendWhole(const std::vector<std::pair<Kind, RecordId>>& records) {
  std::vector<Change> whole;
  for (const auto& [kind, id] : records) {
    std::vector<Change> changes = store_.recordAsChanges(kind, id);
    whole.insert(whole.end(), std::make_move_iterator(changes.begin()), std::make_move_iterator(changes.end()));
  }
  if (whole.empty() || state_ != SessionState::Active) return;
  const std::uint64_t no = nextOutNo_++;
  std::string frame = encodeBatch(no, whole, true);
  if (frame.size() > kMaxMessageBytes) {
    close(WireErrorCode::Malformed, "a batch of whole records exceeds the message size limit", false);
    return;
  }
  round_.unacked.push_back(no);
  stats_.batchesSent += 1;
  stats_.changesSent += whole.size();
  sendFrame(std::move(frame));
}

void Session::applyWholeRecords(BatchMsg&& batch) {
  flushBatches();  // in stream order: what came before is applied first
  if (state_ == SessionState::Closed) return;
  // Out of stream order: merged, never counted toward the vector.
  ApplyGate gate;
  if (rules_) gate.refusal = rules_->gate().refusal;
  gate.vouchesFor = [](Origin) { return false; };
  auto applied = store_.apply(batch.changes, gate);
  if (!applied) {
    close(WireErrorCode::ApplyFailed, "无法写入收到的变更 / cannot apply received changes: " + applied.error().message, true);
    return;
  }
  noteApplied(*applied, 1, batch.changes.size());
  send(AckMsg{batch.batchNo});
}

void Session::dropHandedOff() {
  const auto records = rules_->handedOff(peerVector_);
  if (records.empty()) return;
  if (auto dropped = store_.forget(records); dropped) stats_.recordsHandedOff += *dropped;
}

void Session::noteApplied(const ApplyStats& applied, std::size_t batches, std::size_t changes) {
  stats_.batchesReceived += batches;
  stats_.transactions += 1;
  stats_.changesReceived += changes;
  stats_.fieldsWon += applied.fieldsWon;
  stats_.conflicts += applied.conflicts;
  stats_.changesRefused += applied.refused;
  stats_.changesParked += applied.parked;
  if (!applied.refusals.empty()) stats_.lastRefusal = applied.refusals.back();
}

void Session::onBatch(BatchMsg&& batch) {
  if (batch.batchNo != expectedInNo_) {
    flushBatches();
    close(WireErrorCode::OutOfOrder,
          "protocol error: batch " + std::to_string(batch.batchNo) + " where " +
              std::to_string(expectedInNo_) + " was expected",
          true);
    return;
  }
  ++expectedInNo_;
  if (batch.whole) {
    applyWholeRecords(std::move(batch));
    return;
  }
  if (pendingChanges_.empty()) {
    pendingChanges_ = std::move(batch.changes);
  } else {
    pendingChanges_.insert(pendingChanges_.end(), std::make_move_iterator(batch.changes.begin()),
                           std::make_move_iterator(batch.changes.end()));
  }
  if (pendingBatches_.empty()) keptSinceMs_ = lastReceiveMs_;
  pendingBatches_.push_back(batch.batchNo);
  if (pendingChanges_.size() >= applyLimit_) flushBatches();
}

void Session::flushBatches() {
  if (pendingBatches_.empty()) return;
  std::vector<Change> changes = std::move(pendingChanges_);
  std::vector<std::uint64_t> numbers = std::move(pendingBatches_);
  pendingChanges_.clear();
  pendingBatches_.clear();
  if (state_ == SessionState::Closed) return;
  static const ApplyGate kNoRules;
  const std::int64_t startMs = clock_.nowMs();
  auto applied = store_.apply(changes, rules_ ? rules_->gate() : kNoRules);
  if (!applied) {
    close(WireErrorCode::ApplyFailed, "无法写入收到的变更 / cannot apply received changes: " + applied.error().message, true);
    return;
  }
  noteApplied(*applied, numbers.size(), changes.size());
  adaptApplyLimit(changes.size(), clock_.nowMs() - startMs);
  // The peer holds what it sent us (its stream is in seq order per origin).
  for (const Change& c : changes) {
    auto& slot = peerVector_[c.origin];
    if (c.seq > slot) slot = c.seq;
    auto& shown = shown_[c.origin];
    if (c.seq > shown) shown = c.seq;
  }
  for (std::uint64_t no : numbers) send(AckMsg{no});
}

void Session::adaptApplyLimit(std::size_t changes, std::int64_t tookMs) {
  const std::size_t most = std::max<std::size_t>(1, config_.applyMaxChanges);
  const std::size_t least = std::min(config_.batchMaxChanges, most);
  const auto target = std::max<std::int64_t>(1, config_.applyTargetMs);
  // A smaller transaction in time (the batches that had arrived) says nothing about the limit:
  // a commit's fixed cost makes it look slow.
  if (tookMs <= 0 || (changes < applyLimit_ && tookMs <= target)) return;
  // What this transaction's pace fits in the target, never below one batch.
  applyLimit_ = std::clamp<std::size_t>(static_cast<std::size_t>(target) * changes / static_cast<std::size_t>(tookMs),
                                        least, most);
}

void Session::onCaughtUp(const CaughtUpMsg& caughtUp) {
  if (caughtUp.batchNo != expectedInNo_) {
    close(WireErrorCode::OutOfOrder,
          "protocol error: caught-up " + std::to_string(caughtUp.batchNo) + " where " +
              std::to_string(expectedInNo_) + " was expected",
          true);
    return;
  }
  ++expectedInNo_;
  if (auto lie = checkOwnOriginClaim(caughtUp.versionVector, "caught-up"); !lie.empty()) {
    close(WireErrorCode::FalseClaim, lie, true);
    return;
  }
  VersionVector vouched = boundedClaim(caughtUp.versionVector);
  // A peer holding part of the data vouches only for the origins its rules name.
  if (rules_) std::erase_if(vouched, [&](const auto& entry) { return !rules_->caughtUpVouches(entry.first); });
  if (auto r = store_.advanceVersionVector(vouched); !r) {
    close(WireErrorCode::ApplyFailed, "cannot advance the version vector: " + r.error().message, true);
    return;
  }
  mergeVector(peerVector_, vouched);
  stats_.caughtUpReceived += 1;
  send(AckMsg{caughtUp.batchNo});
}

std::string Session::checkOwnOriginClaim(const VersionVector& vector, std::string_view what) const {
  const Origin own = store_.info().origin;
  auto claimed = vector.find(own);
  if (claimed == vector.end()) return {};
  const std::uint64_t held = entryOf(store_.versionVector(), own);
  if (claimed->second <= held) return {};
  const std::string who = peerLabel();
  return fmt::format("节点「{}」声称持有本节点从未发出的变更（{} 中序号 {}，本节点只发出到 {}），已断开；"
                     "请检查该节点的数据是否从别处复制而来 / peer '{}' claims changes this node never issued "
                     "(seq {} in its {}, this node issued up to {}): session closed; check whether that node's "
                     "data was copied from elsewhere",
                     who, what, claimed->second, held, who, claimed->second, what, held);
}

void Session::correctEntriesByAuthority() {
  // The peer's vector may carry a false entry for our origin, taken from a liar and relayed in
  // good faith: closing would cut an honest relay off for good. It cannot hold more of our
  // origin than we issued; verification finds what it really lacks.
  const Origin own = store_.info().origin;
  const VersionVector local = store_.versionVector();
  if (auto claimed = peerVector_.find(own); claimed != peerVector_.end()) {
    const std::uint64_t issued = entryOf(local, own);
    if (claimed->second > issued) {
      claimed->second = issued;
      stats_.claimsClamped += 1;
    }
  }
  // The peer is the authority on its own origin: an entry of ours beyond what it says it
  // issued is false (a lie we took from someone else) and is lowered to its word.
  const Origin theirs = peerHello_->origin;
  if (theirs == 0) return;
  const std::uint64_t issuedByThem = entryOf(peerVector_, theirs);
  if (entryOf(local, theirs) > issuedByThem && store_.lowerVersionVector(theirs, issuedByThem)) {
    stats_.loweredEntries += 1;
  }
}

VersionVector Session::boundedClaim(const VersionVector& claimed) {
  VersionVector vouched;
  for (const auto& [origin, seq] : claimed) {
    const std::uint64_t limit = entryOf(shown_, origin);
    if (seq > limit) stats_.claimsClamped += 1;
    if (const std::uint64_t v = std::min(seq, limit); v > 0) vouched[origin] = v;
  }
  return vouched;
}

void Session::onAck(const AckMsg& ack) {
  if (round_.unacked.empty() || ack.batchNo != round_.unacked.front()) {
    close(WireErrorCode::OutOfOrder, "protocol error: unexpected ack " + std::to_string(ack.batchNo), true);
    return;
  }
  round_.unacked.pop_front();
  if (round_.caughtUpSent && round_.unacked.empty()) {
    stats_.roundsAcked += 1;
    if (rules_) dropHandedOff();
    round_ = Round{};
    pump(std::nullopt);  // start the next round at once if something new is waiting
    return;
  }
  pump(std::nullopt);
}

void Session::tick() {
  if (state_ == SessionState::Closed) return;
  const std::int64_t now = clock_.nowMs();
  if (state_ == SessionState::AwaitingHello && now - startedMs_ >= config_.helloTimeoutMs) {
    close(WireErrorCode::Unknown, "无应答 / no answer from the peer", false);
    return;
  }
  if (now - lastReceiveMs_ >= config_.timeoutMs) {
    close(WireErrorCode::Unknown, "对方无响应 / peer stopped responding", false);
    return;
  }
  if (state_ != SessionState::AwaitingHello && now - lastSendMs_ >= config_.heartbeatMs) {
    send(HeartbeatMsg{now});
  }
  maybeVerify();
}

// --- verification ----------------------------------------------------------------------------
// Range fingerprints compared after catch-up (sync/reconcile.h): the vectors say what each
// side holds, the fingerprints check it.

void Session::maybeVerify() {
  if (state_ != SessionState::Active) return;
  reconciler_.tick();
  noteVerification();
  if (!initiator_ || !config_.verify || reconciler_.active()) return;
  if (stats_.partial) return;
  if (!caughtUpBothWays() || round_.active || !pendingBatches_.empty()) return;
  const std::uint64_t activity = stats_.changesSent + stats_.changesReceived;
  if (verifiedOnce_) {
    if (activity == verifiedActivity_ && !reverify_) return;
    if (clock_.nowMs() - lastVerifyEndMs_ < config_.reverifyMs) return;
  }
  verifiedOnce_ = true;
  reverify_ = false;
  verifiedActivity_ = activity;
  reconciler_.start();
}

bool Session::onVerificationMessage(const WireMessage& message, std::size_t frameBytes) {
  // Stores of different scopes differ by design: their fingerprints are not compared, and a
  // repair must never bring in what the peer's rights would refuse. The peer's round times out.
  if (rules_ && !rules_->sameData() && isVerificationMessage(message)) return true;
  auto handled = reconciler_.handle(message, frameBytes);
  if (!handled) {
    close(WireErrorCode::Malformed,
          "与「" + peerLabel() + "」核对数据失败 / verification with '" + peerLabel() +
              "' failed: " + handled.error().message,
          true);
    return true;
  }
  if (!*handled) return false;
  stats_.reconcileBytes += frameBytes;
  noteVerification();
  return true;
}

void Session::noteVerification() {
  auto result = reconciler_.takeFinished();
  if (!result) return;
  lastVerifyEndMs_ = clock_.nowMs();
  stats_.verifications += 1;
  stats_.repairedRecords += result->recordsSent + result->recordsReceived;
  stats_.loweredEntries += result->lowered.size();
  stats_.changesRefused += result->changesRefused;
  stats_.changesParked += result->changesParked;
  if (!result->lastRefusal.empty()) stats_.lastRefusal = result->lastRefusal;
  if (result->equal) {
    stats_.verifiedEqualMs = result->finishedMs;
    unequalInARow_ = 0;
  } else if (!result->abandoned) {
    // A repair ran: one more check should find both equal. When that one does not either,
    // the difference is one a repair cannot mend (a record each side refuses from the other):
    // say so and check again only after new changes moved.
    ++unequalInARow_;
    reverify_ = unequalInARow_ == 1;
  }
  stats_.verifyDiffers = unequalInARow_ >= 2;
  lastVerification_ = std::move(*result);
}

}  // namespace unionsync

// One sync session with one peer over one connection: the protocol state machine, written
// against the Store API and free of sockets (the engine moves the frames).
//
// Protocol (DESIGN.md "Sync protocol"):
// 1. The connecting side sends Hello; the listening side answers with its own Hello. A wrong
//    magic or protocol version is answered with an Error naming the problem, then closed.
// 2. Deployment key: if the Hello hashes differ and one side holds no members, the other
//    sends its key (DeploymentKey, only inside the authenticated CURVE session) and the empty
//    side adopts it; if both hold members, both send Error(differentDeployment) and close;
//    no record moves.
// 3. Each side streams what the other lacks: a *round* reads the local version vector S,
//    sends ChangeBatch 1..n from Store::changesSince(peer vector) with up to `window`
//    unacknowledged batches in flight (no round trip per batch), then CaughtUp{S}. The
//    receiver applies the batches that arrived together in one transaction (Store::apply; at
//    most SessionConfig::applyMaxChanges and about applyTargetMs of work), then acks each
//    one; on CaughtUp it calls Store::advanceVersionVector(S) and acks. Batches and
//    CaughtUps share one number sequence per direction; a gap or reordering closes the
//    session.
// 4. Live: whenever the local vector is not covered by what the peer is known to hold (local
//    writes, other processes' writes, changes relayed from a third node), a new round starts.
// 5. Heartbeats every heartbeatMs when nothing else was sent; a peer silent for
//    timeoutMs is dead (the session closes; the engine reconnects with backoff).
// Interrupted sessions resume naturally: the next Hello carries the receiver's vector, which
// advanced with every applied batch.
//
// Failure: any malformed frame, protocol violation or apply failure closes the session (an
// Error is sent when the peer can still read it); the store is never changed by a frame that
// failed to decode. Not thread-safe: owned by the engine thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/clock.h"
#include "store/store.h"
#include "sync/codec.h"
#include "sync/peer_rules.h"
#include "sync/reconcile.h"

namespace unionsync {

struct SessionConfig {
  std::size_t batchMaxChanges = 1000;
  std::size_t batchMaxBytes = 768 * 1024;  // encoded batches stay below 1 MiB
  // Received batches that arrived together are applied in one store transaction of at most
  // this many changes: a commit's fixed cost (the syncs, the index pages it rewrites) is
  // shared by more changes (docs/BENCHMARKS.md "Catch-up path").
  std::size_t applyMaxChanges = 32000;
  // ... and of about this much apply time at most: the pace of the last transaction that
  // reached the limit or took longer sets the limit (what fits in this time), so that acks
  // reach the peer well within its timeoutMs on a slow disk or a large store.
  std::int64_t applyTargetMs = 1500;
  // Unacknowledged batches in flight: two transactions' worth, so the sender keeps streaming
  // while the receiver applies, and the receiver finds a whole transaction's worth waiting.
  std::size_t window = 64;
  std::int64_t heartbeatMs = 1000;
  std::int64_t timeoutMs = 6000;      // silence after which the peer is considered dead
  std::int64_t helloTimeoutMs = 8000;  // no Hello answer within this: unreachable
  // A peer whose wall clock is further ahead of ours than this is refused at Hello: its
  // stamps would be refused one by one (the store's StoreOptions::maxClockAheadMs).
  std::int64_t maxClockAheadMs = 10 * 60 * 1000;
  // Verification (sync/reconcile.h): the initiator compares range fingerprints once both
  // directions have caught up, and again after changes moved, at most every reverifyMs.
  bool verify = true;
  std::int64_t reverifyMs = 5000;
  ReconcileConfig reconcile;
};

enum class SessionState { AwaitingHello, AwaitingKey, Active, Closed };
std::string_view sessionStateName(SessionState state);

struct SessionStats {
  std::uint64_t changesSent = 0;
  std::uint64_t changesReceived = 0;
  std::uint64_t batchesSent = 0;
  std::uint64_t batchesReceived = 0;
  std::uint64_t transactions = 0;  // store transactions that applied received batches
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  std::uint64_t fieldsWon = 0;
  std::uint64_t conflicts = 0;
  std::uint64_t roundsAcked = 0;       // our CaughtUps the peer has applied
  std::uint64_t caughtUpReceived = 0;  // the peer's CaughtUps we have applied
  bool adoptedDeploymentKey = false;
  bool partial = false;  // the two stores differ by federation scope: never compared
  std::uint64_t recordsHandedOff = 0;  // records dropped here once the peer held them (moved out of our scope)
  std::uint64_t changesRefused = 0;    // received changes the store refused (not stored)
  std::uint64_t changesParked = 0;     // received changes waiting for a record not yet held
  std::uint64_t claimsClamped = 0;     // CaughtUp entries lowered to what the peer showed
  std::string lastRefusal;             // the latest refusal's reason, for status displays
  // Verification (range fingerprints, sync/reconcile.h).
  std::int64_t verifiedEqualMs = 0;    // wall clock of the last check that found both stores equal
  bool verifyDiffers = false;          // two checks in a row found differences a repair did not mend
  std::uint64_t verifications = 0;     // checks that ended (equal, repaired or abandoned)
  std::uint64_t repairedRecords = 0;   // records sent and received as repairs
  std::uint64_t loweredEntries = 0;    // own version vector entries that proved wrong and were lowered
  std::uint64_t reconcileBytes = 0;    // bytes of verification frames, both directions
};

class Session {
 public:
  using SendFunction = std::function<void(std::string&& frame)>;

  Session(Store& store, Clock& clock, SessionConfig config, bool initiator, SendFunction send);

  // Where the session gets the peer's federation rules (sync/peer_rules.h) once its Hello
  // has arrived; unset or returning null: no rules (a peer paired by hand). With rules, only
  // records the peer may hold are sent, received changes pass its rights, its CaughtUp
  // moves our vector only for origins it vouches for, and records entering its part of the
  // tree go whole. Call before start().
  using RulesSource = std::function<std::unique_ptr<PeerRules>(const HelloMsg& hello)>;
  void setRulesSource(RulesSource source) { rulesSource_ = std::move(source); }
  // The rules in force (null before Hello or without rules).
  const PeerRules* rules() const { return rules_.get(); }

  // The initiator sends its Hello; the responder waits for the peer's.
  void start();
  // Handles one received frame (any bytes).
  void onFrame(std::string_view frame);
  // Handles frames that arrived together, in order. Consecutive change batches among them
  // are applied in one store transaction (fewer commits while catching up) and then each is
  // acknowledged; the result is the same as handling them one by one.
  void onFrames(const std::vector<std::string_view>& frames);
  // The same in parts, for a caller that reads frames while more keep arriving: receive()
  // may keep the last change batches unapplied (decoded, not acknowledged) so that they share
  // a transaction with those of the next call; endOfFrames() applies and acks what was kept.
  // The caller calls endOfFrames() once no frame is waiting, before it waits for more.
  void receive(const std::vector<std::string_view>& frames);
  void endOfFrames();
  // When the batches receive() keeps back began to wait (clock ms); 0 when none wait.
  std::int64_t keptSinceMs() const { return pendingBatches_.empty() ? 0 : keptSinceMs_; }
  // Starts or continues streaming. `localVector` is the store's vector read just now (the
  // engine polls it); without it the session reads it when it needs it.
  void pump(const std::optional<VersionVector>& localVector = std::nullopt);
  // Heartbeats and timeouts.
  void tick();
  // Ends the session; sends Error{code, reason} first when `notifyPeer`.
  void close(WireErrorCode code, std::string reason, bool notifyPeer);

  SessionState state() const { return state_; }
  bool closed() const { return state_ == SessionState::Closed; }
  bool initiator() const { return initiator_; }
  // Both directions have completed at least one full round since the session started.
  bool caughtUpBothWays() const { return stats_.roundsAcked > 0 && stats_.caughtUpReceived > 0; }
  // Nothing in flight in either direction and nothing known to be missing at the peer.
  bool outgoingIdle() const { return !round_.active; }
  const std::optional<HelloMsg>& peerHello() const { return peerHello_; }
  const VersionVector& peerVector() const { return peerVector_; }
  const SessionStats& stats() const { return stats_; }
  // Why the session closed (empty while open); closedByPeer when the peer sent the Error.
  const std::string& closeReason() const { return closeReason_; }
  WireErrorCode closeCode() const { return closeCode_; }
  bool closedByPeer() const { return closedByPeer_; }
  std::int64_t lastReceiveMs() const { return lastReceiveMs_; }
  // The last verification that ended in this session (empty before one has); its `lowered`
  // lists the vector entries that proved wrong, for the log.
  const std::optional<ReconcileResult>& lastVerification() const { return lastVerification_; }

  // Hash of a deployment key as sent in Hello (16 bytes, BLAKE2b with a domain prefix).
  static std::string deploymentKeyHash(const std::string& key);

 private:
  struct Round {
    bool active = false;
    bool sourceDone = false;
    bool caughtUpSent = false;
    VersionVector startVector;
    ChangeCursor cursor;
    std::deque<std::uint64_t> unacked;
  };

  void send(const WireMessage& message);
  void sendFrame(std::string&& frame);
  HelloMsg makeHello() const;
  void onHello(HelloMsg&& hello);
  void handleFrame(std::string_view frame);
  void onBatch(BatchMsg&& batch);
  // Applies the pending batches in one transaction and acks them; closes on a failed apply.
  void flushBatches();
  // Records entering the peer's scope (PeerRules::sendWhole) go in their own batches.
  void sendWholeRecords(const std::vector<Change>& sent);
  void sendWhole(const std::vector<std::pair<Kind, RecordId>>& records);
  void applyWholeRecords(BatchMsg&& batch);
  // Folds an apply's counts into the stats.
  void noteApplied(const ApplyStats& applied, std::size_t batches, std::size_t changes);
  // After a round the peer acknowledged: drops what moved out of our scope and the peer
  // now holds (PeerRules::handedOff).
  void dropHandedOff();
  void onAck(const AckMsg& ack);
  void onCaughtUp(const CaughtUpMsg& caughtUp);
  void onDeploymentKey(const DeploymentKeyMsg& key);
  void becomeActive();
  std::string peerLabel() const;
  // Empty when `vector` claims nothing about our own origin beyond what we issued; else the
  // reason to close the session (`what` names the message that carried the claim).
  std::string checkOwnOriginClaim(const VersionVector& vector, std::string_view what) const;
  // `claimed` lowered, entry by entry, to what the peer has shown it holds in this session
  // (its Hello vector and the changes it sent): a CaughtUp vouches for no more than that.
  VersionVector boundedClaim(const VersionVector& claimed);
  // After the peer's Hello: lowers its claim about our own origin to what we issued, and our
  // entry for its origin to what it says it issued (each node is the authority on its own).
  void correctEntriesByAuthority();
  // --- verification (session.cpp, "verification" block) ---
  // The initiator starts a check when both directions are caught up and idle and it has not
  // checked since changes last moved (at most every reverifyMs); times out a silent round.
  void maybeVerify();
  // Handles a verification message; false when `message` is not one. A violation closes.
  bool onVerificationMessage(const WireMessage& message, std::size_t frameBytes);
  // Folds a finished verification into the stats.
  void noteVerification();

  Store& store_;
  Clock& clock_;
  SessionConfig config_;
  bool initiator_;
  SendFunction sendFn_;
  RulesSource rulesSource_;
  std::unique_ptr<PeerRules> rules_;
  // The lowest seq of our own origin withheld from the peer in this session (0: none); our
  // CaughtUps claim our own origin only below it (docs/SYNC.md "Federation").
  std::uint64_t withheldOwn_ = 0;

  SessionState state_ = SessionState::AwaitingHello;
  std::optional<HelloMsg> peerHello_;
  VersionVector peerVector_;  // what the peer is known to hold
  VersionVector shown_;       // what the peer advertised in Hello or sent in this session
  Round round_;
  std::uint64_t nextOutNo_ = 1;
  std::uint64_t expectedInNo_ = 1;
  std::vector<Change> pendingChanges_;        // received batches not yet applied
  std::vector<std::uint64_t> pendingBatches_;
  std::int64_t keptSinceMs_ = 0;              // when the first of pendingBatches_ arrived
  // Changes one transaction takes at most (applyMaxChanges, lowered by slow transactions).
  std::size_t applyLimit_ = 0;
  // Lowers or raises applyLimit_ after a transaction of `changes` that took `tookMs`.
  void adaptApplyLimit(std::size_t changes, std::int64_t tookMs);
  SessionStats stats_;
  std::int64_t startedMs_ = 0;
  std::int64_t lastSendMs_ = 0;
  std::int64_t lastReceiveMs_ = 0;
  std::string closeReason_;
  WireErrorCode closeCode_ = WireErrorCode::Unknown;
  bool closedByPeer_ = false;
  // Verification state (after the members it uses: initialised in declaration order).
  Reconciler reconciler_{store_, clock_, config_.reconcile, [this](std::string&& frame) {
                           stats_.reconcileBytes += frame.size();
                           sendFrame(std::move(frame));
                         }};
  bool verifiedOnce_ = false;
  bool reverify_ = false;  // a check repaired something: confirm with another
  std::uint64_t unequalInARow_ = 0;  // checks in a row that did not find both equal
  std::uint64_t verifiedActivity_ = 0;  // changes moved when the last check started
  std::int64_t lastVerifyEndMs_ = 0;
  std::optional<ReconcileResult> lastVerification_;
};

// True when `holder` has every entry of `vector` (holder[o] >= vector[o] for all o).
bool covers(const VersionVector& holder, const VersionVector& vector);
// A peer's text (error reason, name) made safe to show on one line: control characters and
// newlines become spaces, at most `maxChars` characters are kept (cut at a UTF-8 boundary).
std::string printableText(std::string_view text, std::size_t maxChars = 300);
// The entry of `origin` (0 when absent).
std::uint64_t entryOf(const VersionVector& vector, Origin origin);
// Entry-wise maximum, into `into`.
void mergeVector(VersionVector& into, const VersionVector& other);

}  // namespace unionsync

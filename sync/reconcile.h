// Range-based set reconciliation of two stores' replicated state, in the manner of
// negentropy: socket-free and independent of the session (the session moves its frames).
//
// Protocol (wire.capnp "Verification", docs/SYNC.md "Verification"):
// - The initiator sends Reconcile{round, [whole key space: its fingerprint]}.
// - A side that receives ranges compares each with its own records in that range:
//   equal -> nothing; a fingerprint that differs -> its items (key + hash) when it holds at
//   most `itemThreshold` records there, else the range split into `parts` sub-ranges with
//   its fingerprints; items -> it sends (ReconcileItems) its records that the peer lacks or
//   holds differently and asks (want) for the peer's records it lacks or holds differently.
//   Wanted records are sent as ReconcileItems too. Records travel as every change of the
//   record (Store::recordAsChanges) and are merged with Store::apply, as any change.
// - The side that has nothing left to compare or ask ends with ReconcileDone{equal}.
// Each side answers a whole turn (one or more Reconcile frames, the last without `more`)
// with one turn, so the exchange costs one round trip when equal and about log16(records)
// round trips, with bytes proportional to the number of differing records, when not.
//
// Repairs and version vectors: a received record whose change (origin, seq) we lacked while
// our vector claimed seq <= vector[origin] proves that entry wrong: it is lowered to seq - 1
// (Store::lowerVersionVector) so that later sessions stream that origin again, and reported.
// Repairs never raise the vector (they arrive out of seq order): an entry that apply raised
// is lowered back. This store's own origin is never lowered.
//
// Failure: a message that breaks the protocol (ranges out of order across the frames of a
// turn) is an Error: the caller closes the session. A round that does not end within
// maxTurns, or whose peer stays silent for replyTimeoutMs (an older peer ignores these
// messages), is abandoned: the result says so and nothing else changes. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/clock.h"
#include "store/store.h"
#include "sync/codec.h"

namespace unionsync {

struct ReconcileConfig {
  std::size_t parts = 16;          // sub-ranges per split
  std::size_t itemThreshold = 32;  // a differing range with at most this many records goes as items
  std::size_t maxTurns = 64;       // turns received per round before it is abandoned
  std::size_t frameBudgetBytes = 512 * 1024;  // a frame is sent once its content reaches about this
  std::size_t maxChangesPerFrame = 2000;
  std::int64_t replyTimeoutMs = 30000;
};

struct ReconcileResult {
  std::uint64_t round = 0;
  bool initiator = false;
  bool equal = false;    // no difference was found (set only when the round ended normally)
  bool abandoned = false;
  std::string abandonReason;
  std::uint64_t recordsSent = 0;      // records sent as repairs
  std::uint64_t recordsReceived = 0;  // records received as repairs
  std::uint64_t changesRefused = 0;   // of the received repairs, changes the store refused
  std::uint64_t changesParked = 0;    // ... and changes it parked until a record arrives
  std::string lastRefusal;            // the latest refusal's reason
  // Vector entries that proved wrong: (origin, the value it was lowered to).
  std::vector<std::pair<Origin, std::uint64_t>> lowered;
  std::uint64_t turns = 0;  // turns (Reconcile without `more`, or Done) sent and received
  std::uint64_t framesSent = 0;
  std::uint64_t framesReceived = 0;
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  std::int64_t startedMs = 0;
  std::int64_t finishedMs = 0;

  // Round trips as the initiator counts them (a turn there and the answer back).
  std::uint64_t roundTrips() const { return (turns + 1) / 2; }
};

class Reconciler {
 public:
  using SendFunction = std::function<void(std::string&& frame)>;

  Reconciler(Store& store, Clock& clock, ReconcileConfig config, SendFunction send);

  // Starts a round as its initiator: sends the fingerprint of the whole key space. A round
  // in progress is abandoned.
  void start();
  // Handles one decoded message of `frameBytes` bytes. Returns false when it is not a
  // reconciliation message (the caller handles it); messages of another round than the
  // current one are dropped, except a Reconcile, which starts a round as its responder.
  // Fails for protocol violations and when the store cannot apply a repair.
  Result<bool> handle(const WireMessage& message, std::size_t frameBytes);
  // Abandons the round when the peer has been silent for replyTimeoutMs.
  void tick();

  bool active() const { return active_; }
  // The round in progress, or the last one.
  const ReconcileResult& current() const { return result_; }
  // The last finished round, once (empty when none finished since the last call).
  std::optional<ReconcileResult> takeFinished();

 private:
  void begin(std::uint64_t round, bool initiator);
  void finish();
  void abandon(std::string reason);
  void send(std::string&& frame);
  Result<void> onReconcile(const ReconcileMsg& message);
  Result<void> onItems(const ReconcileItemsMsg& message);
  void compareRange(const ReconcileRange& range);
  void compareItems(const ReconcileRange& range);
  void addRange(ReconcileRange&& range);
  void addWant(std::string key);
  void addRecord(std::string_view key);
  void flushChanges();
  void flushRanges(bool more);
  void endTurn();
  Result<void> applyRepair(const std::vector<Change>& changes);

  Store& store_;
  Clock& clock_;
  ReconcileConfig config_;
  SendFunction sendFn_;

  bool active_ = false;
  bool finishedUntaken_ = false;
  std::uint64_t nextRound_ = 1;
  std::uint64_t round_ = 0;
  bool sawDifference_ = false;
  std::size_t turnsReceived_ = 0;
  std::string turnLastHi_;     // ranges of one received turn must increase across its frames
  bool turnSentRanges_ = false;  // this turn already sent a Reconcile with `more`
  std::int64_t lastActivityMs_ = 0;
  ReconcileResult result_;

  std::vector<ReconcileRange> outRanges_;
  std::vector<std::string> outWant_;
  std::size_t outRangeBytes_ = 0;
  std::vector<Change> outChanges_;
  std::size_t outChangeBytes_ = 0;
};

}  // namespace unionsync

// What a federation (DESIGN.md "Federation") lets one peer see and do, as the engine and a
// session ask it. The application implements it from the deployment's certificates
// (app/federation); the sync layer knows only this interface, so it needs no schema or org
// tree of its own.
//
// Contract:
// - Called on the engine thread only; an implementation reads its own snapshot of the
//   certificates, never the store's write transaction except through the RecordLookup it
//   is handed.
// - A peer without rules (rulesFor returns null) is a peer paired by hand outside any
//   deployment: everything flows both ways, as before federations existed.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.h"

namespace unionsync {

class PeerRules {
 public:
  virtual ~PeerRules() = default;
  // Outgoing: whether the peer may hold `record` (this node's current state of it). Changes
  // of other records are never sent to it.
  virtual bool mayReceive(const Record& record) const = 0;
  // Outgoing: whether change (origin, seq) of `record` is the move that took it out of the
  // peer's part of the tree (it wrote the record's kMovedFromField), from a place we cover:
  // the peer still holds the record there and must hear of the move, to drop it.
  virtual bool departureFor(const Record& record, Origin origin, std::uint64_t seq) const = 0;
  // Whether the peer's scope holds `record` (whether or not we may send it).
  virtual bool peerHolds(const Record& record) const = 0;
  // Outgoing: whether a change of `record` that `mayReceive` lets through must bring the
  // whole record (it has just entered the peer's part of the tree: the peer lacks its
  // older fields, which its version vector says it has seen).
  virtual bool sendWhole(const Record& record, const Change& change) const = 0;
  // Outgoing, once per session: records the peer holds but our stream does not bring it
  // (the organizations above its scope, which it takes from whoever covers them); they are
  // sent whole at the start of the session so their names stay current.
  virtual std::vector<std::pair<Kind, RecordId>> wholeOnStart() const = 0;
  // Incoming: the peer's rights, for Store::apply (its vouchesFor: per received change).
  virtual const ApplyGate& gate() const = 0;
  // Incoming: which entries of the peer's CaughtUp move our vector — every origin from a
  // peer whose scope covers ours, else only the peer's own origin (it vouches for its own
  // writes, lowering the entry itself below any it withheld from us).
  virtual bool caughtUpVouches(Origin origin) const = 0;
  // After the peer acknowledged holding `peerHas`: the records we hold only because they
  // moved out of our scope here, and that the peer (whose scope covers ours) now holds
  // whole — ours to drop (Store::forget). Empty when the peer does not cover us.
  virtual std::vector<std::pair<Kind, RecordId>> handedOff(const VersionVector& peerHas) const = 0;
  // Both sides hold the whole deployment, so their stores can be compared with range
  // fingerprints (sync/reconcile.h); otherwise they differ by design and are not verified.
  virtual bool sameData() const = 0;
  // One line for the status: the peer's certificate ("office 某街道总工会, until 2027-12-01").
  virtual std::string describe() const = 0;
};

// A node of the deployment that this node may dial without pairing: its certificate is valid
// and its issuer gave the address where it listens (`grant --address`).
struct CertifiedPeer {
  std::string curveKeyZ85;
  std::string name;
  std::string address;
};

class FederationPolicy {
 public:
  virtual ~FederationPolicy() = default;
  // A CURVE client that was not paired by hand: its name when it holds a valid certificate
  // of this node's deployment, else why not ("证书已吊销 / certificate revoked", "expired",
  // "no certificate").
  virtual Result<std::string> admit(std::string_view curveKeyZ85) = 0;
  // The rules for a session with the peer holding this CURVE key whose Hello named
  // `peerOrigin`; null when neither side is in a deployment that constrains it.
  virtual std::unique_ptr<PeerRules> rulesFor(std::string_view curveKeyZ85, Origin peerOrigin) = 0;
  // Every node with a valid certificate and an address, this node included (the engine
  // skips its own key); empty outside a deployment.
  virtual std::vector<CertifiedPeer> certifiedPeers() = 0;
};

}  // namespace unionsync

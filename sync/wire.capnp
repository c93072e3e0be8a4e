# unionsync wire protocol (sync/). Every frame on a sync connection is one Message.
#
# Compatibility rules: fields and union members are only ever ADDED, with new ordinals;
# never renumbered, retyped or removed. A peer with another protocolVersion gets an Error
# (code incompatibleVersion) with a readable reason, then the session is closed.
@0x920257f573f7c488;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("unionsync::wire");

# One entry of a version vector: origin -> highest sequence number held.
struct VersionEntry {
  origin @0 :UInt64;
  seq @1 :UInt64;
}

struct Hello {
  magic @0 :UInt32;              # kMagic ("USYN"); anything else is not a unionsync peer
  protocolVersion @1 :UInt16;
  nodeId @2 :Text;               # 32 hex digits
  name @3 :Text;
  wallClockMs @4 :Int64;
  versionVector @5 :List(VersionEntry);
  deploymentKeyHash @6 :Data;    # keyed hash of the deployment key, never the key itself
  memberCount @7 :UInt64;        # a node with no members may adopt the peer's deployment key
  origin @8 :UInt64;             # the sender's current origin: it is the authority on that entry
  partial @9 :Bool;              # federation: the two stores differ by scope, so the receiver
                                 # must not compare fingerprints with the sender
}

struct FieldWrite {
  name @0 :Text;
  value @1 :Text;
  baseHlc @2 :UInt64;
  baseOrigin @3 :UInt64;
}

struct Change {
  kind @0 :UInt8;
  id @1 :Data;                   # exactly 16 bytes
  origin @2 :UInt64;
  seq @3 :UInt64;
  hlc @4 :UInt64;
  fields @5 :List(FieldWrite);
  # Federation: the origin's Ed25519 signature of the change's digest, then 16 bytes per
  # leaf hash of a field no longer carried (store/change_signature.h); empty when unsigned.
  signature @6 :Data;
}

# Numbered 1, 2, 3, ... per session and direction; the receiver acks each after applying it.
struct ChangeBatch {
  batchNo @0 :UInt64;
  changes @1 :List(Change);
  # Whole records that have just entered the receiver's part of the tree (federation): every
  # change of each record, out of stream order. Merged as usual; they never move the
  # receiver's version vector.
  whole @2 :Bool;
}

struct Ack {
  batchNo @0 :UInt64;
}

# End of a catch-up stream: the sender held `versionVector` when it started streaming, and
# every change the receiver lacked up to it has been sent. Numbered like a batch and acked.
struct CaughtUp {
  versionVector @0 :List(VersionEntry);
  batchNo @1 :UInt64;
}

struct Heartbeat {
  wallClockMs @0 :Int64;
}

struct Error {
  enum Code {
    unknown @0;
    badMagic @1;
    incompatibleVersion @2;
    malformed @3;
    differentDeployment @4;
    applyFailed @5;
    outOfOrder @6;
    notTrusted @7;
    duplicateSession @8;
    shuttingDown @9;
    clockAhead @10;     # the peer's clock is too far ahead of ours
    falseClaim @11;     # the peer claimed what it cannot hold (e.g. our own changes we never issued)
  }
  code @0 :Code;
  reason @1 :Text;
}

# The deployment secret, sent only inside an authenticated CURVE session to a peer that holds
# no member records yet and so may adopt it.
struct DeploymentKey {
  key @0 :Data;
}

# --- Verification: range-based reconciliation (sync/reconcile.h, docs/SYNC.md) ---
# The key space is the record keys (kind byte + 16 id bytes); ranges are [lo, hi).

struct ReconcileItem {
  key @0 :Data;                  # 17 bytes
  hash @1 :Data;                 # 16 bytes: the record's hash of what replicates
}

struct RangeFingerprint {
  lo @0 :Data;                   # 17 bytes, inclusive
  hi @1 :Data;                   # 17 bytes, exclusive; lo < hi
  count @2 :UInt64;              # the sender's records in the range
  digest @3 :Data;               # 16 bytes
  hasItems @4 :Bool;             # items lists every record the sender holds in the range
  items @5 :List(ReconcileItem); # in key order, inside [lo, hi)
}

# One turn of a reconciliation: ranges for the peer to compare, and record keys whose
# records the sender asks for. `more`: another Reconcile of the same turn follows.
struct Reconcile {
  round @0 :UInt64;              # numbers one reconciliation, chosen by its initiator
  ranges @1 :List(RangeFingerprint);  # increasing, not overlapping
  want @2 :List(Data);           # 17-byte record keys
  more @3 :Bool;
}

# Records sent as a repair (every change of each record), merged by the receiver as usual.
struct ReconcileItems {
  round @0 :UInt64;
  changes @1 :List(Change);
}

# The end of a reconciliation; `equal`: the sender found no difference at all.
struct ReconcileDone {
  round @0 :UInt64;
  equal @1 :Bool;
}

struct Message {
  union {
    hello @0 :Hello;
    changeBatch @1 :ChangeBatch;
    ack @2 :Ack;
    caughtUp @3 :CaughtUp;
    heartbeat @4 :Heartbeat;
    error @5 :Error;
    deploymentKey @6 :DeploymentKey;
    reconcile @7 :Reconcile;
    reconcileItems @8 :ReconcileItems;
    reconcileDone @9 :ReconcileDone;
  }
}

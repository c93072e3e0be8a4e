// The value types the sync facade (sync_service.h) hands to the CLI and the GUI: status
// snapshots, trusted and discovered peers, the engine's tuning knobs. They live in sync/
// headers that pull in neither ZeroMQ nor Cap'n Proto (checked: engine.h includes only store/
// and the sync value headers), so including this costs callers no networking headers.
#pragma once

#include "sync/engine.h"       // SyncStatus, PeerStatus, EngineOptions, kDefaultListen
#include "sync/identity.h"     // fingerprintOf, isValidPublicKey
#include "sync/peer_state.h"   // PeerState and its published names
#include "sync/trust_store.h"  // TrustedPeer, DiscoveredPeer, TrustState

namespace unionsync {

// This node's public CURVE key (Z85) and its fingerprint, as peers compare them when pairing.
// The secret key never leaves sync/.
struct OwnKey {
  std::string publicKey;   // CURVE, Z85: what peers trust
  std::string fingerprint;
  std::string signingKey;  // Ed25519 public key, 64 hex digits: what certificates name
};

}  // namespace unionsync

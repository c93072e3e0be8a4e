// What the engine knows of each peer across its sessions (engine-internal): trust, addresses
// and their rotation, reconnect backoff, the latest failure, progress counters. Loaded from
// the trust store at start and on every trust change; saved back by Engine::Core::persist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/types.h"
#include "sync/peer_state.h"
#include "sync/session.h"

namespace unionsync {

struct PeerEntry {
  std::string key;
  std::string name;
  std::string fingerprint;
  std::string nodeId;
  std::vector<std::string> addresses;
  bool trusted = true;     // paired by hand (peer trust)
  bool certified = false;  // admitted by a certificate (EngineOptions::federation)
  bool manual = false;
  std::size_t nextAddress = 0;
  std::int64_t backoffMs = 0;
  std::int64_t nextAttemptMs = 0;
  std::optional<PeerState> failState;  // why the last session failed; kept until one succeeds
  std::string lastError;
  std::string lastAddress;
  std::int64_t lastContactMs = 0;
  std::int64_t lastSyncMs = 0;
  std::int64_t lastPersistMs = 0;
  bool persistPending = false;
  VersionVector peerVector;
  // Batches shrink (halve, down to 1/16) after a session with this peer broke off before it
  // caught up: on a link that keeps dropping, large batches would never get through.
  std::size_t batchDivisor = 1;
  std::int64_t verifiedEqualMs = 0;
  bool verifyDiffers = false;
  std::uint64_t refusedChanges = 0;
  std::string lastRefusal;
  std::int64_t lastRefusalMs = 0;
  std::int64_t lastRefusalLogMs = 0;    // refusal log lines: at most one per kRefusalLogMs
  std::uint64_t refusalsNotLogged = 0;
  std::uint64_t sessions = 0;
  SessionStats current;
  SessionStats total;
  std::string certificate;  // PeerRules::describe of the latest session's rules

  bool admitted() const { return trusted || certified; }
};

}  // namespace unionsync

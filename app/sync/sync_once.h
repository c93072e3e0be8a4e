// One sync with one peer, then stop: what `unionsync sync --peer ADDRESS` does, built on the
// node's SyncService.
#pragma once

#include <chrono>
#include <string>

#include "app/sync/sync_service.h"

namespace unionsync {

// Connects to `address` (tcp://HOST:PORT) and waits until the session with the peer there
// has caught up both ways and compared fingerprints once, or refused, or `timeout` passed.
// Runs its own outgoing-only engine (no listening, no discovery, no other peers) on
// `service`, stopping any engine that ran and leaving none running.
// Returns the peer's status with the session's figures (PeerStatus::current). Fails when no
// peer is trusted, or with "sync with ADDRESS failed: REASON" (the peer's last error, the
// connection error, or no answer within the timeout).
Result<PeerStatus> syncOnce(SyncService& service, const std::string& address, std::chrono::milliseconds timeout);

}  // namespace unionsync

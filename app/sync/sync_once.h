// One sync with one peer, then stop: what `unionsync sync --peer ADDRESS` does, built on the
// node's SyncService.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "app/sync/sync_service.h"

namespace unionsync {

// Watching one sync from the caller's side.
struct SyncWatch {
  // The peer's status with the session's figures so far (changes and bytes each way), about
  // ten times a second on the calling thread, once a session with the peer exists. No total
  // is known up front: the peer's vector bounds what it may send, not what we lack.
  std::function<void(const PeerStatus&)> progress;
  // Set (from any thread or a signal handler): the sync stops within 0.1 s.
  const std::atomic<bool>* cancel = nullptr;
};

// Connects to `address` (tcp://HOST:PORT) and waits until the session with the peer there
// has caught up both ways and compared fingerprints once, or refused, or `timeout` passed.
// Runs its own outgoing-only engine (no listening, no discovery, no other peers) on
// `service`, stopping any engine that ran and leaving none running.
// Returns the peer's status with the session's figures (PeerStatus::current). Fails when no
// peer is trusted, or with "sync with ADDRESS failed: REASON" (the peer's last error, the
// connection error, or no answer within the timeout).
// Cancelled through `watch`: stops the engine at once and returns the peer's status so far
// (caughtUp may be false), or fails when no session with the peer had begun. What was
// received is stored, each batch in its own transaction; the next sync sends the rest.
Result<PeerStatus> syncOnce(SyncService& service, const std::string& address, std::chrono::milliseconds timeout,
                            const SyncWatch& watch = {});

}  // namespace unionsync

// What a trusted peer is doing, as the engine publishes it (PeerStatus::state). The names are
// the ones status.json, `status` / `peer list` and the logs show; they are read back by the
// CLI from status.json, so a name once published keeps its spelling.
#pragma once

#include <optional>
#include <string_view>

namespace unionsync {

enum class PeerState {
  Idle,                 // nothing to do: no address, or not asked to connect
  Connecting,           // outgoing connection made, waiting for the peer's hello
  Handshake,            // a session is agreeing on keys and versions
  CatchingUp,           // session active, changes still flowing
  Live,                 // session active and caught up both ways
  Backoff,              // the last session ended; waiting before the next attempt
  Unreachable,          // outgoing connections failed without ever reaching a session
  Refused,              // the peer (or its key check) refused this node
  DifferentDeployment,  // the peer belongs to another deployment
  Error,                // the session broke on a protocol or apply error
  Revoked,              // this node no longer trusts the peer
  Closed,               // the session has just closed (seen only for an instant)
};

// The published name, e.g. "catching-up"; never empty.
std::string_view peerStateName(PeerState state);
// The state a name stands for; nullopt for a name this build does not know (e.g. the CLI's
// "offline", or a newer engine's).
std::optional<PeerState> peerStateFromName(std::string_view name);

}  // namespace unionsync

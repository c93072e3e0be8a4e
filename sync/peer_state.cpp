#include "sync/peer_state.h"

#include <array>
#include <utility>

namespace unionsync {

namespace {
// One table both ways, so a name and its state cannot drift apart.
constexpr std::array<std::pair<PeerState, std::string_view>, 12> kNames{{
    {PeerState::Idle, "idle"},
    {PeerState::Connecting, "connecting"},
    {PeerState::Handshake, "handshake"},
    {PeerState::CatchingUp, "catching-up"},
    {PeerState::Live, "live"},
    {PeerState::Backoff, "backoff"},
    {PeerState::Unreachable, "unreachable"},
    {PeerState::Refused, "refused"},
    {PeerState::DifferentDeployment, "different-deployment"},
    {PeerState::Error, "error"},
    {PeerState::Revoked, "revoked"},
    {PeerState::Closed, "closed"},
}};
}  // namespace

std::string_view peerStateName(PeerState state) {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "error";  // unreachable for a valid enum value
}

std::optional<PeerState> peerStateFromName(std::string_view name) {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

}  // namespace unionsync

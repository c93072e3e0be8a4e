// One connection of the engine and its session (engine-internal; see engine.h for the
// contract). An outgoing link owns its DEALER socket and that socket's monitor; an incoming
// one is a routing id on the engine's ROUTER.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "sync/peer_state.h"
#include "sync/session.h"

namespace unionsync {

struct Link {
  std::uint64_t id = 0;
  std::string key;
  bool outbound = false;
  std::unique_ptr<zmq::socket_t> dealer;   // outbound
  std::unique_ptr<zmq::socket_t> monitor;  // outbound
  std::string address;                     // outbound
  bool probe = false;                      // outbound to an address whose key we guess
  std::string routingId;                   // inbound
  std::unique_ptr<Session> session;
  bool sendFailed = false;
  bool reachedActive = false;
  bool reportedCaughtUp = false;
  std::uint64_t lastRoundsSeen = 0;
  std::uint64_t refusalsSeen = 0;  // of this session's changesRefused, already counted
  std::uint64_t verificationsSeen = 0;  // of this session's verifications, already taken
  std::string failure;      // transport-level reason (from the monitor)
  std::optional<PeerState> failState;  // Refused, Unreachable, ... (none: an ordinary end)
};

// A socket-monitor event (libzmq's two-part message: event number and value, then the
// endpoint).
struct MonitorEvent {
  std::uint16_t event = 0;  // 0: the message was malformed (it is consumed all the same)
  std::int32_t value = 0;
};
// Takes the next event off a monitor socket without blocking; nullopt when none is waiting or
// the socket failed.
std::optional<MonitorEvent> readMonitorEvent(zmq::socket_t& monitor);

}  // namespace unionsync

// Who may connect (engine-internal): the ZAP side of the engine's CURVE handshake. libzmq
// asks the handler bound on inproc://zeromq.zap.01 about every incoming CURVE client; the
// engine admits a client only when its public key is Trusted in the trust store.
#pragma once

#include <optional>
#include <string>

#include <zmq.hpp>

namespace unionsync {

inline constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
inline constexpr const char* kZapDomain = "unionsync";

// The fields of a ZAP request the engine decides on.
struct ZapRequest {
  std::string requestId;
  std::string address;    // the client's IP address as libzmq reports it
  std::string publicKey;  // Z85; empty when the mechanism is not CURVE
};

// Takes the next request off the ZAP socket without blocking; nullopt when none is waiting or
// the socket failed.
std::optional<ZapRequest> readZapRequest(zmq::socket_t& zap);
// Answers `request`: 200 with the key as user id (the ROUTER's messages then carry it as
// "User-Id"), or 400. A failed send is ignored: libzmq then refuses the client itself.
void sendZapReply(zmq::socket_t& zap, const ZapRequest& request, bool admit);

// Why an outgoing connection failed when the peer refused this node's key.
std::string refusedByPeerReason();

}  // namespace unionsync

// The peers this node trusts, persisted in <dataDir>/sync/peers.json, and the peers it has
// seen but not trusted (memory only).
//
// Contract:
// - Trust is keyed by the peer's CURVE public key (Z85). Only keys in state Trusted are
//   admitted by the ZAP handler; a revoked peer is kept (state Revoked) so `peer list` shows
//   the history, and can be trusted again.
// - Every mutation takes an exclusive lock (flock on peers.lock), re-reads the file, applies
//   the change and writes the file atomically (temp file + fsync + rename), so a CLI command
//   and a running `serve` in another process never lose each other's updates.
// - reloadIfChanged() picks up changes made by other processes; cheap (one stat).
// - Not thread-safe: one owner (the engine thread, or a CLI command).
// - Discovered and refused peers are only kept in memory (a beacon never grants trust).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/types.h"

namespace unionsync {

enum class TrustState { Trusted, Revoked };
std::string_view trustStateName(TrustState state);

struct TrustedPeer {
  std::string publicKey;  // Z85
  std::string name;
  std::vector<std::string> addresses;  // tcp://HOST:PORT, most recently used first
  std::int64_t addedMs = 0;
  std::int64_t lastContactMs = 0;
  std::int64_t lastSyncMs = 0;  // last time both sides were caught up
  TrustState state = TrustState::Trusted;
  std::string nodeId;             // learned from the peer's hello
  VersionVector versionVector;    // the peer's vector at the last contact (for "pending")
  std::string lastError;
  // The last time a fingerprint check found both stores equal (0: never verified).
  std::int64_t verifiedEqualMs = 0;
  // Received changes refused (not stored) because they failed a check, and the latest reason.
  std::uint64_t refusedChanges = 0;
  std::string lastRefusal;
  std::int64_t lastRefusalMs = 0;
};

// A peer seen through a discovery beacon or refused by the ZAP handler, not (yet) trusted.
struct DiscoveredPeer {
  std::string publicKey;
  std::string fingerprint;
  std::string name;
  std::string nodeId;
  std::string address;  // tcp://HOST:PORT (beacon) or the refused connection's IP
  std::int64_t lastSeenMs = 0;
  bool refused = false;  // tried to connect to us and was refused
};

class TrustStore {
 public:
  // Opens (or starts empty) the trust store of a data directory.
  static Result<TrustStore> open(const std::string& dataDir);

  const std::vector<TrustedPeer>& peers() const { return peers_; }
  const TrustedPeer* findByKey(std::string_view publicKey) const;
  bool isTrusted(std::string_view publicKey) const;

  // Adds or re-trusts a key; updates the name and puts the address first when given.
  Result<TrustedPeer> trust(const std::string& publicKey, const std::string& name,
                            const std::string& address, std::int64_t nowMs);
  // Revokes the peer with this key or name; fails when nothing (or more than one peer by
  // that name) matches.
  Result<TrustedPeer> revoke(const std::string& keyOrName);
  // Read-modify-write of the whole list under the lock (used for contact bookkeeping).
  Result<void> update(const std::function<void(std::vector<TrustedPeer>&)>& change);
  // Re-reads the file if another process changed it; true when something was reloaded.
  Result<bool> reloadIfChanged();

  void noteDiscovered(DiscoveredPeer peer);
  const std::vector<DiscoveredPeer>& discovered() const { return discovered_; }

  const std::string& filePath() const { return file_; }

 private:
  struct FileStamp {
    std::int64_t mtimeNs = -1;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    bool operator==(const FileStamp&) const = default;
  };
  Result<void> load();
  Result<void> save();
  FileStamp stampOfFile() const;

  std::string dir_;
  std::string file_;
  std::string lockFile_;
  std::vector<TrustedPeer> peers_;
  std::vector<DiscoveredPeer> discovered_;
  FileStamp stamp_;
};

}  // namespace unionsync

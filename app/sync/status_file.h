// The sync status a running `serve` shares with other processes of its data directory:
// <dataDir>/sync/status.json. The serving process writes it (StatusFileWriter, started by
// SyncService::start with statusFile set); `status` and `peer list` read it (readStatusFile).
//
// The file's JSON keys are fixed (scripts read them): pid, updated, listen, discoveryPort,
// refusedConnections, peers[{key, name, state, direction, address, pendingEstimate,
// changesSent, changesReceived, lastError, verifiedEqual, refusedChanges, lastRefusal}],
// discovered[{key, fingerprint, name, address, lastSeen, refused}]. A peer's state is its
// peerStateName().
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/sync/sync_types.h"

namespace unionsync {

// A peer as the serving process last saw it.
struct ServedPeer {
  std::string key;
  std::string name;
  std::optional<PeerState> state;  // nullopt: a state name this build does not know
  std::string direction;           // "out", "in" or ""
  std::string address;
  std::uint64_t pendingEstimate = 0;
  std::uint64_t changesSent = 0;
  std::uint64_t changesReceived = 0;
  std::string lastError;
  std::int64_t verifiedEqualMs = 0;
  std::uint64_t refusedChanges = 0;
  std::string lastRefusal;
  bool certified = false;   // admitted by a certificate, not paired by hand
  std::string certificate;  // its rules in force ("office 某街道 until …"), "" without
  bool partial = false;     // the two hold different scopes: their stores are never compared
};

// The content of a live status file.
struct ServedStatus {
  pid_t pid = 0;  // of the serving process
  std::int64_t updatedMs = 0;
  std::vector<std::string> listen;
  std::uint16_t discoveryPort = 0;
  std::uint64_t refusedConnections = 0;
  std::vector<ServedPeer> peers;
  std::vector<DiscoveredPeer> discovered;  // fields the file has: key, fingerprint, name, address, lastSeen, refused

  const ServedPeer* findPeer(std::string_view key) const;  // null when the file lists no such peer
};

// The status file of `dataDir` when a process that wrote it is still alive; nullopt when there
// is none, it cannot be parsed, or its writer has gone (a stale file of a killed serve).
std::optional<ServedStatus> readStatusFile(const std::string& dataDir);

// The file text for `status` (2-space indented JSON and a newline): `pid` and `nowMs` fill
// pid and updated.
std::string statusFileText(const SyncStatus& status, pid_t pid, std::int64_t nowMs);

// Keeps the status file of `dataDir` current from `source` (the running engine's snapshot,
// null while none): checks every 250 ms on its own thread and rewrites the file (atomically,
// by rename) when the content other than `updated` changed. Failing writes are skipped
// silently: the file is a convenience for other processes. Destruction stops the thread and
// deletes the file.
class StatusFileWriter {
 public:
  StatusFileWriter(std::string dataDir, Clock& clock, std::function<std::shared_ptr<const SyncStatus>()> source);
  ~StatusFileWriter();
  StatusFileWriter(const StatusFileWriter&) = delete;
  StatusFileWriter& operator=(const StatusFileWriter&) = delete;

 private:
  void run();
  void writeIfChanged();

  std::string dataDir_;
  Clock& clock_;
  std::function<std::shared_ptr<const SyncStatus>()> source_;
  std::uint64_t lastGeneration_ = 0;
  std::string lastText_;  // without `updated`
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the fields it reads
};

}  // namespace unionsync

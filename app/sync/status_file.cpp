#include "app/sync/status_file.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

namespace unionsync {
namespace {

constexpr std::chrono::milliseconds kWriteInterval{250};

Result<std::string> statusFilePath(const std::string& dataDir) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  return *dir + "/status.json";
}

nlohmann::json statusJson(const SyncStatus& s) {
  nlohmann::json j;
  j["listen"] = s.listenEndpoints;
  j["discoveryPort"] = s.discoveryPort;
  j["refusedConnections"] = s.refusedConnections;
  j["peers"] = nlohmann::json::array();
  for (const auto& p : s.peers) {
    j["peers"].push_back({{"key", p.publicKey},
                          {"name", p.name},
                          {"state", peerStateName(p.state)},
                          {"direction", p.direction},
                          {"address", p.address},
                          {"pendingEstimate", p.pendingEstimate},
                          {"changesSent", p.total.changesSent},
                          {"changesReceived", p.total.changesReceived},
                          {"lastError", p.lastError},
                          {"verifiedEqual", p.verifiedEqualMs},
                          {"refusedChanges", p.refusedChanges},
                          {"lastRefusal", p.lastRefusal},
                          {"certified", p.certified},
                          {"certificate", p.certificate},
                          {"partial", p.total.partial || p.current.partial}});
  }
  j["discovered"] = nlohmann::json::array();
  for (const auto& d : s.discovered) {
    j["discovered"].push_back({{"key", d.publicKey},
                               {"fingerprint", d.fingerprint},
                               {"name", d.name},
                               {"address", d.address},
                               {"lastSeen", d.lastSeenMs},
                               {"refused", d.refused}});
  }
  return j;
}

}  // namespace

const ServedPeer* ServedStatus::findPeer(std::string_view key) const {
  for (const auto& p : peers) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::string statusFileText(const SyncStatus& status, pid_t pid, std::int64_t nowMs) {
  nlohmann::json j = statusJson(status);
  j["pid"] = static_cast<long>(pid);
  j["updated"] = nowMs;
  return j.dump(2) + "\n";
}

std::optional<ServedStatus> readStatusFile(const std::string& dataDir) {
  auto path = statusFilePath(dataDir);
  if (!path) return std::nullopt;
  std::ifstream in(*path);
  if (!in) return std::nullopt;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    ServedStatus s;
    s.pid = static_cast<pid_t>(j.value("pid", 0L));
    if (s.pid <= 0 || ::kill(s.pid, 0) != 0) return std::nullopt;
    s.updatedMs = j.value("updated", std::int64_t{0});
    s.listen = j.value("listen", std::vector<std::string>{});
    s.discoveryPort = j.value("discoveryPort", std::uint16_t{0});
    s.refusedConnections = j.value("refusedConnections", std::uint64_t{0});
    for (const auto& p : j.value("peers", nlohmann::json::array())) {
      ServedPeer peer;
      peer.key = p.value("key", "");
      peer.name = p.value("name", "");
      peer.state = peerStateFromName(p.value("state", ""));
      peer.direction = p.value("direction", "");
      peer.address = p.value("address", "");
      peer.pendingEstimate = p.value("pendingEstimate", std::uint64_t{0});
      peer.changesSent = p.value("changesSent", std::uint64_t{0});
      peer.changesReceived = p.value("changesReceived", std::uint64_t{0});
      peer.lastError = p.value("lastError", "");
      peer.verifiedEqualMs = p.value("verifiedEqual", std::int64_t{0});
      peer.refusedChanges = p.value("refusedChanges", std::uint64_t{0});
      peer.lastRefusal = p.value("lastRefusal", "");
      peer.certified = p.value("certified", false);
      peer.certificate = p.value("certificate", "");
      peer.partial = p.value("partial", false);
      s.peers.push_back(std::move(peer));
    }
    for (const auto& d : j.value("discovered", nlohmann::json::array())) {
      DiscoveredPeer peer;
      peer.publicKey = d.value("key", "");
      peer.fingerprint = d.value("fingerprint", "");
      peer.name = d.value("name", "");
      peer.address = d.value("address", "");
      peer.lastSeenMs = d.value("lastSeen", std::int64_t{0});
      peer.refused = d.value("refused", false);
      s.discovered.push_back(std::move(peer));
    }
    return s;
  } catch (const std::exception&) {
    return std::nullopt;  // half-written by an older writer, or not ours: as if none
  }
}

StatusFileWriter::StatusFileWriter(std::string dataDir, Clock& clock,
                                   std::function<std::shared_ptr<const SyncStatus>()> source)
    : dataDir_(std::move(dataDir)), clock_(clock), source_(std::move(source)), thread_([this] { run(); }) {}

StatusFileWriter::~StatusFileWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (auto path = statusFilePath(dataDir_)) ::unlink(path->c_str());
}

void StatusFileWriter::run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    writeIfChanged();
    lock.lock();
    wake_.wait_for(lock, kWriteInterval, [this] { return stop_; });
  }
}

void StatusFileWriter::writeIfChanged() {
  auto s = source_();
  if (!s || s->generation == lastGeneration_) return;
  lastGeneration_ = s->generation;
  // Compare without the timestamp so an idle node does not rewrite the file.
  std::string text = statusJson(*s).dump();
  if (text == lastText_) return;
  lastText_ = std::move(text);
  auto path = statusFilePath(dataDir_);
  if (!path) return;
  const std::string tmp = *path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << statusFileText(*s, ::getpid(), clock_.nowMs());
    if (!out) return;
  }
  std::rename(tmp.c_str(), path->c_str());
}

}  // namespace unionsync

#include "sync/trust_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sync/identity.h"

namespace unionsync {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDiscovered = 256;

// Holds an exclusive flock for its lifetime.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

json toJson(const TrustedPeer& p) {
  json vv = json::object();
  for (const auto& [origin, seq] : p.versionVector) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(origin));
    vv[hex] = seq;
  }
  return json{{"key", p.publicKey},
              {"name", p.name},
              {"addresses", p.addresses},
              {"added", p.addedMs},
              {"lastContact", p.lastContactMs},
              {"lastSync", p.lastSyncMs},
              {"state", std::string(trustStateName(p.state))},
              {"nodeId", p.nodeId},
              {"versionVector", vv},
              {"lastError", p.lastError},
              {"verifiedEqual", p.verifiedEqualMs},
              {"refusedChanges", p.refusedChanges},
              {"lastRefusal", p.lastRefusal},
              {"lastRefusalAt", p.lastRefusalMs}};
}

TrustedPeer fromJson(const json& j) {
  TrustedPeer p;
  p.publicKey = j.at("key").get<std::string>();
  p.name = j.value("name", "");
  p.addresses = j.value("addresses", std::vector<std::string>{});
  p.addedMs = j.value("added", std::int64_t{0});
  p.lastContactMs = j.value("lastContact", std::int64_t{0});
  p.lastSyncMs = j.value("lastSync", std::int64_t{0});
  p.state = j.value("state", "trusted") == "revoked" ? TrustState::Revoked : TrustState::Trusted;
  p.nodeId = j.value("nodeId", "");
  p.lastError = j.value("lastError", "");
  p.verifiedEqualMs = j.value("verifiedEqual", std::int64_t{0});
  p.refusedChanges = j.value("refusedChanges", std::uint64_t{0});
  p.lastRefusal = j.value("lastRefusal", "");
  p.lastRefusalMs = j.value("lastRefusalAt", std::int64_t{0});
  if (auto it = j.find("versionVector"); it != j.end() && it->is_object()) {
    for (const auto& [hex, seq] : it->items()) {
      p.versionVector[std::stoull(hex, nullptr, 16)] = seq.get<std::uint64_t>();
    }
  }
  return p;
}

}  // namespace

std::string_view trustStateName(TrustState state) {
  return state == TrustState::Trusted ? "trusted" : "revoked";
}

Result<TrustStore> TrustStore::open(const std::string& dataDir) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  TrustStore store;
  store.dir_ = *dir;
  store.file_ = *dir + "/peers.json";
  store.lockFile_ = *dir + "/peers.lock";
  FileLock lock(store.lockFile_);
  if (auto r = store.load(); !r) return std::unexpected(r.error());
  return store;
}

TrustStore::FileStamp TrustStore::stampOfFile() const {
  struct stat st {};
  if (::stat(file_.c_str(), &st) != 0) return FileStamp{};
  return FileStamp{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<std::int64_t>(st.st_size), static_cast<std::uint64_t>(st.st_ino)};
}

Result<void> TrustStore::load() {
  FileStamp stamp = stampOfFile();
  std::ifstream in(file_);
  if (!in) {
    peers_.clear();
    stamp_ = stamp;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    json doc = json::parse(ss.str());
    std::vector<TrustedPeer> peers;
    for (const auto& j : doc.at("peers")) {
      TrustedPeer p = fromJson(j);
      if (isValidPublicKey(p.publicKey)) peers.push_back(std::move(p));
    }
    peers_ = std::move(peers);
  } catch (const std::exception& e) {
    return fail("信任列表损坏：" + file_ + " / corrupt trust list " + file_ + ": " + e.what());
  }
  stamp_ = stamp;
  return {};
}

Result<void> TrustStore::save() {
  json doc{{"version", 1}, {"peers", json::array()}};
  for (const auto& p : peers_) doc["peers"].push_back(toJson(p));
  std::string text = doc.dump(2) + "\n";
  std::string tmp = file_ + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail("无法写入 " + tmp + " / cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return fail("无法写入 " + file_ + " / cannot write " + file_);
  }
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  stamp_ = stampOfFile();
  return {};
}

const TrustedPeer* TrustStore::findByKey(std::string_view publicKey) const {
  for (const auto& p : peers_) {
    if (p.publicKey == publicKey) return &p;
  }
  return nullptr;
}

bool TrustStore::isTrusted(std::string_view publicKey) const {
  const TrustedPeer* p = findByKey(publicKey);
  return p != nullptr && p->state == TrustState::Trusted;
}

Result<void> TrustStore::update(const std::function<void(std::vector<TrustedPeer>&)>& change) {
  FileLock lock(lockFile_);
  if (!lock.ok()) return fail("无法锁定 " + lockFile_ + " / cannot lock " + lockFile_);
  if (auto r = load(); !r) return r;
  change(peers_);
  return save();
}

Result<TrustedPeer> TrustStore::trust(const std::string& publicKey, const std::string& name,
                                      const std::string& address, std::int64_t nowMs) {
  if (!isValidPublicKey(publicKey)) {
    return fail("无效的公钥（应为 40 个 Z85 字符）/ invalid public key (expected 40 Z85 characters)");
  }
  if (!address.empty() && address.rfind("tcp://", 0) != 0) {
    return fail("地址应为 tcp://HOST:PORT / address must look like tcp://HOST:PORT");
  }
  TrustedPeer result;
  auto r = update([&](std::vector<TrustedPeer>& peers) {
    auto it = std::find_if(peers.begin(), peers.end(),
                           [&](const TrustedPeer& p) { return p.publicKey == publicKey; });
    if (it == peers.end()) {
      TrustedPeer p;
      p.publicKey = publicKey;
      p.addedMs = nowMs;
      peers.push_back(std::move(p));
      it = std::prev(peers.end());
    }
    it->state = TrustState::Trusted;
    it->lastError.clear();
    if (!name.empty()) it->name = name;
    if (it->name.empty()) it->name = fingerprintOf(publicKey).substr(0, 9);
    if (!address.empty()) {
      std::erase(it->addresses, address);
      it->addresses.insert(it->addresses.begin(), address);
    }
    result = *it;
  });
  if (!r) return std::unexpected(r.error());
  std::erase_if(discovered_, [&](const DiscoveredPeer& d) { return d.publicKey == publicKey; });
  return result;
}

Result<TrustedPeer> TrustStore::revoke(const std::string& keyOrName) {
  std::optional<Error> problem;
  TrustedPeer result;
  auto r = update([&](std::vector<TrustedPeer>& peers) {
    std::vector<TrustedPeer*> matches;
    for (auto& p : peers) {
      if (p.publicKey == keyOrName) {
        matches = {&p};
        break;
      }
      if (p.name == keyOrName) matches.push_back(&p);
    }
    if (matches.empty()) {
      problem = Error{"没有这个节点：" + keyOrName + " / no such peer: " + keyOrName};
    } else if (matches.size() > 1) {
      problem = Error{"名称不唯一，请用公钥撤销：" + keyOrName +
                      " / more than one peer has this name: revoke by key"};
    } else {
      matches[0]->state = TrustState::Revoked;
      result = *matches[0];
    }
  });
  if (!r) return std::unexpected(r.error());
  if (problem) return std::unexpected(*problem);
  return result;
}

Result<bool> TrustStore::reloadIfChanged() {
  if (stampOfFile() == stamp_) return false;
  FileLock lock(lockFile_);
  if (auto r = load(); !r) return std::unexpected(r.error());
  return true;
}

void TrustStore::noteDiscovered(DiscoveredPeer peer) {
  auto it = std::find_if(discovered_.begin(), discovered_.end(), [&](const DiscoveredPeer& d) {
    return d.publicKey == peer.publicKey;
  });
  if (it == discovered_.end()) {
    if (discovered_.size() >= kMaxDiscovered) {
      auto oldest = std::min_element(
          discovered_.begin(), discovered_.end(),
          [](const DiscoveredPeer& a, const DiscoveredPeer& b) { return a.lastSeenMs < b.lastSeenMs; });
      discovered_.erase(oldest);
    }
    discovered_.push_back(std::move(peer));
    return;
  }
  // Keep what an earlier sighting taught us when this one lacks it.
  if (peer.name.empty()) peer.name = it->name;
  if (peer.nodeId.empty()) peer.nodeId = it->nodeId;
  if (peer.address.empty()) peer.address = it->address;
  peer.refused = peer.refused || it->refused;
  *it = std::move(peer);
}

}  // namespace unionsync

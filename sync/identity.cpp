#include "sync/identity.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sodium.h>

#include "store/blake2b.h"
#include <zmq.h>

namespace unionsync {
namespace {

constexpr std::string_view kFingerprintAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kFingerprintDomain = "unionsync fingerprint v1";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

Result<std::string> readSmallFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("无法读取 " + path + " / cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return trim(ss.str());
}

// Writes `text` to `path` with `mode` unless it exists; false when another writer won.
Result<bool> createExclusive(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail("无法创建 " + tmp + " / cannot create " + tmp + ": " + std::strerror(errno));
  ::fchmod(fd, mode);
  std::string data = text + "\n";
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return fail("无法写入 " + tmp + " / cannot write " + tmp);
  }
  // link() fails if the target exists: the first process to create the key wins.
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) return false;
    return fail("无法创建 " + path + " / cannot create " + path + ": " + std::strerror(err));
  }
  return true;
}

}  // namespace

Result<std::string> syncDirectory(const std::string& dataDir) {
  if (dataDir.empty()) return fail("未指定数据目录 / no data directory given");
  std::string dir = dataDir + "/sync";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail("无法创建 " + dir + " / cannot create " + dir + ": " + std::strerror(errno));
  }
  return dir;
}

Result<Identity> loadOrCreateIdentity(const std::string& dataDir) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  const std::string secretPath = *dir + "/curve.key";
  const std::string publicPath = *dir + "/curve.pub";

  struct stat st {};
  if (::stat(secretPath.c_str(), &st) != 0) {
    char pub[41] = {};
    char sec[41] = {};
    // Z85 keys may start with '-', which a command line reads as an option (`peer trust KEY`
    // would fail): draw again until the public key does not (1 in 85 draws).
    do {
      if (zmq_curve_keypair(pub, sec) != 0) {
        return fail("无法生成 CURVE 密钥 / cannot generate a CURVE key pair: " +
                    std::string(zmq_strerror(zmq_errno())));
      }
    } while (pub[0] == '-');
    // The first process to link its secret key file wins; the others read the winner's.
    auto created = createExclusive(secretPath, sec, 0600);
    sodium_memzero(sec, sizeof sec);
    if (!created) return std::unexpected(created.error());
  }

  auto secret = readSmallFile(secretPath);
  if (!secret) return std::unexpected(secret.error());
  if (::stat(secretPath.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    ::chmod(secretPath.c_str(), 0600);
  }
  std::array<std::uint8_t, 32> secretRaw{};
  if (secret->size() != 40 || zmq_z85_decode(secretRaw.data(), secret->c_str()) == nullptr) {
    return fail("密钥文件损坏：" + secretPath + " / corrupt key file " + secretPath);
  }
  char pub[41] = {};
  if (zmq_curve_public(pub, secret->c_str()) != 0) {
    return fail("密钥文件损坏：" + secretPath + " / corrupt key file " + secretPath);
  }
  sodium_memzero(secretRaw.data(), secretRaw.size());
  Identity id;
  id.publicKey = pub;
  id.secretKey = *secret;
  id.fingerprint = fingerprintOf(id.publicKey);
  // curve.pub is for people and scripts; derived from the secret key, so rewrite if missing.
  if (::stat(publicPath.c_str(), &st) != 0) (void)createExclusive(publicPath, id.publicKey, 0644);
  return id;
}

Result<SigningKeyPair> loadOrCreateSigningKey(const std::string& dataDir) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  const std::string path = *dir + "/sign.key";
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    randombytes_buf(seed.data(), seed.size());
    std::array<char, 2 * crypto_sign_SEEDBYTES + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), seed.data(), seed.size());
    // The first process to link its key file wins; the others read the winner's.
    auto created = createExclusive(path, hex.data(), 0600);
    sodium_memzero(hex.data(), hex.size());
    if (!created) return std::unexpected(created.error());
  }
  auto text = readSmallFile(path);
  if (!text) return std::unexpected(text.error());
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) ::chmod(path.c_str(), 0600);
  std::size_t decoded = 0;
  if (text->size() != 2 * seed.size() ||
      sodium_hex2bin(seed.data(), seed.size(), text->data(), text->size(), nullptr, &decoded, nullptr) != 0 ||
      decoded != seed.size()) {
    sodium_memzero(text->data(), text->size());
    return fail("签名密钥文件损坏：" + path + " / corrupt signing key file " + path);
  }
  sodium_memzero(text->data(), text->size());
  SigningKeyPair pair;
  crypto_sign_seed_keypair(pair.publicKey.data(), pair.secretKey.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

namespace {

std::string rootKeyPath(const std::string& syncDir) { return syncDir + "/root.pub"; }

Result<std::optional<SigningPublicKey>> readRootKey(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::optional<SigningPublicKey>{};
  auto text = readSmallFile(path);
  if (!text) return std::unexpected(text.error());
  auto raw = bytesOfHex(*text);
  if (!raw || raw->size() != 32) return fail("根节点公钥文件损坏：" + path + " / corrupt root key file " + path);
  SigningPublicKey key{};
  std::copy(raw->begin(), raw->end(), key.begin());
  return std::optional<SigningPublicKey>{key};
}

}  // namespace

Result<std::optional<SigningPublicKey>> loadRootKey(const std::string& dataDir) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  return readRootKey(rootKeyPath(*dir));
}

Result<SigningPublicKey> adoptRootKey(const std::string& dataDir, const SigningPublicKey& key) {
  auto dir = syncDirectory(dataDir);
  if (!dir) return std::unexpected(dir.error());
  const std::string hex = hexOf(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  if (auto created = createExclusive(rootKeyPath(*dir), hex, 0644); !created)
    return std::unexpected(created.error());
  auto held = readRootKey(rootKeyPath(*dir));
  if (!held) return std::unexpected(held.error());
  if (!*held) return fail("无法记录根节点公钥 / could not record the root key");
  return **held;
}

std::optional<std::array<std::uint8_t, 32>> rawOfZ85Key(std::string_view z85) {
  if (z85.size() != 40) return std::nullopt;
  std::array<std::uint8_t, 32> raw{};
  std::string copy(z85);
  if (zmq_z85_decode(raw.data(), copy.c_str()) == nullptr) return std::nullopt;
  return raw;
}

bool isValidPublicKey(std::string_view z85) { return rawOfZ85Key(z85).has_value(); }

std::string fingerprintOf(std::string_view publicKeyZ85) {
  if (!isValidPublicKey(publicKeyZ85)) return {};
  std::array<std::uint8_t, 32> raw{};
  std::string copy(publicKeyZ85);
  zmq_z85_decode(raw.data(), copy.c_str());
  const auto hash = Blake2b<20>().update(kFingerprintDomain).update(raw.data(), raw.size()).final();
  // 160 bits -> 32 base32 characters, grouped by 4.
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  int chars = 0;
  for (std::uint8_t byte : hash) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      if (chars > 0 && chars % 4 == 0) out += '-';
      out += kFingerprintAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
      ++chars;
    }
  }
  return out;
}

std::string z85OfRawKey(std::string_view raw) {
  if (raw.size() != 32) return {};
  char out[41] = {};
  zmq_z85_encode(out, reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size());
  return out;
}

}  // namespace unionsync

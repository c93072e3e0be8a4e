// Node::backup: LMDB's copy (Store::backup) under a temporary name, watched for progress,
// renamed into place once whole.
#include <sys/stat.h>

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "app/node.h"

namespace unionsync {

namespace {

// Bytes the data file takes on disk (it is sparse: less than its length); 0 when it is not
// there.
std::uint64_t bytesOnDisk(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return std::min<std::uint64_t>(static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_blocks) * 512);
}

std::uint64_t fileBytes(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

// Reports the size of `path` to `hooks` every 100 ms while it lives.
class CopyWatcher {
 public:
  CopyWatcher(const WorkHooks& hooks, std::string path, std::uint64_t bound) {
    if (!hooks.progress) return;
    thread_ = std::thread([this, &hooks, path = std::move(path), bound] {
      std::unique_lock lock(mutex_);
      while (!stopped_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; }))
        hooks.report(fileBytes(path), bound);
    });
  }
  ~CopyWatcher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    stopped_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

Result<Completion> Node::backup(const std::string& file, const WorkHooks& hooks) const {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(file, ec))
    return fail(fmt::format("备份文件 {} 已存在，请换一个文件名 / the backup file {} exists already: choose another name", file,
                            file));
  const std::string temp = file + ".tmp";
  fs::remove(temp, ec);  // left by a backup killed midway
  Result<void> copied;
  {
    CopyWatcher watcher(hooks, temp, bytesOnDisk((fs::path(dataDir_) / "data.mdb").string()));
    copied = store_->backup(temp);
  }
  if (!copied) return std::unexpected(copied.error());
  if (hooks.cancelled()) {
    fs::remove(temp, ec);
    return Completion::Cancelled;
  }
  const std::uint64_t size = fileBytes(temp);
  fs::rename(temp, file, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp, ec);
    return fail(fmt::format("无法写入备份文件 {} / cannot write the backup file: {}", file, reason));
  }
  hooks.report(size, size);
  return Completion::Finished;
}

}  // namespace unionsync

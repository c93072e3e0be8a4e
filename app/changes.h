// The one door through which every part of the program learns that the data changed: a
// write of this process (Node's writes, the GUI's, an import), a batch received by the sync
// engine, a dismissed conflict, or a commit of another process on the same data directory
// (a CLI next to a running GUI or `serve`).
//
// Contract:
// - Owned by Node (Node::changes()); lives as long as the node's store and detaches from it
//   on destruction.
// - sequence() is a counter that grows whenever something was committed since the last time
//   it grew; "changed since S" is sequence() != S. It is cheap (a read of LMDB's shared lock
//   file, no transaction): call it once per frame. It also notices other processes' commits
//   by itself, without any thread.
// - subscribe(wake) calls `wake` soon after every change: at once, on the committing thread,
//   for this process's commits; within pollInterval, on the feed's poll thread, for other
//   processes'. The poll thread runs only while someone is subscribed. A wake must be quick,
//   must not throw, and must not subscribe or unsubscribe; it may read the store (no lock or
//   transaction is held) but should not write it.
// - Every method may be called from any thread. Destroying a Subscription waits for a wake
//   of it that is running on another thread, so what the wake uses may be destroyed after.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace unionsync {

class Store;

class ChangeFeed {
 public:
  static constexpr std::chrono::milliseconds kDefaultPollInterval{100};

  // Hears `store`'s commits (replacing any other commit observer of it). `store` must outlive
  // the feed.
  explicit ChangeFeed(Store& store, std::chrono::milliseconds pollInterval = kDefaultPollInterval);
  ~ChangeFeed();
  ChangeFeed(const ChangeFeed&) = delete;
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  // Grows when the data changed since the last reading (see above); never goes down.
  std::uint64_t sequence() const;

  // Unsubscribes when destroyed or reset (see the contract on waiting).
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept = default;
    Subscription& operator=(Subscription&&) noexcept;
    ~Subscription();
    void reset();
    explicit operator bool() const { return id_ != 0; }

   private:
    friend class ChangeFeed;
    struct Core;
    Subscription(std::shared_ptr<Core> core, std::uint64_t id) : core_(std::move(core)), id_(id) {}
    std::shared_ptr<Core> core_;
    std::uint64_t id_ = 0;
  };
  [[nodiscard]] Subscription subscribe(std::function<void()> wake);

 private:
  std::shared_ptr<Subscription::Core> core_;
};

}  // namespace unionsync

#include "app/changes.h"

#include <map>
#include <vector>

#include "store/store.h"

namespace unionsync {

struct ChangeFeed::Subscription::Core {
  Store* store = nullptr;
  std::chrono::milliseconds interval{};

  std::atomic<std::uint64_t> sequence{0};
  std::mutex seenMutex;
  std::uint64_t seenCommit = 0;  // the store's lastCommitId() when sequence last grew

  std::mutex subscribersMutex;
  std::map<std::uint64_t, std::function<void()>> subscribers;
  std::uint64_t nextId = 1;
  // Held while wakes run, so that unsubscribing can wait for a running one. Recursive: a
  // wake that writes (against the advice) re-enters through the store's observer instead of
  // deadlocking.
  std::recursive_mutex callMutex;

  // The poll thread (started by the first subscribe, joined by ~ChangeFeed).
  std::mutex pollMutex;
  std::condition_variable pollCv;
  bool stop = false;
  std::thread poller;

  // Grows the sequence when the store's commit id moved; true when it did.
  bool check() {
    const std::uint64_t commit = store->lastCommitId();
    std::lock_guard lock(seenMutex);
    if (commit == seenCommit) return false;
    seenCommit = commit;
    sequence.fetch_add(1, std::memory_order_release);
    return true;
  }

  void wakeAll() {
    std::lock_guard calling(callMutex);
    std::vector<std::function<void()>> wakes;
    {
      std::lock_guard lock(subscribersMutex);
      for (const auto& [id, wake] : subscribers) wakes.push_back(wake);
    }
    for (const auto& wake : wakes) wake();
  }

  void changed() {
    if (check()) wakeAll();
  }

  bool anySubscriber() {
    std::lock_guard lock(subscribersMutex);
    return !subscribers.empty();
  }

  void poll() {
    std::unique_lock lock(pollMutex);
    while (!stop) {
      pollCv.wait_for(lock, interval, [&] { return stop; });
      if (stop) break;
      lock.unlock();
      // Nobody to wake: sequence() notices other processes' commits by itself.
      if (anySubscriber()) changed();
      lock.lock();
    }
  }

  void unsubscribe(std::uint64_t id) {
    {
      std::lock_guard lock(subscribersMutex);
      subscribers.erase(id);
    }
    std::lock_guard wait(callMutex);  // a wake of it running elsewhere has finished
  }
};

ChangeFeed::ChangeFeed(Store& store, std::chrono::milliseconds pollInterval)
    : core_(std::make_shared<Subscription::Core>()) {
  core_->store = &store;
  core_->interval = pollInterval;
  core_->seenCommit = store.lastCommitId();
  // The observer keeps the core alive: a call still running when the feed goes may finish.
  store.setCommitObserver([core = core_] { core->changed(); });
}

ChangeFeed::~ChangeFeed() {
  core_->store->setCommitObserver({});
  {
    std::lock_guard lock(core_->pollMutex);
    core_->stop = true;
  }
  core_->pollCv.notify_all();
  if (core_->poller.joinable()) core_->poller.join();
}

std::uint64_t ChangeFeed::sequence() const {
  // A change noticed here is one the poll thread will not notice again: wake for it here.
  core_->changed();
  return core_->sequence.load(std::memory_order_acquire);
}

ChangeFeed::Subscription ChangeFeed::subscribe(std::function<void()> wake) {
  std::uint64_t id = 0;
  {
    std::lock_guard lock(core_->subscribersMutex);
    id = core_->nextId++;
    core_->subscribers.emplace(id, std::move(wake));
  }
  {
    std::lock_guard lock(core_->pollMutex);
    if (!core_->poller.joinable() && !core_->stop) core_->poller = std::thread([core = core_.get()] { core->poll(); });
  }
  return Subscription(core_, id);
}

ChangeFeed::Subscription& ChangeFeed::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    core_ = std::move(other.core_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

ChangeFeed::Subscription::~Subscription() { reset(); }

void ChangeFeed::Subscription::reset() {
  if (core_ && id_ != 0) core_->unsubscribe(id_);
  core_.reset();
  id_ = 0;
}

}  // namespace unionsync

#include "gui/background.h"

#include <utility>

namespace unionsync::gui {

TaskQueue::TaskQueue(std::function<void()> wake, OnClose onClose) : wake_(std::move(wake)), onClose_(onClose) {
  thread_ = std::thread([this] { loop(); });
}

TaskQueue::~TaskQueue() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    if (onClose_ == OnClose::Drop) queue_.clear();
  }
  cv_.notify_all();
  thread_.join();
}

void TaskQueue::post(std::function<Completion()> task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_all();
}

std::size_t TaskQueue::drain() {
  std::vector<Completion> done;
  {
    std::lock_guard lock(mutex_);
    done.swap(done_);
  }
  for (auto& completion : done) completion();
  return done.size();
}

std::size_t TaskQueue::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + running_ + done_.size();
}

void TaskQueue::loop() {
  for (;;) {
    std::function<Completion()> task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to finish
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    Completion completion = task();
    {
      std::lock_guard lock(mutex_);
      done_.push_back(std::move(completion));
      --running_;
    }
    if (wake_) wake_();
  }
}

Job::Job(std::function<void(Control&)> work, std::function<void()> wake) {
  thread_ = std::thread([this, work = std::move(work), wake = std::move(wake)] {
    try {
      work(control_);
    } catch (const std::exception& e) {
      failure_ = e.what();
    }
    finished_ = true;
    if (wake) wake();
  });
}

Job::~Job() {
  control_.cancel = true;
  thread_.join();
}

std::optional<float> Job::fraction() const {
  const std::size_t total = control_.total;
  if (total == 0) return std::nullopt;
  return static_cast<float>(std::min(control_.done.load(), total)) / static_cast<float>(total);
}

ChangeWatch::ChangeWatch(ChangeFeed& feed, std::function<void()> wake) : feed_(feed), seen_(feed.sequence()) {
  if (wake) wake_ = feed_.subscribe(std::move(wake));
}

bool ChangeWatch::changed() {
  const std::uint64_t now = feed_.sequence();
  return std::exchange(seen_, now) != now;
}

}  // namespace unionsync::gui

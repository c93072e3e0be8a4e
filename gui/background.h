// Work off the UI thread.
//
// TaskQueue: one worker thread for the short queries of the views (org tree and counts,
// overview figures, activity lists, conflict lists). A task runs on the worker and returns a
// completion that runs on the UI thread inside drain(), so view state is only ever touched by
// the UI thread and no LMDB transaction crosses a frame.
//
// Job: one long piece of work (import, backup) on its own thread, with progress the UI
// polls and a cancel flag the work checks.
//
// ChangeWatch: the UI's view of the node's change feed (app/changes.h): asked once per frame
// whether the data changed, and wakes the event loop when it did.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/changes.h"

namespace unionsync::gui {

class TaskQueue {
 public:
  using Completion = std::function<void()>;
  // What the destructor does with queued tasks: Drop suits queries (nobody waits for them);
  // Finish suits writes (a save clicked just before closing must still land).
  enum class OnClose { Drop, Finish };
  // `wake` is called on the worker after each task (to wake an idle UI event loop).
  explicit TaskQueue(std::function<void()> wake = {}, OnClose onClose = OnClose::Drop);
  ~TaskQueue();  // finishes the running task (and with Finish the queued ones); drops completions
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Runs `work` on the worker; its result is handed to `done` on the UI thread. An exception
  // from `work` becomes `onError(message)` instead (the program keeps running).
  template <typename R>
  void run(std::function<R()> work, std::function<void(R)> done,
           std::function<void(const std::string&)> onError = {}) {
    post([work = std::move(work), done = std::move(done), onError = std::move(onError)]() -> Completion {
      try {
        auto result = std::make_shared<R>(work());
        return [done, result] { done(std::move(*result)); };
      } catch (const std::exception& e) {
        std::string message = e.what();
        return [onError, message] {
          if (onError) onError(message);
        };
      }
    });
  }

  // Runs the completions of finished tasks (UI thread). Returns how many ran.
  std::size_t drain();
  // Tasks queued or running.
  std::size_t pending() const;

 private:
  void post(std::function<Completion()> task);
  void loop();

  std::function<void()> wake_;
  OnClose onClose_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<Completion()>> queue_;
  std::vector<Completion> done_;
  std::size_t running_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

// A long task with progress and cancellation. The work function gets the job's control
// block; it sets `total`/`done` as it goes and stops early when `cancel` is set.
class Job {
 public:
  struct Control {
    std::atomic<bool> cancel{false};
    std::atomic<std::size_t> done{0};
    std::atomic<std::size_t> total{0};
  };

  // Starts `work` on a new thread; `wake` (may be empty) is called when it ends.
  Job(std::function<void(Control&)> work, std::function<void()> wake = {});
  ~Job();  // cancels and joins
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  void cancel() { control_.cancel = true; }
  bool cancelling() const { return control_.cancel; }
  bool finished() const { return finished_; }
  // Fraction done in [0, 1], or empty while the total is unknown.
  std::optional<float> fraction() const;
  std::size_t done() const { return control_.done; }
  std::size_t total() const { return control_.total; }
  // What an exception escaping the work said (readable once finished()).
  const std::string& failure() const { return failure_; }

 private:
  Control control_;
  std::string failure_;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

// Whether the data changed since the UI last looked, whoever changed it (a view's write, a
// received batch, a dismissed conflict, another process). UI thread only, except `wake`,
// which the feed calls from the committing thread or its poll thread.
class ChangeWatch {
 public:
  // `feed` must outlive the watch; `wake` (may be empty) wakes an idle event loop.
  ChangeWatch(ChangeFeed& feed, std::function<void()> wake);
  // True once for each batch of changes since the previous call (the first call: whether
  // anything changed since construction).
  bool changed();

 private:
  ChangeFeed& feed_;
  std::uint64_t seen_;
  ChangeFeed::Subscription wake_;
};

}  // namespace unionsync::gui

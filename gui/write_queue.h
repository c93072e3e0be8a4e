// The GUI's one door to the store's writes. Every edit a view makes (a form save, remove,
// restore, move, join, leave, a conflict decision, a rename) is a durable LMDB commit that
// waits for fsync; on the UI thread that would freeze the window for as long as the disk takes.
// So a view submits a closure that calls Node and returns its result; the closure runs on the
// writer's own thread, one at a time in submission order (a save followed by a delete lands in
// that order), and the result reaches the view on the UI thread in deliver(), a frame or two
// later. The view need not refresh anything after a write: GuiContext::changes hears it.
// Reads stay on GuiContext::tasks, so a slow query never holds up a write, nor a write a query.
//
// Threads: submit(), deliver() and pending() on the UI thread only; write closures run on the
// writer thread and may use only what they captured by value and the Node (whose methods are
// safe from any thread) — never view state, which the completion touches instead.
// Ownership: destroy the queue before the Node its closures use. Its destructor finishes every
// submitted write (a save clicked just before closing still lands) and drops the completions.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>

#include "gui/background.h"

namespace unionsync::gui {

class WriteQueue {
 public:
  // `wake` is called on the writer after each write (to wake an idle UI event loop).
  explicit WriteQueue(std::function<void()> wake = {});

  // Runs `write` on the writer after every write submitted before it; its result goes to
  // `done` in deliver(). An exception escaping `write` goes to `failed` as its message.
  template <typename R>
  void submit(std::function<R()> write, std::function<void(R)> done, std::function<void(const std::string&)> failed) {
    writes_.run<R>(std::move(write), std::move(done), std::move(failed));
  }
  // Hands the results of finished writes to their views (UI thread). Returns how many.
  std::size_t deliver() { return writes_.drain(); }
  // Writes queued, running, or finished but not delivered.
  std::size_t pending() const { return writes_.pending(); }

 private:
  TaskQueue writes_;
};

}  // namespace unionsync::gui

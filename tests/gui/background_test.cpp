#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "gui/background.h"

using namespace unionsync::gui;

namespace {
template <typename Done>
bool waitUntil(Done done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}
}  // namespace

TEST_CASE("tasks run on the worker and complete on the UI thread") {
  std::atomic<int> wakes{0};
  TaskQueue tasks([&] { ++wakes; });
  const auto ui = std::this_thread::get_id();
  std::thread::id worker;
  int result = 0;
  bool onUi = false;
  tasks.run<int>([&] {
    worker = std::this_thread::get_id();
    return 42;
  },
                 [&](int r) {
                   result = r;
                   onUi = std::this_thread::get_id() == ui;
                 });
  REQUIRE(waitUntil([&] { return wakes > 0; }));
  CHECK(result == 0);  // not before drain()
  CHECK(tasks.drain() == 1);
  CHECK(result == 42);
  CHECK(onUi);
  CHECK(worker != ui);
  CHECK(tasks.pending() == 0);
}

TEST_CASE("an exception in a task becomes an error message") {
  TaskQueue tasks;
  std::string error;
  tasks.run<int>([]() -> int { throw std::runtime_error("磁盘已满 / disk full"); }, [](int) { FAIL("no result"); },
                 [&](const std::string& e) { error = e; });
  REQUIRE(waitUntil([&] { return tasks.drain() > 0 || !error.empty(); }));
  tasks.drain();
  CHECK(error == "磁盘已满 / disk full");
}

TEST_CASE("a job reports progress and stops when cancelled") {
  std::atomic<bool> started{false};
  Job job([&](Job::Control& c) {
    c.total = 100;
    started = true;
    while (!c.cancel) {
      if (c.done < 50) ++c.done;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  REQUIRE(waitUntil([&] { return started && job.done() >= 50; }));
  CHECK(job.fraction().value() == doctest::Approx(0.5));
  CHECK_FALSE(job.finished());
  job.cancel();
  REQUIRE(waitUntil([&] { return job.finished(); }));
  CHECK(job.failure().empty());
}

// Two real Sessions on two real stores joined by two queues of frames moved by hand (no
// sockets), for the session, scenario and mutation tests. A test may look at or rewrite every
// frame on its way (`tamper`), as a lying peer or a damaged wire would.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "sync/session.h"
#include "tests/sync/sync_support.h"

namespace unionsync::testing {

struct Wire {
  std::deque<std::string> toB;
  std::deque<std::string> toA;
  std::size_t maxInFlightToB = 0;
};

struct Pair {
  Wire wire;
  Session a;  // the initiator
  Session b;  // the responder
  // Called with each frame just before it is delivered: its number among the frames this pair
  // delivered (from 0) and its direction. It may change the frame's bytes.
  std::function<void(std::string& frame, std::size_t index, bool toB)> tamper;
  std::size_t delivered = 0;

  Pair(TestNode& na, TestNode& nb, SessionConfig config = {})
      : a(*na.store, na.clock, config, true,
          [this](std::string&& f) {
            wire.toB.push_back(std::move(f));
            wire.maxInFlightToB = std::max(wire.maxInFlightToB, wire.toB.size());
          }),
        b(*nb.store, nb.clock, config, false, [this](std::string&& f) { wire.toA.push_back(std::move(f)); }) {}

  // Delivers frames, alternating directions, until nothing moves or `limit` frames have moved.
  // Returns how many moved.
  std::size_t run(std::size_t limit = SIZE_MAX) {
    std::size_t moved = 0;
    while ((!wire.toB.empty() || !wire.toA.empty()) && moved < limit) {
      if (!wire.toB.empty()) {
        deliver(wire.toB, b, true);
        ++moved;
      }
      if (!wire.toA.empty() && moved < limit) {
        deliver(wire.toA, a, false);
        ++moved;
      }
    }
    return moved;
  }

  // Starts the session and runs it until both sides are quiet: frames, then ticks (which may
  // start a verification), until no frame moves. At most `limit` frames move in all, so a
  // session that would never end fails the test instead of hanging it. Returns the frames moved.
  std::size_t runToEnd(std::size_t limit = 100000) {
    a.start();
    std::size_t moved = 0;
    for (;;) {
      moved += run(limit - moved);
      REQUIRE_MESSAGE(moved < limit, "session still moving frames after ", limit);
      a.tick();
      b.tick();
      if (wire.toB.empty() && wire.toA.empty()) return moved;
    }
  }

 private:
  void deliver(std::deque<std::string>& queue, Session& to, bool toB) {
    std::string f = std::move(queue.front());
    queue.pop_front();
    if (tamper) tamper(f, delivered, toB);
    ++delivered;
    to.onFrame(f);
  }
};

}  // namespace unionsync::testing

// Hybrid logical clock: 48 bits of wall-clock milliseconds and a 16-bit counter, so stamps
// follow real time when clocks agree and still increase when they do not.
#pragma once

#include <cstdint>

#include "store/types.h"

namespace unionsync {

constexpr Hlc hlcFromMs(std::int64_t ms) { return static_cast<Hlc>(ms) << 16; }
constexpr std::int64_t hlcToMs(Hlc hlc) { return static_cast<std::int64_t>(hlc >> 16); }

// The stamp time for a local write: greater than `last` (every reading this node made or
// received), and at least the wall clock.
constexpr Hlc nextHlc(Hlc last, std::int64_t nowMs) {
  Hlc wall = hlcFromMs(nowMs);
  return wall > last ? wall : last + 1;
}

}  // namespace unionsync

// Hybrid logical clock: 48 bits of wall-clock milliseconds and a 16-bit counter, so stamps
// follow real time when clocks agree and still increase when they do not.
//
// Every function here saturates instead of wrapping: a stamp received from a peer may be any
// 64-bit number, and `last + 1` on 2^64-1 would give 0, the "never written" stamp.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "store/types.h"

namespace unionsync {

// The largest millisecond count an HLC can hold (48 bits).
constexpr std::int64_t kMaxHlcMs = (std::int64_t{1} << 48) - 1;

// Milliseconds outside [0, kMaxHlcMs] are clamped to it.
constexpr Hlc hlcFromMs(std::int64_t ms) {
  return static_cast<Hlc>(std::clamp<std::int64_t>(ms, 0, kMaxHlcMs)) << 16;
}
constexpr std::int64_t hlcToMs(Hlc hlc) { return static_cast<std::int64_t>(hlc >> 16); }

// The highest stamp a node whose wall clock reads `nowMs` accepts from a peer or issues
// itself: the last reading of millisecond nowMs + maxAheadMs (both saturate).
constexpr Hlc hlcCap(std::int64_t nowMs, std::int64_t maxAheadMs) {
  std::int64_t ms = nowMs;
  if (maxAheadMs > 0) ms = nowMs > kMaxHlcMs - maxAheadMs ? kMaxHlcMs : nowMs + maxAheadMs;
  return hlcFromMs(ms) | 0xFFFF;
}

// The stamp for a local write: greater than `last` (every reading this node made or
// received), at least the wall clock, and never above `cap`. Returns a value <= last only
// when last >= cap: the caller must then refuse the write (it could not be ordered after
// what this node has seen without passing the cap).
constexpr Hlc nextHlc(Hlc last, std::int64_t nowMs, Hlc cap) {
  Hlc wall = hlcFromMs(nowMs);
  Hlc next = wall > last ? wall : (last == std::numeric_limits<Hlc>::max() ? last : last + 1);
  return std::min(next, cap);
}

}  // namespace unionsync

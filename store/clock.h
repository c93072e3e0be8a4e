// Time and randomness are passed in, so tests control them (DESIGN.md: no global state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace unionsync {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t nowMs() = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  // Fills `size` bytes of `out`.
  virtual void fill(void* out, std::size_t size) = 0;
  std::uint64_t next64() {
    std::uint64_t v = 0;
    fill(&v, sizeof v);
    return v;
  }
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  std::int64_t nowMs() override;
};

// Cryptographic randomness (libsodium).
class SystemRandom final : public Random {
 public:
  void fill(void* out, std::size_t size) override;
};

// A clock tests move by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t startMs) : now_(startMs) {}
  std::int64_t nowMs() override { return now_; }
  void advance(std::int64_t ms) { now_ += ms; }
  void set(std::int64_t ms) { now_ = ms; }

 private:
  std::int64_t now_;
};

// Deterministic randomness for tests and demo data (splitmix64).
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void fill(void* out, std::size_t size) override;
  // Uniform in [0, bound).
  std::uint64_t below(std::uint64_t bound) { return bound == 0 ? 0 : next64() % bound; }

 private:
  std::uint64_t state_;
};

// Local time of `ms` formatted with strftime `format` (e.g. "%Y-%m-%d %H:%M").
std::string localTimeText(std::int64_t ms, const char* format);
// The date of `ms` as YYYY-MM-DD in local time.
inline std::string dateOf(std::int64_t ms) { return localTimeText(ms, "%Y-%m-%d"); }

}  // namespace unionsync

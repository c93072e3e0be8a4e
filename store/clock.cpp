#include "store/clock.h"

#include <sodium.h>

#include <chrono>
#include <ctime>
#include <stdexcept>

namespace unionsync {

std::int64_t SystemClock::nowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void SystemRandom::fill(void* out, std::size_t size) {
  // sodium_init is idempotent and thread-safe; calling it here keeps callers free of setup.
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(out, size);
}

void SeededRandom::fill(void* out, std::size_t size) {
  auto* bytes = static_cast<std::uint8_t*>(out);
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (std::size_t j = 0; j < 8 && i + j < size; ++j) bytes[i + j] = static_cast<std::uint8_t>(z >> (8 * j));
  }
}

std::string localTimeText(std::int64_t ms, const char* format) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char buf[64];
  std::size_t size = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, size);
}

}  // namespace unionsync

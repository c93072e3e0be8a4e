#include "app/demo/demo_sampling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace unionsync::demo {

std::vector<std::size_t> weightedSample(Dice& dice, std::span<const double> weights, std::size_t count) {
  // Efraimidis–Spirakis: each item gets the key u^(1/w); the largest keys win. Compared as
  // log(u)/w to stay exact for small weights.
  std::vector<std::pair<double, std::size_t>> keyed;
  keyed.reserve(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    const double u = (static_cast<double>(dice.below(1ULL << 53)) + 1.0) / 9007199254740993.0;
    keyed.emplace_back(std::log(u) / weights[i], i);
  }
  count = std::min(count, keyed.size());
  std::partial_sort(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count), keyed.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  std::vector<std::size_t> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(keyed[i].second);
  return out;
}

std::int64_t roundYuan(Dice& dice, std::int64_t lo, std::int64_t hi, std::int64_t step) {
  return lo + step * static_cast<std::int64_t>(dice.below(static_cast<std::uint64_t>((hi - lo) / step) + 1));
}

std::string yuanText(std::int64_t fen) { return fmt::format("{}.{:02}", fen / 100, fen % 100); }

std::size_t perMilleOf(Dice& dice, std::int64_t total, int perMille, std::size_t least) {
  const double expected = static_cast<double>(total) * perMille / 1000.0 * dice.between(85, 115) / 100.0;
  return std::max(least, static_cast<std::size_t>(std::lround(expected)));
}

}  // namespace unionsync::demo

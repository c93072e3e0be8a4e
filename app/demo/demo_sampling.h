// Draws the union work generators share: who is picked from a weighted crowd, and amounts
// rounded the way offices grant them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "app/demo/demo_names.h"

namespace unionsync::demo {

// Indices of up to `count` distinct items, drawn without replacement with probability in
// proportion to `weights` (items of weight 0 never), in the order drawn.
std::vector<std::size_t> weightedSample(Dice& dice, std::span<const double> weights, std::size_t count);

// A whole number of yuan in [lo, hi], a multiple of `step` (lo and hi are multiples).
std::int64_t roundYuan(Dice& dice, std::int64_t lo, std::int64_t hi, std::int64_t step);

// Fen as the schema reads yuan: "1234.50".
std::string yuanText(std::int64_t fen);

// `total` × per mille, at least `least`, rounded; a little randomness (±15%) so two years differ.
std::size_t perMilleOf(Dice& dice, std::int64_t total, int perMille, std::size_t least = 0);

}  // namespace unionsync::demo

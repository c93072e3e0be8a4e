// Which records are found by the pinyin of their names (pinyin.h): members, unions and
// employers, through a store index of their title field's nameKeys.
#pragma once

#include <algorithm>
#include <array>

#include "store/schema.h"

namespace unionsync::pinyin {

inline constexpr std::array kIndexedKinds = {Kind::Member, Kind::Organization, Kind::Employer};

inline bool hasIndex(Kind kind) { return std::ranges::find(kIndexedKinds, kind) != kIndexedKinds.end(); }

}  // namespace unionsync::pinyin

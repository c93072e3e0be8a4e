// Vocabulary and identifiers for the demo district (demo_data.cpp): people's names, ID
// numbers, mobiles, credit codes and the names of places, enterprises and shops. The tables
// follow the seed work reports and common usage; every draw comes from a Dice, so a seed
// fixes the whole district.
#pragma once

#include <chrono>
#include <cstdint>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>

#include "store/clock.h"
#include "store/types.h"

namespace unionsync::demo {

// Deterministic draws over SeededRandom.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : random_(seed) {}
  std::uint64_t below(std::uint64_t bound) { return random_.below(bound); }
  // Uniform in [lo, hi].
  int between(int lo, int hi) { return lo + static_cast<int>(random_.below(static_cast<std::uint64_t>(hi - lo) + 1)); }
  bool chance(int perMille) { return random_.below(1000) < static_cast<std::uint64_t>(perMille); }
  template <typename Range>
  const auto& pick(const Range& items) {
    return items[random_.below(std::size(items))];
  }
  RecordId id() {
    RecordId id;
    random_.fill(id.bytes.data(), id.bytes.size());
    return id;
  }

 private:
  SeededRandom random_;
};

struct Weighted {
  std::string_view value;
  int weight;
};
std::string_view pickWeighted(Dice& dice, std::span<const Weighted> items);

// A person's name; given names follow the fashion of the birth year, and about 3% use a rare
// character (堃 喆 淼 䶮 …) of the kind that breaks GBK-only software.
std::string personName(Dice& dice, bool male, int birthYear);
// The surname of a name personName drew (compound ones such as 欧阳 included).
std::string_view surnameOf(std::string_view name);
// A son's or daughter's name: the parent's surname, a given name of the birth year's fashion.
std::string childName(Dice& dice, std::string_view parentName, bool male, int birthYear);
std::string_view ethnicity(Dice& dice);
std::string mobileNumber(Dice& dice);

// The rare characters personName uses (tests look for them).
std::span<const std::string_view> rareNameCharacters();

// Region codes (first 6 digits of an ID number): where locals and migrant workers come from.
// `cityCode` is the 4-digit prefix of the district's city.
std::string localRegion(Dice& dice, std::string_view cityCode);
std::string_view migrantRegion(Dice& dice);

// Resident ID numbers (GB 11643), never the same twice in one district.
class IdNumbers {
 public:
  std::string draw(Dice& dice, std::string_view region, std::chrono::year_month_day birth, bool male);

 private:
  std::unordered_set<std::uint64_t> used_;
};

// The 18-character resident ID number (GB 11643) of these 17 digits (region, birth date,
// sequence) with its check character appended. Precondition: `first17` is 17 ASCII digits.
std::string withIdCheckChar(std::string_view first17);

// A GB 32100 credit code: `prefix` (registration authority and type, "91" for a company,
// "81" for a union), the 6-digit `region`, a GB 11714 organization code and the check.
std::string creditCode(Dice& dice, std::string_view prefix, std::string_view region);

// 1 -> 一, 12 -> 十二, 23 -> 二十三 (1..99), for numbered schools.
std::string chineseNumber(int n);

// Name parts.
// 字号 of two different characters (宏达, 恒信 …), or of four when `longer` (宏达恒信).
std::string brandName(Dice& dice, bool longer = false);
std::span<const std::string_view> streetStems();   // 城关 → 城关街道
std::span<const std::string_view> townNames();     // 五里乡, 柳林镇 …
std::span<const std::string_view> communityWords();  // 幸福 → 幸福社区
std::span<const std::string_view> villageWords();    // 三溪 → 三溪村

}  // namespace unionsync::demo

#include "app/demo/demo_dates.h"

#include <fmt/format.h>

namespace unionsync::demo {

using std::chrono::year_month_day;

Day parseDay(std::string_view iso) {
  auto number = [&](std::size_t at, std::size_t length) { return std::stoi(std::string(iso.substr(at, length))); };
  return Day{std::chrono::year{number(0, 4)} / number(5, 2) / number(8, 2)};
}

std::string isoDate(Day day) {
  year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

Day yearStart(int year) { return Day{std::chrono::year{year} / 1 / 1}; }
int yearOf(Day day) { return static_cast<int>(year_month_day{day}.year()); }

Day dayOf(int year, int month, int day) {
  const auto last = std::chrono::year_month_day_last{std::chrono::year{year} / month / std::chrono::last};
  return Day{std::chrono::year{year} / month / std::min(std::chrono::day{static_cast<unsigned>(day)}, last.day())};
}

Day dayBetween(Dice& dice, Day from, Day to) {
  if (to <= from) return from;
  return from + std::chrono::days{static_cast<int>(dice.below(static_cast<std::uint64_t>((to - from).count()) + 1))};
}

Day yearsAfter(Day day, int years) {
  year_month_day later = year_month_day{day} + std::chrono::years{years};
  if (!later.ok()) later = later.year() / later.month() / std::chrono::last;  // 29 Feb
  return Day{later};
}

}  // namespace unionsync::demo

// Calendar days for the demo district's generators: ISO dates as the schema stores them, and
// draws of days from a Dice.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "app/demo/demo_names.h"

namespace unionsync::demo {

using Day = std::chrono::sys_days;

// "2026-03-05" -> that day. Precondition: an ISO date (what the schema stores).
Day parseDay(std::string_view iso);
std::string isoDate(Day day);

Day yearStart(int year);
int yearOf(Day day);
// `day` of `month` of `year`; the month's last day when `day` is past it.
Day dayOf(int year, int month, int day);

// Uniform in [from, to]; `from` when the range is empty.
Day dayBetween(Dice& dice, Day from, Day to);

// The same day `years` later (28 February for 29 February in a common year).
Day yearsAfter(Day day, int years);

}  // namespace unionsync::demo

// Validation and normalization of what cadres type or import: ID numbers, credit codes,
// mobiles, dates, counts and money. Pure functions: no clock, no locale, no I/O.
//
// Common to every parser here: full-width ASCII (０-９, Ａ-Ｚ, －, ．, ＋ ...) is read as its
// ASCII form, and surrounding whitespace (including the full-width space and the
// non-breaking space) is ignored, because Chinese input methods and Excel copies produce
// both without the typist noticing. Error messages are Chinese, then " / " and English; they
// name the position, length or expected character but never repeat an ID number or mobile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/types.h"

namespace unionsync {

struct IdNumberInfo {
  std::string normalized;  // 18 characters, check character upper case
  std::string birthDate;   // YYYY-MM-DD
  bool male = false;
};

// Resident ID number (GB 11643-1999). Accepts 18 characters (17 digits and a check digit
// or X/x) and legacy 15-digit numbers, which are upgraded by inserting "19" after digit 6
// and appending the computed check character. Fails on a wrong length, a non-digit, a
// wrong check character, or a birth date (digits 7-14) that does not exist, is after
// `today` or is before 1800-01-01. (1800, not 1900: the standard's own example
// 440524188001010014 is born in 1880.) Digit 17 odd means male. Full-width characters are
// read as ASCII; spaces between groups of digits are dropped when 18 or 15 characters remain.
// Precondition: `today` is YYYY-MM-DD.
Result<IdNumberInfo> parseIdNumber(std::string_view text, std::string_view today);

// The GB 11643 check character ('0'-'9' or 'X') of 17 digits.
// Precondition: `first17` is 17 ASCII digits.
char idNumberCheckChar(std::string_view first17);

// Unified social credit code (GB 32100-2015): 18 characters from 0-9 and A-Z without
// I, O, S, V, Z, the last one a check character. Lower case is accepted and upper-cased.
// Returns the normalized code; fails on a wrong length, a character outside the alphabet
// or a wrong check character.
Result<std::string> normalizeCreditCode(std::string_view text);

// The GB 32100 check character of the first 17 characters.
// Precondition: `first17` is 17 characters of the code alphabet (upper case).
char creditCodeCheckChar(std::string_view first17);

// As normalizeCreditCode, and the code must start with "81" (registered as a trade union).
Result<std::string> normalizeUnionCreditCode(std::string_view text);

// Mainland mobile number: 11 digits starting with 1. Spaces and dashes anywhere and a
// leading +86 or 86 are dropped. Returns the 11 digits.
Result<std::string> normalizeMobile(std::string_view text);

// A calendar date written as 2024-03-05, 2024-3-5, 2024/3/5, 2024.3.5, 20240305 or
// 2024年3月5日, optionally followed by whitespace and a time H:MM or H:MM:SS (Excel's
// "2024/3/5 0:00"), which is dropped. Both separators must be the same. Returns YYYY-MM-DD;
// fails on other forms and on dates that do not exist (2023-02-29, 2024-04-31, year 0000).
Result<std::string> normalizeDate(std::string_view text);

// The largest count parseCount accepts: a sum of 10^7 such counts still fits in int64, so
// statistics summed over every record of a deployment cannot overflow. (Fields have tighter
// bounds of their own, FieldDef::maxCount.)
constexpr std::int64_t kMaxCountValue = 99'999'999'999;

// A non-negative integer of at most 11 significant digits (at most kMaxCountValue; leading
// zeros are ignored), optionally followed by a unit as spreadsheets write one ("23人",
// "36个月", "2026年": 人 名 个 家 件 次 户 年 月 个月 条 项 份). Fails on signs, decimals,
// thousands separators and any other character.
Result<std::int64_t> parseCount(std::string_view text);

// An amount in yuan -> integer fen. Accepts an optional leading ¥ or ￥, an optional
// trailing 元, thousands separators in groups of three ("1,234.50") and up to 2 decimals
// (further decimals only if they are zeros: "12.500"); or ten-thousands with 万 ("2.7万",
// "80万元", up to 6 decimals). At most 15 digits before the point.
// Fails on negative amounts, misplaced separators and anything else.
Result<std::int64_t> parseYuanToFen(std::string_view text);

// Fen -> yuan with exactly two decimals and no separators: 123450 -> "1234.50",
// -5 -> "-0.05". parseYuanToFen(formatFen(x)) == x for 0 <= x < 10^17.
std::string formatFen(std::int64_t fen);

// For lists: an ID number keeps its first 6 and last 4 characters, the rest become '*'
// (110105********002X). Strings of 5-10 characters (other document types) keep only the
// last 4; strings of 4 or fewer are masked completely. Counts UTF-8 characters, not bytes.
std::string maskIdNumber(std::string_view normalized);

}  // namespace unionsync

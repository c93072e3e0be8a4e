#include "store/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <vector>

namespace unionsync {
namespace {

constexpr std::string_view kSpaces = " \t\r\n";
constexpr std::array<int, 17> kIdWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdCheckChars = "10X98765432";
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
// The standard's own example (440524188001010014) is born in 1880, so 1900 would be too strict.
constexpr std::string_view kEarliestBirthDate = "1800-01-01";
// 15 digits of yuan is 10^17 fen, far inside int64 even after the two decimals are added.
constexpr std::size_t kMaxYuanDigits = 15;
constexpr std::size_t kMaxCountDigits = 11;  // kMaxCountValue has 11 digits

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// True for the empty string: callers check emptiness first, with their own message.
bool isDigits(std::string_view s) { return std::ranges::all_of(s, isDigit); }

// Precondition: at most 18 digits, so the value cannot overflow.
std::int64_t toInt(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpaces) - first + 1);
}

bool takePrefix(std::string_view& rest, std::string_view prefix) {
  if (!rest.starts_with(prefix)) return false;
  rest.remove_prefix(prefix.size());
  return true;
}

// Splits UTF-8 into characters. A stray byte becomes a character of its own, so lengths and
// positions in messages stay meaningful for malformed input too.
std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = 1;
    if (static_cast<unsigned char>(text[i]) >= 0xC0) {
      while (n < 4 && i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) {
        ++n;
      }
    }
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

// Malformed sequences decode to U+FFFD so they never match a character we translate.
char32_t codePoint(std::string_view ch) {
  const auto byte = [ch](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(ch[k])); };
  switch (ch.size()) {
    case 1:
      return byte(0) < 0x80 ? byte(0) : U'\uFFFD';
    case 2:
      return (byte(0) & 0x1F) << 6 | (byte(1) & 0x3F);
    case 3:
      return (byte(0) & 0x0F) << 12 | (byte(1) & 0x3F) << 6 | (byte(2) & 0x3F);
    default:
      return (byte(0) & 0x07) << 18 | (byte(1) & 0x3F) << 12 | (byte(2) & 0x3F) << 6 | (byte(3) & 0x3F);
  }
}

// Full-width ASCII and odd spaces to ASCII, then trimmed (the header says why).
std::string cleanInput(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::string_view ch : characters(text)) {
    const char32_t cp = codePoint(ch);
    if (cp == U'\u3000' || cp == U'\u00A0') {
      out += ' ';
    } else if (cp >= U'\uFF01' && cp <= U'\uFF5E') {
      out += static_cast<char>(cp - 0xFEE0);
    } else {
      out += ch;
    }
  }
  return std::string(trimmed(out));
}

// ---- dates ----------------------------------------------------------------------------

struct Ymd {
  int year = 0;
  int month = 0;
  int day = 0;
};

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

bool isRealDate(const Ymd& d) {
  static constexpr std::array<int, 12> kDaysInMonth{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1) return false;
  const int leapDay = d.month == 2 && isLeapYear(d.year) ? 1 : 0;
  return d.day <= kDaysInMonth[d.month - 1] + leapDay;
}

std::string zeroPadded(int value, std::size_t width) {
  std::string digits = std::to_string(value);
  return std::string(width - std::min(width, digits.size()), '0') + digits;
}

// Also used for impossible dates, so a message can show what was read (1990-02-30).
std::string formatDate(const Ymd& d) {
  return zeroPadded(d.year, 4) + "-" + zeroPadded(d.month, 2) + "-" + zeroPadded(d.day, 2);
}

// Reads minDigits..maxDigits digits off the front of `rest`; more digits than that fail.
std::optional<int> takeNumber(std::string_view& rest, std::size_t minDigits, std::size_t maxDigits) {
  std::size_t n = 0;
  while (n < rest.size() && n <= maxDigits && isDigit(rest[n])) ++n;
  if (n < minDigits || n > maxDigits) return std::nullopt;
  const auto value = static_cast<int>(toInt(rest.substr(0, n)));
  rest.remove_prefix(n);
  return value;
}

// "H:MM" or "H:MM:SS": the time is dropped, but it must be a real time of day.
bool isTimeOfDay(std::string_view rest) {
  const auto hour = takeNumber(rest, 1, 2);
  if (!hour || *hour > 23 || !takePrefix(rest, ":")) return false;
  const auto minute = takeNumber(rest, 2, 2);
  if (!minute || *minute > 59) return false;
  if (rest.empty()) return true;
  if (!takePrefix(rest, ":")) return false;
  const auto second = takeNumber(rest, 2, 2);
  return second && *second <= 59 && rest.empty();
}

bool isTimeSuffix(std::string_view rest) {
  const auto start = rest.find_first_not_of(kSpaces);
  return start != 0 && start != std::string_view::npos && isTimeOfDay(rest.substr(start));
}

// Year, month and day as written, without checking that the date exists.
std::optional<Ymd> parseDateParts(std::string_view text) {
  if (text.size() == 8 && isDigits(text)) {
    return Ymd{static_cast<int>(toInt(text.substr(0, 4))), static_cast<int>(toInt(text.substr(4, 2))),
               static_cast<int>(toInt(text.substr(6, 2)))};
  }
  std::string_view rest = text;
  const auto year = takeNumber(rest, 4, 4);
  if (!year) return std::nullopt;
  std::string_view afterMonth;
  std::string_view afterDay;
  if (takePrefix(rest, "年")) {
    afterMonth = "月";
    afterDay = "日";
  } else if (!rest.empty() && std::string_view("-/.").contains(rest[0])) {
    afterMonth = rest.substr(0, 1);
    rest.remove_prefix(1);
  } else {
    return std::nullopt;
  }
  const auto month = takeNumber(rest, 1, 2);
  if (!month || !takePrefix(rest, afterMonth)) return std::nullopt;
  const auto day = takeNumber(rest, 1, 2);
  if (!day || !takePrefix(rest, afterDay)) return std::nullopt;
  if (!rest.empty() && !isTimeSuffix(rest)) return std::nullopt;
  return Ymd{*year, *month, *day};
}

// ---- ID numbers -----------------------------------------------------------------------

// Checks digits 7-14 of the 17 leading digits; returns the birth date as YYYY-MM-DD.
Result<std::string> idBirthDate(std::string_view first17, std::string_view today) {
  const Ymd birth{static_cast<int>(toInt(first17.substr(6, 4))),
                  static_cast<int>(toInt(first17.substr(10, 2))),
                  static_cast<int>(toInt(first17.substr(12, 2)))};
  const std::string date = formatDate(birth);
  if (!isRealDate(birth)) {
    return fail("身份证号中的出生日期不存在：" + date +
                " / birth date in the ID number does not exist: " + date);
  }
  if (date < kEarliestBirthDate) {
    return fail("身份证号中的出生日期早于1800年：" + date +
                " / birth date in the ID number is before 1800: " + date);
  }
  if (date > today) {
    return fail("身份证号中的出生日期晚于今天：" + date +
                " / birth date in the ID number is in the future: " + date);
  }
  return date;
}

// The message for the first character that cannot be in an ID number, naming its position.
std::optional<std::string> idCharacterError(const std::vector<std::string_view>& chars) {
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const std::string_view ch = chars[i];
    const bool isCheckPosition = i == 17;
    if (ch.size() == 1 && (isDigit(ch[0]) || (isCheckPosition && (ch[0] == 'X' || ch[0] == 'x')))) {
      continue;
    }
    if (isCheckPosition) {
      return "身份证号第18位应为数字或X / ID number character 18 must be a digit or X";
    }
    const std::string position = std::to_string(i + 1);
    return "身份证号第" + position + "位应为数字 / ID number character " + position + " must be a digit";
  }
  return std::nullopt;
}

// ---- credit codes ---------------------------------------------------------------------

std::string creditCharacterError(std::size_t index, std::string_view ch) {
  const std::string position = std::to_string(index + 1);
  const std::string shown(ch);
  if (shown.size() == 1 && std::string_view("IOSVZ").contains(shown[0])) {
    return "统一社会信用代码第" + position + "位是字母" + shown +
           "，代码中不使用字母I、O、S、V、Z / character " + position + " is the letter " + shown +
           ", which credit codes never use";
  }
  return "统一社会信用代码第" + position + "位“" + shown + "”不是数字或字母 / character " + position +
         " of the credit code must be a digit or a letter";
}

// ---- money ----------------------------------------------------------------------------

// "1,234,567" -> "1234567". Empty when separators are present but not in groups of three,
// so that a decimal comma ("1,5") is refused instead of read as 15.
std::optional<std::string> withoutThousandsSeparators(std::string_view whole) {
  const auto firstComma = whole.find(',');
  if (firstComma == std::string_view::npos) return std::string(whole);
  if (firstComma == 0 || firstComma > 3) return std::nullopt;
  std::string out(whole.substr(0, firstComma));
  for (std::string_view rest = whole.substr(firstComma); !rest.empty(); rest.remove_prefix(4)) {
    if (rest.size() < 4 || rest[0] != ',') return std::nullopt;
    out += rest.substr(1, 3);
  }
  return out;
}

std::string_view withoutCurrencyMarks(std::string_view amount) {
  if (!takePrefix(amount, "¥")) takePrefix(amount, "￥");
  if (amount.ends_with("元")) amount.remove_suffix(std::string_view("元").size());
  return trimmed(amount);
}

}  // namespace

// ---- public functions -----------------------------------------------------------------

char idNumberCheckChar(std::string_view first17) {
  assert(first17.size() == 17 && isDigits(first17));
  int sum = 0;
  for (std::size_t i = 0; i < kIdWeights.size(); ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdCheckChars[static_cast<std::size_t>(sum % 11)];
}

Result<IdNumberInfo> parseIdNumber(std::string_view text, std::string_view today) {
  // Spaces typed to group the digits ("110105 19491231 002X") are not part of the number;
  // a space where a digit should be ("110105 9491231002X") is reported where it is.
  std::string id = cleanInput(text);
  if (id.find(' ') != std::string::npos) {
    std::string grouped = id;
    std::erase(grouped, ' ');
    if (grouped.size() == 18 || grouped.size() == 15) id = std::move(grouped);
  }
  const auto chars = characters(id);
  if (chars.empty()) return fail("身份证号为空 / ID number is empty");
  if (chars.size() != 18 && chars.size() != 15) {
    const std::string length = std::to_string(chars.size());
    return fail("身份证号应为18位（或旧版15位），实为" + length +
                "位 / ID number must have 18 (or legacy 15) characters, got " + length);
  }
  if (auto error = idCharacterError(chars)) return fail(std::move(*error));

  // From here on `id` is ASCII. A legacy number lacks the century and the check character.
  const bool legacy = id.size() == 15;
  const std::string first17 = legacy ? id.substr(0, 6) + "19" + id.substr(6) : id.substr(0, 17);
  auto birthDate = idBirthDate(first17, today);
  if (!birthDate) return std::unexpected(std::move(birthDate.error()));
  const char check = idNumberCheckChar(first17);
  if (!legacy && (id[17] == 'x' ? 'X' : id[17]) != check) {
    // An 18-digit number typed into a spreadsheet as a number keeps 15 digits: "…000".
    if (id.ends_with("000"))
      return fail(std::string("身份证号校验位错误，应为") + check +
                  "；末三位是 000，多半是表格把号码存成了数字：请把该列设为文本格式后重新填写 / ID number check character "
                  "is wrong, expected " + check +
                  "; it ends in 000, most likely a spreadsheet stored it as a number: format the column as text and type "
                  "the numbers again");
    return fail(std::string("身份证号校验位错误，应为") + check +
                " / ID number check character is wrong, expected " + check);
  }
  return IdNumberInfo{first17 + check, std::move(*birthDate), (first17[16] - '0') % 2 == 1};
}

char creditCodeCheckChar(std::string_view first17) {
  assert(first17.size() == 17);
  std::size_t sum = 0;
  for (std::size_t i = 0; i < kCreditWeights.size(); ++i) {
    const auto value = kCreditAlphabet.find(first17[i]);
    assert(value != std::string_view::npos);
    sum += value * static_cast<std::size_t>(kCreditWeights[i]);
  }
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

Result<std::string> normalizeCreditCode(std::string_view text) {
  std::string code = cleanInput(text);
  for (char& c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const auto chars = characters(code);
  if (chars.empty()) return fail("统一社会信用代码为空 / credit code is empty");
  if (chars.size() != 18) {
    const std::string length = std::to_string(chars.size());
    return fail("统一社会信用代码应为18位，实为" + length + "位 / credit code must have 18 characters, got " +
                length);
  }
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i].size() != 1 || !kCreditAlphabet.contains(chars[i][0])) {
      return fail(creditCharacterError(i, chars[i]));
    }
  }
  const char check = creditCodeCheckChar(std::string_view(code).substr(0, 17));
  if (code[17] != check) {
    return fail(std::string("统一社会信用代码校验位（第18位）错误，应为") + check +
                " / credit code check character (18th) is wrong, expected " + check);
  }
  return code;
}

Result<std::string> normalizeUnionCreditCode(std::string_view text) {
  auto code = normalizeCreditCode(text);
  if (code && !code->starts_with("81")) {
    const std::string prefix = code->substr(0, 2);
    return fail("工会统一社会信用代码应以81开头，此代码以" + prefix +
                "开头，可能是用人单位的代码 / union credit codes start with 81; this one starts with " +
                prefix + ", perhaps it is an employer's code");
  }
  return code;
}

Result<std::string> normalizeMobile(std::string_view text) {
  std::string digits;
  for (char c : cleanInput(text)) {
    if (c != '-' && !kSpaces.contains(c)) digits += c;
  }
  if (digits.empty()) return fail("手机号为空 / mobile number is empty");
  if (digits.starts_with('+')) {
    if (!digits.starts_with("+86")) {
      return fail("只支持中国大陆手机号（+86） / only mainland China (+86) mobile numbers are supported");
    }
    digits.erase(0, 3);
  } else if (digits.size() == 13 && digits.starts_with("86")) {
    digits.erase(0, 2);
  }
  if (!isDigits(digits)) {
    return fail(
        "手机号只能包含数字、空格和短横线 / mobile number may contain only digits, spaces and dashes");
  }
  if (digits.size() != 11) {
    const std::string length = std::to_string(digits.size());
    return fail("手机号应为11位数字，实为" + length + "位 / mobile number must have 11 digits, got " +
                length);
  }
  if (digits[0] != '1') {
    return fail(
        "手机号应以1开头，这可能是座机号码 / mobile numbers start with 1; this may be a landline number");
  }
  return digits;
}

Result<std::string> normalizeDate(std::string_view text) {
  const std::string cleaned = cleanInput(text);
  if (cleaned.empty()) return fail("日期为空 / date is empty");
  const auto parts = parseDateParts(cleaned);
  if (!parts) {
    return fail("日期格式无法识别，请写成2024-03-05 / date not recognized, write it like 2024-03-05");
  }
  const std::string date = formatDate(*parts);
  if (!isRealDate(*parts)) return fail("日期不存在：" + date + " / date does not exist: " + date);
  return date;
}

Result<std::int64_t> parseCount(std::string_view text) {
  const std::string count = cleanInput(text);
  if (count.empty()) return fail("数量为空 / count is empty");
  if (count.starts_with('-')) return fail("数量不能为负数 / count cannot be negative");
  if (count.contains('.')) return fail("数量应为整数，不能有小数 / count must be a whole number");
  // A unit after the number, as in spreadsheets ("23人", "36个月", "2026年"), is dropped.
  std::string_view digits = count;
  for (std::string_view unit : {"个月", "人", "名", "个", "家", "件", "次", "户", "年", "月", "条", "项", "份"})
    if (digits.size() > unit.size() && digits.ends_with(unit)) {
      digits = trimmed(digits.substr(0, digits.size() - unit.size()));
      break;
    }
  if (!isDigits(digits)) return fail("数量只能填写数字 / count may contain digits only");
  const auto firstNonZero = digits.find_first_not_of('0');
  const std::string_view significant = firstNonZero == std::string::npos ? "" : digits.substr(firstNonZero);
  if (significant.size() > kMaxCountDigits) {
    return fail("数量过大，最多11位数字 / count is too large (at most 11 digits)");
  }
  return toInt(significant);
}

Result<std::int64_t> parseYuanToFen(std::string_view text) {
  const std::string cleaned = cleanInput(text);
  std::string_view amount = withoutCurrencyMarks(cleaned);
  // "2.7万" as offices write sums: the same digits with the point four places to the right.
  std::string shifted;
  if (amount.ends_with("万")) {
    amount = trimmed(amount.substr(0, amount.size() - std::string_view("万").size()));
    const auto point = amount.find('.');
    std::string fraction(point == std::string_view::npos ? "" : amount.substr(point + 1));
    if (amount.empty() || fraction.contains(',') || (point != std::string_view::npos && fraction.empty()))
      return fail("金额格式无法识别，请写成1234.50或2.7万 / amount not recognized, write it like 1234.50 or 2.7万");
    fraction.resize(std::max<std::size_t>(fraction.size(), 4), '0');
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on the concatenation.
    shifted.append(amount.substr(0, point));
    shifted.append(fraction, 0, 4);
    if (fraction.size() > 4) {
      shifted.push_back('.');
      shifted.append(fraction, 4);
    }
    amount = shifted;
  }
  if (amount.empty()) return fail("金额为空 / amount is empty");
  if (amount.starts_with('-')) return fail("金额不能为负数 / amount cannot be negative");

  const auto point = amount.find('.');
  const std::string_view fraction = point == std::string_view::npos ? "" : amount.substr(point + 1);
  const auto whole = withoutThousandsSeparators(amount.substr(0, point));
  if (!whole) return fail("金额中千分位逗号的位置不对 / thousands separators in the amount are misplaced");
  const bool hasPoint = point != std::string_view::npos;
  if (whole->empty() || !isDigits(*whole) || (hasPoint && (fraction.empty() || !isDigits(fraction)))) {
    return fail("金额格式无法识别，请写成1234.50 / amount not recognized, write it like 1234.50");
  }
  if (fraction.find_first_not_of('0', 2) != std::string_view::npos) {
    return fail("金额最多两位小数（到分） / amount may have at most 2 decimals");
  }
  const auto firstNonZero = whole->find_first_not_of('0');
  const std::string_view yuan =
      firstNonZero == std::string::npos ? "" : std::string_view(*whole).substr(firstNonZero);
  if (yuan.size() > kMaxYuanDigits) return fail("金额过大 / amount is too large");

  const std::int64_t jiao = fraction.size() > 0 ? fraction[0] - '0' : 0;
  const std::int64_t fen = fraction.size() > 1 ? fraction[1] - '0' : 0;
  return toInt(yuan) * 100 + jiao * 10 + fen;
}

std::string formatFen(std::int64_t fen) {
  const bool negative = fen < 0;
  // Through unsigned so that the most negative value has a magnitude too.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(fen) : static_cast<std::uint64_t>(fen);
  const std::uint64_t cents = magnitude % 100;
  // fmt rather than string concatenation: GCC 12 warns falsely (-Wrestrict) on the latter.
  return fmt::format("{}{}.{:02}", negative ? "-" : "", magnitude / 100, cents);
}

std::string maskIdNumber(std::string_view normalized) {
  const auto chars = characters(normalized);
  const std::size_t size = chars.size();
  const std::size_t keepFront = size >= 11 ? 6 : 0;
  const std::size_t keepBack = size >= 5 ? 4 : 0;
  std::string masked;
  for (std::size_t i = 0; i < size; ++i) {
    masked += i < keepFront || i + keepBack >= size ? chars[i] : std::string_view("*");
  }
  return masked;
}

}  // namespace unionsync

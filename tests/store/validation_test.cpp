#include "store/validation.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "store/schema.h"

using namespace unionsync;

namespace {

constexpr std::string_view kToday = "2026-01-15";

std::string withIdCheck(std::string_view first17) {
  return std::string(first17) + idNumberCheckChar(first17);
}

std::string withCreditCheck(std::string_view first17) {
  return std::string(first17) + creditCodeCheckChar(first17);
}

// The message of a failed parse, or "" when it unexpectedly succeeded.
template <typename T>
std::string errorOf(const Result<T>& result) {
  return result ? std::string() : result.error().message;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

// ---- ID numbers -----------------------------------------------------------------------

TEST_CASE("ID number: the GB 11643 examples are valid") {
  const auto woman = parseIdNumber("11010519491231002X", kToday);
  REQUIRE(woman);
  CHECK(woman->normalized == "11010519491231002X");
  CHECK(woman->birthDate == "1949-12-31");
  CHECK_FALSE(woman->male);

  const auto man = parseIdNumber("440524188001010014", kToday);
  REQUIRE(man);
  CHECK(man->normalized == "440524188001010014");
  CHECK(man->birthDate == "1880-01-01");
  CHECK(man->male);
}

TEST_CASE("ID number: check character computation") {
  CHECK(idNumberCheckChar("11010519491231002") == 'X');
  CHECK(idNumberCheckChar("44052418800101001") == '4');
}

TEST_CASE("ID number: lower case x, surrounding spaces and full-width digits are normalized") {
  CHECK(parseIdNumber("11010519491231002x", kToday).value().normalized == "11010519491231002X");
  CHECK(parseIdNumber("  11010519491231002X\t", kToday).value().normalized == "11010519491231002X");
  CHECK(parseIdNumber("\u3000１１０１０５１９４９１２３１００２Ｘ", kToday).value().normalized ==
        "11010519491231002X");
  // Digits typed in groups.
  CHECK(parseIdNumber("110105 19491231 002X", kToday).value().normalized == "11010519491231002X");
  CHECK(parseIdNumber("110105\u300019491231002X", kToday).value().normalized == "11010519491231002X");
  CHECK_FALSE(parseIdNumber("110105 19491231 002", kToday).has_value());
}

TEST_CASE("gender: 男性 and 女性 are read as 男 and 女; anything else is refused") {
  const FieldDef& gender = *findField(Kind::Member, "gender");
  CHECK(normalizeValue(gender, "男性", kToday).value() == "男");
  CHECK(normalizeValue(gender, " 女性 ", kToday).value() == "女");
  CHECK(normalizeValue(gender, "女", kToday).value() == "女");
  CHECK_FALSE(normalizeValue(gender, "中性", kToday).has_value());
  CHECK_FALSE(normalizeValue(gender, "性", kToday).has_value());
  CHECK_FALSE(normalizeValue(gender, "男性别", kToday).has_value());
}

TEST_CASE("ID number: a legacy 15-digit number is upgraded to 18 digits") {
  const auto upgraded = parseIdNumber("110105491231002", kToday);
  REQUIRE(upgraded);
  CHECK(upgraded->normalized == "11010519491231002X");
  CHECK(upgraded->birthDate == "1949-12-31");
  CHECK_FALSE(upgraded->male);
  // The upgraded number is itself a valid 18-digit number.
  CHECK(parseIdNumber(upgraded->normalized, kToday).value().normalized == upgraded->normalized);

  const auto man = parseIdNumber("440524800101001", kToday);
  REQUIRE(man);
  CHECK(man->normalized == withIdCheck("44052419800101001"));
  CHECK(man->birthDate == "1980-01-01");
  CHECK(man->male);
}

TEST_CASE("ID number: a wrong check character names the expected one") {
  const auto wrong = parseIdNumber("110105194912310021", kToday);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message ==
        "身份证号校验位错误，应为X / ID number check character is wrong, expected X");
  CHECK(contains(errorOf(parseIdNumber("440524188001010013", kToday)), "应为4"));
}

TEST_CASE("ID number: a birth date that does not exist is refused") {
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010519900230123"), kToday)),
                 "出生日期不存在：1990-02-30"));
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010519901301123"), kToday)),
                 "出生日期不存在：1990-13-01"));
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010519900100123"), kToday)), "不存在"));
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010519000229123"), kToday)), "1900-02-29"));
  CHECK(parseIdNumber(withIdCheck("11010520000229123"), kToday));  // 2000 is a leap year
  CHECK(contains(errorOf(parseIdNumber("110105900230123", kToday)), "1990-02-30"));
}

TEST_CASE("ID number: a birth date after today or before 1800 is refused") {
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010520260116123"), kToday)), "晚于今天"));
  CHECK(parseIdNumber(withIdCheck("11010520260115123"), kToday));  // born today
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010517991231123"), kToday)), "早于1800年"));
  CHECK(contains(errorOf(parseIdNumber(withIdCheck("11010500011231123"), kToday)), "早于1800年"));
}

TEST_CASE("ID number: a wrong length says what length was found") {
  CHECK(
      errorOf(parseIdNumber("11010519491231002", kToday)) ==
      "身份证号应为18位（或旧版15位），实为17位 / ID number must have 18 (or legacy 15) characters, got 17");
  CHECK(contains(errorOf(parseIdNumber("11010519491231002X1", kToday)), "实为19位"));
  CHECK(contains(errorOf(parseIdNumber("1101054912310", kToday)), "实为13位"));
  CHECK(contains(errorOf(parseIdNumber("1101051949123100号", kToday)), "实为17位"));
  CHECK(errorOf(parseIdNumber("   ", kToday)) == "身份证号为空 / ID number is empty");
}

TEST_CASE("ID number: letters and other characters are refused with their position") {
  CHECK(errorOf(parseIdNumber("11010A19491231002X", kToday)) ==
        "身份证号第6位应为数字 / ID number character 6 must be a digit");
  CHECK(contains(errorOf(parseIdNumber("X10105491231002", kToday)), "第1位应为数字"));
  CHECK(contains(errorOf(parseIdNumber("110105491231X02", kToday)), "第13位应为数字"));
  CHECK(contains(errorOf(parseIdNumber("11010519491231002Y", kToday)), "第18位应为数字或X"));
  CHECK(contains(errorOf(parseIdNumber("1101051949123100X2", kToday)), "第17位应为数字"));
  CHECK(contains(errorOf(parseIdNumber("110105 9491231002X", kToday)), "第7位应为数字"));
  CHECK(contains(errorOf(parseIdNumber("11010519491231002号", kToday)), "第18位"));
}

TEST_CASE("ID number: messages never contain the number itself") {
  const char* inputs[] = {"110105194912310021", "11010519491231002", "11010A19491231002X",
                          "110105199002301231", "110105203001011231"};
  for (const char* input : inputs) {
    const std::string message = errorOf(parseIdNumber(input, kToday));
    REQUIRE_FALSE(message.empty());
    CHECK_FALSE(contains(message, input));
    CHECK(contains(message, " / "));
  }
}

// ---- credit codes ---------------------------------------------------------------------

TEST_CASE("credit code: the well-known valid code passes and its check character is computed") {
  CHECK(creditCodeCheckChar("91350100M000100Y4") == '3');
  CHECK(normalizeCreditCode("91350100M000100Y43").value() == "91350100M000100Y43");
  CHECK(normalizeCreditCode(" 91350100m000100y43 ").value() == "91350100M000100Y43");
  CHECK(normalizeCreditCode("９１３５０１００Ｍ０００１００Ｙ４３").value() == "91350100M000100Y43");
}

TEST_CASE("credit code: codes built with creditCodeCheckChar round-trip") {
  const char* bodies[] = {"91110000600037341", "81440300MC0000000", "5211010000000000Y", "Y1ABCDEFGHJKLMNPQ",
                          "00000000000000000"};
  for (const char* body : bodies) {
    const std::string code = withCreditCheck(body);
    CHECK(normalizeCreditCode(code).value() == code);
  }
}

TEST_CASE("credit code: a wrong check character names the expected one") {
  CHECK(errorOf(normalizeCreditCode("91350100M000100Y44")) ==
        "统一社会信用代码校验位（第18位）错误，应为3 / credit code check character (18th) is wrong, "
        "expected 3");
}

TEST_CASE("credit code: the letters I, O, S, V, Z are refused with their position") {
  for (char letter : std::string_view("IOSVZ")) {
    std::string code = "91350100M000100Y43";
    code[8] = letter;
    const std::string message = errorOf(normalizeCreditCode(code));
    CHECK(contains(message, "第9位是字母" + std::string(1, letter)));
    CHECK(contains(message, "I、O、S、V、Z"));
  }
  CHECK(contains(errorOf(normalizeCreditCode("91350100m000100o43")), "第16位是字母O"));
}

TEST_CASE("credit code: wrong lengths and foreign characters are refused") {
  CHECK(errorOf(normalizeCreditCode("91350100M000100Y4")) ==
        "统一社会信用代码应为18位，实为17位 / credit code must have 18 characters, got 17");
  CHECK(contains(errorOf(normalizeCreditCode("91350100M000100Y431")), "实为19位"));
  CHECK(contains(errorOf(normalizeCreditCode("")), "为空"));
  CHECK(contains(errorOf(normalizeCreditCode("91350100M000100Y4-")), "第18位“-”不是数字或字母"));
  CHECK(contains(errorOf(normalizeCreditCode("91350100M00010工Y43")), "第15位“工”"));
}

TEST_CASE("union credit code: must start with 81") {
  const std::string unionCode = withCreditCheck("81440300MC0000000");
  CHECK(normalizeUnionCreditCode(unionCode).value() == unionCode);
  CHECK(contains(errorOf(normalizeUnionCreditCode("91350100M000100Y43")), "应以81开头，此代码以91开头"));
  // Format errors are reported before the prefix.
  CHECK(contains(errorOf(normalizeUnionCreditCode("91350100M000100Y44")), "校验位"));
}

// ---- mobiles --------------------------------------------------------------------------

TEST_CASE("mobile: common written forms normalize to 11 digits") {
  const char* forms[] = {
      "13812345678",    "138 1234 5678",          "138-1234-5678",          "+86 138 1234 5678",
      "+8613812345678", "8613812345678",          "86-138-1234-5678",       "+86-13812345678",
      " 13812345678\t", "１３８１２３４５６７８", "138\u30001234\u30005678"};
  for (const char* form : forms) {
    CAPTURE(form);
    CHECK(normalizeMobile(form).value() == "13812345678");
  }
}

TEST_CASE("mobile: wrong numbers are refused concretely") {
  CHECK(errorOf(normalizeMobile("1381234567")) ==
        "手机号应为11位数字，实为10位 / mobile number must have 11 digits, got 10");
  CHECK(contains(errorOf(normalizeMobile("138123456789")), "实为12位"));
  CHECK(contains(errorOf(normalizeMobile("010-12345678")), "应以1开头"));
  CHECK(contains(errorOf(normalizeMobile("23812345678")), "应以1开头"));
  CHECK(contains(errorOf(normalizeMobile("+1 555 123 4567")), "+86"));
  CHECK(contains(errorOf(normalizeMobile("1381234567a")), "只能包含数字"));
  CHECK(contains(errorOf(normalizeMobile("(138)12345678")), "只能包含数字"));
  CHECK(contains(errorOf(normalizeMobile(" - ")), "为空"));
  CHECK(contains(errorOf(normalizeMobile("+86")), "实为0位"));
  CHECK_FALSE(contains(errorOf(normalizeMobile("23812345678")), "23812345678"));
}

// ---- dates ----------------------------------------------------------------------------

TEST_CASE("date: all accepted forms normalize to YYYY-MM-DD") {
  const char* forms[] = {"2024-03-05",     "2024-3-5",     "2024/3/5",         "2024.3.5",
                         "20240305",       "2024年3月5日", "2024/3/5 0:00",    "2024-03-05 12:30:59",
                         "2024年03月05日", " 2024/03/05 ", "２０２４－３－５", "2024/3/5 23:59"};
  for (const char* form : forms) {
    CAPTURE(form);
    CHECK(normalizeDate(form).value() == "2024-03-05");
  }
}

TEST_CASE("date: impossible dates are refused and shown") {
  CHECK(errorOf(normalizeDate("2023-02-29")) == "日期不存在：2023-02-29 / date does not exist: 2023-02-29");
  CHECK(normalizeDate("2024-02-29").value() == "2024-02-29");
  CHECK(normalizeDate("2000-2-29").value() == "2000-02-29");
  CHECK(contains(errorOf(normalizeDate("1900-02-29")), "不存在"));
  CHECK(contains(errorOf(normalizeDate("2024-04-31")), "2024-04-31"));
  CHECK(contains(errorOf(normalizeDate("2024-13-01")), "不存在"));
  CHECK(contains(errorOf(normalizeDate("2024-00-10")), "不存在"));
  CHECK(contains(errorOf(normalizeDate("2024-1-0")), "不存在"));
  CHECK(contains(errorOf(normalizeDate("20230229")), "2023-02-29"));
  CHECK(contains(errorOf(normalizeDate("0000-01-01")), "不存在"));
}

TEST_CASE("date: unrecognized forms are refused") {
  const char* forms[] = {"2024-3/5",      "24-3-5",       "2024-003-05",   "2024-3-5-",
                         "2024年3月5",    "2024 3 5",     "3/5/2024",      "2024/3/5 25:00",
                         "2024/3/5 0:60", "2024/3/5 0:0", "2024/3/5T0:00", "2024/3/5 0:00:",
                         "202435",        "abc",          "2024-03-05x",   "2024/3/5 0:00 PM"};
  for (const char* form : forms) {
    CAPTURE(form);
    CHECK(errorOf(normalizeDate(form)) ==
          "日期格式无法识别，请写成2024-03-05 / date not recognized, write it like 2024-03-05");
  }
  CHECK(errorOf(normalizeDate(" ")) == "日期为空 / date is empty");
}

// ---- counts and money -----------------------------------------------------------------

TEST_CASE("count: non-negative integers with surrounding spaces") {
  CHECK(parseCount("0").value() == 0);
  CHECK(parseCount(" 42 ").value() == 42);
  CHECK(parseCount("007").value() == 7);
  CHECK(parseCount("１２").value() == 12);
  CHECK(parseCount("99999999999").value() == kMaxCountValue);
  CHECK(parseCount("000099999999999").value() == kMaxCountValue);  // leading zeros are not digits of the value
}

TEST_CASE("count: a unit after the number, as spreadsheets write one, is dropped") {
  CHECK(parseCount("23人").value() == 23);
  CHECK(parseCount("36个月").value() == 36);
  CHECK(parseCount("2026年").value() == 2026);
  CHECK(parseCount("12 家").value() == 12);
  CHECK(contains(errorOf(parseCount("人")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("23人次")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("-3人")), "不能为负数"));
}

TEST_CASE("count: signs, decimals, other characters and more than 11 digits (INT64_MAX) are refused") {
  CHECK(contains(errorOf(parseCount("-1")), "不能为负数"));
  CHECK(contains(errorOf(parseCount("+1")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("1.5")), "应为整数"));
  CHECK(contains(errorOf(parseCount("12.0")), "应为整数"));
  CHECK(contains(errorOf(parseCount("1e3")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("1,234")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("1 2")), "只能填写数字"));
  CHECK(contains(errorOf(parseCount("")), "为空"));
  CHECK(contains(errorOf(parseCount("1000000000000000000")), "过大"));
  CHECK(contains(errorOf(parseCount("100000000000")), "过大"));
  CHECK(contains(errorOf(parseCount("9223372036854775807")), "过大"));
  // The bound keeps a sum over 10^7 records inside int64 (the statistics counters).
  static_assert(kMaxCountValue <= INT64_MAX / 10'000'000);
}

TEST_CASE("money: yuan amounts become integer fen") {
  CHECK(parseYuanToFen("12.5").value() == 1250);
  CHECK(parseYuanToFen("1,234.50").value() == 123450);
  CHECK(parseYuanToFen("¥80").value() == 8000);
  CHECK(parseYuanToFen("￥80").value() == 8000);
  CHECK(parseYuanToFen("¥ 1,000 元").value() == 100000);
  CHECK(parseYuanToFen("80元").value() == 8000);
  CHECK(parseYuanToFen(" 0.05 ").value() == 5);
  CHECK(parseYuanToFen("0").value() == 0);
  CHECK(parseYuanToFen("12.500").value() == 1250);
  CHECK(parseYuanToFen("12,345,678.9").value() == 1234567890);
  CHECK(parseYuanToFen("１２．５").value() == 1250);
  CHECK(parseYuanToFen("999999999999999.99").value() == 99999999999999999);
  CHECK(parseYuanToFen("000000000000000001").value() == 100);
}

TEST_CASE("money: sums in 万 (ten thousand yuan), as reports write them") {
  CHECK(parseYuanToFen("2.7万").value() == 2'700'000);
  CHECK(parseYuanToFen("80万元").value() == 80'000'000);
  CHECK(parseYuanToFen("3.6 万元").value() == 3'600'000);
  CHECK(parseYuanToFen("1.234567万").value() == 1'234'567);
  CHECK(parseYuanToFen("0.5万").value() == 500'000);
  CHECK_FALSE(parseYuanToFen("1.2345678万").has_value());  // finer than a fen
  CHECK_FALSE(parseYuanToFen("万").has_value());
  CHECK_FALSE(parseYuanToFen("-2万").has_value());
  CHECK_FALSE(parseYuanToFen("1,2万").has_value());
  CHECK_FALSE(parseYuanToFen("2.万").has_value());
}

TEST_CASE("money: malformed, negative and oversized amounts are refused") {
  CHECK(contains(errorOf(parseYuanToFen("12.345")), "最多两位小数"));
  CHECK(contains(errorOf(parseYuanToFen("12.501")), "最多两位小数"));
  CHECK(contains(errorOf(parseYuanToFen("-5")), "不能为负数"));
  CHECK(contains(errorOf(parseYuanToFen("¥-5")), "不能为负数"));
  CHECK(contains(errorOf(parseYuanToFen("1,5")), "千分位"));
  CHECK(contains(errorOf(parseYuanToFen("1,2345")), "千分位"));
  CHECK(contains(errorOf(parseYuanToFen("1234,567")), "千分位"));
  CHECK(contains(errorOf(parseYuanToFen(",123")), "千分位"));
  CHECK(contains(errorOf(parseYuanToFen("1,234,")), "千分位"));
  const char* unrecognized[] = {"abc", "12.", ".5", "1.2.3", "+5", "1 000", "12.5元元", "5 yuan"};
  for (const char* text : unrecognized) {
    CAPTURE(text);
    CHECK(contains(errorOf(parseYuanToFen(text)), "金额格式无法识别"));
  }
  CHECK(contains(errorOf(parseYuanToFen("¥")), "为空"));
  CHECK(contains(errorOf(parseYuanToFen("1000000000000000")), "过大"));
}

TEST_CASE("money: fen are formatted as yuan with two decimals") {
  CHECK(formatFen(123450) == "1234.50");
  CHECK(formatFen(0) == "0.00");
  CHECK(formatFen(5) == "0.05");
  CHECK(formatFen(1250) == "12.50");
  CHECK(formatFen(-1250) == "-12.50");
  CHECK(formatFen(-5) == "-0.05");
  CHECK(formatFen(std::numeric_limits<std::int64_t>::min()) == "-92233720368547758.08");
  CHECK(formatFen(std::numeric_limits<std::int64_t>::max()) == "92233720368547758.07");
  for (std::int64_t fen : {0LL, 1LL, 99LL, 100LL, 123450LL, 99999999999999999LL}) {
    CHECK(parseYuanToFen(formatFen(fen)).value() == fen);
  }
}

// ---- masking --------------------------------------------------------------------------

TEST_CASE("mask: ID numbers keep the first 6 and last 4 characters") {
  CHECK(maskIdNumber("11010519491231002X") == "110105********002X");
  CHECK(maskIdNumber("110105491231002") == "110105*****1002");
  CHECK(maskIdNumber("12345678901") == "123456*8901");
}

TEST_CASE("mask: shorter strings keep at most the last 4 characters") {
  CHECK(maskIdNumber("1234567890") == "******7890");
  CHECK(maskIdNumber("E1234567") == "****4567");
  CHECK(maskIdNumber("12345") == "*2345");
  CHECK(maskIdNumber("1234") == "****");
  CHECK(maskIdNumber("") == "");
  CHECK(maskIdNumber("港A12345") == "***2345");
}

// ---- schema values (normalizeValue) -----------------------------------------------------

TEST_CASE("schema: a count above the field's bound (employees 10^7, INT64_MAX) is refused") {
  const FieldDef& employees = *findField(Kind::Employer, "employees");
  CHECK(normalizeValue(employees, "10000000", kToday).value() == "10000000");
  CHECK(contains(errorOf(normalizeValue(employees, "10000001", kToday)), "上限"));
  CHECK(contains(errorOf(normalizeValue(employees, "9223372036854775807", kToday)), "过大"));
  const FieldDef& cadres = *findField(Kind::Organization, "cadres");
  CHECK(contains(errorOf(normalizeValue(cadres, "100001", kToday)), "above the limit 100000"));
  // Every count field has a bound that keeps a sum over 10^7 records inside int64.
  for (const auto& kind : allKinds())
    for (const auto& field : kind.fields)
      if (field.type == FieldType::Count) CHECK(field.maxCount <= kMaxCountValue);
}

TEST_CASE("schema: dates before 1800 and after today are refused") {
  const FieldDef& founded = *findField(Kind::Organization, "founded");
  CHECK(normalizeValue(founded, "1800-01-01", kToday).value() == "1800-01-01");
  CHECK(contains(errorOf(normalizeValue(founded, "1799-12-31", kToday)), "1800"));
  CHECK(contains(errorOf(normalizeValue(founded, "2026-01-16", kToday)), "晚于今天"));
}

TEST_CASE("schema: a reference in upper case is stored in lower case") {
  const FieldDef& org = *findField(Kind::Member, "org");
  CHECK(normalizeValue(org, std::string(32, 'A'), kToday).value() == std::string(32, 'a'));
  CHECK(contains(errorOf(normalizeValue(org, "not-an-id", kToday)), "记录编号"));
}

TEST_CASE("a field name that matches nothing is answered with the fields that resemble it") {
  auto names = [](std::string_view typed) {
    std::vector<std::string_view> found;
    for (const FieldDef* f : fieldsResembling(Kind::Member, typed)) found.push_back(f->name);
    return found;
  };
  CHECK(names("身份证") == std::vector<std::string_view>{"id_number"});  // part of an alias
  CHECK(names("  ID_Num ") == std::vector<std::string_view>{"id_number"});  // case and spaces
  CHECK(names("所属工会名称") == std::vector<std::string_view>{"org"});  // a label with more around it
  CHECK(names("xyz").empty());
  CHECK(names("").empty());
}

#include "app/io/lost_digits.h"

#include <fmt/format.h>

#include <algorithm>

namespace unionsync {

namespace {

bool isIdNumberField(const FieldDef& field) {
  return field.type == FieldType::IdNumber || (field.type == FieldType::Ref && field.refKind == Kind::Member);
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "1.10105E+17", "1E+10", "1.38e+10": a digit, optionally a point and digits, E+, digits.
bool isScientific(std::string_view s) {
  const auto e = s.find_first_of("eE");
  if (e == std::string_view::npos || e == 0 || e + 2 >= s.size() || s[e + 1] != '+') return false;
  const std::string_view mantissa = s.substr(0, e), exponent = s.substr(e + 2);
  if (!isDigit(mantissa[0]) || !std::ranges::all_of(exponent, isDigit)) return false;
  if (mantissa.size() == 1) return true;
  return mantissa[1] == '.' && mantissa.size() > 2 && std::ranges::all_of(mantissa.substr(2), isDigit);
}

}  // namespace

std::string lostDigitsProblem(const FieldDef& field) {
  if (isIdNumberField(field))
    return "证件号码在表格里存成了数字，末几位已丢失；请把该列设为文本格式后重新填写 / the ID number was stored as a number and "
           "lost its last digits; format the column as text and type them again";
  return fmt::format("{}在表格里存成了数字，超过15位的部分已丢失；请把该列设为文本格式后重新填写 / {} was stored as a number "
                     "and lost its digits past the 15th; format the column as text and type them again",
                     field.zh, field.en);
}

std::string scientificNotationProblem(std::string_view text, const FieldDef* field) {
  if (!field) return {};
  const bool digitsAsText = isIdNumberField(*field) || field->type == FieldType::Mobile ||
                            field->type == FieldType::CreditCode || field->type == FieldType::UnionCreditCode;
  const std::string_view shown = trimSpaces(text);
  if (!digitsAsText || !isScientific(shown)) return {};
  return fmt::format("{}被 Excel 存成了数字，以科学计数法（{}）保存，号码已不完整；请把该列设为文本格式后重新填写 / {} was saved "
                     "by Excel as a number in scientific notation ({}), so the number is incomplete; format the column as "
                     "text and type the numbers again",
                     field->zh, shown, field->en, shown);
}

}  // namespace unionsync

#include "app/records/member_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/records/field_values.h"

namespace unionsync {

bool isResidentIdType(std::string_view idType) { return idType.empty() || idType == "居民身份证"; }

Result<std::string> normalizeOtherIdNumber(const FieldDef& field, std::string_view raw) {
  std::string text(raw);
  std::erase(text, ' ');
  if (text.empty()) return fail(fmt::format("{}: 必填 / required", field.zh));
  return text;
}

std::vector<FieldError> applyIdNumberFacts(const IdNumberInfo& info, FieldValues& values) {
  std::vector<FieldError> errors;
  if (auto birth = valueOf(values, "birth_date"); !birth.empty() && birth != info.birthDate)
    errors.push_back({"birth_date", fmt::format("出生日期{}与身份证号不符（应为{}）/ birth date does not match the ID number "
                                                "(it says {})",
                                                birth, info.birthDate, info.birthDate)});
  const std::string_view gender = info.male ? "男" : "女";
  if (auto given = valueOf(values, "gender"); !given.empty() && given != gender)
    errors.push_back({"gender", fmt::format("性别与身份证号不符（应为{}）/ gender does not match the ID number (it says {})",
                                            gender, info.male ? "male" : "female")});
  setValue(values, "birth_date", info.birthDate);
  setValue(values, "gender", std::string(gender));
  return errors;
}

}  // namespace unionsync

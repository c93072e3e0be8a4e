// Node::validate: the rules every record written through the facade obeys.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "app/federation/federation.h"
#include "app/node.h"
#include "app/records/field_values.h"
#include "app/records/member_rules.h"
#include "app/records/union_work_rules.h"
#include "store/utf8.h"
#include "store/validation.h"

namespace unionsync {

namespace {

// A node certified for a subtree (not the root, not outside a deployment).
bool holdsPartOfTree(const Node& node) {
  const ScopeInfo scope = node.federation().scope();
  return scope.grant && !scope.grant->scope.org.isZero();
}

// A field a person typed that cannot be stored: its name or value is not UTF-8 (a file in
// another encoding, a broken paste) or holds NUL. Empty when both are fine. A bad name is
// not repeated in the message, which must itself be text.
std::optional<FieldError> textError(const std::string& name, const std::string& raw, const FieldDef* field) {
  if (!isValidText(name))
    return FieldError{"", "字段名含有无法识别的字符（不是UTF-8文本或含NUL字符） / a field name is not valid UTF-8 text "
                          "or holds a NUL character"};
  if (isValidText(raw)) return std::nullopt;
  return FieldError{name, fmt::format("{}: 含有无法识别的字符（不是UTF-8文本或含NUL字符），请重新输入 / {}: not valid "
                                      "UTF-8 text or holds a NUL character: type it again",
                                      field ? field->zh : name, field ? field->en : name)};
}

}  // namespace

std::expected<FieldValues, ValidationFailure> Node::validate(Kind kind, const FieldValues& values,
                                                             bool creating,
                                                             const std::optional<RecordId>& id) const {
  ValidationFailure failure;
  FieldValues normalized;
  const std::string today = this->today();
  // An update is checked with the held record's identity (a birth date set alone must still
  // match the ID number held).
  const std::optional<Record> held = id ? store_->get(kind, *id) : std::nullopt;
  auto heldValue = [&](std::string_view name) { return held ? held->get(name) : std::string_view{}; };
  const std::string idType(hasField(values, "id_type") ? valueOf(values, "id_type") : heldValue("id_type"));
  for (const auto& [name, raw] : values) {
    const FieldDef* field = findField(kind, name);
    if (auto error = textError(name, raw, field)) {
      failure.errors.push_back(std::move(*error));
      continue;
    }
    if (!field) {
      failure.errors.push_back({name, fmt::format("没有这个字段：{} / unknown field", name)});
      continue;
    }
    // Other documents than the resident ID card have no checksum: keep them as typed.
    if (field->type == FieldType::IdNumber && !isResidentIdType(idType)) {
      if (auto text = normalizeOtherIdNumber(*field, raw)) normalized.emplace_back(name, std::move(*text));
      else failure.errors.push_back({name, text.error().message});
      continue;
    }
    // A reference may name its record as a person does (a member's ID number, a union's name).
    std::string given = raw;
    if (field->type == FieldType::Ref && !raw.empty() && !RecordId::fromHex(raw)) {
      auto ref = resolve(field->refKind, raw);
      if (!ref) {
        failure.errors.push_back({name, fmt::format("{}: {}", field->zh, ref.error().message)});
        continue;
      }
      given = ref->hex();
    }
    auto value = normalizeValue(*field, given, today);
    if (!value) {
      failure.errors.push_back({name, value.error().message});
      continue;
    }
    if (field->type == FieldType::Ref && !value->empty()) {
      auto target = store_->get(field->refKind, *RecordId::fromHex(*value));
      // A transfer to a union outside this node's part of the tree (which it does not hold):
      // the nodes that hold both places check the destination.
      if (!target && !creating && name == kindDef(kind).ownerField && holdsPartOfTree(*this)) {
        normalized.emplace_back(name, std::move(*value));
        continue;
      }
      if (!target || target->deleted()) {
        failure.errors.push_back({name, fmt::format("{}: 找不到{} {} / no such {}", field->zh,
                                                    kindDef(field->refKind).zh, *value,
                                                    kindDef(field->refKind).en)});
        continue;
      }
      if (kind == Kind::Organization && name == "parent" && id &&
          std::ranges::count(orgTree().subtree(*id, true), *RecordId::fromHex(*value)) > 0) {
        failure.errors.push_back({name, "上级工会不能是自己或下级 / a union cannot be placed under itself"});
        continue;
      }
    }
    normalized.emplace_back(name, std::move(*value));
  }
  // Per-kind rules and derived defaults (an owner taken from the member) before the required
  // fields are checked.
  std::ranges::move(applyRecordRules(*this, kind, normalized, creating ? std::nullopt : held, id),
                    std::back_inserter(failure.errors));
  if (creating)
    for (const auto& field : kindDef(kind).fields)
      if (field.required && valueOf(normalized, field.name).empty() &&
          std::ranges::none_of(failure.errors, [&](const FieldError& e) { return e.field == field.name; }))
        failure.errors.push_back({std::string(field.name), fmt::format("{}: 必填 / required", field.zh)});

  // A member's birth date and gender follow from a resident ID number (the one given, or the
  // one held when an update leaves it alone).
  if (kind == Kind::Member && isResidentIdType(idType)) {
    std::string_view number = valueOf(normalized, "id_number");
    if (number.empty()) number = heldValue("id_number");
    if (!number.empty())
      if (auto info = parseIdNumber(number, today))
        std::ranges::move(applyIdNumberFacts(*info, normalized), std::back_inserter(failure.errors));
  }
  if (!failure.errors.empty()) return std::unexpected(std::move(failure));
  return normalized;
}

}  // namespace unionsync

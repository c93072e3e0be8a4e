// Small helpers over FieldValues (field name -> value pairs as typed), shared by the record
// rules, the writers and the importer.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "app/node.h"
#include "store/schema.h"

namespace unionsync {

// The value of `name`, or empty when the field is absent.
inline std::string_view valueOf(const FieldValues& values, std::string_view name) {
  for (const auto& [field, value] : values)
    if (field == name) return value;
  return {};
}

inline bool hasField(const FieldValues& values, std::string_view name) {
  return std::ranges::any_of(values, [&](const auto& v) { return v.first == name; });
}

// Replaces the value of `name`, or appends the field.
inline void setValue(FieldValues& values, std::string_view name, std::string value) {
  for (auto& [field, v] : values)
    if (field == name) {
      v = std::move(value);
      return;
    }
  values.emplace_back(std::string(name), std::move(value));
}

// When `values` move `existing` to another owner (another union; an organization's parent),
// notes the one it leaves in kMovedFromField, so that the nodes that held it there hear of it.
inline void noteDeparture(const Record& existing, FieldValues& values) {
  const std::string_view owner = kindDef(existing.kind).ownerField;
  if (owner.empty() || !hasField(values, owner)) return;
  const std::string_view from = existing.get(owner);
  if (!from.empty() && valueOf(values, owner) != from) setValue(values, kMovedFromField, std::string(from));
}

// A failure of one field (or of the whole record when `field` is empty).
inline std::unexpected<ValidationFailure> invalid(std::string field, std::string message) {
  return std::unexpected(ValidationFailure{{FieldError{std::move(field), std::move(message)}}});
}

}  // namespace unionsync

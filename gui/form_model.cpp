#include "gui/form_model.h"

#include <algorithm>

namespace unionsync::gui {

std::string formValueOf(const FieldDef& field, std::string_view stored) {
  if (field.type == FieldType::Money && !stored.empty()) return displayValue(field, stored);
  return std::string(stored);
}

FormModel::FormModel(Kind kind) : kind_(kind) { startNew(); }

void FormModel::restart() {
  ++generation_;  // a write still running for the previous contents no longer concerns them
  saving_ = false;
  formError_.clear();
  fields_.clear();
}

void FormModel::startNew(const FieldValues& presets) {
  restart();
  id_.reset();
  for (const FieldDef& def : kindDef(kind_).fields) {
    FormField f{.def = &def};
    for (const auto& [name, value] : presets)
      if (name == def.name) f.value = formValueOf(def, value);
    fields_.push_back(std::move(f));
  }
}

void FormModel::startEdit(const Record& record) {
  restart();
  id_ = record.id;
  for (const FieldDef& def : kindDef(kind_).fields) {
    FormField f{.def = &def};
    f.value = f.original = formValueOf(def, record.get(def.name));
    // A member is identified by its ID number (member_identity.h), a record with key fields
    // by those (a funds record by union and year): Node::set refuses changes to them.
    const auto keys = kindDef(kind_).keyFields;
    f.readOnly = (kind_ == Kind::Member && (def.name == "id_number" || def.name == "id_type")) ||
                 std::ranges::find(keys, def.name) != keys.end();
    fields_.push_back(std::move(f));
  }
}

FormField* FormModel::field(std::string_view name) {
  for (auto& f : fields_)
    if (f.def->name == name) return &f;
  return nullptr;
}

void FormModel::set(std::string_view name, std::string value) {
  if (FormField* f = field(name)) {
    f->value = std::move(value);
    f->error.clear();
  }
}

FieldValues FormModel::changes() const {
  FieldValues out;
  for (const auto& f : fields_) {
    if (f.readOnly) continue;
    if (editing() ? f.value != f.original : !f.value.empty()) out.emplace_back(std::string(f.def->name), f.value);
  }
  return out;
}

void FormModel::clearErrors() {
  formError_.clear();
  for (auto& f : fields_) f.error.clear();
}

void FormModel::applyFailure(const ValidationFailure& failure, const Tr& tr) {
  for (const FieldError& e : failure.errors) {
    FormField* f = e.field.empty() ? nullptr : field(e.field);
    std::string text = tr.message(e.message);
    if (!f) {
      formError_ += (formError_.empty() ? "" : "\n") + text;
      continue;
    }
    // The English half of a field message does not name the field; the form shows it next to
    // the field anyway, but say it for screen readers and copied text.
    if (tr.english() && !text.starts_with(f->def->en)) text = std::string(f->def->en) + ": " + text;
    f->error += (f->error.empty() ? "" : "; ") + text;
  }
}

bool FormModel::validate(const Node& node, const Tr& tr) {
  clearErrors();
  auto result = node.validate(kind_, changes(), !editing(), id_);
  if (result) return true;
  applyFailure(result.error(), tr);
  return false;
}

std::expected<RecordId, ValidationFailure> FormWrite::run(Node& node) const {
  if (!id) return node.add(kind, values);
  if (values.empty()) return *id;
  if (auto done = node.set(kind, *id, values); !done) return std::unexpected(std::move(done.error()));
  return *id;
}

FormWrite FormModel::beginSave() {
  clearErrors();
  saving_ = true;
  return FormWrite{.kind = kind_, .id = id_, .values = changes(), .generation = generation_};
}

std::optional<RecordId> FormModel::finishSave(const FormWrite& write,
                                              const std::expected<RecordId, ValidationFailure>& result, const Tr& tr) {
  if (write.generation != generation_) return std::nullopt;
  saving_ = false;
  if (!result) {
    applyFailure(result.error(), tr);
    return std::nullopt;
  }
  if (editing())
    for (const auto& [name, value] : write.values)
      if (FormField* f = field(name)) f->original = value;
  return *result;
}

std::optional<RecordId> FormModel::save(Node& node, const Tr& tr) {
  const FormWrite write = beginSave();
  return finishSave(write, write.run(node), tr);
}

}  // namespace unionsync::gui

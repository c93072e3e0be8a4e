// An add/edit form for one record kind, generated from the schema (store/schema.h): one
// field per FieldDef, typed as the person reads it (money in yuan, dates as written), checked
// by Node::validate so the GUI, the CLI and imports accept exactly the same input, with each
// error kept next to the field it concerns.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "app/node.h"
#include "gui/i18n.h"

namespace unionsync::gui {

// What one save writes, taken from the form on the UI thread so that it can run on the
// writer thread (gui/write_queue.h) while the person keeps looking at the form.
struct FormWrite {
  Kind kind = Kind::Member;
  std::optional<RecordId> id;  // the record edited; empty for a new record
  FieldValues values;          // FormModel::changes() when the save was asked for
  std::uint64_t generation = 0;  // which opening of the form it came from

  // Node::add or Node::set (an edit that changed nothing writes nothing). Any thread.
  std::expected<RecordId, ValidationFailure> run(Node& node) const;
};

struct FormField {
  const FieldDef* def = nullptr;
  std::string value;     // as typed / shown
  std::string original;  // value when the form was opened
  std::string error;     // in the UI language; empty when the field is fine
  bool readOnly = false; // e.g. a member's ID number once stored (it is the member's identity)
};

class FormModel {
 public:
  explicit FormModel(Kind kind);

  // An empty form for a new record; `presets` (field -> stored value) fill some fields,
  // e.g. the organization currently chosen.
  void startNew(const FieldValues& presets = {});
  void startEdit(const Record& record);

  Kind kind() const { return kind_; }
  bool editing() const { return id_.has_value(); }
  const std::optional<RecordId>& id() const { return id_; }
  std::vector<FormField>& fields() { return fields_; }
  const std::vector<FormField>& fields() const { return fields_; }
  FormField* field(std::string_view name);
  // Sets a field as typed; clears its error.
  void set(std::string_view name, std::string value);

  // New record: every non-empty field. Edit: only the fields whose value changed.
  FieldValues changes() const;
  bool dirty() const { return !changes().empty(); }

  // Checks the form with Node::validate; fills per-field errors and formError(). True when
  // valid.
  bool validate(const Node& node, const Tr& tr);
  // A save in two halves, for a write off the UI thread: beginSave() clears the errors and
  // returns what to write; finishSave() takes the write's result. In between saving() is
  // true (the view disables its save button). finishSave() returns the record id when the
  // write succeeded and the form still shows what it was taken from; a result for a form
  // reopened since (startNew/startEdit) is ignored. On failure the errors go to the fields /
  // formError(). On success (edit) the values written become the originals, so what was typed
  // during the write still counts as a change.
  FormWrite beginSave();
  std::optional<RecordId> finishSave(const FormWrite& write, const std::expected<RecordId, ValidationFailure>& result,
                                     const Tr& tr);
  bool saving() const { return saving_; }
  // Both halves at once, on the calling thread (tests, tools).
  std::optional<RecordId> save(Node& node, const Tr& tr);
  // An error not tied to one field (e.g. the store could not write).
  const std::string& formError() const { return formError_; }

 private:
  void applyFailure(const ValidationFailure& failure, const Tr& tr);
  void clearErrors();
  void restart();

  Kind kind_;
  std::optional<RecordId> id_;
  std::vector<FormField> fields_;
  std::string formError_;
  std::uint64_t generation_ = 0;
  bool saving_ = false;
};

// A stored value as it is typed into a form (money in yuan with two decimals, otherwise
// unchanged; choices stay in Chinese, the stored form).
std::string formValueOf(const FieldDef& field, std::string_view stored);

}  // namespace unionsync::gui

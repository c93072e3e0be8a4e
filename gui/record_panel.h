// The side panel beside a list of records, shared by the member view and the union work
// views: a heading, the form toolbar (save, close, delete after a confirmation, restore), the
// 资料 tab with the form generated from the schema, the tabs a view adds, and 修改记录 (field
// history). Enter saves, Esc closes; the record is re-read when the data changes unless the
// cadre is in the middle of an edit. Writes go through ctx.writer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gui/context.h"
#include "gui/form_model.h"
#include "gui/history_panel.h"

namespace unionsync::gui {

struct PanelTab {
  const char* label;
  std::function<void()> draw;
};

// What a view puts in the panel, given each frame.
struct PanelContent {
  std::string newHeading;              // above the form of a new record
  std::function<std::string()> heading;  // above an existing record (called only then)
  std::function<void()> afterForm;     // under the form in the 资料 tab (may be empty)
  std::vector<PanelTab> tabs;          // between 资料 and 修改记录, for an existing record
  std::string deleteMessage;           // the question asked before deleting
};

// The notices of the panel's writes; each is formatted with the record's title field.
struct PanelNotices {
  T added;
  T deleted;
  T restored;
};

class RecordPanel {
 public:
  static constexpr float kWidth = 470;

  RecordPanel(Kind kind, PanelNotices notices) : kind_(kind), notices_(notices), form_(kind) {}

  bool open() const { return mode_ != Mode::Closed; }
  bool editing() const { return mode_ == Mode::Edit; }
  const std::optional<RecordId>& selected() const { return selected_; }
  // The record shown (edit mode); empty for a new one.
  const std::optional<Record>& record() const { return record_; }

  // Shows an existing record (nothing happens when it cannot be read).
  void select(GuiContext& ctx, const RecordId& id);
  // An empty form; `presets` as FormModel::startNew takes them.
  void startNew(const FieldValues& presets);
  // Draws the panel (when open) at the cursor, then the delete confirmation in the caller's
  // ID scope.
  void draw(GuiContext& ctx, const PanelContent& content);

 private:
  enum class Mode { Closed, Edit, New };
  void load(GuiContext& ctx);
  void save(GuiContext& ctx);
  void setDeleted(GuiContext& ctx, bool remove);
  std::string title() const;

  Kind kind_;
  PanelNotices notices_;
  Mode mode_ = Mode::Closed;
  bool askDelete_ = false;
  std::optional<RecordId> selected_;
  std::optional<Record> record_;
  std::uint64_t loadedVersion_ = 0;
  FormModel form_;
  HistoryPanel history_;
};

}  // namespace unionsync::gui

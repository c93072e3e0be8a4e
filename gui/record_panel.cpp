#include "gui/record_panel.h"

#include <utility>

#include "gui/widgets.h"

namespace unionsync::gui {

void RecordPanel::select(GuiContext& ctx, const RecordId& id) {
  selected_ = id;
  load(ctx);
  if (record_) mode_ = Mode::Edit;
}

// Re-reads the selected record (one record: a short read on the UI thread).
void RecordPanel::load(GuiContext& ctx) {
  loadedVersion_ = ctx.dataVersion;
  record_ = selected_ ? ctx.node.get(kind_, *selected_) : std::nullopt;
  history_.reset();
  if (!record_) {
    mode_ = Mode::Closed;
    selected_.reset();
    return;
  }
  form_.startEdit(*record_);
}

void RecordPanel::startNew(const FieldValues& presets) {
  form_.startNew(presets);
  selected_.reset();
  record_.reset();
  history_.reset();
  mode_ = Mode::New;
}

std::string RecordPanel::title() const {
  return record_ ? std::string(record_->get(kindDef(kind_).titleField)) : std::string();
}

void RecordPanel::draw(GuiContext& ctx, const PanelContent& content) {
  const Tr& tr = ctx.tr;
  // Someone else (sync, another window) changed the data: show the new values unless the
  // cadre is in the middle of an edit.
  if (mode_ == Mode::Edit && loadedVersion_ != ctx.dataVersion && !form_.dirty()) load(ctx);
  if (open()) {
    ImGui::BeginChild("##detail", {kWidth, 0}, true);
    const bool deleted = record_ && record_->deleted();
    std::string heading = editing() && content.heading ? content.heading() : content.newHeading;
    if (deleted) heading += tr.format(T::Parenthesized, tr(T::StateDeleted));
    ui::text(ctx, heading);
    ImGui::Separator();
    const auto action = ui::formToolbar(tr, form_, editing(), deleted, !editing() || form_.dirty());
    bool save = action == ui::FormAction::Save;
    if (action == ui::FormAction::Close) mode_ = Mode::Closed;
    if (action == ui::FormAction::Restore) setDeleted(ctx, false);
    if (action == ui::FormAction::Delete) askDelete_ = true;
    if (open() && ImGui::BeginTabBar("##tabs")) {
      if (ImGui::BeginTabItem(tr(T::TabDetails))) {
        ImGui::BeginChild("##form");
        if (deleted) ImGui::BeginDisabled();
        save |= ui::formFields(ctx, form_);
        if (deleted) ImGui::EndDisabled();
        if (content.afterForm) content.afterForm();
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
      for (const PanelTab& tab : content.tabs) {
        if (!editing() || !ImGui::BeginTabItem(tab.label)) continue;
        tab.draw();
        ImGui::EndTabItem();
      }
      if (editing() && ImGui::BeginTabItem(tr(T::TabHistory))) {
        history_.draw(ctx, *record_);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    if (!ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId) && ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows)) {
      if (ui::escapePressed()) mode_ = Mode::Closed;
      if (ui::enterPressed()) save = true;
    }
    if (save && !deleted && open()) this->save(ctx);
    ImGui::EndChild();
  }
  // Opened here, in the same ID scope as the modal (the button sits in the child window).
  if (std::exchange(askDelete_, false)) ui::openModal("confirm-delete");
  if (ui::confirmModal(ctx, "confirm-delete", content.deleteMessage, tr(T::Delete))) setDeleted(ctx, true);
}

void RecordPanel::save(GuiContext& ctx) {
  const bool creating = mode_ == Mode::New;
  ui::saveForm(ctx, form_, [this, &ctx, creating](const RecordId& id) {
    select(ctx, id);
    ctx.notify(creating ? ctx.tr.format(notices_.added, title()) : std::string(ctx.tr(T::Saved)));
  });
}

void RecordPanel::setDeleted(GuiContext& ctx, bool remove) {
  if (!selected_ || !record_) return;
  ui::submitSetDeleted(ctx, kind_, *selected_, remove, [this, &ctx, id = *selected_, remove, name = title()] {
    ctx.notify(ctx.tr.format(remove ? notices_.deleted : notices_.restored, name));
    if (selected_ == id) load(ctx);
  });
}

}  // namespace unionsync::gui

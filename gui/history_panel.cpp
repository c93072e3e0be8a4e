#include "gui/history_panel.h"

#include "app/model/validation.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

// References by the name of what they name (the history keeps the stored id).
std::string shownValue(GuiContext& ctx, const FieldHistoryEntry& e) {
  if (!e.def) return e.value;
  if (e.def->type == FieldType::IdNumber && !ctx.revealPersonal) return maskIdNumber(e.value);
  return ui::referenceText(ctx, *e.def, e.value);
}

}  // namespace

void HistoryPanel::draw(GuiContext& ctx, const Record& record) {
  const Tr& tr = ctx.tr;
  if (entries_ && lang_ != tr.lang()) entries_.reset();
  if (!entries_) {
    // Conflicts are few; reading them with the record keeps the panel consistent.
    const std::vector<Conflict> all = ctx.node.conflicts();
    entries_ = fieldHistory(record, all, tr);
    lang_ = tr.lang();
  }
  const StoreInfo info = ctx.node.info();
  const OriginNames names{info.origin, info.nodeName};
  ui::textMuted(ctx, tr(T::HistoryIntro));
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                     ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##history", 3, kFlags)) return;
  ImGui::TableSetupColumn(tr(T::HistoryField), ImGuiTableColumnFlags_WidthFixed, 96);
  ImGui::TableSetupColumn(tr(T::HistoryValue));
  ImGui::TableSetupColumn(tr(T::HistoryWho));
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableHeadersRow();
  for (const FieldHistoryEntry& e : *entries_) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::text(ctx, e.def ? tr.label(*e.def) : std::string_view(tr(T::FieldDeletedFlag)));
    ImGui::TableNextColumn();
    ui::textWrapped(ctx, shownValue(ctx, e));
    ImGui::TableNextColumn();
    ui::textWrapped(ctx, names.label(e.stamp.origin, tr));
    ui::textMuted(ctx, formatTime(hlcToMs(e.stamp.hlc)));
    for (const Conflict& c : e.kept) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ui::textColored(ctx, ui::toneColor(Tone::Busy),
                      tr.format(T::HistoryKept, e.def ? tr.display(*e.def, c.loserValue) : c.loserValue));
      ImGui::TableNextColumn();
      ui::textWrapped(ctx, names.label(c.loser.origin, tr));
      ui::textMuted(ctx, formatTime(hlcToMs(c.loser.hlc)));
    }
  }
  ImGui::EndTable();
}

}  // namespace unionsync::gui

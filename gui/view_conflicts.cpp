// 冲突: edits two offices made to the same field without seeing each other's. Each shows
// both values with who wrote them and when; one click keeps the current value, one click
// restores the other.
#include <fmt/format.h>

#include <utility>

#include "app/model/validation.h"
#include "gui/conflict_model.h"
#include "gui/field_history.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

class ConflictsView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    ui::title(ctx, tr(T::NavConflicts));
    request(ctx);
    ui::textMuted(ctx, tr(T::ConflictsIntro));
    if (!loaded_) {
      ui::textMuted(ctx, tr(T::Loading));
      return;
    }
    if (entries_.empty()) {
      ImGui::Spacing();
      ui::textColored(ctx, ui::toneColor(Tone::Good), tr(T::ConflictsNone));
      return;
    }
    const StoreInfo info = ctx.node.info();
    const OriginNames names{info.origin, info.nodeName};
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                       ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                       ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##conflicts", 5, kFlags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(T::ConflictsRecord), ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn(tr(T::ConflictsField), ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn(tr(T::ConflictsCurrent), ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn(tr(T::ConflictsOther), ImGuiTableColumnFlags_WidthStretch, 1.3f);
    ImGui::TableSetupColumn("##actions", ImGuiTableColumnFlags_WidthFixed, ctx.tr.english() ? 200 : 150);
    ImGui::TableHeadersRow();
    std::optional<std::pair<Conflict, bool>> action;  // (conflict, restore the other value)
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      const ConflictEntry& e = entries_[i];
      ImGui::PushID(static_cast<int>(i));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::text(ctx, e.recordTitle);
      ui::textMuted(ctx, tr.kindLabel(e.conflict.kind));
      ImGui::TableNextColumn();
      ui::text(ctx, e.fieldLabel);
      const bool personal = e.def && e.def->type == FieldType::IdNumber && !ctx.revealPersonal;
      auto value = [&](const std::string& shown, const Stamp& stamp, Tone tone) {
        ImGui::TableNextColumn();
        ui::textColored(ctx, ui::toneColor(tone), shown.empty() ? std::string(tr(T::EmptyValue)) : personal ? maskIdNumber(shown) : shown);
        ui::textMuted(ctx, fmt::format("{} · {}", names.label(stamp.origin, tr), formatTime(hlcToMs(stamp.hlc))));
      };
      value(e.winnerShown, e.conflict.winner, Tone::Good);
      value(e.loserShown, e.conflict.loser, Tone::Busy);
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(tr(T::ConflictsKeep))) action = {e.conflict, false};
      if (ImGui::SmallButton(tr(T::ConflictsRestore))) action = {e.conflict, true};
      ImGui::PopID();
    }
    ImGui::EndTable();
    if (action) resolve(ctx, action->first, action->second);
  }

  bool ready(const GuiContext& ctx) const override { return loaded_ && !loading_ && loadedVersion_ == ctx.dataVersion; }

 private:
  void request(GuiContext& ctx) {
    if (loading_ || (loaded_ && loadedVersion_ == ctx.dataVersion && loadedLang_ == ctx.tr.lang())) return;
    loading_ = true;
    const auto version = ctx.dataVersion;
    const Tr tr = ctx.tr;
    ctx.tasks.run<std::vector<ConflictEntry>>([&node = ctx.node, tr] { return loadConflicts(node, tr); },
                                              [this, version, lang = tr.lang()](std::vector<ConflictEntry> entries) {
                                                entries_ = std::move(entries);
                                                loaded_ = true;
                                                loading_ = false;
                                                loadedVersion_ = version;
                                                loadedLang_ = lang;
                                              },
                                              [this, &ctx](const std::string& error) {
                                                loading_ = false;
                                                ctx.notify(ctx.tr.message(error), true);
                                              });
  }

  void resolve(GuiContext& ctx, const Conflict& c, bool restore) {
    ui::submitWrite(
        ctx, [&node = ctx.node, c, restore] { return restore ? restoreOtherValue(node, c) : keepCurrentValue(node, c); },
        [&ctx, restore] { ctx.notify(ctx.tr(restore ? T::ConflictsRestored : T::ConflictsKept)); });
  }

  std::vector<ConflictEntry> entries_;
  bool loaded_ = false;
  bool loading_ = false;
  std::uint64_t loadedVersion_ = 0;
  Lang loadedLang_ = Lang::Zh;
};

}  // namespace

std::unique_ptr<View> makeConflictsView() { return std::make_unique<ConflictsView>(); }

}  // namespace unionsync::gui

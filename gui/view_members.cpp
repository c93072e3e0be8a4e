// 会员: every member of the chosen subtree in a virtualized table (only the visible rows are
// drawn, so a million rows scroll like a hundred), searched as the cadre types, filtered,
// sorted by any column; ID numbers and mobiles masked unless revealed. The side panel edits
// a member (form from the schema), deletes and restores, and shows each field's history.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "app/model/validation.h"
#include "gui/member_work_panel.h"
#include "gui/record_panel.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

struct ColumnSpec {
  MemberColumn column;
  float width;
};
constexpr ColumnSpec kColumns[] = {
    {MemberColumn::Name, 96},      {MemberColumn::Gender, 62},  {MemberColumn::IdNumber, 176},
    {MemberColumn::Mobile, 112},   {MemberColumn::Org, 200},    {MemberColumn::Employer, 180},
    {MemberColumn::CardNo, 160},   {MemberColumn::JoinDate, 100}, {MemberColumn::Status, 72},
    {MemberColumn::Migrant, 64},
};
static_assert(std::size(kColumns) == kMemberColumns);

class MembersView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    applyAutomation(ctx);
    ui::title(ctx, ctx.tr(T::NavMembers));
    toolbar(ctx);
    ctx.members.setQuery(MemberQuery{MemberFilter{search_, status_, static_cast<MigrantFilter>(migrant_), ctx.scope, recycle_},
                                     sort_});
    if (const std::string error = ctx.members.error(); !error.empty()) ui::errorText(ctx, ctx.tr.message(error));
    // The font takes in the whole list's characters while the list is being finished, not in
    // the frame after it arrives.
    if (ctx.members.loading()) ctx.glyphs.merge(ctx.members.glyphs());
    if (!shown(ctx).snapshot) {
      loadingProgress(ctx);
      return;
    }
    const float panel = panel_.open() ? RecordPanel::kWidth + ImGui::GetStyle().ItemSpacing.x : 0;
    table(ctx, ImGui::GetContentRegionAvail().x - panel);
    if (panel_.open()) ImGui::SameLine();
    detail(ctx);
  }

  bool ready(const GuiContext& ctx) const override {
    return !ctx.members.error().empty() || (!ctx.members.loading() && ctx.members.view().query == ctx.members.query());
  }

 private:
  void applyAutomation(GuiContext& ctx) {
    if (auto text = std::exchange(ctx.automation.memberSearch, std::nullopt)) search_ = *text;
    if (ctx.automation.openRecord && ctx.node.get(Kind::Member, *ctx.automation.openRecord))
      panel_.select(ctx, *std::exchange(ctx.automation.openRecord, std::nullopt));
  }

  // The whole list, or while it loads the first rows read (sorted and filtered alike).
  static const MemberView& shown(const GuiContext& ctx) {
    return ctx.members.loading() ? ctx.members.preview() : ctx.members.view();
  }

  std::string loadingText(GuiContext& ctx) const {
    const auto loaded = static_cast<std::int64_t>(ctx.members.rowsLoaded());
    return ctx.tr.format(T::MembersLoading, ui::grouped(loaded), ui::grouped(static_cast<std::int64_t>(loadTotal(ctx))));
  }
  static std::size_t loadTotal(const GuiContext& ctx) { return std::max<std::size_t>(ctx.memberCount, 1); }

  void loadingProgress(GuiContext& ctx) {
    ImGui::Spacing();
    ui::text(ctx, loadingText(ctx));
    ImGui::ProgressBar(static_cast<float>(ctx.members.rowsLoaded()) / static_cast<float>(loadTotal(ctx)), {420, 0});
  }

  void toolbar(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (ctx.focusSearch) {
      ImGui::SetKeyboardFocusHere();
      ctx.focusSearch = false;
    }
    ui::input(ctx, "##search", search_, tr(T::MembersSearchHint), 0, 300);
    ImGui::SameLine();
    ui::scopeCombo(ctx, 250);
    ImGui::SameLine();
    statusCombo(ctx);
    ImGui::SameLine();
    migrantCombo(ctx);

    if (ui::primaryButton(tr(T::MembersAdd), !recycle_)) startNew(ctx);
    ImGui::SameLine();
    ImGui::Checkbox(tr(T::MembersRecycle), &recycle_);
    ImGui::SameLine();
    ImGui::Checkbox(tr(T::MembersReveal), &ctx.revealPersonal);
    ImGui::SameLine();
    const MemberView& view = ctx.members.view();
    std::string count;
    // While loading the table shows only the first rows read: their count would mislead.
    if (ctx.members.loading()) {
      count = loadingText(ctx);
    } else {
      count = tr.format(T::MembersCount, ui::grouped(static_cast<std::int64_t>(view.rows.size())));
      count += tr.format(T::MembersQueryTime, view.queryMs);
      if (ctx.members.busy()) count += tr(T::MembersUpdating);
    }
    ImGui::AlignTextToFramePadding();
    ui::textMuted(ctx, count);
  }

  void statusCombo(GuiContext& ctx) {
    const FieldDef& def = *findField(Kind::Member, "status");
    const std::string preview =
        status_ == 0 ? std::string(ctx.tr(T::AllStatuses)) : std::string(ctx.tr.choice(def.choices[status_ - 1]));
    ImGui::SetNextItemWidth(130);
    if (!ImGui::BeginCombo("##status", preview.c_str())) return;
    if (ImGui::Selectable(ctx.tr(T::AllStatuses), status_ == 0)) status_ = 0;
    for (std::size_t i = 0; i < def.choices.size(); ++i)
      if (ImGui::Selectable(std::string(ctx.tr.choice(def.choices[i])).c_str(), status_ == i + 1))
        status_ = static_cast<std::uint8_t>(i + 1);
    ImGui::EndCombo();
  }

  void migrantCombo(GuiContext& ctx) {
    const char* labels[] = {ctx.tr(T::MigrantAny), ctx.tr(T::MigrantYes), ctx.tr(T::MigrantNo)};
    ImGui::SetNextItemWidth(150);
    ImGui::Combo("##migrant", &migrant_, labels, 3);
  }

  std::string cell(GuiContext& ctx, const MemberSnapshot& s, const MemberRow& row, MemberColumn column) const {
    switch (column) {
      case MemberColumn::IdNumber: {
        const std::string_view id = s.text(row.idNumber);
        return ctx.revealPersonal ? std::string(id) : maskIdNumber(id);
      }
      case MemberColumn::Mobile: {
        const std::string_view mobile = s.text(row.mobile);
        return ctx.revealPersonal ? std::string(mobile) : maskMobile(mobile);
      }
      case MemberColumn::Org:
        return row.org == kNoOrg ? std::string() : std::string(ctx.orgName(s.orgIds()[row.org]));
      case MemberColumn::Gender:
      case MemberColumn::Status: return std::string(ctx.tr.choice(s.value(row, column)));
      case MemberColumn::Migrant: return ctx.tr(row.migrant ? T::Yes : T::No);
      default: return s.value(row, column);
    }
  }

  void table(GuiContext& ctx, float width) {
    const MemberView& view = shown(ctx);
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Resizable | ImGuiTableFlags_Hideable | ImGuiTableFlags_Sortable |
                                       ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                       ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("##members", static_cast<int>(kMemberColumns), kFlags, {width, 0})) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    for (const ColumnSpec& c : kColumns) {
      const FieldDef& def = *findField(Kind::Member, memberColumnField(c.column));
      ImGuiTableColumnFlags flags = ImGuiTableColumnFlags_WidthFixed;
      if (c.column == MemberColumn::Name) flags |= ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_NoHide;
      const std::string label = fmt::format("{}###c{}", ctx.tr.label(def), static_cast<int>(c.column));
      ImGui::TableSetupColumn(label.c_str(), flags, c.width, static_cast<ImGuiID>(c.column));
    }
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty && specs->SpecsCount > 0) {
      sort_ = MemberSort{static_cast<MemberColumn>(specs->Specs[0].ColumnUserID),
                         specs->Specs[0].SortDirection != ImGuiSortDirection_Descending};
      specs->SpecsDirty = false;
    }
    const float rowHeight = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
    if (auto rows = std::exchange(ctx.automation.memberScrollRows, std::nullopt)) ImGui::SetScrollY(*rows * rowHeight);
    if (!view.snapshot || view.rows.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      // Not wrapped: the first column is narrow, the message may run across the others.
      ui::textColored(ctx, ui::mutedColor(), ctx.tr(view.snapshot ? T::MembersNone : T::Loading));
      ImGui::EndTable();
      return;
    }
    const MemberSnapshot& s = *view.snapshot;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(view.rows.size()), rowHeight);
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const MemberRow& row = s.row(view.rows[static_cast<std::size_t>(i)]);
        ImGui::TableNextRow(0, rowHeight);
        ImGui::PushID(i);
        for (const ColumnSpec& c : kColumns) {
          if (!ImGui::TableNextColumn()) continue;
          const std::string value = cell(ctx, s, row, c.column);
          if (c.column != MemberColumn::Name) {
            ui::text(ctx, value);
            continue;
          }
          const bool selected = panel_.selected() == row.id;
          if (ImGui::Selectable(value.empty() ? "—" : ctx.shown(value).c_str(), selected,
                                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
            panel_.select(ctx, row.id);
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }

  void startNew(GuiContext& ctx) {
    FieldValues presets;
    if (ctx.scope) presets.emplace_back("org", ctx.scope->hex());
    presets.emplace_back("join_date", ctx.node.today());
    panel_.startNew(presets);
  }

  void detail(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const auto& record = panel_.record();
    const std::string name = record ? std::string(record->get("name")) : std::string();
    panel_.draw(ctx, PanelContent{.newHeading = tr(T::MembersNew),
                                  .heading = [name] { return name; },
                                  .tabs = {{tr(T::TabUnionWork), [this, &ctx] { work_.draw(ctx, *panel_.selected()); }}},
                                  .deleteMessage = tr.format(T::MemberDeleteConfirm, name)});
  }

  std::string search_;
  std::uint8_t status_ = 0;
  int migrant_ = 0;
  bool recycle_ = false;
  MemberSort sort_;

  RecordPanel panel_{Kind::Member, {T::MemberAdded, T::MemberDeleted, T::MemberRestored}};
  MemberWorkPanel work_;
};

}  // namespace

std::unique_ptr<View> makeMembersView() { return std::make_unique<MembersView>(); }

}  // namespace unionsync::gui

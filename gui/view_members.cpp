// 会员: every member of the chosen subtree in a virtualized table (only the visible rows are
// drawn, so a million rows scroll like a hundred), searched as the cadre types, filtered,
// sorted by any column; ID numbers and mobiles masked unless revealed. The side panel edits
// a member (form from the schema), deletes and restores, and shows each field's history.
#include <fmt/format.h>

#include <utility>

#include "app/model/validation.h"
#include "gui/field_history.h"
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

constexpr float kPanelWidth = 470;

enum class Panel { None, Edit, New };

class MembersView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    applyAutomation(ctx);
    ui::title(ctx, ctx.tr(T::NavMembers));
    toolbar(ctx);
    ctx.members.setQuery(MemberQuery{MemberFilter{search_, status_, static_cast<MigrantFilter>(migrant_), ctx.scope, recycle_},
                                     sort_});
    if (const std::string error = ctx.members.error(); !error.empty()) ui::errorText(ctx, ctx.tr.message(error));
    if (ctx.members.loading()) {
      loadingProgress(ctx);
      return;
    }
    const float panel = panel_ == Panel::None ? 0 : kPanelWidth;
    table(ctx, ImGui::GetContentRegionAvail().x - panel - (panel > 0 ? ImGui::GetStyle().ItemSpacing.x : 0));
    if (panel_ != Panel::None) {
      ImGui::SameLine();
      detail(ctx);
    }
    // Opened here, in the same ID scope as the modal (the button sits in the side panel).
    if (std::exchange(askDelete_, false)) ui::openModal("confirm-delete");
    if (ui::confirmModal(ctx, "confirm-delete", ctx.tr.format(T::MemberDeleteConfirm, form_.field("name")->original),
                         ctx.tr(T::Delete)))
      remove(ctx);
  }

  bool ready(const GuiContext& ctx) const override {
    return !ctx.members.error().empty() || (!ctx.members.loading() && ctx.members.view().query == ctx.members.query());
  }

 private:
  void applyAutomation(GuiContext& ctx) {
    if (auto text = std::exchange(ctx.automation.memberSearch, std::nullopt)) search_ = *text;
  }

  void loadingProgress(GuiContext& ctx) {
    const auto loaded = static_cast<std::int64_t>(ctx.members.rowsLoaded());
    const auto total = static_cast<std::int64_t>(std::max<std::size_t>(ctx.memberCount, 1));
    ImGui::Spacing();
    ui::text(ctx, ctx.tr.format(T::MembersLoading, ui::grouped(loaded), ui::grouped(total)));
    ImGui::ProgressBar(static_cast<float>(loaded) / static_cast<float>(total), {420, 0});
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
    std::string count = tr.format(T::MembersCount, ui::grouped(static_cast<std::int64_t>(view.rows.size())));
    if (view.snapshot) count += tr.format(T::MembersQueryTime, view.queryMs);
    if (ctx.members.busy()) count += tr(T::MembersUpdating);
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
    const MemberView& view = ctx.members.view();
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
          const bool selected = selected_ == row.id;
          if (ImGui::Selectable(value.empty() ? "—" : ctx.shown(value).c_str(), selected,
                                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
            select(ctx, row.id);
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }

  void select(GuiContext& ctx, const RecordId& id) {
    selected_ = id;
    load(ctx);
    panel_ = Panel::Edit;
  }

  // Re-reads the selected member (one record: a short read on the UI thread).
  void load(GuiContext& ctx) {
    loadedVersion_ = ctx.dataVersion;
    auto record = selected_ ? ctx.node.get(Kind::Member, *selected_) : std::nullopt;
    if (!record) {
      panel_ = Panel::None;
      selected_.reset();
      return;
    }
    record_ = std::move(record);
    form_.startEdit(*record_);
    history_.reset();
  }

  void startNew(GuiContext& ctx) {
    FieldValues presets;
    if (ctx.scope) presets.emplace_back("org", ctx.scope->hex());
    presets.emplace_back("join_date", ctx.node.today());
    form_.startNew(presets);
    selected_.reset();
    record_.reset();
    panel_ = Panel::New;
  }

  void detail(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    // Someone else (sync, another window) changed the data: show the new values unless the
    // cadre is in the middle of an edit.
    if (panel_ == Panel::Edit && loadedVersion_ != ctx.dataVersion && !form_.dirty()) load(ctx);
    if (panel_ == Panel::None) return;
    ImGui::BeginChild("##detail", {kPanelWidth, 0}, true);
    const bool deleted = record_ && record_->deleted();
    if (panel_ == Panel::New) ui::text(ctx, tr(T::MembersNew));
    else ui::text(ctx, fmt::format("{}{}", record_->get("name"), deleted ? tr.format(T::Parenthesized, tr(T::StateDeleted)) : ""));
    ImGui::Separator();
    const auto action = ui::formToolbar(tr, form_, panel_ == Panel::Edit, deleted, panel_ == Panel::New || form_.dirty());
    bool save = action == ui::FormAction::Save;
    if (action == ui::FormAction::Close) panel_ = Panel::None;
    if (action == ui::FormAction::Restore) restore(ctx);
    if (action == ui::FormAction::Delete) askDelete_ = true;
    if (panel_ == Panel::None) {
      ImGui::EndChild();
      return;
    }
    if (ImGui::BeginTabBar("##tabs")) {
      if (ImGui::BeginTabItem(tr(T::TabDetails))) {
        ImGui::BeginChild("##form");
        if (deleted) ImGui::BeginDisabled();
        save |= ui::formFields(ctx, form_);
        if (deleted) ImGui::EndDisabled();
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
      if (panel_ == Panel::Edit && ImGui::BeginTabItem(tr(T::TabHistory))) {
        history(ctx);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    if (!ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId) && ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows)) {
      if (ui::escapePressed()) panel_ = Panel::None;
      if (ui::enterPressed() && !deleted) save = true;
    }
    if (save && !deleted) this->save(ctx);
    ImGui::EndChild();
  }

  void history(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (!history_) {
      // Conflicts are few; reading them with the record keeps the panel consistent.
      const std::vector<Conflict> all = ctx.node.conflicts();
      history_ = fieldHistory(*record_, all, tr);
      historyLang_ = tr.lang();
    }
    if (historyLang_ != tr.lang()) history_.reset();
    if (!history_) return;
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
    for (const FieldHistoryEntry& e : *history_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::text(ctx, e.def ? tr.label(*e.def) : std::string_view(tr(T::FieldDeletedFlag)));
      ImGui::TableNextColumn();
      const bool personal = e.def && e.def->type == FieldType::IdNumber && !ctx.revealPersonal;
      ui::textWrapped(ctx, personal ? maskIdNumber(e.value) : e.value);
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

  void save(GuiContext& ctx) {
    const bool creating = panel_ == Panel::New;
    ui::saveForm(ctx, form_, [this, &ctx, creating](const RecordId& id) {
      ctx.notify(ctx.tr(creating ? T::MemberAdded : T::Saved));
      selected_ = id;
      load(ctx);
      panel_ = Panel::Edit;
    });
  }

  void remove(GuiContext& ctx) { setDeleted(ctx, true); }
  void restore(GuiContext& ctx) { setDeleted(ctx, false); }

  void setDeleted(GuiContext& ctx, bool remove) {
    if (!selected_ || !record_) return;
    ui::submitSetDeleted(ctx, Kind::Member, *selected_, remove,
                         [this, &ctx, id = *selected_, remove, name = std::string(record_->get("name"))] {
                           ctx.notify(ctx.tr.format(remove ? T::MemberDeleted : T::MemberRestored, name));
                           if (selected_ == id) load(ctx);
                         });
  }

  std::string search_;
  std::uint8_t status_ = 0;
  int migrant_ = 0;
  bool recycle_ = false;
  MemberSort sort_;

  Panel panel_ = Panel::None;
  bool askDelete_ = false;
  std::optional<RecordId> selected_;
  std::optional<Record> record_;
  std::uint64_t loadedVersion_ = 0;
  FormModel form_{Kind::Member};
  std::optional<std::vector<FieldHistoryEntry>> history_;
  Lang historyLang_ = Lang::Zh;
};

}  // namespace

std::unique_ptr<View> makeMembersView() { return std::make_unique<MembersView>(); }

}  // namespace unionsync::gui

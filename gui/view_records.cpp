// One view per union work record kind (困难职工档案, 帮扶救助, 维权案件, 集体合同, 职代会, 经费),
// all drawn by this class from the schema: the list of the chosen scope (KindDef::listColumns,
// references by name, money in yuan), filters by year, member and the first choice column,
// money totals; the side panel with the schema form, the derived values, the field history,
// delete (confirmed) and restore from the recycle bin. A new kind needs a row in
// gui/nav_table.cpp, nothing here.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "app/model/validation.h"
#include "app/records/union_work_rules.h"
#include "gui/nav_table.h"
#include "gui/record_panel.h"
#include "gui/record_rows.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

// A column's starting width: its content's (header and the rows first shown) except for free
// text, which could be a paragraph; the table scrolls sideways when they overflow.
float columnWidth(const FieldDef& f) { return f.type == FieldType::Text ? 160 : 0; }

class RecordsView final : public View {
 public:
  explicit RecordsView(Kind kind) : kind_(kind), panel_(kind, {T::RecordsAdded, T::RecordDeleted, T::RecordRestored}) {
    filter_.kind = kind;
    for (std::string_view column : kindDef(kind).listColumns) columns_.push_back(findField(kind, column));
  }

  void draw(GuiContext& ctx) override {
    applyAutomation(ctx);
    ui::title(ctx, ctx.tr(navEntry(*recordView(kind_)).label));
    toolbar(ctx);
    requestList(ctx);
    const float panel = panel_.open() ? RecordPanel::kWidth + ImGui::GetStyle().ItemSpacing.x : 0;
    table(ctx, ImGui::GetContentRegionAvail().x - panel);
    if (panel_.open()) ImGui::SameLine();
    detail(ctx);
  }

  bool ready(const GuiContext& ctx) const override {
    return list_ && !loading_ && listVersion_ == ctx.dataVersion && list_->filter == filter(ctx);
  }

 private:
  RecordListQuery filter(const GuiContext& ctx) const {
    RecordListQuery f = filter_;
    f.scope = ctx.scope;
    f.lang = ctx.tr.lang();
    return f;
  }

  void applyAutomation(GuiContext& ctx) {
    if (ctx.newRecord && ctx.newRecord->kind == kind_) startNew(ctx, std::exchange(ctx.newRecord, std::nullopt)->presets);
    if (!ctx.automation.openRecord || !ctx.node.get(kind_, *ctx.automation.openRecord)) return;
    panel_.select(ctx, *std::exchange(ctx.automation.openRecord, std::nullopt));
  }

  void toolbar(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    ui::scopeRow(ctx, 250);
    if (!kindDef(kind_).dateField.empty()) {
      ImGui::SameLine();
      yearCombo(ctx);
    }
    if (const FieldDef* choice = choiceFilterField(kind_)) {
      ImGui::SameLine();
      choiceCombo(ctx, *choice);
    }
    if (memberField(kind_)) {
      ImGui::SameLine();
      if (ctx.focusSearch) {
        ImGui::SetKeyboardFocusHere();
        ctx.focusSearch = false;
      }
      ui::input(ctx, "##member", filter_.member, tr(T::RecordsMemberHint), 0, 230);
    }
    if (ui::primaryButton(tr(T::RecordsAdd), !filter_.deleted)) startNew(ctx);
    ImGui::SameLine();
    ImGui::Checkbox(tr(T::MembersRecycle), &filter_.deleted);
    if (list_) {
      ImGui::SameLine();
      ImGui::AlignTextToFramePadding();
      ui::textMuted(ctx, tr.format(T::RecordsCount, ui::grouped(static_cast<std::int64_t>(list_->rows.size()))));
    }
  }

  void yearCombo(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const std::string preview = filter_.year == 0 ? std::string(tr(T::RecordsAllYears)) : tr.format(T::RecordsYear, filter_.year);
    ImGui::SetNextItemWidth(110);
    if (!ImGui::BeginCombo("##year", preview.c_str())) return;
    if (ImGui::Selectable(tr(T::RecordsAllYears), filter_.year == 0)) filter_.year = 0;
    for (int year : recentYears(ctx.node.today()))
      if (ImGui::Selectable(tr.format(T::RecordsYear, year).c_str(), filter_.year == year)) filter_.year = year;
    ImGui::EndCombo();
  }

  void choiceCombo(GuiContext& ctx, const FieldDef& field) {
    const Tr& tr = ctx.tr;
    const std::string any = tr.format(T::RecordsAnyChoice, tr.label(field));
    const std::string preview = filter_.choice.empty() ? any : std::string(tr.choice(filter_.choice));
    ImGui::SetNextItemWidth(150);
    if (!ImGui::BeginCombo("##choice", ctx.shown(preview).c_str())) return;
    if (ImGui::Selectable(ctx.shown(any).c_str(), filter_.choice.empty())) filter_.choice.clear();
    for (std::string_view choice : field.choices)
      if (ImGui::Selectable(ctx.shown(tr.choice(choice)).c_str(), filter_.choice == choice)) filter_.choice = std::string(choice);
    ImGui::EndCombo();
  }

  void requestList(GuiContext& ctx) {
    const RecordListQuery wanted = filter(ctx);
    if (loading_ || !ctx.orgsLoaded || (list_ && listVersion_ == ctx.dataVersion && list_->filter == wanted)) return;
    ui::runQuery<RecordList>(
        ctx, loading_, [&node = ctx.node, orgs = ctx.orgs, wanted] { return loadRecordList(node, *orgs, wanted); },
        [this, version = ctx.dataVersion](RecordList list) {
          list_ = std::move(list);
          listVersion_ = version;
        });
  }

  void table(GuiContext& ctx, float width) {
    const Tr& tr = ctx.tr;
    if (list_ && list_->membersTruncated)
      ui::textMuted(ctx, tr.format(T::RecordsMembersTruncated, kMemberSearchLimit, kMemberSearchLimit));
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_Resizable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                       ImGuiTableFlags_BordersV | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                       ImGuiTableFlags_SizingFixedFit;
    // The table starts once there are rows to fit its columns to.
    if (!list_) {
      ui::textMuted(ctx, tr(T::Loading));
      return;
    }
    if (list_->rows.empty()) ui::textMuted(ctx, tr(T::RecordsNone));
    if (!ImGui::BeginTable("##records", static_cast<int>(columns_.size()), kFlags, {width, 0})) return;
    const bool totals = !list_->rows.empty() && std::ranges::any_of(list_->totals, [](const auto& t) { return t.has_value(); });
    // The totals row stays under the header while the rows scroll.
    ImGui::TableSetupScrollFreeze(1, totals ? 2 : 1);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string label = fmt::format("{}###c{}", columns_[c] ? tr.label(*columns_[c]) : "", c);
      ImGui::TableSetupColumn(label.c_str(), ImGuiTableColumnFlags_WidthFixed, columns_[c] ? columnWidth(*columns_[c]) : 0);
    }
    ImGui::TableHeadersRow();
    if (totals) totalsRow(ctx);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(list_->rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const RecordRow& row = list_->rows[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::PushID(i);
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
          if (!ImGui::TableNextColumn()) continue;
          if (c > 0) {
            const bool numeric = columns_[c] && (columns_[c]->type == FieldType::Money || columns_[c]->type == FieldType::Count);
            numeric ? ui::textRight(ctx, row.cells[c]) : ui::text(ctx, row.cells[c]);
            continue;
          }
          std::string label = row.cells[c].empty() ? std::string("—") : row.cells[c];
          if (row.deleted) label += tr.format(T::Parenthesized, tr(T::StateDeleted));
          if (ImGui::Selectable(ctx.shown(label).c_str(), panel_.selected() == row.id, ImGuiSelectableFlags_SpanAllColumns))
            panel_.select(ctx, row.id);
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }

  // 合计: the sum of every money column over the rows listed.
  void totalsRow(GuiContext& ctx) {
    ImGui::TableNextRow();
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      ImGui::TableNextColumn();
      if (list_->totals[c]) ui::textRight(ctx, yuan(*list_->totals[c]));
      else if (c == 0) ui::text(ctx, ctx.tr(T::RecordsTotal));
    }
  }

  // `requested` (another view's NewRecordRequest) goes over the defaults.
  void startNew(GuiContext& ctx, const FieldValues& requested = {}) {
    const KindDef& def = kindDef(kind_);
    FieldValues presets;
    // The owner only where it must be given: hardship files and assistance default to the
    // member's union (union_work_rules.h), which the scope would override.
    if (const FieldDef* owner = findField(kind_, def.ownerField); owner && owner->required && ctx.scope)
      presets.emplace_back(owner->name, ctx.scope->hex());
    if (const FieldDef* date = findField(kind_, def.dateField)) {
      const std::string today = ctx.node.today();
      presets.emplace_back(date->name, date->type == FieldType::Date ? today : today.substr(0, 4));
    }
    presets.insert(presets.end(), requested.begin(), requested.end());
    panel_.startNew(presets);
  }

  // What names the record in the panel's heading: its title field as a list cell shows it.
  std::string heading(GuiContext& ctx) const {
    const Record& record = *panel_.record();
    const FieldDef* field = findField(kind_, kindDef(kind_).titleField);
    const auto member = field && memberField(kind_) == field ? RecordId::fromHex(record.get(field->name)) : std::nullopt;
    std::string name;
    if (member) name = memberName(ctx.members.view().snapshot.get(), *member);
    else if (field) name = ctx.tr.display(*field, record.get(field->name));
    return fmt::format("{} · {}", ctx.tr.kindLabel(kind_), name);
  }

  // Values derived from the stored fields (per-capita income of a hardship file), read-only:
  // they follow the record as saved, not what is being typed.
  void derived(GuiContext& ctx) {
    if (!panel_.record()) return;
    const std::vector<DerivedField> fields = derivedFields(*panel_.record());
    if (fields.empty()) return;
    ImGui::Spacing();
    ui::textMuted(ctx, ctx.tr(T::RecordDerived));
    for (const DerivedField& d : fields) ui::text(ctx, ctx.tr.format(T::LabelValue, ctx.tr.english() ? d.en : d.zh, d.value));
  }

  void detail(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    panel_.draw(ctx, PanelContent{.newHeading = tr.format(T::RecordsNew, tr.kindLabel(kind_)),
                                  .heading = [this, &ctx] { return heading(ctx); },
                                  .afterForm = [this, &ctx] { derived(ctx); },
                                  .deleteMessage = tr.format(T::RecordDeleteConfirm, tr.kindLabel(kind_))});
  }

  const Kind kind_;
  std::vector<const FieldDef*> columns_;
  RecordListQuery filter_;  // scope and language are the context's (see filter())
  std::optional<RecordList> list_;
  bool loading_ = false;
  std::uint64_t listVersion_ = 0;

  RecordPanel panel_;
};

}  // namespace

std::unique_ptr<View> makeRecordsView(Kind kind) { return std::make_unique<RecordsView>(kind); }

}  // namespace unionsync::gui

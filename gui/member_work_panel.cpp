#include "gui/member_work_panel.h"

#include <fmt/format.h>

#include "app/records/union_work_rules.h"
#include "gui/nav_table.h"
#include "gui/widgets.h"

namespace unionsync::gui {

void MemberWorkPanel::request(GuiContext& ctx, const RecordId& member) {
  if (loading_ || (member_ == member && version_ == ctx.dataVersion)) return;
  if (member_ != member) work_.reset();  // never show another member's files meanwhile
  member_ = member;
  ui::runQuery<MemberWork>(
      ctx, loading_, [&node = ctx.node, orgs = ctx.orgs, member] { return loadMemberWork(node, *orgs, member); },
      [this, version = ctx.dataVersion, member](MemberWork work) {
        if (member_ != member) return;  // another member was chosen meanwhile
        work_ = std::move(work);
        version_ = version;
      });
}

void MemberWorkPanel::draw(GuiContext& ctx, const RecordId& member) {
  request(ctx, member);
  if (!work_) {
    ui::textMuted(ctx, ctx.tr(T::Loading));
    return;
  }
  ImGui::BeginChild("##work");
  hardship(ctx, *work_);
  if (work_->hardship.empty()) addButton(ctx, T::MemberHardshipAdd, Kind::Hardship, member);
  ImGui::Spacing();
  assistance(ctx, *work_);
  addButton(ctx, T::MemberAssistanceAdd, Kind::Assistance, member);
  ImGui::Spacing();
  ui::textMuted(ctx, ctx.tr(T::MemberCasesNote));
  ImGui::EndChild();
}

// Opens the kind's view with a new record's form for this member.
void MemberWorkPanel::addButton(GuiContext& ctx, T label, Kind kind, const RecordId& member) {
  const auto view = recordView(kind);
  if (!view || !ImGui::Button(ctx.tr(label))) return;
  ctx.newRecord = NewRecordRequest{kind, {{"member", member.hex()}}};
  ctx.view = *view;
}

void MemberWorkPanel::hardship(GuiContext& ctx, const MemberWork& work) {
  const Tr& tr = ctx.tr;
  ui::text(ctx, tr.kindLabel(Kind::Hardship));
  ImGui::Separator();
  if (work.hardship.empty()) ui::textMuted(ctx, tr(T::MemberHardshipNone));
  // Each file as label: value lines, the fields a cadre checks first, then what is derived.
  constexpr std::string_view kShown[] = {"category", "cause", "status", "filed_date", "closed_date",
                                         "household_size", "household_income"};
  for (const Record& r : work.hardship) {
    ImGui::PushID(&r);
    for (std::string_view name : kShown) {
      const FieldDef& def = *findField(Kind::Hardship, name);
      if (r.get(name).empty()) continue;
      ui::text(ctx, tr.format(T::LabelValue, tr.label(def), cellText(def, r.get(name), tr, {})));
    }
    for (const DerivedField& d : derivedFields(r)) ui::text(ctx, tr.format(T::LabelValue, tr.english() ? d.en : d.zh, d.value));
    ImGui::Spacing();
    ImGui::PopID();
  }
}

void MemberWorkPanel::assistance(GuiContext& ctx, const MemberWork& work) {
  const Tr& tr = ctx.tr;
  ui::text(ctx, tr.kindLabel(Kind::Assistance));
  ImGui::Separator();
  if (work.assistance.empty()) {
    ui::textMuted(ctx, tr(T::MemberAssistanceNone));
    return;
  }
  ui::text(ctx, tr.format(T::MemberAssistanceTotal, work.assistance.size(), yuan(work.total)));
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##grants", 4, kFlags)) return;
  auto column = [&](std::string_view field, float weight) {
    ImGui::TableSetupColumn(std::string(tr.label(*findField(Kind::Assistance, field))).c_str(), 0, weight);
  };
  column("date", 1);
  column("kind", 1);
  ImGui::TableSetupColumn(tr(T::MemberGrantAmount), 0, 1.1f);
  column("org", 1.5f);
  ImGui::TableHeadersRow();
  for (const MemberGrant& g : work.assistance) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::text(ctx, g.date);
    ImGui::TableNextColumn();
    ui::text(ctx, tr.choice(g.kind));
    ImGui::TableNextColumn();
    // Cash and goods together, as the total counts them; the split when the pointer rests.
    ui::text(ctx, yuan(g.amount + g.inKind));
    if (g.inKind > 0) ui::tooltip(ctx, tr.format(T::MemberGrantSplit, yuan(g.amount), yuan(g.inKind)));
    ImGui::TableNextColumn();
    ui::text(ctx, g.org);
  }
  ImGui::EndTable();
}

}  // namespace unionsync::gui

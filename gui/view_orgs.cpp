// 组织: the union tree with member counts (own and with everything below); add a union
// under the selected one, edit it, move it (drag onto the new parent, or pick the parent in
// the form), delete and restore.
#include <fmt/format.h>

#include <cstring>

#include <utility>

#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

constexpr float kPanelWidth = 470;

class OrgsView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    ui::title(ctx, tr(T::NavOrgs));
    if (ui::primaryButton(tr(T::OrgsAdd))) startNew(ctx, selected_);
    ImGui::SameLine();
    if (ui::button(tr(T::OrgsAddRoot))) startNew(ctx, std::nullopt);
    ImGui::SameLine();
    ImGui::Checkbox(tr(T::OrgsShowDeleted), &showDeleted_);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ui::textMuted(ctx, tr(T::OrgsDragHint));

    const bool panel = editing_ || creating_;
    tree(ctx, ImGui::GetContentRegionAvail().x - (panel ? kPanelWidth + ImGui::GetStyle().ItemSpacing.x : 0));
    if (panel) {
      ImGui::SameLine();
      detail(ctx);
    }
    if (move_) {
      ui::openModal("confirm-move");
      moveAsked_ = *move_;
      move_.reset();
    }
    if (!moveAsked_.first.isZero() &&
        ui::confirmModal(ctx, "confirm-move",
                         tr.format(T::OrgsMoveConfirm, ctx.orgName(moveAsked_.first), ctx.orgName(moveAsked_.second)),
                         tr(T::OrgsMove)))
      moveOrg(ctx, moveAsked_.first, moveAsked_.second);
    // Opened here, in the same ID scope as the modals (buttons sit in the table and panel).
    if (std::exchange(askDelete_, false)) ui::openModal("confirm-delete");
    if (ui::confirmModal(ctx, "confirm-delete", tr.format(T::OrgsDeleteConfirm, form_.field("name")->original),
                         tr(T::Delete)))
      remove(ctx);
  }

  bool ready(const GuiContext& ctx) const override { return ctx.orgsLoaded; }

 private:
  void tree(GuiContext& ctx, float width) {
    const Tr& tr = ctx.tr;
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("##orgs", 5, kFlags, {width, 0})) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    // Beside the detail panel the tree keeps names and member counts only.
    const ImGuiTableColumnFlags wide = editing_ || creating_ ? ImGuiTableColumnFlags_Disabled : 0;
    ImGui::TableSetupColumn(tr(T::OrgsColName), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(tr(T::OrgsColType), ImGuiTableColumnFlags_WidthFixed | wide, 150);
    ImGui::TableSetupColumn(tr(T::OrgsColMembers), ImGuiTableColumnFlags_WidthFixed, 110);
    ImGui::TableSetupColumn(tr(T::OrgsColOwn), ImGuiTableColumnFlags_WidthFixed | wide, 90);
    ImGui::TableSetupColumn(tr(T::OrgsColUnions), ImGuiTableColumnFlags_WidthFixed | wide, 90);
    ImGui::TableHeadersRow();
    // Rows are depth-first; a collapsed node hides the rows below it until depth returns.
    int hideBelow = INT32_MAX;
    for (const OrgRow& row : ctx.orgs->rows) {
      if (row.depth > hideBelow) continue;
      hideBelow = INT32_MAX;
      if (row.deleted && !showDeleted_) {
        hideBelow = row.depth;
        continue;
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(&row);
      ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_SpanFullWidth | ImGuiTreeNodeFlags_OpenOnArrow |
                                 ImGuiTreeNodeFlags_OpenOnDoubleClick | ImGuiTreeNodeFlags_NoTreePushOnOpen;
      if (!row.hasChildren) flags |= ImGuiTreeNodeFlags_Leaf;
      if (row.depth < 2) flags |= ImGuiTreeNodeFlags_DefaultOpen;
      if (selected_ == row.id) flags |= ImGuiTreeNodeFlags_Selected;
      ImGui::Indent(static_cast<float>(row.depth) * 18);
      if (row.deleted) ImGui::PushStyleColor(ImGuiCol_Text, ui::mutedColor());
      const std::string label =
          ctx.shown(row.deleted ? fmt::format("{}{}", row.name, tr.format(T::Parenthesized, tr(T::StateDeleted))) : row.name);
      const bool open = ImGui::TreeNodeEx("##node", flags, "%s", label.c_str());
      if (row.deleted) ImGui::PopStyleColor();
      if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) select(ctx, row.id);
      dragAndDrop(row);
      ImGui::Unindent(static_cast<float>(row.depth) * 18);
      if (!open) hideBelow = row.depth;
      ImGui::TableNextColumn();
      ui::text(ctx, tr.choice(row.type));
      ImGui::TableNextColumn();
      ui::text(ctx, ui::grouped(row.total.members));
      ImGui::TableNextColumn();
      ui::text(ctx, ui::grouped(row.own.members));
      ImGui::TableNextColumn();
      ui::text(ctx, ui::grouped(std::max<std::int64_t>(0, row.total.organizations - (row.deleted ? 0 : 1))));
      ImGui::PopID();
    }
    ImGui::EndTable();
  }

  void dragAndDrop(const OrgRow& row) {
    if (row.deleted) return;
    if (ImGui::BeginDragDropSource()) {
      ImGui::SetDragDropPayload("ORG", row.id.bytes.data(), row.id.bytes.size());
      ImGui::TextUnformatted(row.name.c_str());
      ImGui::EndDragDropSource();
    }
    if (ImGui::BeginDragDropTarget()) {
      if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("ORG")) {
        RecordId moved;
        std::memcpy(moved.bytes.data(), payload->Data, moved.bytes.size());
        if (moved != row.id) move_ = {moved, row.id};
      }
      ImGui::EndDragDropTarget();
    }
  }

  void select(GuiContext& ctx, const RecordId& id) {
    selected_ = id;
    auto record = ctx.node.get(Kind::Organization, id);
    if (!record) return;
    record_ = std::move(record);
    form_.startEdit(*record_);
    editing_ = true;
    creating_ = false;
    loadedVersion_ = ctx.dataVersion;
  }

  void startNew(GuiContext& ctx, const std::optional<RecordId>& parent) {
    FieldValues presets{{"status", "正常"}};
    if (parent) presets.emplace_back("parent", parent->hex());
    presets.emplace_back("founded", ctx.node.today());
    form_.startNew(presets);
    creating_ = true;
    editing_ = false;
  }

  void detail(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (editing_ && loadedVersion_ != ctx.dataVersion && !form_.dirty() && selected_) select(ctx, *selected_);
    ImGui::BeginChild("##detail", {kPanelWidth, 0}, true);
    const bool deleted = editing_ && record_ && record_->deleted();
    ui::text(ctx, creating_ ? std::string(tr(T::OrgsNew)) : std::string(record_->get("name")));
    ImGui::Separator();
    bool save = false;
    if (!deleted && ui::saveButton(tr, form_, creating_ || form_.dirty())) save = true;
    if (!deleted) ImGui::SameLine();
    if (ImGui::Button(tr(T::Close))) editing_ = creating_ = false;
    if (editing_) {
      ImGui::SameLine();
      if (deleted) {
        if (ui::primaryButton(tr(T::Restore))) restore(ctx);
      } else if (ImGui::Button(tr(T::Delete))) {
        askDelete_ = true;
      }
    }
    ImGui::BeginChild("##form");
    if (deleted) ImGui::BeginDisabled();
    save |= ui::formFields(ctx, form_);
    if (deleted) ImGui::EndDisabled();
    ImGui::EndChild();
    if (!ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId) && ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows)) {
      if (ui::escapePressed()) editing_ = creating_ = false;
      if (ui::enterPressed()) save = true;
    }
    if (save && !deleted && (editing_ || creating_)) this->save(ctx);
    ImGui::EndChild();
  }

  void save(GuiContext& ctx) {
    const bool wasNew = creating_;
    ui::saveForm(ctx, form_, [this, &ctx, wasNew](const RecordId& id) {
      ctx.notify(ctx.tr(wasNew ? T::OrgsAdded : T::Saved));
      select(ctx, id);
    });
  }

  void moveOrg(GuiContext& ctx, const RecordId& org, const RecordId& parent) {
    // The names as the person saw them when dropping (the tree is rebuilt after the move).
    std::string moved = std::string(ctx.orgName(org)), into = std::string(ctx.orgName(parent));
    ui::submitWrite(
        ctx,
        [&node = ctx.node, org, parent]() -> Result<void> {
          auto done = node.set(Kind::Organization, org, {{"parent", parent.hex()}});
          if (!done) return std::unexpected(Error{done.error().summary()});
          return {};
        },
        [this, &ctx, org, moved = std::move(moved), into = std::move(into)] {
          ctx.notify(ctx.tr.format(T::OrgsMoved, moved, into));
          if (selected_ == org) select(ctx, org);
        });
  }

  void remove(GuiContext& ctx) { setDeleted(ctx, true); }
  void restore(GuiContext& ctx) { setDeleted(ctx, false); }

  void setDeleted(GuiContext& ctx, bool remove) {
    if (!selected_ || !record_) return;
    ui::submitSetDeleted(ctx, Kind::Organization, *selected_, remove,
                         [this, &ctx, id = *selected_, remove, name = std::string(record_->get("name"))] {
                           ctx.notify(ctx.tr.format(remove ? T::OrgsDeleted : T::OrgsRestored, name));
                           if (remove) showDeleted_ = true;  // so the cadre sees where it went and can restore it
                           if (selected_ == id) select(ctx, id);
                         });
  }

  bool showDeleted_ = false;
  bool askDelete_ = false;
  std::optional<RecordId> selected_;
  std::optional<Record> record_;
  std::uint64_t loadedVersion_ = 0;
  bool editing_ = false;
  bool creating_ = false;
  FormModel form_{Kind::Organization};
  std::optional<std::pair<RecordId, RecordId>> move_;  // dropped this frame: (org, new parent)
  std::pair<RecordId, RecordId> moveAsked_;            // awaiting confirmation
};

}  // namespace

std::unique_ptr<View> makeOrgsView() { return std::make_unique<OrgsView>(); }

}  // namespace unionsync::gui

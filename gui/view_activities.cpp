// 活动: the activities of the chosen subtree; create and edit them; check members in at an
// event by typing or scanning an ID or card number (Enter checks in and the box is ready for
// the next person), or by searching names; attendance counts.
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "app/model/validation.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

struct ActivityRow {
  RecordId id;
  std::string title;
  std::string type;
  std::string start;
  std::string org;
  std::size_t participants = 0;
  std::int64_t extra = 0;
  bool deleted = false;
};

struct PersonRow {
  RecordId id;
  std::string name;
  std::string idNumber;
  std::string detail;  // check-in time, or the member's union in search results
};

std::size_t participantCount(const Record& r) {
  std::size_t n = 0;
  for (const auto& [name, field] : r.fields)
    if (name.starts_with(kParticipantPrefix) && !field.value.empty()) ++n;
  return n;
}

class ActivitiesView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    ui::title(ctx, tr(T::NavActivities));
    ui::scopeRow(ctx, 300);
    ImGui::SameLine();
    if (ui::primaryButton(tr(T::ActivitiesAdd))) startNew(ctx);
    ImGui::SameLine();
    ImGui::Checkbox(tr(T::ShowDeleted), &showDeleted_);
    requestList(ctx);

    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float listWidth = panel_ == Panel::None ? 0 : ImGui::GetContentRegionAvail().x * 0.42f;
    list(ctx, panel_ == Panel::None ? ImGui::GetContentRegionAvail().x : listWidth);
    if (panel_ != Panel::None) {
      ImGui::SameLine(0, spacing);
      detail(ctx);
    }
  }

  bool ready(const GuiContext& ctx) const override {
    return listLoaded_ && !loadingList_ && listVersion_ == ctx.dataVersion && listScope_ == ctx.scope &&
           (!selected_ || (!loadingPeople_ && peopleVersion_ == ctx.dataVersion));
  }

 private:
  enum class Panel { None, Edit, New };

  void requestList(GuiContext& ctx) {
    if (loadingList_ || !ctx.orgsLoaded) return;
    if (listLoaded_ && listVersion_ == ctx.dataVersion && listScope_ == ctx.scope && listDeleted_ == showDeleted_) return;
    loadingList_ = true;
    const auto version = ctx.dataVersion;
    const auto scope = ctx.scope;
    const bool deleted = showDeleted_;
    ctx.tasks.run<std::vector<ActivityRow>>(
        [&node = ctx.node, orgs = ctx.orgs, scope, deleted] {
          std::vector<ActivityRow> rows;
          for (const Record& r : node.list(ListQuery{.kind = Kind::Activity, .org = scope, .includeDeleted = deleted, .limit = 0})) {
            const auto org = RecordId::fromHex(r.get("org"));
            const OrgRow* orgRow = org ? orgs->find(*org) : nullptr;
            std::int64_t extra = 0;
            if (auto n = parseCount(r.get("extra_attendees"))) extra = *n;
            rows.push_back({r.id, std::string(r.get("title")), std::string(r.get("activity_type")),
                            std::string(r.get("start_date")), orgRow ? orgRow->name : std::string(),
                            participantCount(r), extra, r.deleted()});
          }
          std::ranges::stable_sort(rows, std::greater<>{}, &ActivityRow::start);
          return rows;
        },
        [this, version, scope, deleted](std::vector<ActivityRow> rows) {
          rows_ = std::move(rows);
          listVersion_ = version;
          listScope_ = scope;
          listDeleted_ = deleted;
          listLoaded_ = true;
          loadingList_ = false;
        },
        [this, &ctx](const std::string& error) {
          loadingList_ = false;
          ctx.notify(ctx.tr.message(error), true);
        });
  }

  void list(GuiContext& ctx, float width) {
    const Tr& tr = ctx.tr;
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
    if (!ImGui::BeginTable("##activities", 5, kFlags, {width, 0})) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    auto column = [&](std::string_view field, ImGuiTableColumnFlags flags, float width) {
      ImGui::TableSetupColumn(std::string(tr.label(*findField(Kind::Activity, field))).c_str(), flags, width);
    };
    // Beside the detail panel the list keeps title, date and attendance only.
    const ImGuiTableColumnFlags wide = panel_ == Panel::None ? 0 : ImGuiTableColumnFlags_Disabled;
    column("title", ImGuiTableColumnFlags_WidthStretch, 0);
    column("start_date", ImGuiTableColumnFlags_WidthFixed, 100);
    column("activity_type", ImGuiTableColumnFlags_WidthFixed | wide, 120);
    column("org", ImGuiTableColumnFlags_WidthFixed | wide, 190);
    ImGui::TableSetupColumn(tr(T::ActivitiesAttendance), ImGuiTableColumnFlags_WidthFixed, 80);
    ImGui::TableHeadersRow();
    if (rows_.empty() && listLoaded_) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ui::textMuted(ctx, tr(T::ActivitiesNone));
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows_.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const ActivityRow& row = rows_[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::PushID(i);
        ImGui::TableNextColumn();
        if (row.deleted) ImGui::PushStyleColor(ImGuiCol_Text, ui::mutedColor());
        const std::string label = ctx.shown(row.deleted ? row.title + tr.format(T::Parenthesized, tr(T::StateDeleted)) : row.title);
        if (ImGui::Selectable(label.c_str(), selected_ == row.id, ImGuiSelectableFlags_SpanAllColumns)) select(ctx, row.id);
        if (row.deleted) ImGui::PopStyleColor();
        ImGui::TableNextColumn();
        ui::text(ctx, row.start);
        ImGui::TableNextColumn();
        ui::text(ctx, tr.choice(row.type));
        ImGui::TableNextColumn();
        ui::text(ctx, row.org);
        ImGui::TableNextColumn();
        ui::text(ctx, ui::grouped(static_cast<std::int64_t>(row.participants) + row.extra));
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }

  void select(GuiContext& ctx, const RecordId& id) {
    selected_ = id;
    auto record = ctx.node.get(Kind::Activity, id);
    if (!record) return;
    record_ = std::move(record);
    form_.startEdit(*record_);
    recordVersion_ = ctx.dataVersion;
    panel_ = Panel::Edit;
    peopleVersion_ = 0;
    lastCheckIn_.clear();
  }

  void startNew(GuiContext& ctx) {
    FieldValues presets{{"start_date", ctx.node.today()}};
    if (ctx.scope) presets.emplace_back("org", ctx.scope->hex());
    form_.startNew(presets);
    selected_.reset();
    record_.reset();
    panel_ = Panel::New;
  }

  void requestPeople(GuiContext& ctx) {
    if (!selected_ || loadingPeople_ || peopleVersion_ == ctx.dataVersion) return;
    loadingPeople_ = true;
    const auto version = ctx.dataVersion;
    ctx.tasks.run<std::vector<PersonRow>>(
        [&node = ctx.node, id = *selected_] {
          std::vector<PersonRow> people;
          for (const auto& [member, time] : node.participants(id)) {
            auto r = node.get(Kind::Member, member);
            people.push_back({member, r ? std::string(r->get("name")) : member.hex(),
                              r ? std::string(r->get("id_number")) : std::string(), time});
          }
          std::ranges::sort(people, std::greater<>{}, &PersonRow::detail);  // latest check-in first
          return people;
        },
        [this, version](std::vector<PersonRow> people) {
          people_ = std::move(people);
          peopleVersion_ = version;
          loadingPeople_ = false;
        },
        [this, &ctx](const std::string& error) {
          loadingPeople_ = false;
          ctx.notify(ctx.tr.message(error), true);
        });
  }

  void detail(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (panel_ == Panel::Edit && recordVersion_ != ctx.dataVersion && !form_.dirty() && selected_) {
      auto record = ctx.node.get(Kind::Activity, *selected_);
      if (record) {
        record_ = std::move(record);
        form_.startEdit(*record_);
      }
      recordVersion_ = ctx.dataVersion;
    }
    ImGui::BeginChild("##detail", {0, 0}, true);
    if (panel_ == Panel::New) {
      ui::text(ctx, tr(T::ActivitiesNew));
      ImGui::Separator();
      formPanel(ctx);
      ImGui::EndChild();
      return;
    }
    const bool deleted = record_->deleted();
    ui::text(ctx, fmt::format("{}{}", record_->get("title"), deleted ? tr.format(T::Parenthesized, tr(T::StateDeleted)) : ""));
    ImGui::Separator();
    if (ImGui::BeginTabBar("##tabs")) {
      if (ImGui::BeginTabItem(tr(T::TabCheckIn))) {
        if (deleted) ui::textMuted(ctx, tr(T::ActivitiesDeletedHint));
        else checkIn(ctx);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem(tr(T::TabDetails))) {
        formPanel(ctx);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    ImGui::EndChild();
  }

  void formPanel(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const bool deleted = record_ && record_->deleted();
    const auto action = ui::formToolbar(tr, form_, panel_ == Panel::Edit, deleted, panel_ == Panel::New || form_.dirty());
    bool save = action == ui::FormAction::Save;
    if (action == ui::FormAction::Close) panel_ = Panel::None;
    if (action == ui::FormAction::Delete || action == ui::FormAction::Restore) toggleDeleted(ctx, !deleted);
    ImGui::BeginChild("##form");
    if (deleted) ImGui::BeginDisabled();
    save |= ui::formFields(ctx, form_);
    if (deleted) ImGui::EndDisabled();
    ImGui::EndChild();
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId)) {
      if (ui::escapePressed()) panel_ = Panel::None;
      if (ui::enterPressed()) save = true;
    }
    if (save && !deleted && panel_ != Panel::None) {
      const bool creating = panel_ == Panel::New;
      ui::saveForm(ctx, form_, [this, &ctx, creating](const RecordId& id) {
        ctx.notify(ctx.tr(creating ? T::ActivitiesAdded : T::Saved));
        select(ctx, id);
      });
    }
  }

  void toggleDeleted(GuiContext& ctx, bool remove) {
    if (!selected_) return;
    ui::submitSetDeleted(ctx, Kind::Activity, *selected_, remove,
                         [this, &ctx, id = *selected_, remove] {
                           if (remove) showDeleted_ = true;  // keep it in sight, so it can be restored
                           if (selected_ == id) select(ctx, id);
                         });
  }

  void checkIn(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    requestPeople(ctx);
    std::int64_t extra = 0;
    if (auto n = parseCount(record_->get("extra_attendees"))) extra = *n;
    ui::text(ctx, tr.format(T::ActivitiesTotals, people_.size(), extra, static_cast<std::int64_t>(people_.size()) + extra));
    ImGui::Spacing();
    ui::text(ctx, tr(T::ActivitiesScanLabel));
    if (refocus_ || ctx.focusSearch) {
      ImGui::SetKeyboardFocusHere();
      refocus_ = false;
      ctx.focusSearch = false;
    }
    const bool enter = ui::input(ctx, "##scan", scan_, tr(T::ActivitiesScanHint), ImGuiInputTextFlags_EnterReturnsTrue, 360);
    ImGui::SameLine();
    if ((ui::primaryButton(tr(T::ActivitiesCheckIn), !scan_.empty()) || enter) && !scan_.empty()) checkInTyped(ctx);
    if (!lastCheckIn_.empty()) ui::textColored(ctx, ui::toneColor(lastCheckInOk_ ? Tone::Good : Tone::Bad), lastCheckIn_);

    ImGui::Spacing();
    ui::text(ctx, tr(T::ActivitiesSearchLabel));
    ui::input(ctx, "##find", find_, tr(T::MembersSearchHint), 0, 360);
    searchMembers(ctx);
    if (!find_.empty()) people(ctx, "##found", found_, T::ActivitiesCheckIn, 150);

    ImGui::Spacing();
    ui::text(ctx, tr.format(T::ActivitiesParticipants, people_.size()));
    people(ctx, "##people", people_, T::ActivitiesRemove, 0);
  }

  void people(GuiContext& ctx, const char* id, const std::vector<PersonRow>& rows, T action, float height) {
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_ScrollY |
                                       ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, 4, kFlags, {0, height})) return;
    ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 1);
    ImGui::TableSetupColumn("id", ImGuiTableColumnFlags_WidthFixed, 170);
    ImGui::TableSetupColumn("detail", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("action", ImGuiTableColumnFlags_WidthFixed, 70);
    std::optional<RecordId> clicked;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const PersonRow& p = rows[static_cast<std::size_t>(i)];
        ImGui::TableNextRow();
        ImGui::PushID(i);
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ui::text(ctx, p.name);
        ImGui::TableNextColumn();
        ui::text(ctx, ctx.revealPersonal ? p.idNumber : maskIdNumber(p.idNumber));
        ImGui::TableNextColumn();
        ui::textMuted(ctx, p.detail);
        ImGui::TableNextColumn();
        if (ImGui::SmallButton(ctx.tr(action))) clicked = p.id;
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
    if (clicked) action == T::ActivitiesRemove ? leave(ctx, *clicked) : join(ctx, *clicked);
  }

  // Resolves what was typed or scanned (ID number, card number) on the worker, then checks in.
  void checkInTyped(GuiContext& ctx) {
    const std::string typed = scan_;
    scan_.clear();
    refocus_ = true;
    runCheckIn(ctx, [&node = ctx.node, typed, activity = *selected_]() -> Result<std::string> {
      auto member = node.resolve(Kind::Member, typed);
      if (!member) return std::unexpected(member.error());
      if (auto joined = node.join(activity, *member); !joined) return std::unexpected(joined.error());
      return std::string(node.get(Kind::Member, *member)->get("name"));
    });
  }

  void join(GuiContext& ctx, const RecordId& member) {
    runCheckIn(ctx, [&node = ctx.node, member, activity = *selected_]() -> Result<std::string> {
      if (auto joined = node.join(activity, member); !joined) return std::unexpected(joined.error());
      return std::string(node.get(Kind::Member, member)->get("name"));
    });
  }

  // A check-in writes: on the writer, in order with the leaves clicked around it.
  void runCheckIn(GuiContext& ctx, std::function<Result<std::string>()> work) {
    ctx.writer.submit<Result<std::string>>(
        std::move(work),
        [this, &ctx](Result<std::string> name) {
          lastCheckInOk_ = name.has_value();
          lastCheckIn_ = name ? ctx.tr.format(T::ActivitiesCheckedIn, *name) : ctx.tr.message(name.error().message);
        },
        [this](const std::string& error) {
          lastCheckInOk_ = false;
          lastCheckIn_ = error;
        });
  }

  void leave(GuiContext& ctx, const RecordId& member) {
    if (!selected_) return;
    ui::submitWrite(ctx, [&node = ctx.node, activity = *selected_, member] { return node.leave(activity, member); }, {});
  }

  // Search-as-you-type for members to check in; one query in flight, the newest text wins.
  void searchMembers(GuiContext& ctx) {
    if (searching_ || find_ == searched_) return;
    if (find_.empty()) {
      found_.clear();
      searched_.clear();
      return;
    }
    searching_ = true;
    const std::string text = find_;
    ctx.tasks.run<std::vector<PersonRow>>(
        [&node = ctx.node, orgs = ctx.orgs, text] {
          std::vector<PersonRow> rows;
          for (const Record& r : node.list(ListQuery{.kind = Kind::Member, .search = text, .limit = 30})) {
            const auto org = RecordId::fromHex(r.get("org"));
            const OrgRow* orgRow = org ? orgs->find(*org) : nullptr;
            rows.push_back({r.id, std::string(r.get("name")), std::string(r.get("id_number")),
                            orgRow ? orgRow->name : std::string()});
          }
          return rows;
        },
        [this, text](std::vector<PersonRow> rows) {
          found_ = std::move(rows);
          searched_ = text;
          searching_ = false;
        },
        [this, text](const std::string&) {
          searched_ = text;
          searching_ = false;
        });
  }

  bool showDeleted_ = false;
  std::vector<ActivityRow> rows_;
  bool listLoaded_ = false;
  bool loadingList_ = false;
  std::uint64_t listVersion_ = 0;
  std::optional<RecordId> listScope_;
  bool listDeleted_ = false;

  Panel panel_ = Panel::None;
  std::optional<RecordId> selected_;
  std::optional<Record> record_;
  std::uint64_t recordVersion_ = 0;
  FormModel form_{Kind::Activity};

  std::vector<PersonRow> people_;
  bool loadingPeople_ = false;
  std::uint64_t peopleVersion_ = 0;
  std::string scan_;
  bool refocus_ = false;
  std::string lastCheckIn_;
  bool lastCheckInOk_ = true;
  std::string find_;
  std::string searched_;
  bool searching_ = false;
  std::vector<PersonRow> found_;
};

}  // namespace

std::unique_ptr<View> makeActivitiesView() { return std::make_unique<ActivitiesView>(); }

}  // namespace unionsync::gui

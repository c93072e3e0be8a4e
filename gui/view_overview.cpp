// 首页: the figures headquarters asks for, for the chosen organization subtree, a bar chart
// per child organization (members; membership rate), and this year's union work from the
// annual report's counters (assistance by kind, cases closed by result).
#include <fmt/format.h>

#include <utility>

#include "gui/report_model.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

constexpr std::size_t kMaxBars = 12;

class OverviewView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    ui::title(ctx, ctx.tr(T::NavOverview));
    ui::scopeRow(ctx, 420);
    request(ctx);
    requestWork(ctx);
    if (!data_) {
      ui::textMuted(ctx, ctx.tr(T::Loading));
      return;
    }
    ImGui::Spacing();
    cards(ctx, *data_);
    ImGui::Spacing();
    ImGui::BeginChild("##charts", {0, 0}, false);
    charts(ctx, *data_);
    ImGui::Spacing();
    workCharts(ctx);
    ImGui::EndChild();
  }

  bool ready(const GuiContext& ctx) const override {
    return data_ && !loading_ && loadedVersion_ == ctx.dataVersion && loadedScope_ == ctx.scope && work_ &&
           !loadingWork_ && workVersion_ == ctx.dataVersion && work_->scope == ctx.scope && work_->lang == ctx.tr.lang();
  }

 private:
  void request(GuiContext& ctx) {
    if (loading_ || !ctx.orgsLoaded || (data_ && loadedVersion_ == ctx.dataVersion && loadedScope_ == ctx.scope)) return;
    loading_ = true;
    const std::uint64_t version = ctx.dataVersion;
    const std::optional<RecordId> scope = ctx.scope;
    ctx.tasks.run<OverviewData>([&node = ctx.node, scope] { return buildOverview(node, scope); },
                                [this, version, scope](OverviewData data) {
                                  data_ = std::move(data);
                                  loadedVersion_ = version;
                                  loadedScope_ = scope;
                                  loading_ = false;
                                },
                                [this, &ctx](const std::string& error) {
                                  loading_ = false;
                                  ctx.notify(ctx.tr.message(error), true);
                                });
  }

  void cards(GuiContext& ctx, const OverviewData& d) {
    const Stats& s = d.total;
    const Tr& tr = ctx.tr;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - 3 * spacing) / 4;
    struct Card {
      T label;
      std::string value;
      std::string note;
    };
    const Card cards[] = {
        {T::FigMembers, ui::grouped(s.members), tr(T::FigMembersNote)},
        {T::FigNewMembers, ui::grouped(s.newMembersThisYear), tr.format(T::FigInYear, s.year)},
        {T::FigMigrants, ui::grouped(s.migrantMembers),
         tr.format(T::FigMigrantRate, ui::percent(s.migrantMembershipRate()))},
        {T::FigOrgs, ui::grouped(s.organizations), tr.format(T::FigNewUnions, s.newUnionsThisYear)},
        {T::FigUnionization, ui::percent(s.unionizationRate()),
         tr.format(T::FigUnionizationNote, ui::grouped(s.unionizedEmployers), ui::grouped(s.employers))},
        {T::FigMembership, ui::percent(s.membershipRate()),
         tr.format(T::FigMembershipNote, ui::grouped(s.unionizedEmployees))},
        {T::FigActivities, ui::grouped(s.activitiesThisYear), tr.format(T::FigInYear, s.year)},
        {T::FigParticipants, ui::grouped(s.participantsThisYear), tr.format(T::FigInYear, s.year)},
    };
    for (std::size_t i = 0; i < std::size(cards); ++i) {
      if (i % 4 != 0) ImGui::SameLine();
      ui::figureCard(ctx, tr(cards[i].label), cards[i].value, cards[i].note, width);
    }
  }

  void charts(GuiContext& ctx, const OverviewData& d) {
    const Tr& tr = ctx.tr;
    if (d.children.empty()) {
      ui::textMuted(ctx, tr(T::OverviewNoChildren));
      return;
    }
    std::vector<ui::Bar> members, rates;
    for (const ChildFigures& c : d.children) {
      if (members.size() == kMaxBars) break;
      members.push_back({c.name, static_cast<double>(c.stats.members), ui::grouped(c.stats.members)});
      const auto rate = c.stats.membershipRate();
      rates.push_back({c.name, rate ? *rate * 100 : 0, ui::percent(rate)});
    }
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - spacing) / 2;
    ImGui::BeginGroup();
    ui::text(ctx, tr(T::ChartMembers));
    ui::barChart(ctx, "members", members, 0, width - 10);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ui::text(ctx, tr(T::ChartMembership));
    ui::barChart(ctx, "rates", rates, 100, width - 10);
    ImGui::EndGroup();
    if (d.children.size() > kMaxBars) ui::textMuted(ctx, tr.format(T::ChartMore, d.children.size() - kMaxBars));
  }

  // This year's report of the scope (counters only, so as cheap as the figures above).
  void requestWork(GuiContext& ctx) {
    const bool current = work_ && workVersion_ == ctx.dataVersion && work_->scope == ctx.scope && work_->lang == ctx.tr.lang();
    if (loadingWork_ || !ctx.orgsLoaded || current) return;
    ui::runQuery<ReportTable>(
        ctx, loadingWork_,
        [&node = ctx.node, scope = ctx.scope, lang = ctx.tr.lang()] { return buildReportTable(node, scope, 0, lang); },
        [this, version = ctx.dataVersion](ReportTable table) {
          work_ = std::move(table);
          workVersion_ = version;
        });
  }

  void workCharts(GuiContext& ctx) {
    if (!work_) return;
    const Tr& tr = ctx.tr;
    const ReportFigures& f = work_->report.scope.figures;
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - spacing) / 2;
    auto chart = [&](const char* id, T label, T none, const std::vector<ui::Bar>& bars) {
      ImGui::BeginGroup();
      ui::text(ctx, tr(label));
      if (bars.empty()) ui::textMuted(ctx, tr(none));
      else ui::barChart(ctx, id, bars, 0, width - 10);
      ImGui::EndGroup();
    };
    chart("assistance", T::ChartAssistance, T::ChartNoAssistance, assistanceByKind(f, tr));
    ImGui::SameLine();
    chart("cases", T::ChartCases, T::ChartNoCases, casesByResult(f.cases, tr));
  }

  std::optional<OverviewData> data_;
  bool loading_ = false;
  std::uint64_t loadedVersion_ = 0;
  std::optional<RecordId> loadedScope_;
  std::optional<ReportTable> work_;
  bool loadingWork_ = false;
  std::uint64_t workVersion_ = 0;
};

}  // namespace

std::unique_ptr<View> makeOverviewView() { return std::make_unique<OverviewView>(); }

}  // namespace unionsync::gui

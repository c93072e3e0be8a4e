// 报表: the annual report upward for the chosen scope and year (Node::report: the scope and
// each union just below it, read from the statistics counters), the same table the CLI
// prints, and buttons that write it as an XLSX workbook or a CSV file (app/io/report_file.h).
#include <fmt/format.h>

#include <utility>

#include "app/io/report_file.h"
#include "gui/record_rows.h"
#include "gui/report_model.h"
#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

std::string home() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : ".";
}

class ReportView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    if (year_ == 0) year_ = recentYears(ctx.node.today()).front();
    ui::title(ctx, tr(T::NavReport));
    ui::scopeRow(ctx, 300);
    ImGui::SameLine();
    yearCombo(ctx);
    ui::textMuted(ctx, tr(T::ReportIntro));
    request(ctx);
    if (!table_) {
      ui::textMuted(ctx, tr(T::Loading));
      return;
    }
    saveRow(ctx);
    ImGui::Spacing();
    table(ctx, *table_);
  }

  bool ready(const GuiContext& ctx) const override {
    return table_ && !loading_ && tableVersion_ == ctx.dataVersion && answers(*table_, ctx);
  }

 private:
  bool answers(const ReportTable& t, const GuiContext& ctx) const {
    return t.scope == ctx.scope && t.year == year_ && t.lang == ctx.tr.lang();
  }

  void yearCombo(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    ImGui::SetNextItemWidth(110);
    if (!ImGui::BeginCombo("##year", tr.format(T::RecordsYear, year_).c_str())) return;
    for (int year : recentYears(ctx.node.today()))
      if (ImGui::Selectable(tr.format(T::RecordsYear, year).c_str(), year_ == year)) year_ = year;
    ImGui::EndCombo();
  }

  void request(GuiContext& ctx) {
    if (loading_ || !ctx.orgsLoaded || (table_ && tableVersion_ == ctx.dataVersion && answers(*table_, ctx))) return;
    ui::runQuery<ReportTable>(
        ctx, loading_,
        [&node = ctx.node, scope = ctx.scope, year = year_, lang = ctx.tr.lang()] {
          return buildReportTable(node, scope, year, lang);
        },
        [this, version = ctx.dataVersion](ReportTable table) {
          table_ = std::move(table);
          tableVersion_ = version;
        });
  }

  void saveRow(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    // The file name follows the scope and year until the cadre types one.
    const std::string suggested =
        fmt::format("{}/{}.xlsx", home(), reportFileName(table_->report.scope.name, table_->year, tr));
    if (path_.empty() || withExtension(path_, "") == withExtension(suggestedPath_, "")) path_ = withExtension(suggested, extension_);
    suggestedPath_ = suggested;
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::ReportSaveTo));
    ImGui::SameLine();
    ui::input(ctx, "##path", path_, nullptr, 0, 460);
    ImGui::SameLine();
    if (ui::primaryButton(tr(T::ReportSaveXlsx), !saving_ && !path_.empty())) save(ctx, false);
    ImGui::SameLine();
    if (ui::button(tr(T::ReportSaveCsv), !saving_ && !path_.empty())) save(ctx, true);
    ImGui::SameLine();
    ImGui::RadioButton(tr(T::ExportUtf8), &encoding_, 0);
    ImGui::SameLine();
    ImGui::RadioButton(tr(T::ExportGbk), &encoding_, 1);
    ui::textMuted(ctx, tr(T::ReportFileHint));
  }

  // The file's extension follows the format chosen (and the path box shows it).
  void save(GuiContext& ctx, bool csv) {
    extension_ = csv ? ".csv" : ".xlsx";
    path_ = withExtension(path_, extension_);
    ui::runQuery<Result<void>>(
        ctx, saving_,
        [report = table_->report, path = path_, csv, encoding = encoding_ == 1 ? Encoding::Gbk : Encoding::Utf8] {
          return csv ? writeReportCsv(report, path, encoding) : writeReportXlsx(report, path);
        },
        [&ctx, path = path_](Result<void> written) {
          if (written) ctx.notify(ctx.tr.format(T::ReportSaved, path));
          else ctx.notify(ctx.tr.message(written.error().message), true);
        });
  }

  void table(GuiContext& ctx, const ReportTable& t) {
    if (t.rows.empty()) return;
    const auto columns = static_cast<int>(t.rows.front().size());
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                       ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable |
                                       ImGuiTableFlags_SizingFixedFit;
    // One table per column count: a scope with other children gets columns fitted anew.
    if (!ImGui::BeginTable(fmt::format("##report{}", columns).c_str(), columns, kFlags)) return;
    ImGui::TableSetupScrollFreeze(1, 1);
    for (int c = 0; c < columns; ++c)
      ImGui::TableSetupColumn(ctx.shown(fmt::format("{}###c{}", t.rows.front()[static_cast<std::size_t>(c)], c)).c_str(),
                              ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableHeadersRow();
    for (std::size_t r = 1; r < t.rows.size(); ++r) {
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
        ImGui::TableNextColumn();
        c == 0 ? ui::text(ctx, t.rows[r][c]) : ui::textRight(ctx, t.rows[r][c]);
      }
    }
    ImGui::EndTable();
  }

  int year_ = 0;  // chosen; this year at first
  std::optional<ReportTable> table_;
  bool loading_ = false;
  std::uint64_t tableVersion_ = 0;
  std::string path_;
  std::string suggestedPath_;
  std::string extension_ = ".xlsx";  // of the format last saved
  int encoding_ = 0;  // 0 UTF-8 with BOM, 1 GBK
  bool saving_ = false;
};

}  // namespace

std::unique_ptr<View> makeReportView() { return std::make_unique<ReportView>(); }

}  // namespace unionsync::gui

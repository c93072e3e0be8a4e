// 导入导出: pick a roster (XLSX or CSV), see how it will be read (sheet or encoding, header row, which column
// feeds which field, the first rows), import it on a worker with progress and cancel, and
// read the rejection report; export exactly the members the Members view shows, or other
// records of the chosen subtree.
#include <fmt/format.h>

#include <cstdlib>

#include <utility>

#include "app/io/member_import.h"
#include "app/io/xlsx_export.h"
#include "gui/field_history.h"
#include "gui/import_model.h"
#include "gui/report_model.h"

#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

constexpr Encoding kEncodings[] = {Encoding::Auto, Encoding::Utf8, Encoding::Gbk};
constexpr std::size_t kRejectedShown = 200;

struct ImportOutcome {
  std::optional<ImportReport> report;
  std::string error;
  std::vector<std::array<std::string, 3>> rejected;  // line, column, reason
};

// The first rows of a rejection report (CSV or XLSX: 行号/line, 列/column, 原因/reason, ...).
std::vector<std::array<std::string, 3>> readRejected(const std::string& path) {
  std::vector<std::array<std::string, 3>> out;
  auto source = openImportSource(path);
  if (!source) return out;
  auto reader = source->rows();
  if (!reader) return out;
  bool header = true;
  while (out.size() < kRejectedShown) {
    auto row = reader->next();
    if (!row || !*row) break;
    if (std::exchange(header, false)) continue;
    const auto& f = (*row)->fields;
    out.push_back({std::string(f.size() > 0 ? f[0] : ""), std::string(f.size() > 1 ? f[1] : ""),
                   std::string(f.size() > 2 ? f[2] : "")});
  }
  return out;
}

std::string today() {
  std::string t = formatTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
  t = t.substr(0, 10);
  std::erase(t, '-');
  return t;
}

class ImportView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    ui::title(ctx, ctx.tr(T::NavImport));
    if (ImGui::BeginTabBar("##io")) {
      if (ImGui::BeginTabItem(ctx.tr(T::ImportTab))) {
        importTab(ctx);
        ImGui::EndTabItem();
      }
      if (ImGui::BeginTabItem(ctx.tr(T::ExportTab))) {
        exportTab(ctx);
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
  }

  bool ready(const GuiContext&) const override { return !previewing_; }

 private:
  // --- import ---------------------------------------------------------------------------------
  void importTab(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (path_.empty()) path_ = home() + "/";
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::ImportFile));
    ImGui::SameLine(140);
    const bool enter = ui::input(ctx, "##path", path_, tr(T::ImportFileHint), ImGuiInputTextFlags_EnterReturnsTrue, 560);
    ImGui::SameLine();
    if (ImGui::Button(tr(T::ImportBrowse))) {
      nearby_ = importFilesNear(path_);
      ImGui::OpenPopup("##browse");
    }
    browsePopup(ctx);
    ImGui::SameLine();
    if (ui::button(tr(T::ImportPreview), !running()) || enter) preview(ctx);

    ImGui::AlignTextToFramePadding();
    // A workbook's sheet to read, or a CSV file's encoding.
    if (preview_ && !preview_->sheets.empty()) sheetCombo(ctx);
    else encodingCombo(ctx);
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::ImportDefaultOrg));
    ImGui::SameLine();
    ui::orgCombo(ctx, "##org", defaultOrg_, tr(T::ImportNoDefaultOrg), 300);
    ImGui::Separator();

    if (import_) progress(ctx);
    else if (outcome_ && outcome_->report) result(ctx);
    else if (preview_) previewPanel(ctx);
    else ui::textMuted(ctx, tr(T::ImportIntro));
  }

  bool running() const { return import_ != nullptr; }

  void encodingCombo(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    ui::text(ctx, tr(T::ImportEncoding));
    ImGui::SameLine(140);
    const char* names[] = {tr(T::EncodingAuto), "UTF-8", "GBK"};
    ImGui::SetNextItemWidth(160);
    if (ImGui::Combo("##enc", &encoding_, names, 3) && preview_) preview(ctx);
  }

  void sheetCombo(GuiContext& ctx) {
    ui::text(ctx, ctx.tr(T::ImportSheet));
    ImGui::SameLine(140);
    ImGui::SetNextItemWidth(160);
    if (!ImGui::BeginCombo("##sheet", ctx.shown(preview_->sheet).c_str())) return;
    for (const std::string& name : preview_->sheets)
      if (ImGui::Selectable(ctx.shown(name).c_str(), name == preview_->sheet) && name != preview_->sheet) {
        sheet_ = name;
        preview(ctx);
      }
    ImGui::EndCombo();
  }

  static std::string home() {
    const char* h = std::getenv("HOME");
    return h && *h ? h : ".";
  }

  void browsePopup(GuiContext& ctx) {
    if (!ImGui::BeginPopup("##browse")) return;
    if (nearby_.empty()) ui::textMuted(ctx, ctx.tr(T::ImportNoCsv));
    for (const std::string& file : nearby_) {
      if (ImGui::Selectable(ctx.shown(file).c_str())) {
        path_ = file;
        preview(ctx);
      }
    }
    ImGui::EndPopup();
  }

  void preview(GuiContext& ctx) {
    previewing_ = true;
    outcome_.reset();
    // The sheet chosen belongs to the file previewed: another file starts at its first sheet.
    if (!preview_ || preview_->path != path_) sheet_.clear();
    ctx.tasks.run<ImportPreview>([path = path_, enc = kEncodings[encoding_], sheet = sheet_] {
                                   return previewMemberFile(path, enc, sheet);
                                 },
                                 [this](ImportPreview p) {
                                   preview_ = std::move(p);
                                   previewing_ = false;
                                 });
  }

  void previewPanel(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const ImportPreview& p = *preview_;
    if (!p.error.empty()) {
      ui::errorText(ctx, tr.message(p.error));
      return;
    }
    const std::string rows = ui::grouped(static_cast<std::int64_t>(p.dataRows));
    if (!p.sheet.empty()) ui::text(ctx, tr.format(T::ImportSheetSummary, p.sheet, p.headerLine, rows));
    else ui::text(ctx, tr.format(T::ImportSummary, encodingName(p.detected) == "gbk" ? "GBK" : "UTF-8",
                                 encoding_ == 0 ? tr(T::ImportDetected) : "", p.headerLine, rows));
    bool missing = false;
    for (const FieldDef* f : p.missingRequired) {
      if (f->name == "org" && defaultOrg_) continue;
      ui::errorText(ctx, tr.format(T::ImportMissingColumn, tr.label(*f)));
      missing = true;
    }
    if (ui::primaryButton(tr(T::ImportStart), !missing && p.dataRows > 0)) start(ctx);
    ImGui::Spacing();
    ui::textMuted(ctx, tr(T::ImportMappingHint));
    const int columns = static_cast<int>(std::min<std::size_t>(p.columns.size(), 60));
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollX |
                                       ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    // Room for the horizontal scroll bar too.
    const float height = ui::tableHeight(p.rows.size() + 1) + ImGui::GetStyle().ScrollbarSize;
    if (columns == 0 || !ImGui::BeginTable("##preview", columns, kFlags, {0, height})) return;
    ImGui::TableSetupScrollFreeze(0, 2);
    for (int c = 0; c < columns; ++c) {
      ImGui::TableSetupColumn(ctx.shown(p.columns[c].header).c_str(), ImGuiTableColumnFlags_WidthFixed, 120);
    }
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    for (int c = 0; c < columns; ++c) {
      ImGui::TableNextColumn();
      const PreviewColumn& col = p.columns[c];
      if (col.field) ui::textColored(ctx, ui::toneColor(Tone::Good), "→ " + std::string(tr.label(*col.field)));
      else ui::textColored(ctx, ui::toneColor(Tone::Bad), tr(col.duplicate ? T::ImportDuplicateColumn : T::ImportIgnored));
    }
    for (const auto& row : p.rows) {
      ImGui::TableNextRow();
      for (int c = 0; c < columns; ++c) {
        ImGui::TableNextColumn();
        if (static_cast<std::size_t>(c) < row.size()) ui::text(ctx, row[c]);
      }
    }
    ImGui::EndTable();
  }

  void start(GuiContext& ctx) {
    auto outcome = std::make_shared<ImportOutcome>();
    outcome_ = outcome;
    ImportOptions options;
    options.encoding = kEncodings[encoding_];
    options.sheet = preview_ && preview_->path == path_ ? preview_->sheet : std::string();
    options.defaultOrg = defaultOrg_;
    import_ = std::make_unique<Job>(
        [&node = ctx.node, path = path_, options, outcome](Job::Control& control) mutable {
          options.cancel = &control.cancel;
          options.progress = [&control](const ImportProgress& p) {
            control.total = p.rowsTotal;
            control.done = p.rowsDone;
          };
          auto report = importMembers(node, path, options);
          if (!report) {
            outcome->error = report.error().message;
            return;
          }
          if (report->rejected > 0) outcome->rejected = readRejected(report->reportPath);
          outcome->report = std::move(*report);
        },
        ctx.wake);
  }

  void progress(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    if (import_->finished()) {
      if (!import_->failure().empty()) outcome_->error = import_->failure();
      import_.reset();
      if (!outcome_->error.empty()) ctx.notify(tr.message(outcome_->error), true);
      else ctx.notify(tr.format(T::ImportDone, outcome_->report->created, outcome_->report->updated, outcome_->report->rejected));
      return;
    }
    ui::text(ctx, tr.format(T::ImportProgress, ui::grouped(static_cast<std::int64_t>(import_->done())),
                            ui::grouped(static_cast<std::int64_t>(import_->total()))));
    ImGui::ProgressBar(import_->fraction().value_or(0), {560, 0});
    if (ui::button(tr(T::Cancel), !import_->cancelling())) import_->cancel();
    if (import_->cancelling()) ui::textMuted(ctx, tr(T::ImportCancelling));
  }

  void result(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const ImportReport& r = *outcome_->report;
    if (r.cancelled) ui::errorText(ctx, tr.format(T::ImportCancelled, r.storedThroughLine));
    if (r.failure) ui::errorText(ctx, tr.message(*r.failure));
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    const float width = (ImGui::GetContentRegionAvail().x - 4 * spacing) / 5;
    const std::pair<T, std::size_t> figures[] = {{T::ImportCreated, r.created},     {T::ImportUpdated, r.updated},
                                                 {T::ImportUnchanged, r.unchanged}, {T::ImportDuplicates, r.duplicates},
                                                 {T::ImportRejected, r.rejected}};
    for (std::size_t i = 0; i < std::size(figures); ++i) {
      if (i > 0) ImGui::SameLine();
      ui::figureCard(ctx, tr(figures[i].first), ui::grouped(static_cast<std::int64_t>(figures[i].second)), "", width);
    }
    if (ui::button(tr(T::ImportAnother))) outcome_.reset();
    if (!outcome_ || r.rejected == 0) return;
    ImGui::Spacing();
    ui::text(ctx, tr(T::ImportReportFile));
    ImGui::SameLine();
    ui::copyableText(ctx, "##report", r.reportPath, 620);
    ui::textMuted(ctx, tr(T::ImportReportHint));
    constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollY;
    if (!ImGui::BeginTable("##rejected", 3, kFlags, {0, ui::tableHeight(outcome_->rejected.size())})) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(T::ImportLine), ImGuiTableColumnFlags_WidthFixed, 70);
    ImGui::TableSetupColumn(tr(T::ImportColumn), ImGuiTableColumnFlags_WidthFixed, 140);
    ImGui::TableSetupColumn(tr(T::ImportReason), ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const auto& row : outcome_->rejected) {
      ImGui::TableNextRow();
      for (int c = 0; c < 3; ++c) {
        ImGui::TableNextColumn();
        ui::textWrapped(ctx, c == 2 ? tr.message(row[c]) : row[c]);
      }
    }
    ImGui::EndTable();
  }

  // --- export ---------------------------------------------------------------------------------
  void exportTab(GuiContext& ctx) {
    const Tr& tr = ctx.tr;
    const MemberView& view = ctx.members.view();
    if (exportPath_.empty()) exportPath_ = fmt::format("{}/{}-{}.xlsx", home(), tr(T::ExportFilePrefix), today());
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::ExportFile));
    ImGui::SameLine(140);
    ui::input(ctx, "##exportpath", exportPath_, nullptr, 0, 560);
    ImGui::AlignTextToFramePadding();
    ui::text(ctx, tr(T::ExportFormat));
    ImGui::SameLine(140);
    // XLSX first: Excel and WPS open it as it is, ID numbers stay text and dates are dates.
    const std::string formats[] = {tr(T::ExportXlsx), fmt::format("CSV · {}", tr(T::ExportUtf8)),
                                   fmt::format("CSV · {}", tr(T::ExportGbk))};
    for (int i = 0; i < 3; ++i) {
      if (i > 0) ImGui::SameLine();
      // The file's extension follows the format.
      if (ImGui::RadioButton(formats[i].c_str(), &exportFormat_, i))
        exportPath_ = withExtension(exportPath_, i == 0 ? ".xlsx" : ".csv");
    }
    ui::errorText(ctx, tr(T::ExportPrivacy));
    ImGui::Separator();

    ui::text(ctx, tr(T::ExportViewTitle));
    ui::textMuted(ctx, describe(ctx, view));
    const bool busy = export_ && !export_->finished();
    if (ui::primaryButton(tr(T::ExportView), !busy && view.snapshot && !view.query.filter.deleted && !view.rows.empty()))
      startExport(ctx, [&node = ctx.node, view, path = exportPath_, enc = encoding()]() -> Result<std::size_t> {
        return exportMemberView(node, view, path, enc);
      });
    ImGui::Spacing();
    ui::text(ctx, tr(T::ExportOtherTitle));
    ui::textMuted(ctx, tr.format(T::ExportOtherHint, ctx.scope ? ctx.orgName(*ctx.scope) : std::string_view(tr(T::AllOrgs))));
    for (Kind kind : {Kind::Organization, Kind::Employer, Kind::Activity}) {
      ImGui::PushID(static_cast<int>(kind));
      if (ui::button(tr.format(T::ExportKind, tr.kindLabel(kind)).c_str(), !busy))
        startExport(ctx, [&node = ctx.node, kind, path = exportPath_, enc = encoding(), scope = ctx.scope]() -> Result<std::size_t> {
          auto summary = exportFile(node, kind, path, ExportOptions{.encoding = enc, .org = scope});
          if (!summary) return std::unexpected(summary.error());
          return summary->records;
        });
      ImGui::SameLine();
      ImGui::PopID();
    }
    ImGui::NewLine();
    if (busy) ui::textMuted(ctx, tr(T::ExportRunning));
    else if (export_) finishExport(ctx);
    if (!exportMessage_.empty()) ui::textWrapped(ctx, exportMessage_);
  }

  Encoding encoding() const { return exportFormat_ == 2 ? Encoding::Gbk : Encoding::Utf8; }

  std::string describe(GuiContext& ctx, const MemberView& view) const {
    const Tr& tr = ctx.tr;
    const MemberFilter& f = view.query.filter;
    std::string text = tr.format(T::ExportViewCount, ui::grouped(static_cast<std::int64_t>(view.rows.size())),
                                 f.org ? ctx.orgName(*f.org) : std::string_view(tr(T::AllOrgs)));
    if (!f.search.empty()) text += tr.format(T::ExportViewSearch, f.search);
    if (f.status != 0) text += tr.format(T::ExportViewStatus, tr.choice(findField(Kind::Member, "status")->choices[f.status - 1]));
    if (f.migrant != MigrantFilter::Any) text += tr(f.migrant == MigrantFilter::Yes ? T::MigrantYes : T::MigrantNo);
    return text;
  }

  void startExport(GuiContext& ctx, std::function<Result<std::size_t>()> work) {
    exportMessage_.clear();
    auto outcome = exportOutcome_ = std::make_shared<Result<std::size_t>>(0);
    export_ = std::make_unique<Job>([work = std::move(work), outcome](Job::Control&) { *outcome = work(); }, ctx.wake);
  }

  void finishExport(GuiContext& ctx) {
    if (!export_->failure().empty()) exportMessage_ = export_->failure();
    else if (!*exportOutcome_) exportMessage_ = ctx.tr.message(exportOutcome_->error().message);
    else exportMessage_ = ctx.tr.format(T::ExportDone, ui::grouped(static_cast<std::int64_t>(**exportOutcome_)), exportPath_);
    ctx.notify(exportMessage_, !export_->failure().empty() || !*exportOutcome_);
    export_.reset();
  }

  std::string path_;
  int encoding_ = 0;
  std::string sheet_;  // XLSX: the sheet chosen (empty: the first)
  std::optional<RecordId> defaultOrg_;
  std::vector<std::string> nearby_;
  std::optional<ImportPreview> preview_;
  bool previewing_ = false;
  std::unique_ptr<Job> import_;
  std::shared_ptr<ImportOutcome> outcome_;

  std::string exportPath_;
  int exportFormat_ = 0;  // 0 XLSX, 1 CSV UTF-8, 2 CSV GBK
  std::unique_ptr<Job> export_;
  std::shared_ptr<Result<std::size_t>> exportOutcome_;
  std::string exportMessage_;
};

}  // namespace

std::unique_ptr<View> makeImportView() { return std::make_unique<ImportView>(); }

}  // namespace unionsync::gui

// `report`: the annual report upward of a scope (Node::report), as a table, JSON or a file.
#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/cli_output.h"
#include "app/cli/cli_progress.h"
#include "app/io/report_file.h"
#include "app/io/xlsx_export.h"
#include "app/node.h"

namespace unionsync {

namespace {

struct ReportOptions {
  std::string org;
  int year = 0;
  std::string out;
  std::string encoding = "utf-8";
};

Result<void> writeReportFile(const Report& report, const ReportOptions& opts) {
  auto format = exportFormatFor(opts.out);
  if (!format) return std::unexpected(format.error());
  if (*format == ExportFormat::Xlsx) return writeReportXlsx(report, opts.out);
  auto encoding = encodingFromName(opts.encoding);
  if (!encoding || *encoding == Encoding::Auto)
    return fail(fmt::format("不认识的编码 {}，请用 utf-8 或 gbk / unknown encoding {}: use utf-8 or gbk", opts.encoding,
                            opts.encoding));
  return writeReportCsv(report, opts.out, *encoding);
}

int runReport(CliContext& ctx, const ReportOptions& opts) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  std::optional<RecordId> org;
  if (!opts.org.empty()) {
    auto id = (*node)->resolve(Kind::Organization, opts.org);
    if (!id) return reportFailure(id.error());
    org = *id;
  }
  // The file is written whole or not at all (report_file.h): Ctrl-C is seen while the
  // unions are read, before anything is written.
  InterruptGuard interrupt;
  ProgressLine line(progressWanted(ctx.json), {"已读取", "read", "个工会", "unions"});
  const WorkHooks hooks = progressHooks(line, interrupt);
  const Report report = (*node)->report(org, opts.year, hooks);
  line.finish();
  if (interrupt.interrupted())
    return reportInterrupted(opts.out.empty() ? std::string("已中断：报表未输出 / interrupted: the report was not printed")
                                              : notWrittenText(opts.out, "报表", "report"));
  if (!opts.out.empty()) {
    if (auto written = writeReportFile(report, opts); !written) return reportFailure(written.error());
    std::cout << fmt::format("已写出{}年报表到 {}（{}，{}个下级工会）/ wrote the {} report to {}\n", report.year, opts.out,
                             report.scope.name, report.children.size(), report.year, opts.out);
    return 0;
  }
  if (ctx.json) {
    std::cout << reportJson(report).dump(2) << "\n";
    return 0;
  }
  printAligned(std::cout, reportTextRows(report));
  return 0;
}

}  // namespace

void registerReportCommands(CLI::App& root, CliContext& ctx) {
  auto opts = std::make_shared<ReportOptions>();
  auto* report = root.add_subcommand(
      "report", "年度报表：本级及各下级工会的统计数字 / the annual report of a union and each union below it");
  report->add_option("--org", opts->org, "工会（名称或编号），默认全部 / union (name or id), default all");
  report->add_option("--year", opts->year, "年度，默认今年 / year (default: this year)")->check(CLI::Range(1950, 9999));
  report->add_option("--out", opts->out, "写入文件 FILE.xlsx 或 FILE.csv / write to FILE.xlsx or FILE.csv");
  report->add_option("--encoding", opts->encoding, "CSV编码：utf-8（默认，带BOM）或 gbk / CSV encoding: utf-8 (default) or gbk");
  addJsonFlag(report, ctx);
  report->callback([&ctx, opts] { ctx.run = [&ctx, opts] { return runReport(ctx, *opts); }; });
}

}  // namespace unionsync

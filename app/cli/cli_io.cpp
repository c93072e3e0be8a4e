// `import` and `export` commands: records in from CSV or XLSX files, out to CSV or XLSX files.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <optional>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/cli_progress.h"
#include "app/io/member_import.h"
#include "app/io/record_import.h"
#include "app/io/xlsx_export.h"
#include "app/node.h"

namespace unionsync {

namespace {

struct IoOptions {
  std::string file;
  std::string encoding;
  std::string org;
  std::string report;
  std::string sheet;
};

Result<Encoding> parseEncoding(const std::string& name, Encoding fallback) {
  if (name.empty()) return fallback;
  auto encoding = encodingFromName(name);
  if (!encoding) return fail(fmt::format("不认识的编码“{}”，应为 auto、utf-8 或 gbk / unknown encoding \"{}\"", name, name));
  return *encoding;
}

Result<std::optional<RecordId>> resolveOrg(const Node& node, const std::string& org) {
  if (org.empty()) return std::optional<RecordId>{};
  auto id = node.resolve(Kind::Organization, org);
  if (!id) return std::unexpected(id.error());
  return std::optional<RecordId>(*id);
}

void printImportSummary(const ImportReport& r, bool json) {
  if (json) {
    nlohmann::json ignored = r.ignoredHeaders();
    std::cout << nlohmann::json{{"rows", r.rows},
                                {"created", r.created},
                                {"updated", r.updated},
                                {"unchanged", r.unchanged},
                                {"duplicates", r.duplicates},
                                {"rejected", r.rejected},
                                {"encoding", encodingName(r.detectedEncoding)},
                                {"sheet", r.sheet},
                                {"damaged_bytes", r.damagedBytes},
                                {"ignored_columns", ignored},
                                {"report", r.reportPath},
                                {"stored_through_line", r.storedThroughLine},
                                {"complete", r.complete()}}
                     .dump(2)
              << "\n";
    return;
  }
  std::cout << fmt::format("读取 rows {}：新增 created {}，更新 updated {}，未变 unchanged {}，重复行 duplicates {}，拒绝 rejected {}\n",
                           r.rows, r.created, r.updated, r.unchanged, r.duplicates, r.rejected)
            << (r.sheet.empty() ? fmt::format("文件编码 encoding: {}\n", encodingName(r.detectedEncoding))
                                : fmt::format("工作表 sheet: {}\n", r.sheet));
  if (r.damagedBytes != 0)
    std::cout << fmt::format("注意：文件中有 {} 处不是 UTF-8 的字节（第一处在第{}行），含有它们的行已拒绝，见报告 / note: {} byte "
                             "sequences are not UTF-8 (the first on line {}); rows holding them were rejected, see the report\n",
                             r.damagedBytes, r.firstDamagedLine, r.damagedBytes, r.firstDamagedLine);
  if (auto ignored = r.ignoredHeaders(); !ignored.empty())
    std::cout << fmt::format("已忽略的列 ignored columns: {}\n", fmt::join(ignored, "，"));
  std::cout << fmt::format("报告 report: {}\n", r.reportPath);
}

std::string importInterruptedText(const ImportReport& r) {
  if (r.storedThroughLine == 0) return "已中断：未存入任何行 / interrupted: no row was stored";
  const std::string stored = groupedDigits(r.rows - r.rejected);
  return fmt::format("已中断：已存入 {} 行（到文件第 {} 行{}），其余未导入；再次导入同一文件不会重复存入已存入的行 / interrupted: {} "
                     "rows stored (through line {} of the file{}), the rest was not imported; importing the same file again "
                     "stores none of them twice",
                     stored, r.storedThroughLine, r.rejected ? fmt::format("，另有 {} 行被拒绝，见报告", r.rejected) : "",
                     stored, r.storedThroughLine, r.rejected ? fmt::format("; {} rows rejected, see the report", r.rejected) : "");
}

// Imports members (importMembers) or, with `kind`, records of another kind (importRecords).
int runImport(CliContext& ctx, const IoOptions& opts, std::optional<Kind> kind) {
  auto encoding = parseEncoding(opts.encoding, Encoding::Auto);
  if (!encoding) return reportFailure(encoding.error());
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto org = resolveOrg(**node, opts.org);
  if (!org) return reportFailure(org.error());

  // Ctrl-C stops the import after the chunk being stored, so the summary can say exactly
  // what was stored.
  InterruptGuard interrupt;
  ProgressLine line(progressWanted(ctx.json), {"已导入", "imported", "行", "rows"});
  ImportOptions options{.encoding = *encoding, .sheet = opts.sheet, .defaultOrg = *org, .reportPath = opts.report, .cancel = interrupt.flag()};
  options.progress = [&line](const ImportProgress& p) { line.update(p.rowsDone, p.rowsTotal); };
  auto report = kind ? importRecords(**node, *kind, opts.file, options) : importMembers(**node, opts.file, options);
  line.finish();
  if (!report) return reportFailure(report.error());

  printImportSummary(*report, ctx.json);
  if (report->cancelled) return reportInterrupted(importInterruptedText(*report));
  if (report->failure)
    return reportFailure(fmt::format("导入未完成：第{}行及之前的行已保存 / import incomplete: rows up to line {} were stored: {}",
                                     report->storedThroughLine, report->storedThroughLine, *report->failure));
  return 0;
}

int runExport(CliContext& ctx, Kind kind, const IoOptions& opts) {
  auto format = exportFormatFor(opts.file);
  if (!format) return reportFailure(format.error());
  if (*format == ExportFormat::Xlsx && !opts.encoding.empty())
    return reportFailure("--encoding 只用于CSV文件，XLSX文件不需要 / --encoding is for CSV files only, not XLSX");
  auto encoding = parseEncoding(opts.encoding, Encoding::Utf8);
  if (!encoding) return reportFailure(encoding.error());
  if (*encoding == Encoding::Auto) return reportFailure("导出时请选择 utf-8 或 gbk / choose utf-8 or gbk for an export");
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto org = resolveOrg(**node, opts.org);
  if (!org) return reportFailure(org.error());

  InterruptGuard interrupt;
  ProgressLine line(progressWanted(ctx.json), {"已读取", "read", "条", "records"});
  const WorkHooks hooks = progressHooks(line, interrupt);
  auto summary = exportFile(**node, kind, opts.file, ExportOptions{.encoding = *encoding, .org = *org, .hooks = hooks});
  line.finish();
  if (!summary) return reportFailure(summary.error());
  if (summary->cancelled) return reportInterrupted(notWrittenText(opts.file, "导出", "export"));
  std::cout << fmt::format("已导出 {} 条{}到 {}（{}）/ exported {} records\n", summary->records, kindDef(kind).zh,
                           opts.file, *format == ExportFormat::Xlsx ? "xlsx" : encodingName(*encoding), summary->records);
  if (!summary->personalColumns.empty())
    std::cout << fmt::format("注意：文件含有个人信息（{}），请妥善保管，用后删除 / note: the file holds personal information; keep it safe\n",
                             fmt::join(summary->personalColumns, "、"));
  return 0;
}

struct ExportTarget {
  const char* name;
  Kind kind;
};
constexpr ExportTarget kExportTargets[] = {{"members", Kind::Member},
                                           {"orgs", Kind::Organization},
                                           {"activities", Kind::Activity},
                                           {"employers", Kind::Employer},
                                           {"hardship", Kind::Hardship},
                                           {"assistance", Kind::Assistance},
                                           {"case", Kind::RightsCase},
                                           {"contract", Kind::Contract},
                                           {"congress", Kind::Congress},
                                           {"funds", Kind::Funds}};

}  // namespace

void registerIoCommands(CLI::App& root, CliContext& ctx) {
  auto opts = std::make_shared<IoOptions>();

  auto* import = root.add_subcommand("import", "从CSV或XLSX文件导入 / import from a CSV or XLSX file");
  // Every importer takes the same options; members also update the member held (by ID number).
  import->require_subcommand(1);
  auto addImport = [&](const std::string& name, const std::string& help, const std::string& orgHelp,
                       std::optional<Kind> kind) {
    auto* cmd = import->add_subcommand(name, help);
    cmd->add_option("file", opts->file, "CSV或XLSX文件 / CSV or XLSX file")->required();
    cmd->add_option("--encoding", opts->encoding, "CSV：auto|utf-8|gbk，默认自动识别 / CSV: default: detect");
    cmd->add_option("--sheet", opts->sheet, "XLSX：要导入的工作表，默认第一个 / XLSX: the sheet to import, default: the first");
    cmd->add_option("--org", opts->org, orgHelp);
    cmd->add_option("--report", opts->report,
                    "拒绝行报告文件（.csv或.xlsx），默认 FILE.rejected.csv 或 .xlsx / report file (.csv or .xlsx)");
    addJsonFlag(cmd, ctx);
    cmd->callback([&ctx, opts, kind] { ctx.run = [&ctx, opts, kind] { return runImport(ctx, *opts, kind); }; });
  };
  addImport("members", "导入会员名册（XLSX，或UTF-8、GBK的CSV，中文表头）/ import a member roster (XLSX, or UTF-8 or GBK CSV, Chinese headers)",
            "“所属工会”为空或缺列时使用的工会（名称或编号）/ union for rows without one", std::nullopt);
  for (const auto& target : importableKinds())
    addImport(std::string(target.name),
              fmt::format("导入{}（XLSX或CSV，中文或英文表头）/ import {} records (XLSX or CSV, Chinese or English headers)",
                          kindDef(target.kind).zh, kindDef(target.kind).en),
              "工会列为空或缺列时使用的工会（名称或编号）/ union for rows without one", target.kind);

  auto* exportCmd = root.add_subcommand("export", "导出为CSV或XLSX文件（按扩展名）/ export to a CSV or XLSX file (by its extension)");
  exportCmd->require_subcommand(1);
  for (const auto& target : kExportTargets) {
    const Kind kind = target.kind;
    auto* cmd = exportCmd->add_subcommand(target.name, fmt::format("导出{} / export {} records", kindDef(kind).zh,
                                                                   kindDef(kind).en));
    cmd->add_option("--out", opts->file, "输出文件 FILE.csv 或 FILE.xlsx / output file, .csv or .xlsx")->required();
    cmd->add_option("--org", opts->org, "只导出该工会及下级 / only this union and below");
    cmd->add_option("--encoding", opts->encoding, "CSV：utf-8（默认，带BOM）或 gbk / CSV: utf-8 (default, with BOM) or gbk");
    cmd->callback([&ctx, opts, kind] { ctx.run = [&ctx, opts, kind] { return runExport(ctx, kind, *opts); }; });
  }
}

}  // namespace unionsync

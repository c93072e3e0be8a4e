// Whole-node commands: init, demo, stats, digest, conflicts, backup, restore.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_interrupt.h"
#include "app/cli/cli_output.h"
#include "app/cli/cli_progress.h"
#include "app/demo/demo_data.h"
#include "app/node.h"
#include "app/model/records.h"
#include "app/io/report_file.h"
#include "app/records/scoped_digest.h"

namespace unionsync {

namespace {

std::string percent(const std::optional<double>& rate) {
  return rate ? fmt::format("{:.1f}%", *rate * 100) : std::string("—");
}

void printStats(const Stats& s, const std::string& scope, bool json) {
  if (json) {
    nlohmann::json j = statsJson(s);
    j["scope"] = scope;
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("范围 scope: {}  年度 year: {}\n", scope, s.year)
            << fmt::format("工会组织数 organizations        {}\n", s.organizations)
            << fmt::format("会员数 members                 {}\n", s.members)
            << fmt::format("农民工会员 migrant members      {}\n", s.migrantMembers)
            << fmt::format("建会率 unionization rate        {}  ({} / {} 家用人单位 employers)\n",
                           percent(s.unionizationRate()), s.unionizedEmployers, s.employers)
            << fmt::format("入会率 membership rate          {}  ({} / {} 名建会单位职工 employees of unionized employers)\n",
                           percent(s.membershipRate()), s.members, s.unionizedEmployees)
            << fmt::format("农民工入会率 migrant rate        {}  ({} / {})\n", percent(s.migrantMembershipRate()),
                           s.migrantMembers, s.unionizedMigrantEmployees)
            << fmt::format("本年发展会员 new members         {}\n", s.newMembersThisYear)
            << fmt::format("新建工会 new unions             {}\n", s.newUnionsThisYear)
            << fmt::format("活动次数 activities             {}\n", s.activitiesThisYear)
            << fmt::format("参与人次 participants           {}\n", s.participantsThisYear);
}

// Copies `from` to the new file `to`, created mode 0600 whatever the backup's mode (a copy
// of its mode would leave restored ID numbers readable by others). Fails, leaving no `to`,
// when `from` cannot be read or `to` exists or cannot be written; "disk full" as such.
Result<void> copyOwnerOnly(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return fail(fmt::format("无法打开备份文件 {} / cannot open the backup: {}", from, std::strerror(errno)));
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    const int error = errno;
    ::close(in);
    return fail(fmt::format("无法创建 {} / cannot create the file: {}", to, std::strerror(error)));
  }
  std::vector<char> buffer(1 << 20);
  int error = 0;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) error = errno;
      break;
    }
    for (ssize_t done = 0; done < n && error == 0;) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) error = errno;
      else done += w;
    }
    if (error != 0) break;
  }
  if (error == 0 && ::fsync(out) != 0) error = errno;
  if (::close(out) != 0 && error == 0) error = errno;
  ::close(in);
  if (error == 0) return {};
  ::unlink(to.c_str());
  if (error == ENOSPC) return fail(fmt::format("磁盘已满，无法恢复到 {} / the disk is full: cannot restore", to));
  return fail(fmt::format("无法复制备份 {} / cannot copy the backup: {}", from, std::strerror(error)));
}

struct NodeOptions_ {
  std::string name;
  std::string org;
  std::string file;
  std::size_t members = 2000;
  std::uint64_t seed = 1;
  int year = 0;
};

}  // namespace

void registerNodeCommands(CLI::App& root, CliContext& ctx) {
  auto opts = std::make_shared<NodeOptions_>();

  auto* init = root.add_subcommand("init", "在数据目录中创建节点 / create a node in the data directory");
  init->add_option("--name", opts->name, "节点名称，如“某某街道总工会” / node name")->required();
  init->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      auto node = Node::create(ctx.dataDir, opts->name, *ctx.clock, *ctx.random);
      if (!node) return reportFailure(node.error());
      std::cout << fmt::format("已创建节点“{}”于 {} / node created\n", opts->name, ctx.dataDir);
      return 0;
    };
  });

  auto* demo = root.add_subcommand("demo", "生成演示数据（一个区的工会）/ build demo data (a district)");
  demo->add_option("--members", opts->members, "会员人数 / number of members");
  demo->add_option("--seed", opts->seed, "随机种子 / seed");
  demo->add_option("--name", opts->name, "若无节点则以此名创建 / create the node with this name if missing");
  demo->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      auto node = ctx.openNode();
      if (!node && !opts->name.empty()) node = Node::create(ctx.dataDir, opts->name, *ctx.clock, *ctx.random);
      if (!node) return reportFailure(node.error());
      auto summary = buildDemoDistrict(**node, DemoOptions{opts->members, opts->seed});
      if (!summary) return reportFailure(summary.error());
      std::cout << fmt::format("演示数据 / demo data: {} 个工会组织 organizations, {} 家用人单位 employers, {} 名会员 members, "
                               "{} 条会籍变动 events, {} 项活动 activities ({} 人次 participants)\n",
                               summary->organizations, summary->employers, summary->members, summary->events,
                               summary->activities, summary->participants);
      std::cout << fmt::format("工会工作 / union work: {} 份困难职工档案 hardship files, {} 条帮扶救助 assistance, "
                               "{} 件维权案件 rights cases, {} 份集体合同 contracts, {} 次职代会 congresses, "
                               "{} 条经费 funds records\n",
                               summary->hardship, summary->assistance, summary->cases, summary->contracts,
                               summary->congresses, summary->funds);
      return 0;
    };
  });

  auto* stats = root.add_subcommand("stats", "统计：会员数、建会率、入会率… / figures rolled up the tree");
  stats->add_option("--org", opts->org, "工会（名称或编号），默认全部 / union, default all");
  stats->add_option("--year", opts->year, "年度 / year (default: this year)");
  addJsonFlag(stats, ctx);
  stats->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      std::optional<RecordId> org;
      std::string scope = "全部 all";
      if (!opts->org.empty()) {
        auto id = (*node)->resolve(Kind::Organization, opts->org);
        if (!id) return reportFailure(id.error());
        org = *id;
        scope = (*node)->orgTree().path(*id);
      }
      printStats((*node)->stats(org, opts->year), scope, ctx.json);
      return 0;
    };
  });

  auto* digest = root.add_subcommand("digest", "复制数据的摘要：两节点相同当且仅当数据相同 / hash of the replicated state");
  digest->add_option("--org", opts->org,
                     "只算此工会（名称或编号）及其下级的记录，默认全部 / only this union's subtree (name or id), default all");
  digest->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      if (opts->org.empty()) {
        std::cout << (*node)->digest() << "\n";
        return 0;
      }
      auto org = (*node)->resolve(Kind::Organization, opts->org);
      if (!org) return reportFailure(org.error());
      auto scoped = subtreeDigest(**node, *org);
      if (!scoped) return reportFailure(scoped.error());
      std::cout << *scoped << "\n";
      return 0;
    };
  });

  auto* conflicts = root.add_subcommand("conflicts", "并发修改冲突，待核对 / concurrent overwrites kept for review");
  addJsonFlag(conflicts, ctx);
  conflicts->callback([&ctx] {
    ctx.run = [&ctx] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      auto list = (*node)->conflicts();
      nlohmann::json all = nlohmann::json::array();
      for (const auto& c : list) {
        auto record = (*node)->get(c.kind, c.id);
        std::string title = record ? std::string(record->get(kindDef(c.kind).titleField)) : "";
        const FieldDef* field = findField(c.kind, c.field);
        std::string label = field ? std::string(field->zh) : c.field;
        if (ctx.json) {
          all.push_back({{"kind", kindName(c.kind)}, {"id", c.id.hex()}, {"title", title}, {"field", c.field},
                         {"kept", c.winnerValue}, {"kept_origin", fmt::format("{:016x}", c.winner.origin)},
                         {"kept_ms", hlcToMs(c.winner.hlc)}, {"other", c.loserValue},
                         {"other_origin", fmt::format("{:016x}", c.loser.origin)}, {"other_ms", hlcToMs(c.loser.hlc)}});
        } else {
          std::cout << fmt::format("{} {}（{}） {}: 保留 kept “{}”  另一值 other “{}”\n", kindDef(c.kind).zh, title,
                                   c.id.hex(), label, c.winnerValue, c.loserValue);
        }
      }
      if (ctx.json) std::cout << all.dump(2) << "\n";
      else if (list.empty()) std::cout << "没有冲突 / no conflicts\n";
      return 0;
    };
  });

  auto* backup = root.add_subcommand("backup", "备份到一个文件 / back up to one file");
  backup->add_option("--out", opts->file, "备份文件 / backup file")->required();
  backup->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      // LMDB's copy cannot stop midway: Ctrl-C is seen once it ends, and the copy, made
      // under a temporary name, is removed (Node::backup).
      InterruptGuard interrupt;
      ProgressLine line(progressWanted(false), {.verbZh = "已备份", .verbEn = "backed up", .bytes = true, .totalIsBound = true});
      const WorkHooks hooks = progressHooks(line, interrupt);
      auto done = (*node)->backup(opts->file, hooks);
      line.finish();
      if (!done) return reportFailure(done.error());
      if (*done == Completion::Cancelled) return reportInterrupted(notWrittenText(opts->file, "备份", "backup"));
      std::cout << fmt::format("已备份到 {} / backed up\n", opts->file);
      return 0;
    };
  });

  auto* restore = root.add_subcommand("restore", "从备份恢复到空的数据目录 / restore a backup into an empty data directory");
  restore->add_option("file", opts->file, "备份文件 / backup file")->required();
  restore->callback([&ctx, opts] {
    ctx.run = [&ctx, opts] {
      namespace fs = std::filesystem;
      const fs::path dataFile = fs::path(ctx.dataDir) / "data.mdb";
      if (fs::exists(dataFile))
        return reportFailure(fmt::format("{} 中已有数据，请指定一个空目录 / {} already holds data: restore into an empty directory",
                                         ctx.dataDir, ctx.dataDir));
      std::error_code ec;
      fs::create_directories(ctx.dataDir, ec);
      // The folder and the file hold ID numbers: owner only, as Store::create makes them.
      if (ec || ::chmod(ctx.dataDir.c_str(), 0700) != 0)
        return reportFailure(fmt::format("无法创建数据目录 {} / cannot create the data directory: {}", ctx.dataDir,
                                         ec ? ec.message() : std::strerror(errno)));
      if (auto copied = copyOwnerOnly(opts->file, dataFile.string()); !copied) return reportFailure(copied.error());
      auto node = ctx.openNode();
      if (!node) {
        // A backup cut short or not a store: leave the folder as empty as it was, and say
        // that the file given is at fault, not the folder.
        fs::remove(dataFile, ec);
        fs::remove(fs::path(ctx.dataDir) / "lock.mdb", ec);
        return reportFailure(fmt::format("{}\n备份文件 {} 无法恢复（原因见上），数据目录 {} 仍为空：请换一份备份 / the backup {} "
                                         "cannot be restored (see above); the data folder {} is left empty: use another backup",
                                         node.error().message, opts->file, ctx.dataDir, opts->file, ctx.dataDir));
      }
      // A restored node must never reuse sequence numbers it issued after the backup.
      auto epoch = (*node)->startNewEpoch();
      if (!epoch) return reportFailure(epoch.error());
      std::cout << fmt::format("已恢复，新纪元 {} / restored, new epoch\n", (*node)->info().epoch);
      return 0;
    };
  });
}

}  // namespace unionsync

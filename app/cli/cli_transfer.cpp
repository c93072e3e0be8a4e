// `member transfer`: 转会, a member's move to another union with its two events.
#include <fmt/format.h>

#include <iostream>

#include "app/cli/cli_commands.h"
#include "app/node.h"

namespace unionsync {

namespace {

struct TransferOptions {
  std::string member;
  std::string to;
  std::string date;
  std::string reason;
};

int runTransfer(CliContext& ctx, const TransferOptions& opts) {
  auto node = ctx.openNode();
  if (!node) return reportFailure(node.error());
  auto member = (*node)->resolve(Kind::Member, opts.member);
  if (!member) return reportFailure(member.error());
  auto to = (*node)->resolve(Kind::Organization, opts.to);
  if (!to) return reportFailure(to.error());
  auto done = (*node)->transferMember(*member, *to, opts.date, opts.reason);
  if (!done) return reportFailure(done.error().summary());
  const auto held = (*node)->get(Kind::Member, *member);
  const auto union_ = (*node)->get(Kind::Organization, *to);
  std::cout << fmt::format("会员{}已转入{}（转出记录 {}，转入记录 {}）/ member transferred (events {} and {})\n",
                           held ? held->get("name") : "", union_ ? union_->get("name") : "", done->outEvent.hex(),
                           done->inEvent.hex(), done->outEvent.hex(), done->inEvent.hex());
  return 0;
}

}  // namespace

void addTransferCommand(CLI::App& memberGroup, CliContext& ctx) {
  auto opts = std::make_shared<TransferOptions>();
  auto* cmd = memberGroup.add_subcommand(
      "transfer", "转会：转到另一个工会，记录转出和转入 / move to another union, with a 转出 and a 转入 event");
  cmd->add_option("member", opts->member, "会员编号、证件号码或会员证号 / member id, ID number or card number")->required();
  cmd->add_option("--to", opts->to, "转入工会（名称或编号）/ the union the member moves to (name or id)")->required();
  cmd->add_option("--date", opts->date, "转会日期，默认今天 / date (default: today)");
  cmd->add_option("--reason", opts->reason, "原因 / reason");
  cmd->callback([&ctx, opts] { ctx.run = [&ctx, opts] { return runTransfer(ctx, *opts); }; });
}

}  // namespace unionsync

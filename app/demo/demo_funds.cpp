#include "app/demo/demo_funds.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/demo/demo_sampling.h"
#include "app/records/member_identity.h"
#include "app/records/union_work_rules.h"

namespace unionsync::demo {

namespace {

using sv = std::string_view;

// Yearly pay per head in thousands of yuan, by 行业门类 (the others in kOtherPay).
struct Pay {
  sv industry;
  int low, high;
};
constexpr Pay kPay[] = {{"制造业", 60, 85},
                        {"建筑业", 65, 90},
                        {"交通运输、仓储和邮政业", 65, 90},
                        {"批发和零售业", 60, 80},
                        {"住宿和餐饮业", 60, 70},
                        {"房地产业", 60, 80},
                        {"信息传输、软件和信息技术服务业", 100, 120},
                        {"教育", 90, 115},
                        {"卫生和社会工作", 95, 120},
                        {"公共管理、社会保障和社会组织", 90, 110}};
constexpr Pay kOtherPay{"", 60, 75};
// Pay rises from last year to this.
constexpr int kRisePercent = 3;

const Pay& payOf(sv industry) {
  for (const auto& p : kPay)
    if (p.industry == industry) return p;
  return kOtherPay;
}

bool paysFunds(sv type) { return type == "企业工会" || type == "机关事业单位工会" || type == "教育工会"; }

// The share of `year` from `from` to `to` (both inclusive), 0 when they are apart.
double shareOfYear(int year, Day from, Day to) {
  from = std::max(from, yearStart(year));
  to = std::min(to, dayOf(year, 12, 31));
  if (to < from) return 0;
  return static_cast<double>((to - from).count() + 1) / static_cast<double>((dayOf(year, 12, 31) - yearStart(year)).count() + 1);
}

void addYear(const Roster& r, const FundsRates& rates, Dice& dice, PendingRecords& out, int org, int year,
             std::int64_t yearlyPayroll) {
  const bool thisYear = year == r.thisYear;
  const double share = shareOfYear(year, r.orgs[org].founded, r.today);
  const auto payroll = static_cast<std::int64_t>(static_cast<double>(yearlyPayroll) * share);
  if (payroll <= 0) return;
  // What the rules will derive as due, so that paid is a share of it.
  const std::int64_t due = fenShare(payroll * 100, rates.dueBasisPoints, 10000);
  // Last year most paid in full and the rest most of it; this year's payments come a month or
  // two behind the wages, and some are in arrears.
  const int percent = thisYear ? dice.between(60, 95) : dice.chance(550) ? 100 : dice.between(85, 99);
  const std::int64_t paid = fenShare(due, percent, 100);
  const std::string orgHex = r.orgs[org].id.hex(), yearText = std::to_string(year);
  const std::string_view key[] = {orgHex, yearText};
  FieldValues values{{"org", orgHex}, {"year", yearText}, {"payroll", std::to_string(payroll)}, {"paid", yuanText(paid)}};
  if (thisYear) values.emplace_back("notes", fmt::format("截至{}", isoDate(r.today)));
  else if (percent < 100) values.emplace_back("notes", "部分欠缴，已发催缴函");
  out.add(Kind::Funds, recordIdFromKey(Kind::Funds, key), std::move(values));
}

}  // namespace

void addFunds(const Node& node, const Roster& roster, Dice& dice, PendingRecords& out) {
  for (std::size_t i = 0; i < roster.orgs.size(); ++i) {
    const int org = static_cast<int>(i);
    if (!paysFunds(roster.orgs[i].type) || roster.orgs[i].covers.empty()) continue;
    std::int64_t payroll = 0;
    for (int e : roster.orgs[i].covers) {
      const Pay& pay = payOf(roster.employers[e].industry);
      payroll += roster.employers[e].employees * 1000 * dice.between(pay.low, pay.high);
    }
    const FundsRates rates = fundsRatesFor(node, roster.orgs[i].id.hex());
    addYear(roster, rates, dice, out, org, roster.lastYear(), payroll);
    addYear(roster, rates, dice, out, org, roster.thisYear, payroll * (100 + kRisePercent) / 100);
  }
}

}  // namespace unionsync::demo

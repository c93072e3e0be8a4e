#include "app/demo/demo_contracts.h"

#include <fmt/format.h>

#include <algorithm>

namespace unionsync::demo {

namespace {

using sv = std::string_view;
using std::chrono::days;

// Days between founding a union and its first contract, at least.
constexpr int kFirstContractDays = 30;

class ContractDraws {
 public:
  ContractDraws(const Roster& roster, Dice& dice, PendingRecords& out) : r_(roster), dice_(dice), out_(out) {}

  void enterprise(int org, const RosterEmployer& e) {
    const RosterOrg& o = r_.orgs[org];
    const double women = o.employees > 0 ? static_cast<double>(o.womenEmployees) / static_cast<double>(o.employees) : 0;
    const bool hazardous = e.industry == "制造业" || e.industry == "建筑业";
    if (dice_.chance(900)) sign(org, "综合", "单独", 36, anyDay(org), 1, e.employees, "经职工代表大会审议通过，报人社部门审查备案");
    if (dice_.chance(500)) sign(org, "工资专项", "单独", 12, wageRound(org), 1, e.employees, "年度工资集体协商，确定职工工资增长幅度");
    if (dice_.chance(women > 0.5 ? 600 : 200)) sign(org, "女职工专项", "单独", 36, anyDay(org), 1, e.employees, "女职工特殊权益保护专项集体合同");
    if (hazardous && dice_.chance(100)) sign(org, "安全专项", "单独", 36, anyDay(org), 1, e.employees, "劳动安全卫生专项集体合同");
  }

  // A community, village, park or sector union: one contract for most of its small employers.
  void joint(int org) {
    const RosterOrg& o = r_.orgs[org];
    if (o.covers.size() < 2) return;
    const sv scope = o.shortName.find("行业") != std::string::npos ? "行业" : "区域";
    auto covering = [&](int minPct) {
      const auto n = std::max<std::size_t>(2, o.covers.size() * static_cast<std::size_t>(dice_.between(minPct, 100)) / 100);
      std::int64_t employees = 0;
      for (std::size_t i = 0; i < std::min(n, o.covers.size()); ++i) employees += r_.employers[o.covers[i]].employees;
      return std::pair{static_cast<std::int64_t>(std::min(n, o.covers.size())), employees};
    };
    if (dice_.chance(800)) {
      const auto [employers, employees] = covering(60);
      sign(org, "综合", scope, 36, anyDay(org), employers, employees, fmt::format("{}性集体合同，覆盖辖区小微企业", scope));
    }
    // Wage talks for small employers are mostly held by trade (餐饮业、建筑业工资专项).
    if (dice_.chance(scope == "行业" ? 600 : 120)) {
      const auto [employers, employees] = covering(50);
      sign(org, "工资专项", scope, 12, wageRound(org), employers, employees, fmt::format("{}性工资集体协商", scope));
    }
    if (scope == "区域" && dice_.chance(100)) {
      const auto [employers, employees] = covering(50);
      sign(org, "女职工专项", scope, 36, anyDay(org), employers, employees, "区域性女职工特殊权益保护专项集体合同");
    }
  }

 private:
  Day earliest(int org) const { return std::max(yearStart(r_.lastYear()), r_.orgs[org].founded + days{kFirstContractDays}); }

  // Contracts run for years, so most of those in force were signed before this year.
  std::optional<Day> anyDay(int org) {
    const Day from = earliest(org);
    if (from > r_.today) return std::nullopt;
    const Day lastYearEnd = dayOf(r_.lastYear(), 12, 31);
    if (from <= lastYearEnd && dice_.chance(650)) return dayBetween(dice_, from, lastYearEnd);
    return dayBetween(dice_, std::max(from, yearStart(r_.thisYear)), r_.today);
  }

  // Wage talks are held early in the year: this year's once January has passed, else last year's.
  std::optional<Day> wageRound(int org) {
    const int year = dayOf(r_.thisYear, 2, 1) <= r_.today && dice_.chance(600) ? r_.thisYear : r_.lastYear();
    const Day from = std::max(dayOf(year, 1, 5), earliest(org)), to = std::min(dayOf(year, 4, 30), r_.today);
    if (to < from) return anyDay(org);
    return dayBetween(dice_, from, to);
  }

  void sign(int org, sv kind, sv scope, int months, std::optional<Day> signedOn, std::int64_t employers,
            std::int64_t employees, sv notes) {
    if (!signedOn) return;
    out_.add(Kind::Contract, dice_.id(),
             {{"org", r_.orgs[org].id.hex()},
              {"kind", std::string(kind)},
              {"scope", std::string(scope)},
              {"signed_date", isoDate(*signedOn)},
              {"term_months", std::to_string(months)},
              {"employers", std::to_string(employers)},
              {"employees", std::to_string(employees)},
              {"notes", std::string(notes)}});
  }

  const Roster& r_;
  Dice& dice_;
  PendingRecords& out_;
};

bool isJoint(sv type) {
  return type == "社区联合工会" || type == "村工会" || type == "行业/区域工会联合会" || type == "农民工工会";
}

}  // namespace

void addContracts(const Roster& roster, Dice& dice, PendingRecords& out) {
  ContractDraws draws(roster, dice, out);
  for (std::size_t i = 0; i < roster.orgs.size(); ++i) {
    const int org = static_cast<int>(i);
    // Public institutions and schools have no collective contracts: their pay is set by the state.
    if (const RosterEmployer* e = roster.ownEmployer(org); e && roster.orgs[i].type == "企业工会") draws.enterprise(org, *e);
    else if (isJoint(roster.orgs[i].type)) draws.joint(org);
  }
}

}  // namespace unionsync::demo

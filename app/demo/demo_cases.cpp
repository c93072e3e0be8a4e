#include "app/demo/demo_cases.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "app/demo/demo_sampling.h"

namespace unionsync::demo {

namespace {

using sv = std::string_view;
using std::chrono::days;

// Cases accepted per mille of active members in a full year.
constexpr int kCasesPerMille = 3;
constexpr int kMinDays = 5, kMaxDays = 60;

constexpr Weighted kKinds[] = {{"劳动争议调解", 50}, {"讨薪", 30}, {"投诉", 8}, {"法律援助", 8}, {"咨询", 4}};
constexpr Weighted kChannels[] = {{"来访", 40}, {"12351热线", 30}, {"网上", 15}, {"转办", 15}};
constexpr Weighted kResults[] = {{"成功", 70}, {"部分", 15}, {"未成", 8}, {"撤回", 7}};

// {who}: 王某 or 3名职工; {employer}; {n}: workers; {m}: months of wages.
constexpr sv kDisputes[] = {"{who}与{employer}解除劳动合同经济补偿争议", "{who}与{employer}加班费争议",
                            "{who}与{employer}未签订书面劳动合同二倍工资争议", "{who}与{employer}社会保险缴纳争议",
                            "{who}与{employer}工伤待遇争议", "{who}与{employer}带薪年休假工资争议"};
constexpr sv kWages[] = {"{employer}拖欠{n}名农民工工资", "{employer}拖欠{n}名职工{m}个月工资",
                         "{employer}承建项目拖欠{n}名农民工工资", "{employer}停产拖欠{n}名职工工资"};
constexpr sv kComplaints[] = {"{employer}安排职工超时加班", "{employer}未按规定安排带薪年休假",
                              "{employer}女职工孕期调岗降薪", "{employer}未足额缴纳社会保险"};
constexpr sv kLegalAid[] = {"{who}工伤赔偿法律援助", "{who}追索劳动报酬法律援助", "{who}确认劳动关系法律援助"};
constexpr sv kQuestions[] = {"{who}咨询劳动合同续签", "{who}咨询工伤认定程序", "{who}咨询经济补偿计算"};

struct KindRule {
  sv kind;
  std::span<const sv> summaries;
  int minWorkers, maxWorkers;
  int minClaim, maxClaim;  // claimed per worker, in hundreds of yuan
};
constexpr KindRule kRules[] = {{"劳动争议调解", kDisputes, 1, 3, 50, 600},
                               {"讨薪", kWages, 3, 45, 40, 250},
                               {"投诉", kComplaints, 1, 12, 0, 0},
                               {"法律援助", kLegalAid, 1, 1, 200, 1500},
                               {"咨询", kQuestions, 1, 1, 0, 0}};

const KindRule& ruleOf(sv kind) {
  for (const auto& r : kRules)
    if (r.kind == kind) return r;
  return kRules[0];
}

class CaseDraws {
 public:
  CaseDraws(const Roster& roster, Dice& dice, PendingRecords& out) : r_(roster), dice_(dice), out_(out) {}

  void year(int y) {
    const Day from = yearStart(y), to = std::min(dayOf(y, 12, 31), r_.today);
    if (to < from) return;
    // This year's cases so far: in proportion to the days gone.
    const double share = static_cast<double>((to - from).count() + 1) / 365.0;
    const auto count = static_cast<std::size_t>(static_cast<double>(perMilleOf(dice_, r_.activeMembers(), kCasesPerMille, 2)) * share + 0.5);
    for (std::size_t i = 0; i < count; ++i) add(from, to);
  }

 private:
  void add(Day from, Day to) {
    // The district's 职工服务中心 takes about 40%, the streets' and towns' the rest.
    const int org = r_.areas.empty() || dice_.chance(400) ? r_.district : dice_.pick(r_.areas);
    const KindRule& rule = ruleOf(pickWeighted(dice_, kKinds));
    const bool wages = rule.kind == "讨薪";
    // Unpaid wages pile up before the Spring Festival.
    Day accepted = dayBetween(dice_, from, to);
    if (const Day rush = dayOf(yearOf(from), 11, 15); wages && rush <= to && dice_.chance(400))
      accepted = dayBetween(dice_, rush, to);
    const RosterEmployer* employer = employerFor(org, wages);
    const int workers = dice_.between(rule.minWorkers, wages && employer && employer->industry == "建筑业" ? rule.maxWorkers * 2 : rule.maxWorkers);
    const std::string who = workers == 1 ? std::string(surnameOf(personName(dice_, dice_.chance(600), 1985))) + "某"
                                         : fmt::format("{}名职工", workers);
    const std::string employerName = employer ? employer->name : "某用人单位";
    const sv summary = dice_.pick(rule.summaries);
    const int months = dice_.between(2, 6);
    FieldValues values{{"org", r_.orgs[org].id.hex()},
                       {"kind", std::string(rule.kind)},
                       {"summary", fmt::format(fmt::runtime(summary), fmt::arg("who", who), fmt::arg("employer", employerName),
                                               fmt::arg("n", workers), fmt::arg("m", months))},
                       {"accepted_date", isoDate(accepted)},
                       {"channel", std::string(pickWeighted(dice_, kChannels))},
                       {"employer", employerName},
                       {"workers", std::to_string(workers)}};
    std::int64_t claimed = 0;
    if (rule.maxClaim > 0) {
      for (int w = 0; w < workers; ++w) claimed += 100LL * dice_.between(rule.minClaim, rule.maxClaim);
      values.emplace_back("amount_claimed", std::to_string(claimed));
    }
    const Day closed = accepted + days{dice_.between(kMinDays, wages ? kMaxDays / 2 : kMaxDays)};
    if (closed <= r_.today) {
      const sv result = pickWeighted(dice_, kResults);
      values.emplace_back("closed_date", isoDate(closed));
      values.emplace_back("result", std::string(result));
      const int percent = result == "成功" ? dice_.between(85, 100) : result == "部分" ? dice_.between(30, 70) : 0;
      if (claimed > 0 && percent > 0) values.emplace_back("amount_recovered", std::to_string(claimed * percent / 100));
      values.emplace_back("notes", std::string(noteFor(result)));
    }
    out_.add(Kind::RightsCase, dice_.id(), std::move(values));
  }

  sv noteFor(sv result) {
    static constexpr sv kSuccess[] = {"经调解双方达成协议，当场兑现", "经调解达成协议，分两期支付", "用人单位足额支付"};
    static constexpr sv kPartial[] = {"经调解达成部分协议", "用人单位支付部分款项，余款约定分期"};
    static constexpr sv kFailed[] = {"调解不成，引导申请劳动仲裁", "移交劳动保障监察大队处理"};
    static constexpr sv kWithdrawn[] = {"申请人撤回调解申请", "双方自行和解，申请人撤回"};
    if (result == "成功") return dice_.pick(kSuccess);
    if (result == "部分") return dice_.pick(kPartial);
    if (result == "未成") return dice_.pick(kFailed);
    return dice_.pick(kWithdrawn);
  }

  // An employer of the accepting union's area (any for the district); for unpaid wages
  // building sites, restaurants, factories and those without a union more often.
  const RosterEmployer* employerFor(int org, bool wages) {
    auto [it, added] = cumulative_.try_emplace({org, wages});
    std::vector<double>& sums = it->second;
    if (added) {
      double total = 0;
      for (const auto& e : r_.employers) {
        const bool here = org == r_.district || (e.org >= 0 && r_.orgs[e.org].area == org);
        double w = here ? 1.0 : 0.0;
        if (wages && e.industry == "建筑业") w *= 6;
        if (wages && (e.industry == "住宿和餐饮业" || e.industry == "制造业")) w *= 2;
        if (e.covering < 0) w *= 1.5;
        if (e.industry == "公共管理、社会保障和社会组织" || e.industry == "教育") w = 0;
        sums.push_back(total += w);
      }
    }
    if (sums.empty() || sums.back() <= 0) return nullptr;
    const double at = static_cast<double>(dice_.below(1ULL << 53)) / 9007199254740992.0 * sums.back();
    const auto found = std::ranges::upper_bound(sums, at);
    return found == sums.end() ? nullptr : &r_.employers[static_cast<std::size_t>(found - sums.begin())];
  }

  const Roster& r_;
  Dice& dice_;
  PendingRecords& out_;
  std::map<std::pair<int, bool>, std::vector<double>> cumulative_;  // by accepting union and 讨薪
};

}  // namespace

void addRightsCases(const Roster& roster, Dice& dice, PendingRecords& out) {
  if (roster.district < 0) return;
  CaseDraws draws(roster, dice, out);
  draws.year(roster.lastYear());
  draws.year(roster.thisYear);
}

}  // namespace unionsync::demo

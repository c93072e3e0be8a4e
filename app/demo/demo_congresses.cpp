#include "app/demo/demo_congresses.h"

#include <fmt/format.h>

#include <algorithm>

namespace unionsync::demo {

namespace {

using sv = std::string_view;
using std::chrono::days;

// A 届 of a workers' congress lasts five years, with one session (次) a year.
constexpr int kTermYears = 5;
constexpr int kLeastRepresentatives = 15;

constexpr sv kAgenda[] = {"审议通过年度工作报告和集体合同履行情况报告", "审议工资集体协商协议草案",
                          "听取厂务公开工作报告，民主评议管理人员", "审议职工福利费使用情况",
                          "审议通过劳动安全卫生专项集体合同", "选举职工董事、职工监事"};
constexpr sv kSchoolAgenda[] = {"审议学校年度工作报告和财务工作报告", "审议绩效工资分配方案",
                                "审议教职工年度考核办法", "听取校务公开工作报告"};

// Most congresses meet between New Year and April; a few later in the year.
std::optional<Day> sessionDay(Dice& dice, const Roster& r, int year, Day founded) {
  const bool spring = dice.chance(800);
  const Day from = std::max(spring ? dayOf(year, 1, 5) : dayOf(year, 5, 1), founded + days{30});
  const Day to = std::min(spring ? dayOf(year, 4, 30) : dayOf(year, 12, 20), r.today);
  if (to < from) return std::nullopt;
  return dayBetween(dice, from, to);
}

void add(const Roster& r, Dice& dice, PendingRecords& out, int org, Day date, std::string session,
         std::int64_t representatives, sv notes) {
  const auto motions = dice.between(static_cast<int>(std::max<std::int64_t>(1, representatives / 15)),
                                    static_cast<int>(std::max<std::int64_t>(3, representatives / 4)));
  out.add(Kind::Congress, dice.id(),
          {{"org", r.orgs[org].id.hex()},
           {"session", std::move(session)},
           {"date", isoDate(date)},
           {"representatives", std::to_string(representatives)},
           {"motions", std::to_string(motions)},
           {"notes", std::string(notes)}});
}

// A workplace union's congress in `year`: the 届 and 次 count from its founding.
void workplace(const Roster& r, Dice& dice, PendingRecords& out, int org, const RosterEmployer& e, int year) {
  const RosterOrg& o = r.orgs[org];
  if (!dice.chance(850)) return;
  const auto date = sessionDay(dice, r, year, o.founded);
  if (!date) return;
  const int since = std::max(0, year - yearOf(o.founded));
  const bool school = o.type == "教育工会";
  const sv body = school ? "教职工代表大会" : "职工代表大会";
  const std::int64_t representatives = std::max<std::int64_t>(kLeastRepresentatives, e.employees * dice.between(5, 10) / 100);
  const sv notes = school ? dice.pick(kSchoolAgenda) : dice.pick(kAgenda);
  // A workplace too small for representatives meets as a whole (全体职工大会).
  if (e.employees < kLeastRepresentatives) {
    if (e.employees > 0) add(r, dice, out, org, *date, fmt::format("{}年全体职工大会", year), e.employees, notes);
    return;
  }
  add(r, dice, out, org, *date,
      fmt::format("第{}届{}第{}次会议", chineseNumber(1 + since / kTermYears), body, chineseNumber(1 + since % kTermYears)),
      std::min(representatives, e.employees), notes);
}

// 区域性职代会 of a community or village union for the small employers it covers.
void regional(const Roster& r, Dice& dice, PendingRecords& out, int org, int year) {
  const RosterOrg& o = r.orgs[org];
  if (o.covers.size() < 2 || !dice.chance(250)) return;
  const auto date = sessionDay(dice, r, year, o.founded);
  if (!date) return;
  const std::int64_t employees = r.coveredEmployees(org);
  if (employees < kLeastRepresentatives) return;
  const std::int64_t representatives = std::clamp<std::int64_t>(employees * dice.between(3, 6) / 100, kLeastRepresentatives, 200);
  add(r, dice, out, org, *date, fmt::format("{}年{}区域性职工代表大会", year, o.shortName), representatives,
      "审议区域性集体合同和工资专项集体合同草案");
}

}  // namespace

void addCongresses(const Roster& roster, Dice& dice, PendingRecords& out) {
  for (int year : {roster.lastYear(), roster.thisYear})
    for (std::size_t i = 0; i < roster.orgs.size(); ++i) {
      const int org = static_cast<int>(i);
      const sv type = roster.orgs[i].type;
      if (const RosterEmployer* e = roster.ownEmployer(org)) workplace(roster, dice, out, org, *e, year);
      else if (type == "社区联合工会" || type == "村工会") regional(roster, dice, out, org, year);
    }
}

}  // namespace unionsync::demo

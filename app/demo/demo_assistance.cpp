#include "app/demo/demo_assistance.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "app/demo/demo_sampling.h"

namespace unionsync::demo {

namespace {

using sv = std::string_view;

// Per mille of active members helped in a year, by kind (the seed reports: a county of
// 20 000 members visits about 1 000 people in the 两节, supports a few dozen students).
constexpr int kFestivalPerMille = 50;
constexpr int kStudentsPerMille = 2;
constexpr int kMedicalPerMille = 3;
constexpr int kLivingPerMille = 4;
constexpr int kEmploymentPerMille = 1;
constexpr int kMutualPerMille = 2;

struct School {
  sv name;
  bool undergraduate;
};
constexpr School kSchools[] = {
    {"南昌大学", true},         {"江西师范大学", true},     {"江西财经大学", true},       {"华东交通大学", true},
    {"九江学院", true},         {"江西理工大学", true},     {"江西农业大学", true},       {"南昌航空大学", true},
    {"江西科技师范大学", true}, {"赣南医科大学", true},     {"武汉大学", true},           {"湖南大学", true},
    {"华中科技大学", true},     {"厦门大学", true},         {"九江职业技术学院", false},  {"江西应用技术职业学院", false},
    {"江西交通职业技术学院", false}, {"江西工业职业技术学院", false}, {"南昌职业大学", false},
};

class AssistanceDraws {
 public:
  AssistanceDraws(const Roster& roster, std::span<const HardshipFile> files, Dice& dice, PendingRecords& out)
      : r_(roster), files_(files), dice_(dice), out_(out) {}

  void year(int y) {
    const Day end = std::min(dayOf(y, 12, 31), r_.today);
    festival(y);
    students(y);
    fromFiles(y, "医疗救助", kMedicalPerMille, yearStart(y), end);
    fromFiles(y, "生活救助", kLivingPerMille, yearStart(y), end);
    employment(y, end);
    mutualAid(y, end);
  }

 private:
  // 两节送温暖: families on file, model workers, then frontline workers, one visit each.
  void festival(int y) {
    const Day from = dayOf(y, 1, 5), to = std::min(dayOf(y, 2, 20), r_.today);
    if (to < from) return;
    const std::size_t target = perMilleOf(dice_, r_.activeMembers(), kFestivalPerMille);
    std::unordered_set<std::size_t> visited;
    const std::string campaign = fmt::format("{}年两节送温暖", y);
    auto visit = [&](std::size_t member, Day earliest, Day latest, bool onFile) {
      const RosterMember& m = r_.members[member];
      earliest = std::max(earliest, m.joined);
      if (visited.size() >= target || latest < earliest || !visited.insert(member).second) return;
      const bool honoured = !m.modelWorker.empty() && m.modelWorker != "无";
      const int org = honoured && m.modelWorker != "区级" ? r_.district : onFile ? granting(m.org, 350, 350) : granting(m.org, 150, 400);
      const std::int64_t amount = onFile || honoured ? roundYuan(dice_, 1000, 2000, 500) : roundYuan(dice_, 5, 10, 1) * 100;
      FieldValues more{{"campaign", campaign}, {"fund_source", std::string(fundSource(org))}};
      if (dice_.chance(400)) more.emplace_back("in_kind", std::to_string(roundYuan(dice_, 100, 300, 50)));  // 米面油
      if (onFile) more.emplace_back("notes", "困难职工家庭走访慰问");
      else if (honoured) more.emplace_back("notes", fmt::format("{}劳动模范慰问", m.modelWorker));
      grant(member, "送温暖慰问", dayBetween(dice_, earliest, latest), org, amount, std::move(more));
    };
    for (const auto& f : files_)
      if (auto open = f.openDuring(from, to)) visit(f.member, open->first, open->second, true);
    for (std::size_t i = 0; i < r_.members.size(); ++i)
      if (const auto& w = r_.members[i].modelWorker; !w.empty() && w != "无") visit(i, from, to, false);
    std::vector<double> weights;
    weights.reserve(r_.members.size());
    for (const auto& m : r_.members) weights.push_back((m.migrant ? 2.0 : 1.0) * (wellPaid(m.position) ? 0.1 : 1.0) * (y - m.born >= 50 ? 1.5 : 1.0));
    // Twice the target: some drawn were visited already.
    for (std::size_t member : weightedSample(dice_, weights, target * 2)) visit(member, from, to, false);
  }

  // 金秋助学: members of 38 to 56 whose child starts university, families on file first.
  void students(int y) {
    const Day from = dayOf(y, 8, 10), to = std::min(dayOf(y, 9, 20), r_.today);
    if (to < from) return;
    const std::size_t target = perMilleOf(dice_, r_.activeMembers(), kStudentsPerMille, 1);
    auto parentAge = [&](std::size_t member) { return y - r_.members[member].born; };
    std::vector<double> weights(r_.members.size(), 0.0);
    for (const auto& f : files_)
      if (f.openDuring(from, to) && parentAge(f.member) >= 38 && parentAge(f.member) <= 56) weights[f.member] = 50.0;
    for (std::size_t i = 0; i < r_.members.size(); ++i)
      if (weights[i] == 0.0 && parentAge(i) >= 38 && parentAge(i) <= 56 && !wellPaid(r_.members[i].position))
        weights[i] = r_.members[i].migrant ? 0.2 : 0.1;
    const std::string campaign = fmt::format("{}年金秋助学", y);
    for (std::size_t member : weightedSample(dice_, weights, target)) {
      const RosterMember& m = r_.members[member];
      if (m.joined > to) continue;
      const School& school = dice_.pick(kSchools);
      const bool son = dice_.chance(500);
      const int org = dice_.chance(750) ? r_.district : r_.areaOrDistrict(m.org);
      const Day date = dayBetween(dice_, std::max(from, m.joined), to);
      const std::int64_t amount = school.undergraduate ? roundYuan(dice_, 3000, 5000, 1000) : roundYuan(dice_, 2000, 3000, 500);
      // A braced list is evaluated in order, function arguments are not: the draws stay fixed.
      FieldValues more{{"campaign", campaign},
                       {"student", childName(dice_, m.name, son, y - 18)},
                       {"school", std::string(school.name)},
                       {"fund_source", dice_.chance(800) ? "金秋助学专项资金" : "社会捐助"},
                       {"notes", fmt::format("{}年考入{}，{}", y, school.undergraduate ? "本科" : "专科", son ? "儿子" : "女儿")}};
      grant(member, "金秋助学", date, org, amount, std::move(more));
    }
  }

  // 医疗救助 and 生活救助: families on file, the ill first for medical aid.
  void fromFiles(int y, sv kind, int perMille, Day from, Day to) {
    if (to < from) return;
    const bool medical = kind == "医疗救助";
    std::vector<double> weights;
    weights.reserve(files_.size());
    for (const auto& f : files_)
      weights.push_back(!f.openDuring(from, to) ? 0.0 : medical && f.cause == "重特大疾病" ? 5.0 : 1.0);
    static constexpr sv kMedicalNotes[] = {"住院治疗，自付费用较高", "慢性病长期服药", "大病二次救助", "术后康复治疗"};
    static constexpr sv kLivingNotes[] = {"临时生活困难救助", "子女学费困难", "冬季取暖补助", "家庭突发变故"};
    for (std::size_t at : weightedSample(dice_, weights, perMilleOf(dice_, r_.activeMembers(), perMille))) {
      const HardshipFile& f = files_[at];
      const auto open = f.openDuring(std::max(from, r_.members[f.member].joined), to);
      if (!open) continue;
      const int org = granting(r_.members[f.member].org, medical ? 400 : 200, medical ? 350 : 400);
      const std::int64_t amount = medical ? roundYuan(dice_, f.cause == "重特大疾病" ? 2000 : 1000, f.cause == "重特大疾病" ? 10000 : 5000, 500)
                                          : roundYuan(dice_, 500, 3000, 100);
      FieldValues more{{"fund_source", "困难职工帮扶资金"},
                       {"notes", std::string(medical ? dice_.pick(kMedicalNotes) : dice_.pick(kLivingNotes))}};
      if (medical && dice_.chance(500)) more.emplace_back("campaign", fmt::format("{}年职工大病医疗救助", y));
      grant(f.member, kind, dayBetween(dice_, open->first, open->second), org, amount, std::move(more));
    }
  }

  // 就业帮扶: members out of work (保留) and families on file for unemployment; many in the
  // 春风行动 of February and March. Often a placement, with no money.
  void employment(int y, Day end) {
    std::vector<double> weights(r_.members.size(), 0.0);
    for (std::size_t i = 0; i < r_.members.size(); ++i)
      if (r_.members[i].kept) weights[i] = 1.0;
    for (const auto& f : files_)
      if (f.cause == "下岗失业" || f.cause == "有劳动能力未就业") weights[f.member] += 3.0;
    for (std::size_t member : weightedSample(dice_, weights, perMilleOf(dice_, r_.activeMembers(), kEmploymentPerMille))) {
      const RosterMember& m = r_.members[member];
      const bool spring = dice_.chance(400) && dayOf(y, 2, 10) <= end;
      const Day from = std::max(spring ? dayOf(y, 2, 10) : yearStart(y), m.joined), to = spring ? std::min(dayOf(y, 3, 31), end) : end;
      if (to < from) continue;
      FieldValues more{{"fund_source", "工会经费"}};
      if (!r_.employers.empty()) more.emplace_back("notes", fmt::format("推荐至{}就业", dice_.pick(r_.employers).name));
      if (spring) more.emplace_back("campaign", fmt::format("{}年春风行动", y));
      const std::int64_t subsidy = dice_.chance(500) ? roundYuan(dice_, 300, 1500, 100) : 0;  // 培训补贴
      grant(member, "就业帮扶", dayBetween(dice_, from, to), r_.areaOrDistrict(m.org), subsidy, std::move(more));
    }
  }

  // 互助保障: hospital claims of the district's mutual insurance, older members more often.
  void mutualAid(int y, Day end) {
    std::vector<double> weights;
    weights.reserve(r_.members.size());
    for (const auto& m : r_.members) weights.push_back(y - m.born >= 50 ? 3.0 : y - m.born >= 40 ? 1.5 : 1.0);
    for (std::size_t member : weightedSample(dice_, weights, perMilleOf(dice_, r_.activeMembers(), kMutualPerMille))) {
      const RosterMember& m = r_.members[member];
      const Day from = std::max(yearStart(y), m.joined);
      if (end < from) continue;
      const Day date = dayBetween(dice_, from, end);
      const std::int64_t amount = roundYuan(dice_, 300, 6000, 10);
      FieldValues more{{"campaign", fmt::format("{}年度职工住院互助保障", y)},
                       {"fund_source", "职工互助保障金"},
                       {"notes", fmt::format("住院{}天", dice_.between(3, 20))}};
      grant(member, "互助保障", date, r_.district, amount, std::move(more));
    }
  }

  // The district federation `district` per mille of the time, the street or town `area` per
  // mille, else the member's own union.
  int granting(int memberOrg, int district, int area) {
    const int at = dice_.between(0, 999);
    if (at < district) return r_.district;
    if (at < district + area) return r_.areaOrDistrict(memberOrg);
    return memberOrg;
  }

  sv fundSource(int org) {
    if (org == r_.district) return dice_.chance(600) ? "上级工会补助" : "工会经费";
    if (r_.orgs[org].area == org) return dice_.chance(700) ? "工会经费" : "财政专项";
    return dice_.chance(700) ? "工会经费" : "企业行政支持";
  }

  void grant(std::size_t member, sv kind, Day date, int org, std::int64_t amount, FieldValues more) {
    FieldValues values{{"member", r_.members[member].id.hex()},
                       {"kind", std::string(kind)},
                       {"date", isoDate(date)},
                       {"org", r_.orgs[org].id.hex()}};
    if (amount > 0) values.emplace_back("amount", std::to_string(amount));
    values.insert(values.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    out_.add(Kind::Assistance, dice_.id(), std::move(values));
  }

  const Roster& r_;
  std::span<const HardshipFile> files_;
  Dice& dice_;
  PendingRecords& out_;
};

}  // namespace

void addAssistance(const Roster& roster, std::span<const HardshipFile> files, Dice& dice, PendingRecords& out) {
  if (roster.members.empty() || roster.district < 0) return;
  AssistanceDraws draws(roster, files, dice, out);
  draws.year(roster.lastYear());
  draws.year(roster.thisYear);
}

}  // namespace unionsync::demo

#include "app/demo/demo_hardship.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "app/demo/demo_sampling.h"

namespace unionsync::demo {

namespace {

using sv = std::string_view;
using std::chrono::days;

// Files per mille of active members: the seed reports' districts keep 2-3%.
constexpr int kFilesPerMilleLow = 20, kFilesPerMilleHigh = 30;
// Days a family stays on file at least before it is found out of hardship.
constexpr int kMinDaysOnFile = 120;

struct Category {
  sv name;
  int weight;
  // Per-capita monthly income in yuan: the 低保 line of a Jiangxi city is about 900 yuan.
  int minMonthly, maxMonthly;
  std::span<const Weighted> causes;
};
constexpr Weighted kPoorCauses[] = {{"无劳动能力", 25}, {"重特大疾病", 30}, {"下岗失业", 20},
                                    {"有劳动能力未就业", 10}, {"子女上学", 10}, {"其他", 5}};
constexpr Weighted kMarginalCauses[] = {{"子女上学", 30}, {"重特大疾病", 25}, {"下岗失业", 15}, {"社保待遇未落实", 10},
                                        {"未参保", 8}, {"有劳动能力未就业", 7}, {"其他", 5}};
constexpr Weighted kAccidentCauses[] = {{"意外事故", 45}, {"重特大疾病", 40}, {"自然灾害", 15}};
constexpr Category kCategories[] = {{"低保户", 30, 350, 850, kPoorCauses},
                                    {"低保边缘户", 50, 900, 1300, kMarginalCauses},
                                    {"意外致困户", 20, 700, 1800, kAccidentCauses}};
constexpr Weighted kHouseholdSizes[] = {{"2", 20}, {"3", 40}, {"4", 30}, {"5", 8}, {"6", 2}};
constexpr Weighted kStatus[] = {{"在档", 75}, {"脱困", 18}, {"退档", 7}};

constexpr sv kIllness[] = {"本人患尿毒症，每周血液透析三次", "配偶患乳腺癌，术后化疗中", "子女患白血病，长期住院治疗",
                           "本人脑梗后遗症，行动不便", "配偶患肺癌，长期治疗", "本人患糖尿病并发症，长期服药"};
constexpr sv kDisabled[] = {"配偶肢体残疾（二级），无劳动能力", "父母年迈多病，长期卧床需人照料",
                            "本人视力残疾（三级）", "子女智力残疾，需专人看护"};
constexpr sv kInjured[] = {"本人工伤致右腿骨折，停工休养", "配偶车祸受伤，丧失部分劳动能力", "本人高处坠落致腰椎骨折"};
constexpr sv kHealthy[] = {"本人身体健康", "家庭成员健康状况一般", "本人患慢性胃病", "配偶患高血压"};
constexpr sv kHousing[] = {"租住公租房", "租房居住", "自有老旧住房（约40平方米）", "农村自建房，年久失修",
                           "借住亲属家", "单位宿舍"};
constexpr sv kOutOfHardship[] = {"子女毕业参加工作，家庭收入提高", "再就业后收入稳定", "配偶病愈返岗",
                                 "家庭收入超过标准"};
constexpr sv kWithdrawn[] = {"家庭收入超过标准，按程序退档", "调离本区，转出档案", "复核时发现不符合建档条件"};

const Category& pickCategory(Dice& dice) {
  int at = dice.between(0, 99);
  for (const auto& c : kCategories) {
    if (at < c.weight) return c;
    at -= c.weight;
  }
  return kCategories[0];
}

double hardshipWeight(const Roster& roster, const RosterMember& m) {
  const sv type = roster.orgs[m.org].type;
  const int age = roster.thisYear - m.born;
  double w = 1.0;
  if (m.kept) w *= 6;
  if (m.migrant) w *= 1.8;
  if (age >= 45) w *= age >= 55 ? 2.0 : 1.6;
  if (wellPaid(m.position)) w *= 0.2;
  if (type == "社区联合工会" || type == "村工会" || type == "农民工工会" || type == "行业/区域工会联合会") w *= 1.5;
  if (type == "机关事业单位工会" || type == "教育工会") w *= 0.25;
  return w;
}

sv healthFor(Dice& dice, sv cause) {
  if (cause == "重特大疾病") return dice.pick(kIllness);
  if (cause == "无劳动能力") return dice.pick(kDisabled);
  if (cause == "意外事故") return dice.pick(kInjured);
  return dice.pick(kHealthy);
}

// Most files are made in the visits before the Spring Festival (两节摸底建档), the rest during the year.
Day filedDay(Dice& dice, const Roster& roster, const RosterMember& m) {
  const Day from = std::max(m.joined, yearStart(roster.lastYear()));
  const Day day = dice.chance(550) ? dayBetween(dice, dayOf(roster.lastYear(), 1, 2), dayOf(roster.lastYear(), 1, 25))
                                   : dayBetween(dice, from, roster.today);
  return day < from ? dayBetween(dice, from, roster.today) : day;
}

}  // namespace

std::optional<std::pair<Day, Day>> HardshipFile::openDuring(Day from, Day to) const {
  from = std::max(from, filed);
  if (closed) to = std::min(to, *closed);
  if (to < from) return std::nullopt;
  return std::pair{from, to};
}

std::vector<HardshipFile> addHardshipFiles(const Roster& roster, Dice& dice, PendingRecords& out) {
  std::vector<double> weights;
  weights.reserve(roster.members.size());
  for (const auto& m : roster.members) weights.push_back(hardshipWeight(roster, m));
  const int perMille = dice.between(kFilesPerMilleLow, kFilesPerMilleHigh);
  const auto count = static_cast<std::size_t>(std::lround(static_cast<double>(roster.members.size()) * perMille / 1000.0));

  std::vector<HardshipFile> files;
  for (std::size_t member : weightedSample(dice, weights, count)) {
    const RosterMember& m = roster.members[member];
    const Category& category = pickCategory(dice);
    const sv cause = pickWeighted(dice, category.causes);
    const int household = std::stoi(std::string(pickWeighted(dice, kHouseholdSizes)));
    // The yearly income a family states, in hundreds of yuan.
    const std::int64_t income = household * 12 * dice.between(category.minMonthly, category.maxMonthly) / 100 * 100;
    HardshipFile file{member, filedDay(dice, roster, m), std::nullopt, cause};
    sv status = pickWeighted(dice, kStatus);
    if (status != "在档") {
      if (file.filed + days{kMinDaysOnFile} <= roster.today) file.closed = dayBetween(dice, file.filed + days{kMinDaysOnFile}, roster.today);
      else status = "在档";
    }
    FieldValues values{{"member", m.id.hex()},
                       {"org", roster.orgs[m.org].id.hex()},
                       {"category", std::string(category.name)},
                       {"cause", std::string(cause)},
                       {"household_size", std::to_string(household)},
                       {"household_income", std::to_string(income)},
                       {"health", std::string(healthFor(dice, cause))},
                       {"housing", std::string(dice.pick(kHousing))},
                       {"status", std::string(status)},
                       {"filed_date", isoDate(file.filed)}};
    if (file.closed) {
      values.emplace_back("closed_date", isoDate(*file.closed));
      values.emplace_back("notes", std::string(status == "脱困" ? dice.pick(kOutOfHardship) : dice.pick(kWithdrawn)));
    }
    out.add(Kind::Hardship, dice.id(), std::move(values));
    files.push_back(file);
  }
  return files;
}

}  // namespace unionsync::demo

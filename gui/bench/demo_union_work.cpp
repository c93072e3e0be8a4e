#include "gui/bench/demo_union_work.h"

#include <fmt/format.h>

#include <array>

namespace unionsync::gui::bench {

namespace {

constexpr std::array<std::string_view, 3> kCategories = {"低保户", "低保边缘户", "意外致困户"};
constexpr std::array<std::string_view, 4> kCauses = {"重特大疾病", "意外事故", "子女上学", "下岗失业"};
constexpr std::array<std::string_view, 4> kGrants = {"生活救助", "医疗救助", "送温暖慰问", "就业帮扶"};
constexpr std::array<std::string_view, 4> kCases = {"劳动争议调解", "讨薪", "投诉", "咨询"};
constexpr std::array<std::string_view, 4> kResults = {"成功", "部分", "成功", "未成"};
constexpr std::array<std::string_view, 4> kContracts = {"综合", "工资专项", "女职工专项", "安全专项"};

template <std::size_t N>
std::string pick(const std::array<std::string_view, N>& values, std::size_t i) {
  return std::string(values[i % N]);
}

}  // namespace

Result<std::size_t> addDemoUnionWork(Node& node) {
  if (node.count(Kind::Hardship) > 0) return std::size_t{0};
  const int year = std::stoi(node.today().substr(0, 4)) - 1;
  auto day = [year](std::size_t i) { return fmt::format("{}-{:02}-{:02}", year, 1 + i % 12, 1 + i * 7 % 28); };
  const auto members = node.list(ListQuery{.kind = Kind::Member, .limit = 24});
  std::vector<RecordId> unions;
  for (const Record& org : node.list(ListQuery{.kind = Kind::Organization, .limit = 0}))
    if (org.get("parent").size() > 0) unions.push_back(org.id);
  if (members.empty() || unions.empty()) return std::size_t{0};

  std::vector<std::pair<Kind, FieldValues>> records;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string member = members[i].id.hex();
    if (i % 2 == 0)
      records.push_back({Kind::Hardship,
                         {{"member", member}, {"category", pick(kCategories, i)}, {"cause", pick(kCauses, i)},
                          {"household_size", std::to_string(2 + i % 4)}, {"household_income", std::to_string(18000 + 2500 * i)},
                          {"filed_date", day(i)}}});
    records.push_back({Kind::Assistance,
                       {{"member", member}, {"kind", pick(kGrants, i)}, {"date", day(i + 3)},
                        {"amount", std::to_string(500 * (1 + i % 6))}}});
  }
  for (std::size_t i = 0; i < 10; ++i) {
    const std::string org = unions[i % unions.size()].hex();
    FieldValues rightsCase{{"org", org}, {"kind", pick(kCases, i)}, {"summary", "拖欠工资"}, {"accepted_date", day(i)},
                           {"workers", std::to_string(1 + i * 3)}};
    if (i % 3 != 2) {  // every third case still open
      const FieldValues closed{{"closed_date", fmt::format("{}-{:02}-28", year, 1 + i % 12)},
                               {"amount_recovered", std::to_string(3000 * i)}, {"result", pick(kResults, i)}};
      rightsCase.insert(rightsCase.end(), closed.begin(), closed.end());
    }
    records.push_back({Kind::RightsCase, rightsCase});
    records.push_back({Kind::Contract,
                       {{"org", org}, {"kind", pick(kContracts, i)}, {"signed_date", day(i)}, {"term_months", "36"},
                        {"employees", std::to_string(60 + 40 * i)}}});
    records.push_back({Kind::Congress,
                       {{"org", org}, {"session", fmt::format("第{}届第一次", 2 + i % 4)}, {"date", day(i + 2)},
                        {"representatives", std::to_string(30 + 5 * i)}, {"motions", std::to_string(4 + i)}}});
    records.push_back({Kind::Funds, {{"org", org}, {"year", std::to_string(year)}, {"payroll", std::to_string(2'000'000 * (1 + i))}}});
  }
  std::size_t written = 0;
  for (const auto& [kind, values] : records) {
    // Two demo unions may be the same one: a repeated funds year is refused, which is fine.
    if (node.add(kind, values)) ++written;
  }
  return written;
}

}  // namespace unionsync::gui::bench

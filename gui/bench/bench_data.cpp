#include "gui/bench/bench_data.h"

#include <fmt/format.h>

#include <array>

#include "app/demo/demo_names.h"
#include "app/records/batch_writer.h"

namespace unionsync::gui::bench {

namespace {

constexpr std::string_view kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                          "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
                                          "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "萧", "田", "董", "欧阳"};
constexpr std::string_view kGiven[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
                                       "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华",
                                       "䶮", "堃", "玥", "喆", "淼", "燚", "昇", "婧", "晟", "彧", "珺", "翀"};
constexpr std::string_view kEmployers[] = {"华联超市", "宏达机械厂", "顺丰速运网点", "新世纪物业", "东方纺织有限公司",
                                           "金盛建筑工程公司", "惠民社区卫生服务站", "阳光幼儿园", "鸿运物流",
                                           "百信餐饮管理公司"};
constexpr std::string_view kRegions[] = {"110105", "110108", "440524", "320102", "510104", "370202"};

RecordId randomId(Random& random) {
  RecordId id;
  random.fill(id.bytes.data(), id.bytes.size());
  return id;
}

std::string idNumber(std::size_t serial) {
  // Region and sequence digits vary fastest, then the birth date: no two serials below
  // 6 × 1000 × 15120 share a number.
  const std::size_t regions = std::size(kRegions);
  const std::size_t sequence = (serial / regions) % 1000;
  const std::size_t date = serial / (regions * 1000);
  const int year = 1960 + static_cast<int>(date / (12 * 28) % 45);
  const int month = 1 + static_cast<int>(date / 28 % 12);
  const int day = 1 + static_cast<int>(date % 28);
  return demo::withIdCheckChar(
      fmt::format("{}{:04}{:02}{:02}{:03}", kRegions[serial % regions], year, month, day, sequence));
}

}  // namespace

Result<void> buildBenchNode(const std::string& dir, const std::string& name, const BenchDataOptions& options,
                            const std::function<void(std::size_t)>& progress) {
  SystemClock clock;
  SeededRandom random(options.seed);
  auto node = Node::create(dir, name, clock, random, NodeOptions{.durable = false});
  if (!node) return std::unexpected(node.error());
  // Written as given (the values follow the schema's rules by construction): validating a
  // million members would take longer than storing them.
  BatchWriter writer(**node);
  std::vector<PreparedRecord> writes;
  const RecordId district = randomId(random);
  writes.push_back({Kind::Organization, district, {{"name", name}, {"org_type", "区县总工会"}, {"deleted", "0"}}});
  std::vector<RecordId> unions;
  for (std::size_t s = 0; s < options.streets; ++s) {
    const RecordId street = randomId(random);
    writes.push_back({Kind::Organization, street,
                      {{"name", fmt::format("第{}街道总工会", s + 1)}, {"org_type", "街道总工会"},
                       {"parent", district.hex()}, {"deleted", "0"}}});
    unions.push_back(street);
    for (std::size_t u = 0; u < options.unionsPerStreet; ++u) {
      const RecordId community = randomId(random);
      writes.push_back({Kind::Organization, community,
                        {{"name", fmt::format("第{}街道第{}社区联合工会", s + 1, u + 1)}, {"org_type", "社区联合工会"},
                         {"parent", street.hex()}, {"deleted", "0"}}});
      unions.push_back(community);
    }
  }
  if (auto written = writer.write(std::move(writes)); !written) return std::unexpected(written.error());

  constexpr std::size_t kChunk = 50'000;
  for (std::size_t done = 0; done < options.members;) {
    writes.clear();
    writes.reserve(kChunk);
    const std::size_t end = std::min(options.members, done + kChunk);
    for (std::size_t i = done; i < end; ++i) {
      const std::string number = idNumber(i);
      const bool male = (number[16] - '0') % 2 == 1;
      auto memberId = (*node)->memberIdFor(number);
      if (!memberId) return std::unexpected(memberId.error());
      std::string personName(kSurnames[random.below(std::size(kSurnames))]);
      personName += kGiven[random.below(std::size(kGiven))];
      if (random.below(3) == 0) personName += kGiven[random.below(std::size(kGiven))];
      writes.push_back(
          {Kind::Member, *memberId,
           {{"name", std::move(personName)},
            {"gender", male ? "男" : "女"},
            {"id_number", number},
            {"birth_date", fmt::format("{}-{}-{}", number.substr(6, 4), number.substr(10, 2), number.substr(12, 2))},
            {"mobile", fmt::format("1{}{:09}", 3 + random.below(7), random.below(1'000'000'000))},
            {"employer", std::string(kEmployers[random.below(std::size(kEmployers))])},
            {"org", unions[random.below(unions.size())].hex()},
            {"join_date", fmt::format("{}-{:02}-{:02}", 2005 + random.below(20), 1 + random.below(12), 1 + random.below(28))},
            {"card_no", fmt::format("HY{:08}", i + 1)},
            {"status", random.below(20) == 0 ? "保留" : "正常"},
            {"migrant", random.below(3) == 0 ? "1" : "0"},
            {"deleted", "0"}}});
    }
    if (auto written = writer.write(std::move(writes)); !written) return std::unexpected(written.error());
    done = end;
    if (progress) progress(done);
  }
  return {};
}

}  // namespace unionsync::gui::bench

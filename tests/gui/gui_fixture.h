// A small node for the GUI view-model tests: a district, a street under it, an enterprise
// union under the street, and helpers to add members with valid ID numbers.
#pragma once

#include <fmt/format.h>

#include "app/node.h"
#include "store/validation.h"
#include "tests/support/temp_dir.h"

namespace unionsync::gui::testing {

// 2026-06-15 12:00 UTC.
constexpr std::int64_t kNow = 1'781'524'800'000;

// A valid resident ID number from its first 17 digits.
inline std::string idNumber(std::string_view first17) { return std::string(first17) + idNumberCheckChar(first17); }

struct GuiFixture {
  unionsync::testing::TempDir dir;
  ManualClock clock{kNow};
  SeededRandom random{11};
  std::unique_ptr<Node> node;
  RecordId district, street, enterprise;

  GuiFixture() {
    node = std::move(Node::create(dir.sub("node"), "测试节点", clock, random, NodeOptions{.durable = false}).value());
    district = org({{"name", "示范区总工会"}, {"org_type", "区县总工会"}});
    street = org({{"name", "城关街道总工会"}, {"org_type", "街道总工会"}, {"parent", district.hex()}});
    enterprise = org({{"name", "星光电子有限公司工会"}, {"org_type", "企业工会"}, {"parent", street.hex()}});
  }

  RecordId org(const FieldValues& values) { return node->add(Kind::Organization, values).value(); }

  // Member number `n` (distinct ID numbers for distinct n), born 1980-01-01 + n days.
  RecordId member(int n, const std::string& name, const RecordId& union_, FieldValues extra = {}) {
    FieldValues values{{"name", name},
                       {"id_number", idNumber(fmt::format("11010519800{}{:02}{:03}", 1 + n / 28 % 9, 1 + n % 28, n % 1000))},
                       {"org", union_.hex()}};
    values.insert(values.end(), extra.begin(), extra.end());
    auto id = node->add(Kind::Member, values);
    if (!id) throw std::runtime_error(id.error().summary());
    return *id;
  }
};

}  // namespace unionsync::gui::testing

// A node for tests: in a temporary directory, not durable (no fsync), with a clock the test
// sets and seeded randomness, plus helpers to build a union tree.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

#include "app/node.h"
#include "tests/support/temp_dir.h"

namespace unionsync::testing {

// 2025-06-15 12:00 in China; any time zone keeps the date.
constexpr std::int64_t kTestNowMs = 1'749'960'000'000;
// 2026-06-15 12:00 UTC: for tests of "this year" figures.
constexpr std::int64_t kTestNow2026Ms = 1'781'524'800'000;

struct TestNode {
  TempDir dir;
  ManualClock clock;
  SeededRandom random;
  std::unique_ptr<Node> node;

  explicit TestNode(std::uint64_t seed = 1, std::int64_t nowMs = kTestNowMs) : clock(nowMs), random(seed) {
    node = std::move(Node::create(dir.sub("node"), "测试节点", clock, random, NodeOptions{.durable = false}).value());
  }

  RecordId addOrg(const std::string& name, const std::string& type, const std::optional<RecordId>& parent = {}) {
    FieldValues values{{"name", name}, {"org_type", type}};
    if (parent) values.emplace_back("parent", parent->hex());
    auto id = node->add(Kind::Organization, values);
    REQUIRE_MESSAGE(id.has_value(), id.error().summary());
    return *id;
  }

  RecordId memberId(const std::string& idNumber) const { return node->memberIdFor(idNumber).value(); }

  std::optional<Record> member(const std::string& idNumber) const {
    return node->get(Kind::Member, memberId(idNumber));
  }
};

}  // namespace unionsync::testing

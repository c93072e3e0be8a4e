// Shared by the import and export tests: a node with a small union tree, valid ID numbers,
// file helpers, and a second node that shares the first one's deployment and unions (what
// another office holds after syncing), for round trips.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "app/csv.h"
#include "app/node.h"
#include "store/validation.h"
#include "tests/support/temp_dir.h"

namespace unionsync::testing {

// 2025-06-15 12:00 in China; any time zone keeps the date.
constexpr std::int64_t kTestNowMs = 1'749'960'000'000;

// A valid resident ID number from its first 17 digits.
inline std::string validId(const std::string& first17) { return first17 + idNumberCheckChar(first17); }

inline void writeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// Every row of CSV text, fields copied.
inline std::vector<std::vector<std::string>> csvRows(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  CsvReader reader(text);
  for (;;) {
    auto row = reader.next();
    REQUIRE(row.has_value());
    if (!*row) return rows;
    rows.emplace_back((*row)->fields.begin(), (*row)->fields.end());
  }
}

// Field name -> value of a record, without stamps: what a person sees.
inline std::map<std::string, std::string> valuesOf(const Record& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, state] : r.fields) out.emplace(name, state.value);
  return out;
}

struct TestNode {
  TempDir dir;
  ManualClock clock{kTestNowMs};
  SeededRandom random;
  std::unique_ptr<Node> node;

  explicit TestNode(std::uint64_t seed = 1) : random(seed) {
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

  // Joins `other`'s deployment and copies its unions, as a sync would.
  void replicateOrganizations(const TestNode& other) {
    REQUIRE(node->store().adoptDeploymentKey(other.node->store().deploymentKey()).has_value());
    ChangeCursor cursor;
    for (;;) {
      ChangeBatch batch = other.node->store().changesSince({}, cursor, 1000, 1 << 20);
      std::vector<Change> orgs;
      for (auto& change : batch.changes)
        if (change.kind == Kind::Organization) orgs.push_back(std::move(change));
      REQUIRE(node->store().apply(orgs).has_value());
      cursor = batch.next;
      if (batch.done) break;
    }
  }
};

}  // namespace unionsync::testing

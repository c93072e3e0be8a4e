// Shared by the import and export tests: a node with a small union tree, valid ID numbers,
// file helpers, and a second node that shares the first one's deployment and unions (what
// another office holds after syncing), for round trips.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "app/io/csv.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "store/validation.h"
#include "tests/support/test_node.h"

namespace unionsync::testing {

// A valid resident ID number from its first 17 digits.
inline std::string validId(const std::string& first17) { return first17 + idNumberCheckChar(first17); }

inline void writeFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// The permission bits of a file or folder (0600, 0700 ...).
inline unsigned fileMode(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
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

// Joins `other`'s deployment and copies its unions, as a sync would.
inline void replicateOrganizations(TestNode& to, const TestNode& other) {
  REQUIRE(internal::storeOf(*to.node).adoptDeploymentKey(internal::storeOf(*other.node).deploymentKey()).has_value());
  ChangeCursor cursor;
  for (;;) {
    ChangeBatch batch = internal::storeOf(*other.node).changesSince({}, cursor, 1000, 1 << 20);
    std::vector<Change> orgs;
    for (auto& change : batch.changes)
      if (change.kind == Kind::Organization) orgs.push_back(std::move(change));
    REQUIRE(internal::storeOf(*to.node).apply(orgs).has_value());
    cursor = batch.next;
    if (batch.done) break;
  }
}

}  // namespace unionsync::testing

// A store written by the format-1 program (0.1.0, `unionsync demo --members 150`, the folder
// kept as tests/app/data/store_format1.tar.gz) opens in this program: converted once, said
// so, holding the same data, found by the same searches, writable, and format 2 on disk.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <lmdb.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/node.h"
#include "store/format_version.h"
#include "store/lmdb.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

// What the format-1 program printed for this folder (`unionsync digest`).
constexpr std::string_view kFormat1Digest = "4944bb09541ba61729658ed4924e91c5c6bf05ff0697b8e74a51b5b4f374cfe5";
constexpr std::size_t kFormat1Members = 150;

std::string unpackFormat1Store(const TempDir& dir) {
  const std::string node = dir.sub("node");
  std::filesystem::create_directories(node);
  const std::string command =
      fmt::format("tar -xzf '{}/tests/app/data/store_format1.tar.gz' -C '{}'", UNIONSYNC_SOURCE_DIR, node);
  REQUIRE(std::system(command.c_str()) == 0);
  return node;
}

// Reads the folder with LMDB itself: `read` gets a read transaction.
void readRaw(const std::string& node, const std::function<void(MDB_txn*)>& read) {
  MDB_env* env = nullptr;
  REQUIRE(mdb_env_create(&env) == 0);
  mdb_env_set_maxdbs(env, 32);
  REQUIRE(mdb_env_open(env, node.c_str(), MDB_RDONLY, 0600) == 0);
  MDB_txn* txn = nullptr;
  REQUIRE(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn) == 0);
  read(txn);
  mdb_txn_abort(txn);
  mdb_env_close(env);
}

// The format number in the folder's meta table.
std::string heldFormat(const std::string& node) {
  std::string held = "absent";
  readRaw(node, [&](MDB_txn* txn) {
    MDB_dbi meta;
    REQUIRE(mdb_dbi_open(txn, "meta", 0, &meta) == 0);
    MDB_val key{std::strlen("format_version"), const_cast<char*>("format_version")}, value{};
    if (mdb_get(txn, meta, &key, &value) == 0) held = std::string(static_cast<const char*>(value.mv_data), value.mv_size);
  });
  return held;
}

std::size_t numberedNames(const std::string& node) {
  MDB_stat stat{};
  readRaw(node, [&](MDB_txn* txn) {
    MDB_dbi names;
    REQUIRE(mdb_dbi_open(txn, "field_names", 0, &names) == 0);
    REQUIRE(mdb_stat(txn, names, &stat) == 0);
  });
  return stat.ms_entries;
}

std::string bigEndian(std::uint64_t v) {
  std::string out;
  lmdb::appendBigEndian(out, v);
  return out;
}

}  // namespace

TEST_CASE("a store made by the format-1 program opens converted, once, with the same data and searches") {
  TempDir dir;
  const std::string node = unpackFormat1Store(dir);
  CHECK(heldFormat(node) == bigEndian(1));
  ManualClock clock{1'800'000'000'000};
  SeededRandom random(5);
  std::vector<std::string> notices;
  NodeOptions options{.durable = false, .notice = [&](const std::string& text) { notices.push_back(text); }};
  {
    auto opened = Node::open(node, clock, random, options);
    REQUIRE(opened.has_value());
    Node& n = **opened;
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].find("转换存储格式") != std::string::npos);
    CHECK(notices[0].find("re-encoding") != std::string::npos);
    CHECK(n.digest() == kFormat1Digest);
    CHECK(n.count(Kind::Member) == kFormat1Members);
    // Every index was rebuilt: each member is found by its name, its ID number and its
    // name's pinyin initials, as the format-1 program found it.
    const auto members = n.list(ListQuery{.kind = Kind::Member, .includeDeleted = true, .limit = 0});
    REQUIRE(members.size() == kFormat1Members);
    std::size_t byName = 0, byIdNumber = 0;
    for (const Record& m : members) {
      auto found = [&](const std::string& search) {
        for (const Record& r : n.list(ListQuery{.kind = Kind::Member, .search = search, .includeDeleted = true, .limit = 0}))
          if (r.id == m.id) return true;
        return false;
      };
      byName += found(std::string(m.get("name")));
      byIdNumber += found(std::string(m.get("id_number")));
    }
    CHECK(byName == kFormat1Members);
    CHECK(byIdNumber == kFormat1Members);
    CHECK_FALSE(n.list(ListQuery{.kind = Kind::Organization, .search = "lqjd"}).empty());  // 龙泉街道…, by pinyin
    // It takes writes in the new format.
    Record first = members.front();
    REQUIRE(n.set(Kind::Member, first.id, {{"mobile", "13912345678"}}).has_value());
  }
  CHECK(heldFormat(node) == bigEndian(kStoreFormatVersion));
  // The schema's names and the index names; not one per activity participant (thousands here).
  CHECK(numberedNames(node) > 20);
  CHECK(numberedNames(node) < 200);
  notices.clear();
  auto again = Node::open(node, clock, random, options);
  REQUIRE(again.has_value());
  CHECK(notices.empty());  // converted once
  CHECK((*again)->digest() != kFormat1Digest);
  CHECK((*again)->count(Kind::Member) == kFormat1Members);
  CHECK((*again)->list(ListQuery{.kind = Kind::Member, .search = "13912345678"}).size() == 1);
}

// Store benchmark: CSV import of a member roster against a raw LMDB load of the same size,
// lookups by id and by ID number, name-prefix search, statistics, the annual report, store
// size and memory.
//
//   store_bench [--members N] [--chunk ROWS] [--keep DIR [--reuse]] [--no-sync]
//
// --keep leaves the store and the CSV in DIR; --reuse then skips generation, import and the
// raw load and measures queries on the store left there (for profiling them).
//
// Run it from a Release build. Targets (issue 2, docs/BENCHMARKS.md): import >= 100k rows/s,
// lookups >= 200k/s, search and stats <= 100 ms, with 1M members; the annual report <= 100 ms
// with 1M members and 100k assistance records (issue 10).
#include <lmdb.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "app/records/batch_writer.h"
#include "app/records/member_identity.h"
#include "app/io/member_import.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "store/validation.h"

using namespace unionsync;
namespace fs = std::filesystem;

namespace {

struct Args {
  std::size_t members = 1'000'000;
  std::size_t chunk = ImportOptions{}.chunkRows;
  std::string keep;  // keep the data directory and the CSV here instead of a temporary one
  bool sync = true;  // --no-sync: no fsync on commit, to separate CPU from disk time
  bool reuse = false;  // --reuse: query the store a previous run left in --keep DIR
};

Args parseArgs(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--members") args.members = std::stoull(value());
    else if (arg == "--chunk") args.chunk = std::stoull(value());
    else if (arg == "--keep") args.keep = value();
    else if (arg == "--no-sync") args.sync = false;
    else if (arg == "--reuse") args.reuse = true;
    else throw std::runtime_error("usage: store_bench [--members N] [--chunk ROWS] [--keep DIR [--reuse]] [--no-sync]");
  }
  return args;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <typename F>
double timed(F&& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return secondsSince(start);
}

// User + system CPU seconds of this process so far.
double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Bytes this process has handed to write(2) and friends so far (/proc/self/io "wchar").
double writtenBytes() {
  std::ifstream io("/proc/self/io");
  std::string name;
  double value = 0;
  while (io >> name >> value)
    if (name == "wchar:") return value;
  return 0;
}

// The 1-minute load average: other programs on the machine skew every timing here.
std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one;
}

long peakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

// --- the roster --------------------------------------------------------------------------------

constexpr std::string_view kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                          "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "欧阳"};
constexpr std::string_view kGiven[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                                       "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "堃", "喆",
                                       "淼", "䶮", "建国", "海燕", "晓东", "志强"};
constexpr std::string_view kEmployers[] = {"幸福超市", "红星机械厂", "蓝天物流有限公司", "城南建筑工程队", "惠民家政服务中心",
                                           "绿源食品厂", "平安快递站", "光明纺织厂", "新华书店", "康泰医药连锁"};
constexpr std::string_view kEducation[] = {"初中", "高中/中专", "大专", "本科"};

struct District {
  std::vector<std::string> unionNames;  // where members belong
};

// A district federation, 10 street federations, 10 community joint unions under each.
District buildDistrict(Node& node) {
  District d;
  auto add = [&](const std::string& name, const std::string& type, const std::optional<RecordId>& parent) {
    FieldValues values{{"name", name}, {"org_type", type}};
    if (parent) values.emplace_back("parent", parent->hex());
    auto id = node.add(Kind::Organization, values);
    check(id.has_value(), "cannot add a union");
    return *id;
  };
  RecordId district = add("新城区总工会", "区县总工会", {});
  for (int s = 1; s <= 10; ++s) {
    std::string street = fmt::format("第{}街道总工会", s);
    RecordId streetId = add(street, "街道总工会", district);
    d.unionNames.push_back(street);
    for (int c = 1; c <= 10; ++c) {
      std::string community = fmt::format("第{}街道第{}社区联合工会", s, c);
      add(community, "社区联合工会", streetId);
      d.unionNames.push_back(community);
    }
  }
  return d;
}

// Distinct valid ID numbers: 999 sequence numbers per birth date, dates walking forward from
// 1960-01-01, regions in turn.
class IdNumbers {
 public:
  std::string next() {
    if (++seq_ > 999) {
      seq_ = 1;
      nextDay();
    }
    static constexpr std::string_view kRegions[] = {"110105", "310104", "440305", "510107", "330106"};
    std::string first17 = fmt::format("{}{:04}{:02}{:02}{:03}", kRegions[seq_ % 5], y_, m_, d_, seq_);
    return first17 + idNumberCheckChar(first17);
  }

 private:
  void nextDay() {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = y_ % 4 == 0 && (y_ % 100 != 0 || y_ % 400 == 0);
    if (++d_ <= kDays[m_ - 1] + (m_ == 2 && leap ? 1 : 0)) return;
    d_ = 1;
    if (++m_ > 12) m_ = 1, ++y_;
  }
  int y_ = 1960, m_ = 1, d_ = 1, seq_ = 0;
};

struct Roster {
  std::vector<std::string> idNumbers;
  std::size_t bytes = 0;
};

// Writes the roster CSV (UTF-8 with BOM, CRLF, Chinese headers as offices write them).
Roster writeRoster(const std::string& path, std::size_t members, const District& district) {
  std::mt19937_64 rng(42);
  auto pick = [&](auto& list) -> std::string_view { return list[rng() % std::size(list)]; };
  Roster roster;
  roster.idNumbers.reserve(members);
  std::ofstream out(path, std::ios::binary);
  std::string text = "\xEF\xBB\xBF序号,姓名,性别,民族,身份证号码,手机号码,工作单位,所属工会,入会日期,会员证号,是否农民工,学历\r\n";
  IdNumbers idNumbers;
  for (std::size_t i = 0; i < members; ++i) {
    std::string id = idNumbers.next();
    text += fmt::format("{},{}{},,汉族,{},1{:010},{},{},{}-{:02}-{:02},HY{:08},{},{}\r\n", i + 1, pick(kSurnames),
                        pick(kGiven), id, 3000000000 + i * 7, pick(kEmployers), pick(district.unionNames),
                        2000 + rng() % 25, 1 + rng() % 12, 1 + rng() % 28, i, rng() % 10 < 3 ? "是" : "否",
                        pick(kEducation));
    roster.idNumbers.push_back(std::move(id));
    if (text.size() > (8u << 20)) {
      out << text;
      roster.bytes += text.size();
      text.clear();
    }
  }
  out << text;
  roster.bytes += text.size();
  check(static_cast<bool>(out), "cannot write the roster");
  return roster;
}

// --- raw LMDB ------------------------------------------------------------------------------------

void lmdbCheck(int rc, const char* what) {
  if (rc != MDB_SUCCESS) throw std::runtime_error(fmt::format("{}: {}", what, mdb_strerror(rc)));
}

// A read transaction on a store's LMDB environment, opened read-only beside the program's
// own use of it (after the node is closed: LMDB allows one open per process).
class ReadOnlyStore {
 public:
  explicit ReadOnlyStore(const std::string& dir) {
    lmdbCheck(mdb_env_create(&env_), "mdb_env_create");
    mdb_env_set_maxdbs(env_, 16);
    lmdbCheck(mdb_env_open(env_, dir.c_str(), MDB_RDONLY, 0600), "mdb_env_open");
    lmdbCheck(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn_), "mdb_txn_begin");
  }
  ~ReadOnlyStore() {
    mdb_txn_abort(txn_);
    mdb_env_close(env_);
  }
  ReadOnlyStore(const ReadOnlyStore&) = delete;
  ReadOnlyStore& operator=(const ReadOnlyStore&) = delete;

  // Calls `visit(key, value)` for every entry of the table `name` (the main table when null).
  template <typename F>
  void forEach(const char* name, F&& visit) const {
    MDB_dbi dbi;
    lmdbCheck(mdb_dbi_open(txn_, name, 0, &dbi), "mdb_dbi_open");
    MDB_cursor* cursor = nullptr;
    lmdbCheck(mdb_cursor_open(txn_, dbi, &cursor), "mdb_cursor_open");
    MDB_val key, value;
    for (int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT))
      visit(std::string_view(static_cast<const char*>(key.mv_data), key.mv_size),
            std::string_view(static_cast<const char*>(value.mv_data), value.mv_size));
    mdb_cursor_close(cursor);
  }

  // Bytes of the pages a table uses.
  std::size_t tableBytes(const std::string& name) const {
    MDB_dbi dbi;
    lmdbCheck(mdb_dbi_open(txn_, name.c_str(), 0, &dbi), "mdb_dbi_open");
    MDB_stat st{};
    lmdbCheck(mdb_stat(txn_, dbi, &st), "mdb_stat");
    return (st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) * st.ms_psize;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

// Average value size of the store's member records, and their key size.
double averageRecordBytes(const ReadOnlyStore& store, std::size_t& keyBytes) {
  std::size_t count = 0, bytes = 0;
  store.forEach("records", [&](std::string_view key, std::string_view value) {
    if (key[0] != static_cast<char>(Kind::Member)) return;
    ++count;
    bytes += value.size();
    keyBytes = key.size();
  });
  return count ? static_cast<double>(bytes) / static_cast<double>(count) : 0;
}

// Pages in use per table (named tables are the keys of the main table).
std::vector<std::pair<std::string, std::size_t>> tableSizes(const ReadOnlyStore& store) {
  std::vector<std::pair<std::string, std::size_t>> out;
  std::vector<std::string> names;
  store.forEach(nullptr, [&](std::string_view key, std::string_view) { names.emplace_back(key); });
  for (const auto& name : names) out.emplace_back(name, store.tableBytes(name));
  return out;
}

// Puts `n` pre-built records (random 17-byte keys, values of `valueBytes`) in transactions of
// `chunk` records, durably as the store writes. Returns the seconds spent writing.
double rawLmdbLoad(const std::string& dir, std::size_t n, std::size_t keyBytes, std::size_t valueBytes, std::size_t chunk,
                   bool sync) {
  fs::create_directories(dir);
  std::mt19937_64 rng(7);
  std::vector<std::string> keys(n, std::string(keyBytes, '\0'));
  for (auto& k : keys)
    for (auto& c : k) c = static_cast<char>(rng());
  std::string value(valueBytes, 'v');
  for (auto& c : value) c = static_cast<char>('a' + rng() % 26);

  MDB_env* env = nullptr;
  lmdbCheck(mdb_env_create(&env), "mdb_env_create");
  lmdbCheck(mdb_env_set_mapsize(env, std::size_t{1} << 34), "mdb_env_set_mapsize");
  lmdbCheck(mdb_env_open(env, dir.c_str(), sync ? 0 : MDB_NOSYNC, 0600), "mdb_env_open");
  double seconds = timed([&] {
    for (std::size_t start = 0; start < n; start += chunk) {
      MDB_txn* txn = nullptr;
      lmdbCheck(mdb_txn_begin(env, nullptr, 0, &txn), "mdb_txn_begin");
      MDB_dbi dbi;
      lmdbCheck(mdb_dbi_open(txn, nullptr, 0, &dbi), "mdb_dbi_open");
      for (std::size_t i = start; i < std::min(n, start + chunk); ++i) {
        MDB_val k{keys[i].size(), keys[i].data()}, v{value.size(), value.data()};
        lmdbCheck(mdb_put(txn, dbi, &k, &v, 0), "mdb_put");
      }
      lmdbCheck(mdb_txn_commit(txn), "mdb_txn_commit");
    }
  });
  mdb_env_close(env);
  return seconds;
}

// --- reporting -----------------------------------------------------------------------------------

void figure(const std::string& name, const std::string& value, const std::string& target = "") {
  std::cout << fmt::format("  {:<46} {:>16}  {}\n", name, value, target);
  std::cout.flush();
}

std::string verdict(bool met) { return met ? "met" : "MISSED"; }

// --- phases --------------------------------------------------------------------------------------

struct ImportFigures {
  double seconds = 0;
  std::vector<std::string> idNumbers;  // of the members imported, in file order
};

// Creates the node with its union tree, writes the roster and imports it as the CLI does.
ImportFigures importPhase(const Args& args, const std::string& dataDir, const std::string& csvPath, Clock& clock,
                          Random& random) {
  const std::size_t n = args.members;
  District district;
  {
    auto node = Node::create(dataDir, "bench", clock, random, NodeOptions{args.sync});
    check(node.has_value(), node ? "" : node.error().message);
    district = buildDistrict(**node);
  }
  Roster roster;
  double genSeconds = timed([&] { roster = writeRoster(csvPath, n, district); });
  figure("roster CSV generated", fmt::format("{:.1f} MB", roster.bytes / 1e6), fmt::format("({:.1f} s)", genSeconds));

  ImportReport report;
  ImportFigures figures;
  double cpu = cpuSeconds(), written = writtenBytes();
  {
    auto node = Node::open(dataDir, clock, random, NodeOptions{args.sync});
    check(node.has_value(), node ? "" : node.error().message);
    figures.seconds = timed([&] {
      auto r = importMembers(**node, csvPath, ImportOptions{.chunkRows = args.chunk});
      check(r.has_value(), r ? "" : r.error().message);
      report = *r;
    });
  }
  cpu = cpuSeconds() - cpu;
  written = writtenBytes() - written;
  check(report.created == n && report.rejected == 0, fmt::format("import: {} created, {} rejected", report.created, report.rejected));
  const double rate = n / figures.seconds;
  figure("import (rows/s)", fmt::format("{:.0f}", rate),
         fmt::format("{:.2f} s; target >= 100000: {}", figures.seconds, verdict(rate >= 100'000)));
  figure("import CPU time (user + system)", fmt::format("{:.2f} s", cpu),
         fmt::format("{:.0f}% of wall time", 100 * cpu / figures.seconds));
  figure("bytes written by the import", fmt::format("{:.1f} GB", written / 1e9), fmt::format("{:.0f} bytes per row", written / n));
  figure("peak RSS after import", fmt::format("{:.0f} MB", peakRssKb() / 1024.0));
  figures.idNumbers = std::move(roster.idNumbers);
  return figures;
}

// The same number of records of the same size as the store's member records, put into a
// plain LMDB table in transactions of the same size, with the same durability.
void rawLoadPhase(const Args& args, const std::string& root, const std::string& dataDir, double importSeconds) {
  std::size_t keyBytes = 17;
  double recordBytes = 0;
  {
    ReadOnlyStore store(dataDir);
    recordBytes = averageRecordBytes(store, keyBytes);
  }
  double written = writtenBytes();
  const double seconds =
      rawLmdbLoad(root + "/raw", args.members, keyBytes, static_cast<std::size_t>(recordBytes), args.chunk, args.sync);
  figure("raw LMDB load of same-size records (puts/s)", fmt::format("{:.0f}", args.members / seconds),
         fmt::format("{:.2f} s, {} + {:.0f} bytes per record", seconds, keyBytes, recordBytes));
  figure("bytes written by the raw load", fmt::format("{:.1f} GB", (writtenBytes() - written) / 1e9));
  figure("import time / raw LMDB time", fmt::format("{:.1f}x", importSeconds / seconds));
  fs::remove_all(root + "/raw");
}

// Lookups by id and by ID number, name-prefix search and statistics, as the CLI runs them.
void queryPhase(Node& node, const std::vector<std::string>& idNumbers) {
  const std::size_t n = idNumbers.size();
  const std::size_t lookups = std::min<std::size_t>(200'000, n);
  std::mt19937_64 rng(3);
  std::vector<std::string> sample(lookups);
  for (auto& s : sample) s = idNumbers[rng() % n];
  const std::string key = internal::storeOf(node).deploymentKey();
  std::vector<RecordId> ids;
  ids.reserve(lookups);
  for (const auto& s : sample) ids.push_back(memberIdFromIdNumber(key, "", s));

  // Each kind of lookup runs twice over the same sample: the first pass maps the store's
  // pages into this process (as a fresh CLI process does), the second finds them mapped (as
  // the long-running GUI or `serve` does).
  auto lookupRate = [&](const std::string& name, const std::function<bool(std::size_t)>& lookup) {
    std::vector<double> rates;
    for (int pass = 0; pass < 2; ++pass) {
      std::size_t found = 0;
      double seconds = timed([&] {
        for (std::size_t i = 0; i < lookups; ++i) found += lookup(i);
      });
      check(found == lookups, name + " missed members");
      rates.push_back(lookups / seconds);
    }
    figure(name + " (lookups/s)", fmt::format("{:.0f} / {:.0f}", rates[0], rates[1]),
           fmt::format("first / second pass; target >= 200000: {}", verdict(rates[1] >= 200'000)));
  };
  lookupRate("lookup by id", [&](std::size_t i) { return node.get(Kind::Member, ids[i]).has_value(); });
  // By ID number as `member show <ID number>` does it: resolve to the id, then read.
  lookupRate("by ID number: Node::resolve + get", [&](std::size_t i) {
    auto id = node.resolve(Kind::Member, sample[i]);
    return id && node.get(Kind::Member, *id).has_value();
  });
  // The same with the key and the date fetched once: parse, keyed hash, one read.
  const std::string today = node.today();
  lookupRate("by ID number: parse + hash + get", [&](std::size_t i) {
    auto info = parseIdNumber(sample[i], today);
    return info && node.get(Kind::Member, memberIdFromIdNumber(key, "", info->normalized)).has_value();
  });

  // Searches as `member list --search` runs them, the worst of several texts: name prefixes,
  // and pinyin (issue 11) whose single letters match the most.
  auto searches = [&](std::string_view what, std::initializer_list<std::string_view> texts, double targetMs) {
    double worstMs = 0;
    for (std::string_view typed : texts) {
      std::size_t hits = 0;
      double ms = 1000 * timed([&] {
        hits = node.list(ListQuery{.kind = Kind::Member, .search = std::string(typed), .limit = 100}).size();
      });
      worstMs = std::max(worstMs, ms);
      figure(fmt::format("search {} \"{}\", limit 100 (ms)", what, typed), fmt::format("{:.2f}", ms),
             fmt::format("{} found", hits));
    }
    figure(fmt::format("search {}, worst (ms)", what), fmt::format("{:.2f}", worstMs),
           fmt::format("target <= {}: {}", targetMs, verdict(worstMs <= targetMs)));
  };
  searches("name prefix", {"王", "欧阳", "张伟", "李", "䶮", "吴淼"}, 100);
  searches("pinyin", {"wm", "wangm", "wang wei", "zhangw", "oyn", "w", "x"}, 50);

  Stats stats;
  double statsMs = 1000 * timed([&] { stats = node.stats(std::nullopt); });
  check(stats.members == static_cast<std::int64_t>(n), fmt::format("stats counted {} members", stats.members));
  figure("stats over the whole tree (ms)", fmt::format("{:.2f}", statsMs),
         fmt::format("target <= 100: {}", verdict(statsMs <= 100)));
}

// The annual report over the whole tree with one assistance record per ten members (issue 10),
// against reading the same assistance records from the store.
void reportPhase(Node& node, const std::vector<std::string>& idNumbers) {
  const std::size_t n = idNumbers.size(), records = std::max<std::size_t>(n / 10, 1);
  const std::string key = internal::storeOf(node).deploymentKey();
  std::vector<RecordId> unions;
  node.forEach(Kind::Organization, [&](const Record& r) {
    unions.push_back(r.id);
    return true;
  });
  const auto kinds = findField(Kind::Assistance, "kind")->choices;
  const int year = std::stoi(node.today().substr(0, 4));
  std::mt19937_64 rng(5);
  std::vector<PreparedRecord> writes;
  writes.reserve(records);
  double prepared = timed([&] {
    for (std::size_t i = 0; i < records; ++i) {
      // Some people are helped more than once: 人数 below 人次.
      const RecordId member = memberIdFromIdNumber(key, "", idNumbers[rng() % (records * 3 / 4 + 1)]);
      RecordId id;
      for (auto& b : id.bytes) b = static_cast<std::uint8_t>(rng());
      auto valid = prepareRecord(node, Kind::Assistance, id,
                                 {{"member", member.hex()}, {"kind", std::string(kinds[rng() % kinds.size()])},
                                  {"date", fmt::format("{}-01-{:02}", year, 1 + rng() % 28)},
                                  {"amount", std::to_string(200 + rng() % 3000)}, {"org", unions[rng() % unions.size()].hex()}});
      check(valid.has_value(), valid ? "" : valid.error().summary());
      writes.push_back(std::move(*valid));
    }
  });
  double stored = timed([&] {
    auto w = BatchWriter(node).write(std::move(writes));
    check(w.has_value(), w ? "" : w.error().message);
  });
  figure("assistance records validated + stored", fmt::format("{}", records),
         fmt::format("{:.2f} s + {:.2f} s", prepared, stored));

  Report report;
  std::vector<double> ms;
  for (int pass = 0; pass < 3; ++pass) ms.push_back(1000 * timed([&] { report = node.report(std::nullopt, year); }));
  const AssistanceFigures& total = report.scope.figures.assistanceTotal;
  check(total.records == static_cast<std::int64_t>(records), fmt::format("report counted {} assistance records", total.records));
  check(report.scope.figures.stats.members == static_cast<std::int64_t>(n), "report counted the members wrong");
  figure("report over the whole tree (ms)", fmt::format("{:.1f} / {:.1f}", ms[0], *std::min_element(ms.begin() + 1, ms.end())),
         fmt::format("first / best later; {} unions, {} people in {} records; target <= 100: {}", unions.size(),
                     total.people, total.records, verdict(*std::min_element(ms.begin(), ms.end()) <= 100)));
  // What the report would cost without counters: one read of every assistance record.
  std::set<RecordId> people;
  double scanMs = 1000 * timed([&] {
    node.forEach(Kind::Assistance, [&](const Record& r) {
      people.insert(*RecordId::fromHex(r.get("member")));
      return true;
    });
  });
  check(static_cast<std::int64_t>(people.size()) == total.people, "the report's people differ from a scan's");
  figure("scan of the assistance records, for comparison (ms)", fmt::format("{:.1f}", scanMs),
         fmt::format("report / scan: {:.2f}", *std::min_element(ms.begin(), ms.end()) / scanMs));
}

// The file and the pages each table uses, per member.
void sizePhase(const std::string& dataDir, std::size_t n) {
  const auto fileBytes = fs::file_size(dataDir + "/data.mdb");
  figure("store size (data.mdb)", fmt::format("{:.0f} MB", fileBytes / 1e6));
  figure("store size per member (bytes)", fmt::format("{:.0f}", static_cast<double>(fileBytes) / n),
         "file size; LMDB reuses its free pages for later writes");
  ReadOnlyStore store(dataDir);
  std::size_t live = 0;
  for (const auto& [name, bytes] : tableSizes(store)) {
    live += bytes;
    figure(fmt::format("  table {} (pages in use)", name), fmt::format("{:.0f} MB", bytes / 1e6),
           fmt::format("{:.0f} bytes per member", static_cast<double>(bytes) / n));
  }
  figure("pages in use per member (bytes)", fmt::format("{:.0f}", static_cast<double>(live) / n));
}

// The ID numbers writeRoster gave a roster of `n` members.
std::vector<std::string> rosterIdNumbers(std::size_t n) {
  IdNumbers generator;
  std::vector<std::string> out(n);
  for (auto& id : out) id = generator.next();
  return out;
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parseArgs(argc, argv);
  const bool keep = !args.keep.empty();
  check(!args.reuse || keep, "--reuse needs --keep DIR");
  std::string root = args.keep;
  if (!keep) {
    std::string pattern = (fs::temp_directory_path() / "store-bench-XXXXXX").string();
    check(mkdtemp(pattern.data()) != nullptr, "mkdtemp failed");
    root = pattern;
  }
  fs::create_directories(root);
  // Gigabytes at 1M members: removed however the run ends, unless asked to keep them.
  struct RemoveAtExit {
    std::string dir;
    ~RemoveAtExit() {
      std::error_code ec;
      if (!dir.empty()) fs::remove_all(dir, ec);
    }
  } cleanup{keep ? std::string() : root};
  const std::string dataDir = root + "/node", csvPath = root + "/members.csv";
  std::cout << fmt::format("store_bench: {} members, {} rows per transaction, {}, in {}; load average {}\n",
                           args.members, args.chunk, args.sync ? "durable commits" : "no fsync", root, loadAverage());

  SystemClock clock;
  SystemRandom random;
  std::vector<std::string> idNumbers;
  if (args.reuse) {
    idNumbers = rosterIdNumbers(args.members);
  } else {
    ImportFigures imported = importPhase(args, dataDir, csvPath, clock, random);
    rawLoadPhase(args, root, dataDir, imported.seconds);
    idNumbers = std::move(imported.idNumbers);
  }
  {
    auto node = Node::open(dataDir, clock, random, NodeOptions{args.sync});
    check(node.has_value(), node ? "" : node.error().message);
    queryPhase(**node, idNumbers);
    if (!args.reuse) reportPhase(**node, idNumbers);
  }
  sizePhase(dataDir, args.members);
  figure("peak RSS of this process", fmt::format("{:.0f} MB", peakRssKb() / 1024.0));
  std::cout << fmt::format("load average at the end: {}\n", loadAverage());
  return 0;
} catch (const std::exception& e) {
  std::cerr << "store_bench: " << e.what() << "\n";
  return 1;
}

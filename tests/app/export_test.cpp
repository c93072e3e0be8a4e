#include "app/internal/store_access.h"
#include "app/io/csv_export.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>

#include "app/cli/cli_commands.h"
#include "app/io/member_import.h"
#include "app/io/text_encoding.h"
#include "data/roster_fixture.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

// A district whose records exercise the awkward cases: a union name held twice, a card
// number with a leading zero, notes with commas, quotes and line breaks, rare characters.
struct ExportFixture {
  TestNode t;
  RecordId street = t.addOrg("幸福街道总工会", "街道总工会");
  RecordId community = t.addOrg("阳光社区联合工会", "社区联合工会", street);
  RecordId town = t.addOrg("红旗镇总工会", "乡镇总工会");
  RecordId organsA = t.addOrg("机关工会", "机关事业单位工会", street);
  RecordId organsB = t.addOrg("机关工会", "机关事业单位工会", town);

  RecordId addMember(FieldValues values) {
    auto id = t.node->add(Kind::Member, values);
    REQUIRE_MESSAGE(id.has_value(), id.error().summary());
    return *id;
  }

  ExportFixture() {
    addMember({{"name", "张伟"},
               {"id_number", validId("11010519850612001")},
               {"mobile", "13800000001"},
               {"org", community.hex()},
               {"employer", "幸福超市"},
               {"card_no", "000123"},
               {"migrant", "是"},
               {"join_date", "2020-03-01"},
               {"notes", "夜班,周末\n\"困难\"家庭"}});
    addMember({{"name", "王䶮"}, {"id_number", "11010519491231002X"}, {"org", organsA.hex()}, {"ethnicity", "回族"}});
    addMember({{"name", "李喆"}, {"id_number", validId("11010519900307002")}, {"org", organsB.hex()}, {"status", "保留"}});
    addMember({{"name", "吴淼"}, {"id_number", validId("11010519700101003")}, {"org", town.hex()}});
    auto gone = addMember({{"name", "已删除"}, {"id_number", validId("11010519700101011")}, {"org", town.hex()}});
    REQUIRE(t.node->remove(Kind::Member, gone).has_value());
  }

  std::vector<std::vector<std::string>> rows(Kind kind, ExportOptions options = {}) const {
    return csvRows(exportCsvText(*t.node, kind, options));
  }
};

std::map<RecordId, std::map<std::string, std::string>> membersOf(const Node& node) {
  std::map<RecordId, std::map<std::string, std::string>> out;
  internal::storeOf(node).forEach(Kind::Member, [&](const Record& r) {
    if (!r.deleted()) out.emplace(r.id, valuesOf(r));
    return true;
  });
  return out;
}

std::size_t columnOf(const std::vector<std::string>& header, std::string_view name) {
  auto it = std::ranges::find(header, name);
  REQUIRE(it != header.end());
  return static_cast<std::size_t>(it - header.begin());
}

}  // namespace

TEST_CASE("members export with Chinese headers import recognises, unions by name, ID numbers in full") {
  ExportFixture f;
  auto rows = f.rows(Kind::Member);
  REQUIRE(rows.size() == 5);  // header and four members; the deleted one is left out
  const auto& header = rows[0];
  for (const auto& column : header) CHECK_MESSAGE(fieldForHeader(Kind::Member, column) != nullptr, column);
  const std::size_t name = columnOf(header, "姓名"), org = columnOf(header, "所属工会"),
                    idNumber = columnOf(header, "证件号码"), card = columnOf(header, "会员证号"),
                    migrant = columnOf(header, "是否农民工");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row[name] == "张伟") {
      CHECK(row[org] == "阳光社区联合工会");
      CHECK(row[idNumber].starts_with('\t'));  // kept text in Excel
      CHECK(row[idNumber].substr(1) == validId("11010519850612001"));
      CHECK(row[card] == "\t000123");
      CHECK(row[migrant] == "是");
    } else if (row[name] == "王䶮") {
      CHECK(row[org] == f.organsA.hex());  // two unions are named 机关工会
      CHECK(row[idNumber] == "11010519491231002X");
    } else if (row[name] == "吴淼") {
      CHECK(row[org] == "红旗镇总工会");
    }
  }
}

TEST_CASE("export then import into an empty node of the same deployment gives the same members") {
  ExportFixture f;
  const std::string path = f.t.dir.sub("members.csv");
  auto summary = exportCsv(*f.t.node, Kind::Member, path);
  REQUIRE_MESSAGE(summary.has_value(), summary.error().message);
  CHECK(summary->records == 4);
  CHECK(readFile(path).starts_with("\xEF\xBB\xBF"));

  TestNode other(7);
  replicateOrganizations(other, f.t);
  auto report = importMembers(*other.node, path);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(report->created == 4);
  CHECK(report->rejected == 0);
  CHECK(report->ignoredHeaders().empty());
  auto expected = membersOf(*f.t.node);
  CHECK(membersOf(*other.node) == expected);
  CHECK(expected.size() == 4);

  // Importing the export into the node it came from changes nothing.
  auto again = importMembers(*f.t.node, path);
  REQUIRE(again.has_value());
  CHECK(again->unchanged == 4);
  CHECK(membersOf(*f.t.node) == expected);
}

TEST_CASE("GBK export holds the same text, rare characters included, without a BOM") {
  ExportFixture f;
  const std::string path = f.t.dir.sub("members-gbk.csv");
  REQUIRE(exportCsv(*f.t.node, Kind::Member, path, ExportOptions{.encoding = Encoding::Gbk}).has_value());
  std::string bytes = readFile(path);
  CHECK_FALSE(bytes.starts_with("\xEF\xBB\xBF"));
  CHECK_FALSE(isValidUtf8(bytes));
  auto decoded = decodeText(bytes, Encoding::Gbk);
  REQUIRE(decoded.has_value());
  CHECK(decoded->utf8 == exportCsvText(*f.t.node, Kind::Member));
  CHECK(decoded->utf8.find("王䶮") != std::string::npos);

  TestNode other(8);
  replicateOrganizations(other, f.t);
  auto report = importMembers(*other.node, path);
  REQUIRE(report.has_value());
  CHECK(report->detectedEncoding == Encoding::Gbk);
  CHECK(membersOf(*other.node) == membersOf(*f.t.node));
}

TEST_CASE("--org restricts the export to a union's subtree") {
  ExportFixture f;
  auto names = [&](Kind kind, const RecordId& org, std::string_view column) {
    auto rows = f.rows(kind, ExportOptions{.org = org});
    std::vector<std::string> out;
    const std::size_t c = columnOf(rows[0], column);
    for (std::size_t i = 1; i < rows.size(); ++i) out.push_back(rows[i][c]);
    std::ranges::sort(out);
    return out;
  };
  CHECK(names(Kind::Member, f.street, "姓名") == std::vector<std::string>{"张伟", "王䶮"});
  CHECK(names(Kind::Member, f.town, "姓名") == std::vector<std::string>{"吴淼", "李喆"});
  CHECK(names(Kind::Member, f.community, "姓名") == std::vector<std::string>{"张伟"});
  CHECK(names(Kind::Organization, f.street, "名称") ==
        std::vector<std::string>{"幸福街道总工会", "机关工会", "阳光社区联合工会"});
}

TEST_CASE("organizations, employers and activities export with references as names") {
  ExportFixture f;
  auto orgs = f.rows(Kind::Organization);
  REQUIRE(orgs.size() == 6);
  const std::size_t name = columnOf(orgs[0], "名称"), parent = columnOf(orgs[0], "上级工会");
  for (std::size_t i = 1; i < orgs.size(); ++i)
    if (orgs[i][name] == "阳光社区联合工会") CHECK(orgs[i][parent] == "幸福街道总工会");

  REQUIRE(f.t.node->add(Kind::Employer, {{"name", "幸福超市"}, {"org", f.community.hex()}, {"covering_union", f.community.hex()},
                                         {"employees", "40"}}));
  auto employers = f.rows(Kind::Employer);
  REQUIRE(employers.size() == 2);
  CHECK(employers[1][columnOf(employers[0], "所在地工会")] == "阳光社区联合工会");
  CHECK(employers[1][columnOf(employers[0], "覆盖工会")] == "阳光社区联合工会");
  CHECK(employers[1][columnOf(employers[0], "职工人数")] == "40");

  auto activity = f.t.node->add(Kind::Activity, {{"title", "送温暖慰问"}, {"activity_type", "送温暖/慰问"}, {"org", f.street.hex()},
                                                 {"start_date", "2025-01-20"}, {"cost", "1234.5"}});
  REQUIRE(activity.has_value());
  REQUIRE(f.t.node->join(*activity, f.t.memberId(validId("11010519850612001"))).has_value());
  auto activities = f.rows(Kind::Activity);
  REQUIRE(activities.size() == 2);
  CHECK(activities[1][columnOf(activities[0], "主办工会")] == "幸福街道总工会");
  CHECK(activities[1][columnOf(activities[0], "经费(元)")] == "1234.50");
  CHECK(activities[1][columnOf(activities[0], "参加会员数")] == "1");
}

TEST_CASE("a members export says it holds personal information and is readable by its owner only") {
  ExportFixture f;
  const std::string path = f.t.dir.sub("members.csv");
  auto summary = exportCsv(*f.t.node, Kind::Member, path);
  REQUIRE(summary.has_value());
  CHECK(summary->personalColumns == std::vector<std::string>{"证件号码", "手机"});
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0077) == 0);

  auto activities = exportCsv(*f.t.node, Kind::Activity, f.t.dir.sub("activities.csv"));
  REQUIRE(activities.has_value());
  CHECK(activities->personalColumns.empty());
}

TEST_CASE("an export that cannot be written fails and leaves no file") {
  ExportFixture f;
  const std::string path = f.t.dir.sub("no-such-dir/members.csv");
  auto summary = exportCsv(*f.t.node, Kind::Member, path);
  REQUIRE_FALSE(summary.has_value());
  CHECK(summary.error().message.find("no-such-dir") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(exportCsv(*f.t.node, Kind::Member, f.t.dir.sub("x.csv"), ExportOptions{.encoding = Encoding::Auto}).has_value());
}

TEST_CASE("formula-like values are written behind an apostrophe and import back identical") {
  ExportFixture f;
  const std::vector<std::string> notes = {"=HYPERLINK(\"http://example.com\",\"点我\")", "-5", "+86 138 0000 0001", "@sum",
                                          "'=1+1", "''-2", "'@", "=A1,\"x\"", "\t=1"};
  std::size_t n = 0;
  for (const auto& note : notes) {
    f.addMember({{"name", fmt::format("会员{}", n)},
                 {"id_number", validId(fmt::format("110105199001{:02}{:03}", n + 1, 7))},
                 {"org", f.town.hex()},
                 {"employer", n % 2 ? "-某厂" : "=某厂"},
                 {"notes", note}});
    ++n;
  }
  const std::string path = f.t.dir.sub("members.csv");
  REQUIRE(exportCsv(*f.t.node, Kind::Member, path).has_value());
  const std::string bytes = readFile(path);
  CHECK(bytes.find("\"'=HYPERLINK(\"\"http://example.com\"\",\"\"点我\"\")\"") != std::string::npos);
  CHECK(bytes.find(",'-5\r\n") != std::string::npos);
  CHECK(bytes.find(",'+86 138 0000 0001") != std::string::npos);
  CHECK(bytes.find(",''=1+1") != std::string::npos);
  CHECK(bytes.find(",=") == std::string::npos);  // no cell starts a formula
  CHECK(bytes.find(",-") == std::string::npos);

  TestNode other(9);
  replicateOrganizations(other, f.t);
  auto report = importMembers(*other.node, path);
  REQUIRE_MESSAGE(report.has_value(), report.error().message);
  CHECK(report->rejected == 0);
  CHECK(membersOf(*other.node) == membersOf(*f.t.node));
  for (std::size_t i = 0; i + 1 < notes.size(); ++i)  // the last one's tab is trimmed when stored
    CHECK(other.member(validId(fmt::format("110105199001{:02}{:03}", i + 1, 7)))->get("notes") == notes[i]);
}

TEST_CASE("restore creates the data folder 0700 and the data file 0600, whatever the backup's mode") {
  ExportFixture f;
  const std::string backup = f.t.dir.sub("node.backup");
  REQUIRE(internal::storeOf(*f.t.node).backup(backup).has_value());
  REQUIRE(::chmod(backup.c_str(), 0644) == 0);  // as a copy on a USB stick may be

  const std::string dataDir = f.t.dir.sub("restored/data");
  CliContext ctx;
  ctx.dataDir = dataDir;
  ctx.clock = &f.t.clock;
  ctx.random = &f.t.random;
  ctx.openNode = [&]() { return Node::open(ctx.dataDir, f.t.clock, f.t.random, NodeOptions{.durable = false}); };
  CLI::App app;
  registerNodeCommands(app, ctx);
  std::vector<std::string> args{backup, "restore"};  // CLI11 takes them last first
  app.parse(args);
  REQUIRE(ctx.run);
  REQUIRE(ctx.run() == 0);

  CHECK(fileMode(dataDir) == 0700);
  CHECK(fileMode(dataDir + "/data.mdb") == 0600);
  auto restored = Node::open(dataDir, f.t.clock, f.t.random, NodeOptions{.durable = false});
  REQUIRE(restored.has_value());
  CHECK(internal::storeOf(**restored).count(Kind::Member) == internal::storeOf(*f.t.node).count(Kind::Member));

  // A second restore into the same folder is refused and leaves the data alone.
  ctx.run = nullptr;
  args = {backup, "restore"};
  app.parse(args);
  REQUIRE(ctx.run);
  CHECK(ctx.run() == 1);
  CHECK(fileMode(dataDir + "/data.mdb") == 0600);
}

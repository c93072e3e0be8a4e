// The union work records between two real nodes (issue 10): records made with the CLI on one
// office reach the other with the same report, and concurrent edits of one record's fields at
// the two offices merge per field.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "tests/integration/process_support.h"
#include "tests/support/temp_dir.h"

using namespace unionsync::testing;

namespace {

std::string run(const std::string& dir, const std::vector<std::string>& args) {
  auto r = runCli(dir, args);
  REQUIRE_MESSAGE(r.exitCode == 0, args[0], " ", r.out);
  return r.out;
}

// A one-shot sync of `from` against `to`'s serve process, until it has finished.
void syncOnce(const std::string& from, const std::string& to, std::uint16_t port, const std::string& log) {
  Process serve(to, {"serve", "--listen", "tcp://127.0.0.1:" + std::to_string(port), "--discovery", "off"}, log);
  auto r = runCli(from, {"sync", "--peer", "tcp://127.0.0.1:" + std::to_string(port), "--timeout", "20"});
  CHECK_MESSAGE(r.exitCode == 0, r.out);
  CHECK(serve.stop(SIGTERM) == 0);
}

}  // namespace

TEST_SUITE("integration") {
TEST_CASE("cli: union work records sync between two offices, with the same report and per-field merges") {
  TempDir tmp;
  const std::string a = tmp.sub("a"), b = tmp.sub("b");
  run(a, {"init", "--name", "县总工会"});
  run(b, {"init", "--name", "白沙镇"});
  const std::uint16_t pa = freePort(), pb = freePort();
  const std::string keyA = firstLine(run(a, {"peer", "key"})), keyB = firstLine(run(b, {"peer", "key"}));
  run(a, {"peer", "trust", keyB, "--name", "B", "--address", "tcp://127.0.0.1:" + std::to_string(pb)});
  run(b, {"peer", "trust", keyA, "--name", "A", "--address", "tcp://127.0.0.1:" + std::to_string(pa)});

  run(a, {"org", "add", "name=嘉禾县总工会", "org_type=区县总工会"});
  run(a, {"org", "add", "name=白沙镇总工会", "org_type=乡镇总工会", "parent=嘉禾县总工会"});
  run(a, {"member", "add", "name=王淼", "id_number=11010519491231002X", "org=白沙镇总工会"});
  const std::string hardship = firstLine(run(a, {"hardship", "add", "member=11010519491231002X", "category=低保户",
                                                 "household_size=3", "household_income=24000"}));
  const std::string aid = firstLine(run(a, {"assistance", "add", "member=11010519491231002X", "kind=医疗救助",
                                            "date=2026-01-20", "amount=3,000", "org=嘉禾县总工会"}));
  run(a, {"case", "add", "org=白沙镇总工会", "kind=讨薪", "accepted_date=2026-02-01", "workers=23", "amount_claimed=46000"});
  run(a, {"funds", "add", "org=白沙镇总工会", "year=2026", "payroll=1000000", "paid=18000"});
  syncOnce(b, a, pa, tmp.sub("a.log"));
  CHECK(firstLine(run(a, {"digest"})) == firstLine(run(b, {"digest"})));
  const auto reportA = nlohmann::json::parse(run(a, {"report", "--year", "2026", "--json"}));
  const auto reportB = nlohmann::json::parse(run(b, {"report", "--year", "2026", "--json"}));
  CHECK(reportA == reportB);
  CHECK(reportB["assistance"]["医疗救助"]["amount_fen"] == 300000);
  CHECK(reportB["hardship_active"] == 1);
  CHECK(reportB["funds"]["due_fen"] == 2000000);
  CHECK(reportB["cases"]["accepted"] == 1);

  // Apart, each office edits other fields of the same records; both edits hold everywhere.
  run(a, {"assistance", "set", aid, "amount=3500"});
  run(b, {"assistance", "set", aid, "campaign=两节送温暖"});
  run(b, {"hardship", "set", hardship, "household_income=30000"});
  run(a, {"hardship", "set", hardship, "cause=重特大疾病"});
  syncOnce(b, a, pa, tmp.sub("a2.log"));
  CHECK(firstLine(run(a, {"digest"})) == firstLine(run(b, {"digest"})));
  for (const auto& dir : {a, b}) {
    const auto shown = nlohmann::json::parse(run(dir, {"assistance", "show", aid, "--json"}));
    CHECK(shown["fields"]["amount"] == "3500.00");
    CHECK(shown["fields"]["campaign"] == "两节送温暖");
    const auto file = nlohmann::json::parse(run(dir, {"hardship", "show", hardship, "--json"}));
    CHECK(file["fields"]["cause"] == "重特大疾病");
    CHECK(file["fields"]["household_income"] == "30000.00");
    CHECK(file["derived"]["per_capita_monthly_income"] == "833.33");
  }
  CHECK(run(a, {"conflicts"}).find(aid) == std::string::npos);

  // Mistyped commands fail in one line and write nothing.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"report", "--out", tmp.sub("r.xls")}, {"report", "--org", "白沙乡总工会"},
        {"report", "--year", "1800"}, {"report", "--out", tmp.sub("r.csv"), "--encoding", "big5"},
        {"member", "transfer", "110105194912310021", "--to", "嘉禾县总工会"},
        {"member", "transfer", "11010519491231002X", "--to", "白沙镇总工会"},
        {"assistance", "add", "member=11010519491231002X", "kind=医疗救助", "date=2026-01-20", "amount=-5"}}) {
    auto r = runCli(a, bad);
    CHECK_MESSAGE(r.exitCode != 0, bad[0], " ", bad[1]);
    CHECK_MESSAGE(std::count(r.out.begin(), r.out.end(), '\n') <= 2, r.out);
  }
  CHECK_FALSE(std::filesystem::exists(tmp.sub("r.xls")));
  CHECK_FALSE(std::filesystem::exists(tmp.sub("r.csv")));
  CHECK(firstLine(run(a, {"digest"})) == firstLine(run(b, {"digest"})));  // nothing was written
}
}  // TEST_SUITE integration

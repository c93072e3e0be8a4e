// The annual report a union office sends upward (DOMAIN.md, "Figures headquarters reports"):
// the figures of one scope and of each of its direct child unions for one year, all read
// from the statistics counters (no record is scanned), rolled up by summing numerators and
// denominators, never by averaging rates. Node::report builds it; reportLines turns it into
// the one table that the CLI, the CSV/XLSX files and the desktop program all show.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/model/stats.h"
#include "store/types.h"

namespace unionsync {

// 帮扶: records are 人次 (occurrences), people 人数 (distinct members).
struct AssistanceFigures {
  std::int64_t records = 0;
  std::int64_t people = 0;
  std::int64_t amountFen = 0;
};

struct CaseFigures {
  std::int64_t accepted = 0;  // accepted in the year
  std::int64_t closed = 0;    // closed in the year
  std::int64_t success = 0, partial = 0, failed = 0, withdrawn = 0;  // results of those closed
  std::int64_t workers = 0;       // workers involved in the cases accepted
  std::int64_t recoveredFen = 0;  // recovered in the cases closed
  std::optional<double> successRate() const;  // 成功 ÷ closed; empty when none closed
};

struct ReportFigures {
  // 会员数, 建会率, 入会率, 本年发展会员 (transfers excluded), 新建工会, 活动, 参与人次: the
  // figures the overview shows, for the report's year.
  Stats stats;
  std::map<std::string, std::int64_t> organizationsByType;  // org_type -> unions
  std::int64_t transfersIn = 0;  // 转入 events in the year at the receiving union
  std::int64_t transfersOut = 0;
  std::int64_t hardshipActive = 0;  // members with a file 在档 now (counters hold the present state)
  std::map<std::string, AssistanceFigures> assistance;  // by kind, every kind of the schema
  AssistanceFigures assistanceTotal;  // people: distinct over all kinds
  CaseFigures cases;
  std::int64_t contractEmployers = 0;  // covered by a 综合 (comprehensive) contract in force in the year
  std::int64_t contractEmployees = 0;
  std::int64_t congresses = 0;
  std::int64_t fundsDueFen = 0;
  std::int64_t fundsPaidFen = 0;

  std::optional<double> contractRate() const;  // 集体合同签订率: covered ÷ unionized employers
  std::optional<double> fundsRate() const;     // 经费收缴率: paid ÷ due
};

struct ReportColumn {
  std::optional<RecordId> org;  // empty: the whole tree
  std::string name;             // the union's name, or 全部 / all
  ReportFigures figures;
};

struct Report {
  int year = 0;
  ReportColumn scope;
  std::vector<ReportColumn> children;  // the direct child unions (the roots for the whole tree), by name
};

// One row of the report's table.
enum class ReportUnit { Count, Fen, Rate };
struct ReportLine {
  std::string key;  // stable, as in `report --json` ("assistance.医疗救助.people")
  std::string zh;
  std::string en;
  ReportUnit unit = ReportUnit::Count;
  // The schema choice the line is about (an org_type, an assistance kind), written in Chinese
  // inside `en` too, so a program with English names of choices can put its own; else empty.
  std::string choice;
  // Scope first, then each child. Counts and fen are whole numbers (exact in a double up to
  // 2^53); a rate is a fraction, empty when its denominator is 0.
  std::vector<std::optional<double>> values;
};

// Every figure of the report, in the order of the paper form.
std::vector<ReportLine> reportLines(const Report& report);

}  // namespace unionsync

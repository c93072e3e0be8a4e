#include "app/records/counters.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "store/schema.h"
#include "store/validation.h"

namespace unionsync::counter {

namespace {

// A stored count; what no valid write could store (a sign, more digits than parseCount
// accepts) counts as 0, so no record can move a counter by more than kMaxCountValue and
// sums over a deployment cannot overflow.
std::int64_t number(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (error != std::errc() || end != text.data() + text.size() || v < 0 || v > kMaxCountValue) return 0;
  return v;
}

std::string_view yearOf(std::string_view date) { return date.size() >= 4 ? date.substr(0, 4) : ""; }

std::string yearlyKey(std::string_view prefix, std::string_view year) {
  std::string key(prefix);
  key += ':';
  key += year;
  return key;
}

// A stored amount in fen; what no valid write stores counts as 0. Sums saturate in the store.
std::int64_t money(std::string_view text) {
  std::int64_t v = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (error != std::errc() || end != text.data() + text.size() || v < 0) return 0;
  return v;
}

// The years a contract is in force: from the year it was signed through the year its term
// ends (the signing year alone when the term is blank). Terms are at most kMaxContractYears.
std::vector<int> contractYears(std::string_view signedDate, std::string_view termMonths) {
  int year = 0, month = 0;
  if (signedDate.size() < 7 || std::from_chars(signedDate.data(), signedDate.data() + 4, year).ec != std::errc() ||
      std::from_chars(signedDate.data() + 5, signedDate.data() + 7, month).ec != std::errc())
    return {};
  const std::int64_t term = std::min<std::int64_t>(number(termMonths), kMaxContractYears * 12);
  // The last month in force is month + term - 1 (a 12-month contract signed in March ends in February).
  const std::int64_t lastMonth = term > 0 ? month - 1 + term - 1 : month - 1;
  std::vector<int> years;
  for (int y = year; y <= year + lastMonth / 12; ++y) years.push_back(y);
  return years;
}

// Employers a contract covers: as written, else the one employer of a single-employer contract.
std::int64_t coveredEmployers(const Record& r) {
  if (!r.get("employers").empty()) return number(r.get("employers"));
  return r.get("scope").empty() || r.get("scope") == "单独" ? 1 : 0;
}

}  // namespace

std::string peopleCounterOrg(std::string_view orgHex) { return std::string(orgHex) + ":people"; }

std::string assistedKey(std::string_view year, std::string_view kind, std::string_view memberHex) {
  return fmt::format("{}:{}:{}", year, kind, memberHex);
}

std::string yearly(std::string_view prefix, int year) { return yearlyKey(prefix, std::to_string(year)); }

void countRecord(const Record& r, std::vector<std::pair<std::string, std::int64_t>>& out) {
  if (r.deleted()) return;
  auto add = [&](std::string_view org, std::string_view name, std::int64_t delta) {
    if (!org.empty() && delta != 0) out.emplace_back(counterKey(org, name), delta);
  };
  switch (r.kind) {
    case Kind::Organization: {
      // An organization counts at itself, so a subtree sum includes its root.
      std::string self = r.id.hex();
      add(self, kOrganizations, 1);
      if (auto type = r.get("org_type"); !type.empty()) add(self, std::string(kOrgTypePrefix) + std::string(type), 1);
      if (auto year = yearOf(r.get("founded")); !year.empty()) add(self, yearlyKey(kNewUnions, year), 1);
      break;
    }
    case Kind::Member: {
      auto status = r.get("status");
      if (status.empty() || status == "正常" || status == "保留") {
        add(r.get("org"), kMembers, 1);
        if (r.get("migrant") == "1") add(r.get("org"), kMigrantMembers, 1);
      }
      break;
    }
    case Kind::Employer: {
      auto org = r.get("org");
      add(org, kEmployers, 1);
      if (!r.get("covering_union").empty()) {
        add(org, kUnionizedEmployers, 1);
        add(org, kUnionizedEmployees, number(r.get("employees")));
        add(org, kUnionizedMigrantEmployees, number(r.get("migrant_employees")));
      }
      break;
    }
    case Kind::MembershipEvent: {
      auto year = yearOf(r.get("date"));
      if (year.empty()) break;
      // A transfer is counted at each end and never as a new member (DOMAIN.md).
      auto type = r.get("event_type");
      if (type == "新入会") add(r.get("org"), yearlyKey(kNewMembers, year), 1);
      if (type == "转入") add(r.get("org"), yearlyKey(kTransfersIn, year), 1);
      if (type == "转出") add(r.get("org"), yearlyKey(kTransfersOut, year), 1);
      break;
    }
    case Kind::Activity: {
      auto year = yearOf(r.get("start_date"));
      if (year.empty()) break;
      add(r.get("org"), yearlyKey(kActivities, year), 1);
      std::int64_t people = number(r.get("extra_attendees"));
      for (const auto& [name, field] : r.fields)
        if (name.starts_with(kParticipantPrefix) && !field.value.empty()) ++people;
      add(r.get("org"), yearlyKey(kParticipants, year), people);
      break;
    }
    case Kind::Hardship:
      // Counted by person: two offices that each opened a file for one member while apart
      // hold two active files after they sync, and the member is still one 困难职工.
      if (r.get("status") == "在档" && !r.get("org").empty() && !r.get("member").empty())
        out.emplace_back(counterKey(peopleCounterOrg(r.get("org")), std::string(kHardshipPeoplePrefix) + std::string(r.get("member"))), 1);
      break;
    case Kind::Assistance: {
      auto year = yearOf(r.get("date"));
      const std::string kind(r.get("kind"));
      if (year.empty() || kind.empty()) break;
      add(r.get("org"), yearlyKey(kAssistance, year) + ":" + kind, 1);
      add(r.get("org"), yearlyKey(kAssistanceFen, year) + ":" + kind, money(r.get("amount")));
      if (auto member = r.get("member"); !member.empty() && !r.get("org").empty())
        out.emplace_back(counterKey(peopleCounterOrg(r.get("org")), assistedKey(year, kind, member)), 1);
      break;
    }
    case Kind::RightsCase: {
      if (auto year = yearOf(r.get("accepted_date")); !year.empty()) {
        add(r.get("org"), yearlyKey(kCasesAccepted, year), 1);
        add(r.get("org"), yearlyKey(kCaseWorkers, year), number(r.get("workers")));
      }
      auto closed = yearOf(r.get("closed_date"));
      if (closed.empty()) break;
      add(r.get("org"), yearlyKey(kCasesClosed, closed), 1);
      if (auto result = r.get("result"); !result.empty()) add(r.get("org"), yearlyKey(kCaseResult, closed) + ":" + std::string(result), 1);
      add(r.get("org"), yearlyKey(kCaseRecoveredFen, closed), money(r.get("amount_recovered")));
      break;
    }
    case Kind::Contract:
      // Coverage (集体合同签订率) counts the comprehensive contract: the 专项 contracts an
      // employer often signs beside it cover the same employer and would count it twice.
      if (auto kind = r.get("kind"); !kind.empty() && kind != "综合") break;
      for (int year : contractYears(r.get("signed_date"), r.get("term_months"))) {
        add(r.get("org"), yearly(kContractEmployers, year), coveredEmployers(r));
        add(r.get("org"), yearly(kContractEmployees, year), number(r.get("employees")));
      }
      break;
    case Kind::Congress:
      if (auto year = yearOf(r.get("date")); !year.empty()) add(r.get("org"), yearlyKey(kCongresses, year), 1);
      break;
    case Kind::Funds: {
      auto year = r.get("year");
      if (year.size() != 4) break;
      add(r.get("org"), yearlyKey(kFundsDueFen, year), money(r.get("due")));
      add(r.get("org"), yearlyKey(kFundsPaidFen, year), money(r.get("paid")));
      break;
    }
    case Kind::Certificate:
    case Kind::Revocation:
    case Kind::OriginClaim: break;  // federation records count toward no figure
  }
}

}  // namespace unionsync::counter

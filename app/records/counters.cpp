#include "app/records/counters.h"

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

}  // namespace

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
    case Kind::MembershipEvent:
      if (r.get("event_type") == "新入会")
        if (auto year = yearOf(r.get("date")); !year.empty()) add(r.get("org"), yearlyKey(kNewMembers, year), 1);
      break;
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
    case Kind::Assistance:
    case Kind::RightsCase:
    case Kind::Contract:
    case Kind::Congress:
    case Kind::Funds: break;  // the report's counters come with the report (issue 10)
    case Kind::Certificate:
    case Kind::Revocation:
    case Kind::OriginClaim: break;  // federation records count toward no figure
  }
}

}  // namespace unionsync::counter

// The figures the overview shows for a subtree (DOMAIN.md), summed over the subtree before
// dividing. The annual report (report.h) holds these and more.
#pragma once

#include <cstdint>
#include <optional>

namespace unionsync {

struct Stats {
  std::int64_t organizations = 0;
  std::int64_t members = 0;             // 会员数: status 正常 or 保留
  std::int64_t migrantMembers = 0;
  std::int64_t employers = 0;           // surveyed employers
  std::int64_t unionizedEmployers = 0;  // with own union or covered by a joint union
  std::int64_t unionizedEmployees = 0;  // 入会率 denominator
  std::int64_t unionizedMigrantEmployees = 0;
  std::int64_t newMembersThisYear = 0;  // 新入会 events in the year
  std::int64_t newUnionsThisYear = 0;
  std::int64_t activitiesThisYear = 0;
  std::int64_t participantsThisYear = 0;  // 参与人次: participants + unregistered head counts
  int year = 0;
  // Rates as fractions; empty when the denominator is zero.
  std::optional<double> unionizationRate() const;  // 建会率
  std::optional<double> membershipRate() const;    // 入会率
  std::optional<double> migrantMembershipRate() const;
};

}  // namespace unionsync

// The statistics counters the store keeps per organization (see StoreOptions::counters):
// which records count towards which figure. Figures for a subtree are sums of these.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"

namespace unionsync::counter {

constexpr std::string_view kOrganizations = "organizations";
constexpr std::string_view kMembers = "members";
constexpr std::string_view kMigrantMembers = "migrant_members";
constexpr std::string_view kEmployers = "employers";
constexpr std::string_view kUnionizedEmployers = "employers_unionized";
constexpr std::string_view kUnionizedEmployees = "employees_unionized";
constexpr std::string_view kUnionizedMigrantEmployees = "migrant_employees_unionized";

// Per-year counters are named "<prefix>:<year>".
constexpr std::string_view kNewMembers = "new_members";
constexpr std::string_view kNewUnions = "new_unions";
constexpr std::string_view kActivities = "activities";
constexpr std::string_view kParticipants = "participants";

std::string yearly(std::string_view prefix, int year);

// The CounterFunction for StoreOptions. Keys are "<org hex>\0<counter>".
void countRecord(const Record& record, std::vector<std::pair<std::string, std::int64_t>>& out);

}  // namespace unionsync::counter

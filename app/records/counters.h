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

// Names countRecord's rules (StoreOptions::countersVersion): raise it whenever countRecord
// counts differently, so that stores counted by an older program are recounted on open.
constexpr std::string_view kVersion = "2026-12-union-work-3";

// Per-year counters are named "<prefix>:<year>".
constexpr std::string_view kNewMembers = "new_members";
constexpr std::string_view kNewUnions = "new_unions";
constexpr std::string_view kActivities = "activities";
constexpr std::string_view kParticipants = "participants";
constexpr std::string_view kTransfersIn = "transfers_in";
constexpr std::string_view kTransfersOut = "transfers_out";
// "<prefix>:<year>:<assistance kind>": records and Σ amount in fen.
constexpr std::string_view kAssistance = "assistance";
constexpr std::string_view kAssistanceFen = "assistance_fen";
constexpr std::string_view kCasesAccepted = "cases_accepted";
constexpr std::string_view kCaseWorkers = "case_workers";              // by the year accepted
constexpr std::string_view kCasesClosed = "cases_closed";
constexpr std::string_view kCaseResult = "case_result";                // "<prefix>:<year>:<result>"
constexpr std::string_view kCaseRecoveredFen = "case_recovered_fen";   // by the year closed
constexpr std::string_view kContractEmployers = "contract_employers";  // 综合 contracts, every year in force
constexpr std::string_view kContractEmployees = "contract_employees";
constexpr std::string_view kCongresses = "congresses";
constexpr std::string_view kFundsDueFen = "funds_due_fen";
constexpr std::string_view kFundsPaidFen = "funds_paid_fen";

// Not yearly, under peopleCounterOrg(org): "<prefix><member hex>" for each member with a file 在档 now.
constexpr std::string_view kHardshipPeoplePrefix = "hardship:";
// "<prefix><org_type>" at the organization itself.
constexpr std::string_view kOrgTypePrefix = "org_type:";

// A contract counts in at most this many years (terms are bounded by the schema too).
constexpr int kMaxContractYears = 50;

// 人数 (distinct people) cannot be a sum of per-record counters, so each assistance record
// also counts under the granting union's people counters, one counter per year, kind and
// member: the number of those counters with a positive value over a subtree, deduplicated
// by member, is the number of people. They live under their own counter "organization"
// peopleCounterOrg(org) so that reading an organization's ordinary counters stays small.
std::string peopleCounterOrg(std::string_view orgHex);
// "<year>:<kind>:<member hex>"
std::string assistedKey(std::string_view year, std::string_view kind, std::string_view memberHex);

std::string yearly(std::string_view prefix, int year);

// The CounterFunction for StoreOptions. Keys are "<org hex>\0<counter>".
void countRecord(const Record& record, std::vector<std::pair<std::string, std::int64_t>>& out);

}  // namespace unionsync::counter

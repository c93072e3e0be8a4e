#include "app/federation/scope_rules.h"

#include <fmt/format.h>

#include "store/schema.h"

namespace unionsync {
namespace {

// Deeper than any union tree (national → province → city → district → street → community →
// workplace); a longer walk is a cycle.
constexpr int kMaxDepth = 64;

std::optional<RecordId> parentOf(const RecordLookup& lookup, const RecordId& org) {
  auto record = lookup(Kind::Organization, org);
  if (!record) return std::nullopt;
  return RecordId::fromHex(record->get("parent"));
}

// Whether `org` lies strictly above the scope's organization.
bool isAncestor(const RecordLookup& lookup, const RecordId& org, const RecordId& scopeOrg) {
  std::optional<RecordId> at = parentOf(lookup, scopeOrg);
  for (int depth = 0; at && depth < kMaxDepth; ++depth) {
    if (*at == org) return true;
    at = parentOf(lookup, *at);
  }
  return false;
}

bool captureHolds(Kind kind) { return kind == Kind::Organization || kind == Kind::Activity; }

}  // namespace

bool orgWithin(const RecordLookup& lookup, const RecordId& org, const RecordId& scopeOrg) {
  if (scopeOrg.isZero()) return true;
  std::optional<RecordId> at = org;
  for (int depth = 0; at && depth < kMaxDepth; ++depth) {
    if (*at == scopeOrg) return true;
    at = parentOf(lookup, *at);
  }
  return false;
}

std::optional<RecordId> scopingOrg(const Record& record) {
  if (record.kind == Kind::Organization) return record.id;
  const std::string_view owner = kindDef(record.kind).ownerField;
  if (owner.empty()) return std::nullopt;
  return RecordId::fromHex(record.get(owner));
}

bool isFederationKind(Kind kind) {
  return kind == Kind::Certificate || kind == Kind::Revocation || kind == Kind::OriginClaim;
}

bool covers(const Scope& scope, const Record& record, const RecordLookup& lookup) {
  if (isFederationKind(record.kind) || scope.org.isZero()) return true;
  auto org = scopingOrg(record);
  return org && orgWithin(lookup, *org, scope.org);
}

bool holds(const Scope& scope, const Record& record, const RecordLookup& lookup) {
  if (isFederationKind(record.kind)) return true;
  if (scope.role == CertificateRole::Capture && !captureHolds(record.kind)) return false;
  if (covers(scope, record, lookup)) return true;
  return record.kind == Kind::Organization && isAncestor(lookup, record.id, scope.org);
}

bool scopeCovers(const Scope& outer, const Scope& inner, const RecordLookup& lookup) {
  if (outer.role == CertificateRole::Capture) return inner.role == CertificateRole::Capture && outer.org == inner.org;
  return orgWithin(lookup, inner.org, outer.org) && (outer.org.isZero() || !inner.org.isZero());
}

std::string writeRefusal(const Scope& scope, const std::optional<Record>& before, const Record& after,
                         const RecordLookup& lookup, std::string_view who) {
  if (isFederationKind(after.kind)) return {};
  const Record& judged = before ? *before : after;
  const KindDef& kind = kindDef(after.kind);
  if (!covers(scope, judged, lookup))
    return fmt::format("「{}」的证书范围不包括这条{}（{}）/ outside its scope: the certificate of '{}' does not cover "
                       "this {} ({})",
                       who, kind.zh, after.id.hex(), who, kind.en, after.id.hex());
  // Moving an organization needs its old place covered too: a node never moves the union
  // its own scope is rooted at (only a union above it can).
  if (before && after.kind == Kind::Organization && before->get("parent") != after.get("parent") && !scope.org.isZero()) {
    auto oldParent = RecordId::fromHex(before->get("parent"));
    if (!oldParent || !orgWithin(lookup, *oldParent, scope.org))
      return fmt::format("「{}」不能移动自己范围的根组织（{}），须由上级工会办理 / '{}' cannot move the union its scope is "
                         "rooted at ({}): a union above it must",
                         who, after.id.hex(), who, after.id.hex());
  }
  if (scope.role != CertificateRole::Capture) return {};
  const bool newRecord = !before;
  const bool allowed = after.kind == Kind::Activity ||
                       (newRecord && (after.kind == Kind::Member || after.kind == Kind::MembershipEvent));
  if (!allowed)
    return fmt::format("「{}」是外展采集节点，只能登记新会员、会籍变动和活动，不能{}{} / '{}' is a capture node: it "
                       "writes new members, membership events and activities only, not {} {}",
                       who, newRecord ? "新建" : "修改", kind.zh, who, newRecord ? "a new" : "changes to a", kind.en);
  return {};
}

}  // namespace unionsync

#include "app/records/union_work_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>

#include "app/internal/store_access.h"
#include "app/records/field_values.h"
#include "store/validation.h"

namespace unionsync {

namespace {

constexpr std::string_view kActive = "在档";

// A record's values as they will be after the write: what is written, else what is held.
class After {
 public:
  After(const FieldValues& values, const std::optional<Record>& held) : values_(values), held_(held) {}
  std::string_view operator[](std::string_view name) const {
    if (hasField(values_, name)) return valueOf(values_, name);
    return held_ ? held_->get(name) : std::string_view{};
  }
  bool live() const { return (*this)[kDeletedField] != "1"; }

 private:
  const FieldValues& values_;
  const std::optional<Record>& held_;
};

// Stored money or count; empty when blank (or not a number, which no valid write stores).
std::optional<std::int64_t> numberOf(std::string_view stored) {
  std::int64_t v = 0;
  const auto [end, error] = std::from_chars(stored.data(), stored.data() + stored.size(), v);
  if (stored.empty() || error != std::errc() || end != stored.data() + stored.size()) return std::nullopt;
  return v;
}

std::optional<Record> liveRecord(const Node& node, Kind kind, std::string_view hex) {
  auto id = RecordId::fromHex(hex);
  if (!id) return std::nullopt;
  auto r = internal::storeOf(node).get(kind, *id);
  if (!r || r->deleted()) return std::nullopt;
  return r;
}

// Hardship files and assistance belong to the member's union unless they say otherwise.
void defaultOrgToMembers(const Node& node, FieldValues& values, const std::optional<Record>& held) {
  const After after(values, held);
  if (!after["org"].empty()) return;
  if (auto member = liveRecord(node, Kind::Member, after["member"]); member && !member->get("org").empty())
    setValue(values, "org", std::string(member->get("org")));
}

// `later` (a date field) is not before `earlier`.
void checkOrder(const After& after, Kind kind, std::string_view earlier, std::string_view later,
                std::vector<FieldError>& errors) {
  const std::string_view from = after[earlier], to = after[later];
  if (from.empty() || to.empty() || to >= from) return;
  const FieldDef& a = *findField(kind, earlier);
  const FieldDef& b = *findField(kind, later);
  errors.push_back({std::string(later), fmt::format("{}{}早于{}{} / {} {} is before {} {}", b.zh, to, a.zh, from,
                                                    b.en, to, a.en, from)});
}

void hardshipRules(const Node& node, FieldValues& values, const std::optional<Record>& held,
                   const std::optional<RecordId>& id, std::vector<FieldError>& errors) {
  if (!held) {
    defaultOrgToMembers(node, values, held);
    if (valueOf(values, "status").empty()) setValue(values, "status", std::string(kActive));
    if (valueOf(values, "filed_date").empty()) setValue(values, "filed_date", node.today());
  }
  const After after(values, held);
  checkOrder(after, Kind::Hardship, "filed_date", "closed_date", errors);
  if (!after.live() || after["status"] != kActive) return;
  const std::string member(after["member"]);
  if (member.empty()) return;
  const Store& store = internal::storeOf(node);
  for (const RecordId& other : store.lookup({Kind::Hardship, "member", member, false, SIZE_MAX})) {
    if (id && other == *id) continue;
    auto file = store.get(Kind::Hardship, other);
    if (!file || file->deleted() || file->get("status") != kActive) continue;
    auto m = liveRecord(node, Kind::Member, member);
    const std::string name = m ? std::string(m->get("name")) : member;
    errors.push_back({"member", fmt::format("会员{}已有在档的困难职工档案 {}（建档日期{}），一人只能有一份在档档案，请修改该档案 / "
                                            "member {} already has an active hardship file {} (filed {}): a member has "
                                            "one active file, change that one",
                                            name, other.hex(), file->get("filed_date"), name, other.hex(),
                                            file->get("filed_date"))});
    return;
  }
}

void caseRules(FieldValues& values, const std::optional<Record>& held, std::vector<FieldError>& errors) {
  const After after(values, held);
  checkOrder(after, Kind::RightsCase, "accepted_date", "closed_date", errors);
  if (!after["closed_date"].empty() && after["result"].empty())
    errors.push_back({"result", "已结案（有结案日期）的案件须填写办理结果（成功/部分/未成/撤回） / a closed case (closed_date "
                                "set) needs a result: 成功, 部分, 未成 or 撤回"});
}

// Sets `field` to `share` of `basis` when it is not written now and the held value is blank
// or the one the rate gave from the held basis (so it was not entered by hand).
void followRate(FieldValues& values, const std::optional<Record>& held, std::string_view basis,
                std::string_view field, const std::function<std::int64_t(std::int64_t)>& share) {
  if (!hasField(values, basis) || hasField(values, field)) return;
  const std::optional<std::int64_t> newBasis = numberOf(valueOf(values, basis));
  if (held) {
    const std::optional<std::int64_t> heldValue = numberOf(held->get(field));
    const std::optional<std::int64_t> heldBasis = numberOf(held->get(basis));
    if (heldValue && (!heldBasis || share(*heldBasis) != *heldValue)) return;
  }
  setValue(values, field, newBasis ? std::to_string(share(*newBasis)) : std::string());
}

void fundsRules(const Node& node, FieldValues& values, const std::optional<Record>& held,
                std::vector<FieldError>& errors, const FundsRates& rates) {
  const After after(values, held);
  if (hasField(values, "year")) {
    const int thisYear = std::stoi(node.today().substr(0, 4));
    const auto year = numberOf(valueOf(values, "year"));
    if (year && (*year < kFirstFundsYear || *year > thisYear + 1))
      errors.push_back({"year", fmt::format("年度{}不在{}至{}之间 / year {} is not between {} and {}", *year,
                                            kFirstFundsYear, thisYear + 1, *year, kFirstFundsYear, thisYear + 1)});
  }
  followRate(values, held, "payroll", "due", [&](std::int64_t fen) { return fenShare(fen, rates.dueBasisPoints, 10000); });
  followRate(values, held, "paid", "retained", [&](std::int64_t fen) { return fenShare(fen, rates.retainedPercent, 100); });
  followRate(values, held, "paid", "remitted",
             [&](std::int64_t fen) { return fen - fenShare(fen, rates.retainedPercent, 100); });
}

}  // namespace

FundsRates fundsRatesFor(const Node& node, std::string_view orgHex) {
  FundsRates rates = kDefaultFundsRates;
  bool due = false, retained = false;
  // Up the tree from the union, the nearest setting of each rate wins; a cycle (two
  // concurrent moves) ends the walk at the first union seen twice.
  std::vector<std::string> seen;
  for (auto org = liveRecord(node, Kind::Organization, orgHex); org && !(due && retained);
       org = liveRecord(node, Kind::Organization, org->get("parent"))) {
    const std::string hex = org->id.hex();
    if (std::find(seen.begin(), seen.end(), hex) != seen.end()) break;
    seen.push_back(hex);
    if (auto pct = numberOf(org->get("funds_due_pct")); pct && !due) {
      rates.dueBasisPoints = static_cast<int>(*pct * 100);
      due = true;
    }
    if (auto pct = numberOf(org->get("funds_retained_pct")); pct && !retained) {
      rates.retainedPercent = static_cast<int>(*pct);
      retained = true;
    }
  }
  return rates;
}

std::int64_t fenShare(std::int64_t fen, std::int64_t parts, std::int64_t whole) {
  // Amounts are below 10^17 fen and parts at most `whole` (<= 10^4): no overflow in 128 bits.
  return static_cast<std::int64_t>((static_cast<__int128>(fen) * parts + whole / 2) / whole);
}

std::vector<FieldError> applyRecordRules(const Node& node, Kind kind, FieldValues& values,
                                         const std::optional<Record>& held, const std::optional<RecordId>& id) {
  std::vector<FieldError> errors;
  switch (kind) {
    case Kind::Hardship: hardshipRules(node, values, held, id, errors); break;
    case Kind::Assistance:
      if (!held) defaultOrgToMembers(node, values, held);
      break;
    case Kind::RightsCase: caseRules(values, held, errors); break;
    case Kind::Funds: fundsRules(node, values, held, errors, fundsRatesFor(node, After(values, held)["org"])); break;
    default: break;  // the older kinds' rules live in validate.cpp and member_rules.h
  }
  return errors;
}

std::vector<DerivedField> derivedFields(const Record& record) {
  std::vector<DerivedField> out;
  if (record.kind == Kind::Hardship) {
    const auto income = numberOf(record.get("household_income"));
    const auto size = numberOf(record.get("household_size"));
    if (income && size && *size > 0)
      out.push_back({"per_capita_monthly_income", "人均月收入(元)", "Per-capita monthly income (yuan)",
                     formatFen(fenShare(*income, 1, *size * 12))});
  }
  return out;
}

}  // namespace unionsync

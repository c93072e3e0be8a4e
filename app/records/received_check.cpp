#include "app/records/received_check.h"

#include "app/federation/federation_records.h"
#include "app/federation/scope_rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "app/records/member_identity.h"
#include "store/schema.h"
#include "store/utf8.h"
#include "store/validation.h"

namespace unionsync {

namespace {

constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;
constexpr std::string_view kEarliestDate = "1800-01-01";
// 10^17 fen: parseYuanToFen's own limit (15 digits of yuan), so any stored amount reads back.
constexpr std::size_t kMaxFenDigits = 17;

bool isResidentId(std::string_view idType) { return idType.empty() || idType == "居民身份证"; }

bool isDigits(std::string_view s) {
  return !s.empty() && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

// The written value of `name` in the change, if it writes that field.
const std::string* written(const Change& change, std::string_view name) {
  for (const auto& f : change.fields)
    if (f.name == name) return &f.value;
  return nullptr;
}

// "why" in Chinese and English, and the refusal that names kind and field with it.
struct Why {
  std::string zh;
  std::string en;
};

// Splits a validation message "label: 中文 / English" into its two languages, dropping the
// label (the refusal names the field itself).
Why splitMessage(const FieldDef* field, std::string_view message) {
  if (field) {
    const std::string label = std::string(field->zh) + ": ";
    if (message.starts_with(label)) message.remove_prefix(label.size());
  }
  const auto slash = message.find(" / ");
  if (slash == std::string_view::npos) return {std::string(message), std::string(message)};
  return {std::string(message.substr(0, slash)), std::string(message.substr(slash + 3))};
}

// A peer's field name, cut to a length a log line can hold (at a UTF-8 character boundary;
// the store has checked that names are UTF-8).
std::string shownName(std::string_view name) {
  constexpr std::size_t kMaxShown = 64;
  if (name.size() <= kMaxShown) return std::string(name);
  return std::string(name.substr(0, boundaryAtOrBefore(name, kMaxShown))) + "…";
}

ReceivedVerdict refuse(const KindDef& kind, std::string_view fieldName, const Why& why) {
  const FieldDef* field = findField(kind.kind, fieldName);
  const std::string name = shownName(fieldName);
  const std::string zhField = field ? fmt::format("{}（{}）", field->zh, name) : name;
  return {fmt::format("收到的{}字段{}不合格：{} / received {} field {} refused: {}", kind.zh, zhField, why.zh,
                      kind.en, name, why.en),
          std::nullopt};
}

ReceivedVerdict park(Kind kind, const RecordId& id) { return {{}, std::pair{kind, id}}; }

// "YYYY-MM-DD HH:MM" as activities.cpp writes check-in times, the date within bounds.
bool isCheckInTime(std::string_view value, std::string_view latestDate) {
  if (value.size() != 16 || value[10] != ' ' || value[13] != ':') return false;
  const std::string_view date = value.substr(0, 10);
  auto normalized = normalizeDate(date);
  if (!normalized || *normalized != date || date < kEarliestDate || date > latestDate) return false;
  const std::string_view hour = value.substr(11, 2);
  const std::string_view minute = value.substr(14, 2);
  return isDigits(hour) && isDigits(minute) && hour <= "23" && minute <= "59";
}

// Why `value` is not what a local write of `field` stores, or empty when it is. ID numbers
// are left to the member checks (their form depends on the document type).
std::optional<Why> storedFormError(const FieldDef& field, const std::string& value, std::string_view latestDate) {
  if (field.type == FieldType::Money) {
    // Stored as integer fen, which normalizeValue (reading yuan) would not give back.
    if (value.empty()) return std::nullopt;
    if (!isDigits(value) || (value.size() > 1 && value[0] == '0') || value.size() > kMaxFenDigits)
      return Why{"金额应为整数分 / amount must be whole fen", "amount must be whole fen"};
    return std::nullopt;
  }
  auto normalized = normalizeValue(field, value, latestDate);
  if (!normalized) return splitMessage(&field, normalized.error().message);
  if (*normalized != value)
    return Why{"值不是规范形式（本机写入时会改写） / value is not in stored form",
               "value is not in stored form"};
  return std::nullopt;
}

class Checker {
 public:
  Checker(const Change& change, const std::optional<Record>& before, const RecordLookup& lookup,
          const DeploymentKeySource& key, std::string latestDate)
      : change_(change), before_(before), lookup_(lookup), key_(key), latestDate_(std::move(latestDate)),
        kind_(kindDef(change.kind)) {}

  ReceivedVerdict run() {
    std::optional<ReceivedVerdict> parked;
    for (const auto& write : change_.fields) {
      auto verdict = checkField(write.name, write.value);
      if (!verdict.refusal.empty()) return verdict;
      if (verdict.waitFor && !parked) parked = std::move(verdict);
    }
    if (!kind_.keyFields.empty())
      if (auto verdict = checkKey(); !verdict.refusal.empty()) return verdict;
    if (change_.kind == Kind::Member) {
      auto verdict = checkMember();
      if (!verdict.refusal.empty()) return verdict;
      if (verdict.waitFor && !parked) parked = std::move(verdict);
    }
    return parked ? *parked : ReceivedVerdict{};
  }

 private:
  ReceivedVerdict checkField(const std::string& name, const std::string& value) {
    if (name == kDeletedField) {
      if (value != "0" && value != "1")
        return refuse(kind_, name, {"应为0或1", "must be 0 or 1"});
      return {};
    }
    if (name == kMovedFromField) {
      // An organization this node may not hold (it lies outside its scope): not waited for.
      if (!value.empty() && !RecordId::fromHex(value))
        return refuse(kind_, name, {"应为工会编号", "must be an organization id"});
      return {};
    }
    if (name.starts_with(kParticipantPrefix)) return checkParticipant(name, value);
    const FieldDef* field = findField(change_.kind, name);
    if (!field) return refuse(kind_, name, {"不是这类记录的字段", "no such field in this kind of record"});
    if (field->type == FieldType::IdNumber) return {};  // checkMember
    if (auto error = storedFormError(*field, value, latestDate_)) return refuse(kind_, name, *error);
    if (field->type != FieldType::Ref || value.empty()) return {};
    const RecordId target = *RecordId::fromHex(value);
    if (change_.kind == Kind::Organization && target == change_.id)
      return refuse(kind_, name, {"上级工会不能是自己", "an organization cannot be its own parent"});
    if (!lookup_(field->refKind, target)) return park(field->refKind, target);
    return {};
  }

  ReceivedVerdict checkParticipant(const std::string& name, const std::string& value) {
    if (change_.kind != Kind::Activity)
      return refuse(kind_, name, {"只有活动有参加人", "only activities have participants"});
    auto member = RecordId::fromHex(std::string_view(name).substr(kParticipantPrefix.size()));
    if (!member || member->hex() != std::string_view(name).substr(kParticipantPrefix.size()))
      return refuse(kind_, name, {"参加人不是有效的会员编号", "participant is not a member id"});
    if (value.empty()) return {};  // checked out: the member need not be held
    if (!isCheckInTime(value, latestDate_))
      return refuse(kind_, name,
                    {"签到时间应为“YYYY-MM-DD HH:MM”且不晚于明天", "check-in time must be YYYY-MM-DD HH:MM, not after tomorrow"});
    if (!lookup_(Kind::Member, *member)) return park(Kind::Member, *member);
    return {};
  }

  // A record whose id derives from key fields (funds: union and year) carries those values:
  // a change that sets them to others than the id was made of is forged or altered.
  ReceivedVerdict checkKey() {
    std::vector<std::string_view> key;
    bool writesKey = false;
    for (std::string_view name : kind_.keyFields) {
      const std::string* value = written(change_, name);
      writesKey = writesKey || value;
      key.push_back(value ? std::string_view(*value) : before_ ? before_->get(name) : std::string_view{});
    }
    // Checked once every part is known (a part written alone waits for the rest).
    if (!writesKey || std::ranges::any_of(key, [](std::string_view v) { return v.empty(); })) return {};
    if (recordIdFromKey(change_.kind, key) != change_.id)
      return refuse(kind_, kind_.keyFields.front(),
                    {"记录编号与其关键字段不符（伪造或改动的编号）",
                     "the record id does not derive from its key fields (forged or altered)"});
    return {};
  }

  // The member's identity: id_number and id_type decide the record id and are never edited.
  ReceivedVerdict checkMember() {
    const std::string* number = written(change_, "id_number");
    const std::string* type = written(change_, "id_type");
    const std::string heldNumber = before_ ? std::string(before_->get("id_number")) : std::string();
    const std::string idType = type ? *type : before_ ? std::string(before_->get("id_type")) : std::string();
    if (!number && heldNumber.empty()) {
      // Nothing to check the change against yet: wait for the change that creates the member.
      const bool touchesIdentity = type || written(change_, "birth_date") || written(change_, "gender");
      if (!before_ || touchesIdentity) return park(Kind::Member, change_.id);
      return {};
    }
    const std::string idNumber = number ? *number : heldNumber;
    if (number && !heldNumber.empty() && *number != heldNumber)
      return refuse(kind_, "id_number",
                    {fmt::format("证件号码不能修改（已有{}，收到{}）", maskIdNumber(heldNumber), maskIdNumber(*number)),
                     fmt::format("ID numbers are not edited (held {}, received {})", maskIdNumber(heldNumber),
                                 maskIdNumber(*number))});
    std::optional<IdNumberInfo> resident;
    if (number) {
      auto form = checkIdNumberForm(*number, idType);
      if (!form) return refuse(kind_, "id_number", form.error());
      resident = std::move(*form);
    } else if (isResidentId(idType)) {
      if (auto info = parseIdNumber(idNumber, latestDate_)) resident = std::move(*info);
    }
    if (number || type) {
      const std::string key = key_ ? key_() : std::string();
      if (key.empty())
        return refuse(kind_, "id_number", {"本机部署密钥未知，无法核对会员编号", "deployment key unknown: cannot check the member id"});
      if (memberIdFromIdNumber(key, idType, idNumber) != change_.id)
        return refuse(kind_, number ? "id_number" : "id_type",
                      {fmt::format("会员编号与证件号码{}不符（伪造或改动的编号）", maskIdNumber(idNumber)),
                       fmt::format("the member id does not derive from ID number {} (forged or altered)",
                                   maskIdNumber(idNumber))});
    }
    if (resident) return checkDerivedFromId(*resident);
    return {};
  }

  // The normalized resident number's facts, or an empty info for other documents; the error
  // explains a number that is not in stored form.
  std::expected<std::optional<IdNumberInfo>, Why> checkIdNumberForm(const std::string& number,
                                                                   const std::string& idType) {
    const FieldDef& field = *findField(Kind::Member, "id_number");
    if (!isResidentId(idType)) {
      // Other documents are kept as typed, without spaces (Node::validate).
      if (number.empty() || number.size() > field.maxLength || number.find(' ') != std::string::npos)
        return std::unexpected(Why{"证件号码为空、过长或含空格", "ID number is empty, too long or has spaces"});
      return std::nullopt;
    }
    auto info = parseIdNumber(number, latestDate_);
    if (!info) return std::unexpected(splitMessage(nullptr, info.error().message));
    if (info->normalized != number)
      return std::unexpected(Why{"身份证号不是规范形式（18位，X大写）", "ID number is not in stored form (18 characters, upper-case X)"});
    return std::optional<IdNumberInfo>(std::move(*info));
  }

  ReceivedVerdict checkDerivedFromId(const IdNumberInfo& id) {
    if (const std::string* birth = written(change_, "birth_date"); birth && !birth->empty() && *birth != id.birthDate)
      return refuse(kind_, "birth_date",
                    {fmt::format("出生日期{}与身份证号不符", *birth), fmt::format("birth date {} does not match the ID number", *birth)});
    const std::string_view gender = id.male ? "男" : "女";
    if (const std::string* g = written(change_, "gender"); g && !g->empty() && *g != gender)
      return refuse(kind_, "gender", {"性别与身份证号不符", "gender does not match the ID number"});
    return {};
  }

  const Change& change_;
  const std::optional<Record>& before_;
  const RecordLookup& lookup_;
  const DeploymentKeySource& key_;
  const std::string latestDate_;
  const KindDef& kind_;
};

}  // namespace

ReceivedValidator makeReceivedValidator(DeploymentKeySource deploymentKey, Clock& clock) {
  return [key = std::move(deploymentKey), &clock](const Change& change, const std::optional<Record>& before,
                                                  const Record& /*after: the checks read what the change writes*/,
                                                  const RecordLookup& lookup) -> ReceivedVerdict {
    if (isFederationKind(change.kind)) return {federationRecordRefusal(change), std::nullopt};
    if (std::ranges::none_of(allKinds(), [&](const KindDef& k) { return k.kind == change.kind; }))
      return {"未知的记录类型 / unknown record kind", std::nullopt};
    // Tomorrow: a writer a few hours ahead in another time zone still dates "today".
    return Checker(change, before, lookup, key, dateOf(clock.nowMs() + kDayMs)).run();
  };
}

}  // namespace unionsync

// The facade's record writes and lookups: add, upsert, set, remove, restore, resolve.
#include <fmt/format.h>

#include <algorithm>

#include "app/node.h"
#include "app/search/name_hints.h"
#include "app/records/field_values.h"
#include "app/records/member_identity.h"
#include "app/records/member_rules.h"
#include "app/records/union_work_rules.h"
#include "store/validation.h"

namespace unionsync {

Result<RecordId> Node::memberIdFor(std::string_view idNumber) const {
  auto info = parseIdNumber(idNumber, today());
  if (!info) return std::unexpected(info.error());
  return memberIdFromIdNumber(store_->deploymentKey(), "", info->normalized);
}

std::expected<RecordId, ValidationFailure> Node::add(Kind kind, const FieldValues& values) {
  if (kind == Kind::Member) {
    // Adding must never overwrite someone: a live member with this ID number is refused by
    // name (upsertMember, for imports, is the path that updates).
    auto normalized = validate(Kind::Member, values, true);
    if (!normalized) return std::unexpected(normalized.error());
    RecordId id = memberIdFromIdNumber(store_->deploymentKey(), valueOf(*normalized, "id_type"),
                                       valueOf(*normalized, "id_number"));
    if (auto held = store_->get(Kind::Member, id); held && !held->deleted()) {
      std::string org;
      if (auto o = RecordId::fromHex(held->get("org")); o && store_->contains(Kind::Organization, *o))
        org = std::string(store_->get(Kind::Organization, *o)->get("name"));
      return invalid("id_number", fmt::format("证件号码{}已登记为会员{}（所属工会：{}），请用 member set 修改 / this ID number "
                                              "is already registered to {}: use member set to change the record",
                                              valueOf(*normalized, "id_number"), held->get("name"), org,
                                              held->get("name")));
    }
    auto upserted = upsertMember(values);
    if (!upserted) return std::unexpected(upserted.error());
    return upserted->id;
  }
  auto normalized = validate(kind, values, true);
  if (!normalized) return std::unexpected(normalized.error());
  RecordId id;
  const KindDef& def = kindDef(kind);
  if (!def.keyFields.empty()) {
    // One record per key (funds: union and year): the same key on another node is the same
    // record; here a live one is changed with set, a deleted one comes back with these values.
    std::vector<std::string_view> key;
    for (std::string_view field : def.keyFields) key.push_back(valueOf(*normalized, field));
    id = recordIdFromKey(kind, key);
    if (auto held = store_->get(kind, id); held && !held->deleted())
      return invalid("", fmt::format("已有这条{}（{}），请用 {} set {} 修改 / this {} record exists already ({}): change it "
                                     "with set",
                                     def.zh, id.hex(), kindName(kind), id.hex(), def.en, id.hex()));
    else if (held)
      setValue(*normalized, kDeletedField, "0");
  } else {
    random_.fill(id.bytes.data(), id.bytes.size());
  }
  auto written = store_->write(kind, id, *normalized);
  if (!written) return invalid("", written.error().message);
  return id;
}

std::expected<Node::Upserted, ValidationFailure> Node::upsertMember(const FieldValues& values) {
  auto normalized = validate(Kind::Member, values, true);
  if (!normalized) return std::unexpected(normalized.error());
  RecordId id = memberIdFromIdNumber(store_->deploymentKey(), valueOf(*normalized, "id_type"),
                                     valueOf(*normalized, "id_number"));
  auto existing = store_->get(Kind::Member, id);
  bool created = !existing || existing->deleted();
  if (created) setValue(*normalized, std::string(kDeletedField), "0");
  if (existing) noteDeparture(*existing, *normalized);
  if (created && valueOf(*normalized, "status").empty()) setValue(*normalized, "status", "正常");
  auto written = store_->write(Kind::Member, id, *normalized);
  if (!written) return invalid("", written.error().message);
  return Upserted{id, created};
}

std::expected<void, ValidationFailure> Node::set(Kind kind, const RecordId& id, const FieldValues& values) {
  auto existing = store_->get(kind, id);
  if (!existing) return invalid("", fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, id.hex(), kindDef(kind).en));
  // The values are checked together with the record held (validate reads its ID number).
  auto normalized = validate(kind, values, false, id);
  if (!normalized) return std::unexpected(normalized.error());
  // The ID number is the member's identity (member_identity.h): the same number in another
  // spelling (15 digits, a lower-case x) is no change, another number or document type is
  // refused, so the birth date and gender it fixed stay true.
  if (kind == Kind::Member)
    for (std::string_view name : {"id_type", "id_number"}) {
      if (!hasField(*normalized, name)) continue;
      std::string_view given = valueOf(*normalized, name), held = existing->get(name);
      const bool same = name == "id_type" ? isResidentIdType(given) == isResidentIdType(held) &&
                                                (isResidentIdType(given) || given == held)
                                          : given == held;
      if (!same)
        return invalid(std::string(name), "证件号码是会员的身份标识，不能修改；请删除后重新登记 / the ID number identifies the "
                                          "member: delete and add again to correct it");
    }
  for (std::string_view key : kindDef(kind).keyFields)
    if (hasField(*normalized, key) && valueOf(*normalized, key) != existing->get(key))
      return invalid(std::string(key), fmt::format("{}决定这条记录的编号，不能修改；请删除后重新新增 / {} identifies the "
                                                   "record: delete it and add it again",
                                                   findField(kind, key)->zh, key));
  noteDeparture(*existing, *normalized);
  auto written = store_->write(kind, id, *normalized);
  if (!written) return invalid("", written.error().message);
  return {};
}

Result<void> Node::remove(Kind kind, const RecordId& id) {
  auto existing = store_->get(kind, id);
  if (!existing) return fail(fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, id.hex(), kindDef(kind).en));
  if (kind == Kind::Organization) {
    for (const auto& k : allKinds()) {
      if (!list(ListQuery{.kind = k.kind, .org = id, .limit = 2}).empty() &&
          (k.kind != Kind::Organization || orgTree().subtree(id).size() > 1))
        return fail(fmt::format("该工会下还有{}，请先移走或删除 / this union still holds {} records: move or delete them first",
                                k.zh, k.en));
    }
  }
  auto written = store_->write(kind, id, {{std::string(kDeletedField), "1"}});
  if (!written) return std::unexpected(written.error());
  return {};
}

Result<void> Node::restore(Kind kind, const RecordId& id) {
  auto existing = store_->get(kind, id);
  if (!existing) return fail(fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, id.hex(), kindDef(kind).en));
  // What comes back obeys the kind's rules (a second active hardship file does not).
  FieldValues restored{{std::string(kDeletedField), "0"}};
  if (auto errors = applyRecordRules(*this, kind, restored, existing, id); !errors.empty())
    return fail(ValidationFailure{std::move(errors)}.summary());
  auto written = store_->write(kind, id, restored);
  if (!written) return std::unexpected(written.error());
  return {};
}

std::optional<Record> Node::get(Kind kind, const RecordId& id) const { return store_->get(kind, id); }

std::string Node::namesResembling(Kind kind, std::string_view typed) const {
  // A failed lookup only, and unions and employers number thousands, not millions: a scan.
  const std::string_view title = kindDef(kind).titleField;
  const FieldDef* field = findField(kind, title);
  NameHints hints(typed);
  if (!field || field->type != FieldType::Text || !hints.wanted()) return {};
  const std::string_view fields[] = {title, kDeletedField};
  store_->forEachFields(kind, fields, {}, [&](const RecordId&, std::span<const std::string_view> values) {
    return values[1] == "1" || hints.offer(values[0]);
  });
  return hints.list();
}

Result<RecordId> Node::resolve(Kind kind, std::string_view typed) const {
  const std::string_view reference = trimSpaces(typed);  // " 城关街道总工会" as a cell was copied
  if (auto id = RecordId::fromHex(reference)) {
    if (store_->contains(kind, *id)) return *id;
    return fail(fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, reference, kindDef(kind).en));
  }
  std::vector<RecordId> found;
  if (kind == Kind::Member) {
    auto id = memberIdFor(reference);
    if (id && store_->contains(kind, *id)) return *id;
    found = store_->lookup({Kind::Member, "card_no", std::string(reference), false, 2});
    // A mistyped ID number is not "no such member": say what is wrong with it.
    const bool idNumberShaped = (reference.size() == 18 || reference.size() == 15) &&
                                reference.find_first_not_of("0123456789Xx") == std::string_view::npos;
    if (found.empty() && !id && idNumberShaped)
      return fail(fmt::format("找不到会员：{} / no such member: {}", id.error().message, reference));
  } else {
    const FieldDef* title = findField(kind, kindDef(kind).titleField);
    std::string value(reference);
    // Records named by a reference (a hardship file by its member): resolve that first.
    if (title && title->type == FieldType::Ref) {
      auto target = resolve(title->refKind, reference);
      if (!target) return std::unexpected(target.error());
      value = target->hex();
    }
    found = store_->lookup({kind, std::string(kindDef(kind).titleField), value, false, 10});
    std::erase_if(found, [&](const RecordId& id) { return store_->get(kind, id)->deleted(); });
  }
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    const std::string near = kind == Kind::Member ? std::string() : namesResembling(kind, reference);
    if (!near.empty())
      return fail(fmt::format("找不到{}“{}”，是否指：{} / no {} matches \"{}\"; did you mean: {}", kindDef(kind).zh, reference,
                              near, kindDef(kind).en, reference, near));
    return fail(fmt::format("找不到{}“{}” / no {} matches \"{}\"", kindDef(kind).zh, reference, kindDef(kind).en, reference));
  }
  return fail(fmt::format("有多个{}叫“{}”，请用编号 / several {} records match \"{}\": use the id",
                          kindDef(kind).zh, reference, kindDef(kind).en, reference));
}

}  // namespace unionsync

#include "app/node.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "app/counters.h"
#include "app/member_identity.h"
#include "app/received_check.h"
#include "store/utf8.h"
#include "store/validation.h"

namespace unionsync {

namespace {

std::unexpected<ValidationFailure> invalid(std::string field, std::string message) {
  return std::unexpected(ValidationFailure{{FieldError{std::move(field), std::move(message)}}});
}

std::string_view valueOf(const FieldValues& values, std::string_view name) {
  for (const auto& [field, value] : values)
    if (field == name) return value;
  return {};
}

bool hasField(const FieldValues& values, std::string_view name) {
  return std::ranges::any_of(values, [&](const auto& v) { return v.first == name; });
}

void setValue(FieldValues& values, const std::string& name, std::string value) {
  for (auto& [field, v] : values)
    if (field == name) {
      v = std::move(value);
      return;
    }
  values.emplace_back(name, std::move(value));
}

bool isResidentId(std::string_view idType) { return idType.empty() || idType == "居民身份证"; }

// The store a node's received-change check reads the deployment key from. Set once the store
// is open; the check runs only inside that store's own transactions, so it is set by then.
// Store::deploymentKey() answers from its cache (read at open), not from a transaction.
struct KeySlot {
  std::atomic<const Store*> store{nullptr};
  std::string key() const {
    const Store* s = store.load();
    return s ? s->deploymentKey() : std::string();
  }
};

template <typename OpenStore>
Result<std::unique_ptr<Store>> openWithReceivedCheck(NodeOptions options, Clock& clock, OpenStore openStore) {
  auto slot = std::make_shared<KeySlot>();
  auto store = openStore(applicationStoreOptions(options, [slot] { return slot->key(); }, clock));
  if (!store) return store;
  (void)(*store)->deploymentKey();  // fills the cache before any change is received
  slot->store.store(store->get());
  return store;
}

// A field a person typed that cannot be stored: its name or value is not UTF-8 (a file in
// another encoding, a broken paste) or holds NUL. Empty when both are fine. A bad name is
// not repeated in the message, which must itself be text.
std::optional<FieldError> textError(const std::string& name, const std::string& raw, const FieldDef* field) {
  if (!isValidText(name))
    return FieldError{"", "字段名含有无法识别的字符（不是UTF-8文本或含NUL字符） / a field name is not valid UTF-8 text "
                          "or holds a NUL character"};
  if (isValidText(raw)) return std::nullopt;
  return FieldError{name, fmt::format("{}: 含有无法识别的字符（不是UTF-8文本或含NUL字符），请重新输入 / {}: not valid "
                                      "UTF-8 text or holds a NUL character: type it again",
                                      field ? field->zh : name, field ? field->en : name)};
}

}  // namespace

std::string ValidationFailure::summary() const {
  std::string out;
  for (const auto& e : errors) out += (out.empty() ? "" : "；") + e.message;
  return out;
}

StoreOptions applicationStoreOptions(NodeOptions options) {
  StoreOptions store;
  store.durable = options.durable;
  for (const auto& kind : allKinds())
    for (const auto& field : kind.fields)
      if (field.indexed) store.indexedFields.push_back({kind.kind, std::string(field.name)});
  // Owners are indexed for every kind, so subtree listings need no scan.
  for (const auto& kind : allKinds())
    if (!findField(kind.kind, kind.ownerField)->indexed)
      store.indexedFields.push_back({kind.kind, std::string(kind.ownerField)});
  store.counters = counter::countRecord;
  return store;
}

StoreOptions applicationStoreOptions(NodeOptions options, std::function<std::string()> deploymentKey, Clock& clock) {
  StoreOptions store = applicationStoreOptions(options);
  store.validateReceived = makeReceivedValidator(std::move(deploymentKey), clock);
  return store;
}

Node::Node(std::string dataDir, std::unique_ptr<Store> store, Clock& clock, Random& random)
    : dataDir_(std::move(dataDir)), store_(std::move(store)), clock_(clock), random_(random) {}

Result<std::unique_ptr<Node>> Node::open(const std::string& dataDir, Clock& clock, Random& random,
                                         NodeOptions options) {
  auto store = openWithReceivedCheck(options, clock, [&](StoreOptions o) { return Store::open(dataDir, std::move(o), clock); });
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Node>(new Node(dataDir, std::move(*store), clock, random));
}

Result<std::unique_ptr<Node>> Node::create(const std::string& dataDir, const std::string& name,
                                           Clock& clock, Random& random, NodeOptions options) {
  if (name.empty()) return fail("节点名称不能为空 / the node needs a name (--name)");
  auto store = openWithReceivedCheck(
      options, clock, [&](StoreOptions o) { return Store::create(dataDir, name, std::move(o), clock, random); });
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Node>(new Node(dataDir, std::move(*store), clock, random));
}

std::string Node::today() const { return dateOf(clock_.nowMs()); }

std::expected<FieldValues, ValidationFailure> Node::validate(Kind kind, const FieldValues& values,
                                                             bool creating,
                                                             const std::optional<RecordId>& id) const {
  ValidationFailure failure;
  FieldValues normalized;
  const std::string today = this->today();
  // An update is checked with the held record's identity (a birth date set alone must still
  // match the ID number held).
  const std::optional<Record> held = kind == Kind::Member && id ? store_->get(kind, *id) : std::nullopt;
  auto heldValue = [&](std::string_view name) { return held ? held->get(name) : std::string_view{}; };
  const std::string idType(hasField(values, "id_type") ? valueOf(values, "id_type") : heldValue("id_type"));
  for (const auto& [name, raw] : values) {
    const FieldDef* field = findField(kind, name);
    if (auto error = textError(name, raw, field)) {
      failure.errors.push_back(std::move(*error));
      continue;
    }
    if (!field) {
      failure.errors.push_back({name, fmt::format("没有这个字段：{} / unknown field", name)});
      continue;
    }
    // Other documents than the resident ID card have no checksum: keep them as typed.
    if (field->type == FieldType::IdNumber && !isResidentId(idType)) {
      std::string text(raw);
      std::erase(text, ' ');
      if (text.empty()) failure.errors.push_back({name, fmt::format("{}: 必填 / required", field->zh)});
      else normalized.emplace_back(name, std::move(text));
      continue;
    }
    auto value = normalizeValue(*field, raw, today);
    if (!value) {
      failure.errors.push_back({name, value.error().message});
      continue;
    }
    if (field->type == FieldType::Ref && !value->empty()) {
      auto target = store_->get(field->refKind, *RecordId::fromHex(*value));
      if (!target || target->deleted()) {
        failure.errors.push_back({name, fmt::format("{}: 找不到{} {} / no such {}", field->zh,
                                                    kindDef(field->refKind).zh, *value,
                                                    kindDef(field->refKind).en)});
        continue;
      }
      if (kind == Kind::Organization && name == "parent" && id &&
          std::ranges::count(orgTree().subtree(*id, true), *RecordId::fromHex(*value)) > 0) {
        failure.errors.push_back({name, "上级工会不能是自己或下级 / a union cannot be placed under itself"});
        continue;
      }
    }
    normalized.emplace_back(name, std::move(*value));
  }
  if (creating)
    for (const auto& field : kindDef(kind).fields)
      if (field.required && valueOf(normalized, field.name).empty() &&
          std::ranges::none_of(failure.errors, [&](const FieldError& e) { return e.field == field.name; }))
        failure.errors.push_back({std::string(field.name), fmt::format("{}: 必填 / required", field.zh)});

  // A member's birth date and gender follow from a resident ID number.
  if (kind == Kind::Member && isResidentId(idType)) {
    std::string_view number = valueOf(normalized, "id_number");
    if (number.empty()) number = heldValue("id_number");
    if (!number.empty()) {
      auto info = parseIdNumber(number, today);
      if (info) {
        auto birth = valueOf(normalized, "birth_date");
        if (!birth.empty() && birth != info->birthDate)
          failure.errors.push_back({"birth_date", fmt::format("出生日期{}与身份证号不符（应为{}）/ birth date does not match the ID number",
                                                              birth, info->birthDate)});
        setValue(normalized, "birth_date", info->birthDate);
        auto gender = valueOf(normalized, "gender");
        std::string_view derived = info->male ? "男" : "女";
        if (!gender.empty() && gender != derived)
          failure.errors.push_back({"gender", fmt::format("性别与身份证号不符（应为{}）/ gender does not match the ID number", derived)});
        setValue(normalized, "gender", std::string(derived));
      }
    }
  }
  if (!failure.errors.empty()) return std::unexpected(std::move(failure));
  return normalized;
}

Result<RecordId> Node::memberIdFor(std::string_view idNumber) const {
  auto info = parseIdNumber(idNumber, today());
  if (!info) return std::unexpected(info.error());
  return memberIdFromIdNumber(store_->deploymentKey(), "", info->normalized);
}

std::expected<RecordId, ValidationFailure> Node::add(Kind kind, const FieldValues& values) {
  auto upserted = kind == Kind::Member ? upsertMember(values) : std::expected<Upserted, ValidationFailure>{};
  if (kind == Kind::Member) {
    if (!upserted) return std::unexpected(upserted.error());
    return upserted->id;
  }
  auto normalized = validate(kind, values, true);
  if (!normalized) return std::unexpected(normalized.error());
  RecordId id;
  random_.fill(id.bytes.data(), id.bytes.size());
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
  if (created && valueOf(*normalized, "status").empty()) setValue(*normalized, "status", "正常");
  auto written = store_->write(Kind::Member, id, *normalized);
  if (!written) return invalid("", written.error().message);
  return Upserted{id, created};
}

std::expected<void, ValidationFailure> Node::set(Kind kind, const RecordId& id, const FieldValues& values) {
  auto existing = store_->get(kind, id);
  if (!existing) return invalid("", fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, id.hex(), kindDef(kind).en));
  if (kind == Kind::Member)
    for (const auto& [name, value] : values)
      if ((name == "id_number" || name == "id_type") && value != existing->get(name))
        return invalid(name, "证件号码是会员的身份标识，不能修改；请删除后重新登记 / the ID number identifies the member: delete and add again to correct it");
  auto normalized = validate(kind, values, false, id);
  if (!normalized) return std::unexpected(normalized.error());
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
  auto written = store_->write(kind, id, {{std::string(kDeletedField), "0"}});
  if (!written) return std::unexpected(written.error());
  return {};
}

std::optional<Record> Node::get(Kind kind, const RecordId& id) const { return store_->get(kind, id); }

Result<RecordId> Node::resolve(Kind kind, std::string_view reference) const {
  if (auto id = RecordId::fromHex(reference)) {
    if (store_->contains(kind, *id)) return *id;
    return fail(fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, reference, kindDef(kind).en));
  }
  std::vector<RecordId> found;
  if (kind == Kind::Member) {
    if (auto id = memberIdFor(reference); id && store_->contains(kind, *id)) return *id;
    found = store_->lookup({Kind::Member, "card_no", std::string(reference), false, 2});
  } else {
    found = store_->lookup({kind, std::string(kindDef(kind).titleField), std::string(reference), false, 10});
    std::erase_if(found, [&](const RecordId& id) { return store_->get(kind, id)->deleted(); });
  }
  if (found.size() == 1) return found.front();
  if (found.empty())
    return fail(fmt::format("找不到{}“{}” / no {} matches \"{}\"", kindDef(kind).zh, reference, kindDef(kind).en, reference));
  return fail(fmt::format("有多个{}叫“{}”，请用编号 / several {} records match \"{}\": use the id",
                          kindDef(kind).zh, reference, kindDef(kind).en, reference));
}

}  // namespace unionsync

#include "store/field_names.h"

#include <stdexcept>

namespace unionsync {

namespace {

std::string numberKey(std::uint32_t number) {
  std::string key;
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(number >> shift));
  return key;
}

}  // namespace

void FieldNames::Table::add(std::string name) {
  const auto number = static_cast<std::uint32_t>(names.size());
  numbers.emplace(names.emplace_back(std::move(name)), number);
}

std::shared_ptr<FieldNames::Table> FieldNames::loadFrom(const lmdb::Txn& txn) const {
  auto table = std::make_shared<Table>();
  lmdb::Cursor cursor(txn, dbi_);
  for (bool ok = cursor.first(); ok; ok = cursor.next()) {
    if (cursor.key() != numberKey(static_cast<std::uint32_t>(table->names.size())))
      throw std::runtime_error("数据文件已损坏，请从备份恢复 / the data file is damaged (field name table has a gap): "
                               "restore it from a backup");
    table->add(std::string(cursor.value()));
  }
  return table;
}

std::shared_ptr<const FieldNames::Table> FieldNames::current() const {
  std::lock_guard lock(mutex_);
  return published_;
}

void FieldNames::offer(std::shared_ptr<const Table> table) {
  std::lock_guard lock(mutex_);
  if (table->names.size() > published_->names.size()) published_ = std::move(table);
}

void FieldNames::published(std::shared_ptr<Table> working) {
  if (working) offer(std::move(working));
}

FieldNames::View::View(FieldNames& owner, const lmdb::Txn& txn) : owner_(owner), txn_(txn), table_(owner.current()) {}

FieldNames::View::View(FieldNames& owner, lmdb::Txn& txn, std::shared_ptr<Table>& working)
    : owner_(owner), txn_(txn), writeTxn_(&txn), working_(&working) {
  table_ = working ? working : owner_.current();
}

const FieldNames::Table& FieldNames::View::reload() {
  auto fresh = owner_.loadFrom(txn_);
  if (working_) {
    *working_ = fresh;  // may hold names this transaction numbers: published only on commit
  } else {
    owner_.offer(fresh);  // a read transaction sees committed names only
  }
  table_ = std::move(fresh);
  return *table_;
}

std::uint64_t FieldNames::View::numberOf(std::string_view name) {
  if (auto it = table_->numbers.find(name); it != table_->numbers.end()) return it->second;
  if (!working_) throw std::logic_error("FieldNames: a read transaction cannot number a field name");
  // The table as this transaction sees it: another process may have numbered it since.
  if (!*working_) reload();
  if (auto it = (*working_)->numbers.find(name); it != (*working_)->numbers.end()) return it->second;
  const auto number = static_cast<std::uint32_t>((*working_)->names.size());
  writeTxn_->put(owner_.dbi_, numberKey(number), name, MDB_NOOVERWRITE);
  (*working_)->add(std::string(name));
  table_ = *working_;
  return number;
}

std::string_view FieldNames::View::nameOf(std::uint64_t number) {
  if (number < table_->names.size()) return table_->names[number];
  const Table& fresh = reload();
  if (number < fresh.names.size()) return fresh.names[number];
  throw std::runtime_error("数据文件已损坏，请从备份恢复 / the data file is damaged (a record names field number " +
                           std::to_string(number) + ", which no field has): restore it from a backup");
}

}  // namespace unionsync

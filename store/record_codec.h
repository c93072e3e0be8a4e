// Disk encoding of records, conflicts and keys. Internal to store/.
//
// Values are a compact varint encoding. In records a field is identified by its name's number
// in the store's name table (field_names.h), which numbers new names as they come, so adding
// a field to the schema needs no migration.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/types.h"

namespace unionsync::codec {

void putVarint(std::string& out, std::uint64_t v);
void putString(std::string& out, std::string_view s);

// Reads from the front of `in`, advancing it. Throws std::runtime_error on truncated data:
// the disk held something this code did not write.
std::uint64_t getVarint(std::string_view& in);
std::string_view getString(std::string_view& in);

// Field names as numbers (the store's table, field_names.h).
class FieldNumbering {
 public:
  virtual ~FieldNumbering() = default;
  // The number of `name`, numbering it when new (only while encoding in a write transaction).
  virtual std::uint64_t numberOf(std::string_view name) = 0;
  // The name of `number`; throws std::runtime_error when no name has it (damaged data). The
  // view stays valid as long as the store.
  virtual std::string_view nameOf(std::uint64_t number) = 0;
};

// A record's fields, each with its name's number (store format 2); names with a ':' (a map
// field's entries) are spelled out instead.
std::string encodeFields(const FieldMap& fields, FieldNumbering& names);
FieldMap decodeFields(std::string_view in, FieldNumbering& names);
// A record as store format 1 wrote it, names spelled out: read only to convert such a store.
FieldMap decodeFieldsFormat1(std::string_view in);
// The values of the fields `sortedNames` (in byte order, no repeats) of an encoded record,
// copying nothing: values[i] views `in`, "" when the record lacks sortedNames[i]. One pass,
// since encodeFields writes fields in name order. Throws like decodeFields.
void decodeSelectedFields(std::string_view in, FieldNumbering& names, std::span<const std::string_view> sortedNames,
                          std::span<std::string_view> values);

// kind byte + 16 id bytes
std::string recordKey(Kind kind, const RecordId& id);
void decodeRecordKey(std::string_view key, Kind& kind, RecordId& id);

std::string encodeConflict(const Conflict& c);
Conflict decodeConflict(std::string_view in);

// A whole change (parked changes wait in LMDB in this form). decodeChange throws like
// decodeFields on data this code did not write.
std::string encodeChange(const Change& c);
Change decodeChange(std::string_view in);

}  // namespace unionsync::codec

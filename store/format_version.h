// The version of a store's on-disk layout (data.mdb), which `--version` reports.
//
// The layout is what Store opens and writes (store.cpp openEnv, Store::create): the named LMDB
// databases meta, records, changes, vv, index, counters, conflicts, parked, signatures,
// fp_hashes, fp_buckets and field_names, the meta keys, and the encodings of keys and values
// (record_codec.h).
//
// Format 2 (this one): records and index keys name fields by number (field_names.h), and the
// index table holds sorted duplicates (one key per value, the record ids under it). Format 1
// spelled the names out and kept one index entry per record; opening such a store converts it
// once (store.cpp convertFromFormat1), saying so first. Raise the number when a program could no longer read, as it is, a store
// the previous version wrote. Adding a database or a meta key that the store builds when it is
// missing (as fp_hashes is, and the counters when countersVersion changes) does not raise it.
// Stores record it in meta ("format_version", 8 bytes big-endian) when opened; one without it
// was written before the number was kept and is format 1. A store of a higher format is
// refused, unchanged.
#pragma once

#include <cstdint>

namespace unionsync {

inline constexpr std::uint32_t kStoreFormatVersion = 2;

}  // namespace unionsync

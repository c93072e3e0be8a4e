#include "store/record_codec.h"

#include <algorithm>
#include <stdexcept>

#include "store/change_signature.h"

namespace unionsync::codec {

namespace {
// The disk holds something this code did not write: say so plainly and what to do.
std::runtime_error corrupt(const std::string& detail) {
  return std::runtime_error("数据文件已损坏，请从备份恢复 / the data file is damaged (" + detail +
                            "): restore it from a backup");
}
}  // namespace

void putVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void putString(std::string& out, std::string_view s) {
  putVarint(out, s.size());
  out.append(s);
}

std::uint64_t getVarint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) throw corrupt("stored record is truncated");
    auto byte = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    v |= std::uint64_t{byte & 0x7fu} << shift;
    if (!(byte & 0x80)) return v;
  }
  throw corrupt("stored record has an overlong number");
}

std::string_view getString(std::string_view& in) {
  std::uint64_t size = getVarint(in);
  if (size > in.size()) throw corrupt("stored record is truncated");
  std::string_view s = in.substr(0, size);
  in.remove_prefix(size);
  return s;
}

namespace {
void putStamp(std::string& out, const Stamp& s) {
  putVarint(out, s.hlc);
  putVarint(out, s.origin);
}
Stamp getStamp(std::string_view& in) {
  Stamp s;
  s.hlc = getVarint(in);
  s.origin = getVarint(in);
  return s;
}
}  // namespace

// Fields written by one change share its stamp and sequence number, and a field's first
// write has no base: flags say so, which halves the size of a typical member record.
constexpr std::uint8_t kSameStampAsPrevious = 1;
constexpr std::uint8_t kNoBase = 2;

namespace {

// A name with a ':' is one entry of a map field (an activity's p:<member id>): it is
// spelled out, since numbering it would grow the name table with the records. Else the name's
// number + 1 (0 says "spelled out").
bool spelledOut(std::string_view name) { return name.find(':') != std::string_view::npos; }

void putName(std::string& out, std::string_view name, FieldNumbering& names) {
  if (spelledOut(name)) {
    putVarint(out, 0);
    putString(out, name);
  } else {
    putVarint(out, names.numberOf(name) + 1);
  }
}

std::string_view getName(std::string_view& in, FieldNumbering& names) {
  const std::uint64_t tag = getVarint(in);
  return tag == 0 ? getString(in) : names.nameOf(tag - 1);
}

}  // namespace

std::string encodeFields(const FieldMap& fields, FieldNumbering& names) {
  std::string out;
  putVarint(out, fields.size());
  Stamp previousStamp;
  std::uint64_t previousSeq = 0;
  for (const auto& [name, f] : fields) {
    std::uint8_t flags = 0;
    if (f.stamp == previousStamp && f.seq == previousSeq) flags |= kSameStampAsPrevious;
    if (f.base.isZero()) flags |= kNoBase;
    out.push_back(static_cast<char>(flags));
    putName(out, name, names);
    putString(out, f.value);
    if (!(flags & kSameStampAsPrevious)) {
      putStamp(out, f.stamp);
      putVarint(out, f.seq);
    }
    if (!(flags & kNoBase)) putStamp(out, f.base);
    previousStamp = f.stamp;
    previousSeq = f.seq;
  }
  return out;
}

namespace {

// Reads the fields of a record; `nameOf` reads one field's name from the front of `in`.
template <typename NameOf>
FieldMap decodeFieldsWith(std::string_view in, NameOf&& nameOf) {
  FieldMap fields;
  std::uint64_t count = getVarint(in);
  Stamp previousStamp;
  std::uint64_t previousSeq = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    if (in.empty()) throw corrupt("stored record is truncated");
    auto flags = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    std::string name(nameOf(in));
    FieldState f;
    f.value = std::string(getString(in));
    if (flags & kSameStampAsPrevious) {
      f.stamp = previousStamp;
      f.seq = previousSeq;
    } else {
      f.stamp = getStamp(in);
      f.seq = getVarint(in);
    }
    if (!(flags & kNoBase)) f.base = getStamp(in);
    previousStamp = f.stamp;
    previousSeq = f.seq;
    fields.emplace_hint(fields.end(), std::move(name), std::move(f));
  }
  return fields;
}

}  // namespace

FieldMap decodeFields(std::string_view in, FieldNumbering& names) {
  return decodeFieldsWith(in, [&](std::string_view& rest) { return getName(rest, names); });
}

FieldMap decodeFieldsFormat1(std::string_view in) {
  return decodeFieldsWith(in, [](std::string_view& rest) { return getString(rest); });
}

namespace {
// Field names are a few bytes: compared inline, which is faster than calling memcmp.
int compareName(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
  return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}
}  // namespace

void decodeSelectedFields(std::string_view in, FieldNumbering& names, std::span<const std::string_view> sortedNames,
                          std::span<std::string_view> values) {
  std::ranges::fill(values, std::string_view());
  std::uint64_t count = getVarint(in);
  std::size_t wanted = 0;
  for (std::uint64_t i = 0; i < count && wanted < sortedNames.size(); ++i) {
    if (in.empty()) throw corrupt("stored record is truncated");
    const auto flags = static_cast<std::uint8_t>(in.front());
    in.remove_prefix(1);
    const std::string_view name = getName(in, names);
    const std::string_view value = getString(in);
    if (!(flags & kSameStampAsPrevious)) {
      getStamp(in);
      getVarint(in);
    }
    if (!(flags & kNoBase)) getStamp(in);
    int order = -1;
    while (wanted < sortedNames.size() && (order = compareName(sortedNames[wanted], name)) < 0) ++wanted;
    if (order == 0) values[wanted++] = value;
  }
}

std::string recordKey(Kind kind, const RecordId& id) {
  std::string key;
  key.reserve(17);
  key.push_back(static_cast<char>(kind));
  key.append(reinterpret_cast<const char*>(id.bytes.data()), id.bytes.size());
  return key;
}

void decodeRecordKey(std::string_view key, Kind& kind, RecordId& id) {
  if (key.size() != 17) throw corrupt("stored record key has the wrong size");
  kind = static_cast<Kind>(key[0]);
  std::copy(key.begin() + 1, key.end(), reinterpret_cast<char*>(id.bytes.data()));
}

std::string encodeConflict(const Conflict& c) {
  std::string out = recordKey(c.kind, c.id);
  putString(out, c.field);
  putString(out, c.winnerValue);
  putStamp(out, c.winner);
  putString(out, c.loserValue);
  putStamp(out, c.loser);
  return out;
}

Conflict decodeConflict(std::string_view in) {
  Conflict c;
  if (in.size() < 17) throw corrupt("stored conflict is truncated");
  decodeRecordKey(in.substr(0, 17), c.kind, c.id);
  in.remove_prefix(17);
  c.field = std::string(getString(in));
  c.winnerValue = std::string(getString(in));
  c.winner = getStamp(in);
  c.loserValue = std::string(getString(in));
  c.loser = getStamp(in);
  return c;
}

std::string encodeChange(const Change& c) {
  std::string out = recordKey(c.kind, c.id);
  putVarint(out, c.origin);
  putVarint(out, c.seq);
  putVarint(out, c.hlc);
  putVarint(out, c.fields.size());
  for (const auto& f : c.fields) {
    putString(out, f.name);
    putString(out, f.value);
    putStamp(out, f.base);
  }
  // Older parked entries end here: a signature is an optional tail.
  if (c.signature) putString(out, encodeSignature(*c.signature));
  return out;
}

Change decodeChange(std::string_view in) {
  Change c;
  if (in.size() < 17) throw corrupt("stored change is truncated");
  decodeRecordKey(in.substr(0, 17), c.kind, c.id);
  in.remove_prefix(17);
  c.origin = getVarint(in);
  c.seq = getVarint(in);
  c.hlc = getVarint(in);
  std::uint64_t count = getVarint(in);
  if (count > in.size()) throw corrupt("stored change is truncated");
  c.fields.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    FieldWrite f;
    f.name = std::string(getString(in));
    f.value = std::string(getString(in));
    f.base = getStamp(in);
    c.fields.push_back(std::move(f));
  }
  if (!in.empty()) {
    c.signature = decodeSignature(getString(in));
    if (!c.signature) throw corrupt("stored change signature is corrupt");
  }
  return c;
}

}  // namespace unionsync::codec

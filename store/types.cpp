#include "store/types.h"

#include <algorithm>

namespace unionsync {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct KindName {
  Kind kind;
  std::string_view name;
};
constexpr KindName kKindNames[] = {
    {Kind::Organization, "org"},     {Kind::Employer, "employer"}, {Kind::Member, "member"},
    {Kind::MembershipEvent, "event"}, {Kind::Activity, "activity"},
};
}  // namespace

bool RecordId::isZero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::string RecordId::hex() const {
  std::string out;
  out.reserve(32);
  for (std::uint8_t b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 15]);
  }
  return out;
}

std::optional<RecordId> RecordId::fromHex(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  RecordId id;
  for (std::size_t i = 0; i < 16; ++i) {
    int hi = hexValue(text[2 * i]);
    int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return id;
}

std::string_view Record::get(std::string_view field) const {
  auto it = fields.find(field);
  return it == fields.end() ? std::string_view{} : std::string_view{it->second.value};
}

std::string_view kindName(Kind kind) {
  for (const auto& k : kKindNames)
    if (k.kind == kind) return k.name;
  return "unknown";
}

std::optional<Kind> kindFromName(std::string_view name) {
  for (const auto& k : kKindNames)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

}  // namespace unionsync

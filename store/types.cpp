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
    {Kind::Hardship, "hardship"},   {Kind::Assistance, "assistance"}, {Kind::RightsCase, "case"},
    {Kind::Contract, "contract"},   {Kind::Congress, "congress"},    {Kind::Funds, "funds"},
    {Kind::Certificate, "certificate"}, {Kind::Revocation, "revocation"}, {Kind::OriginClaim, "origin_claim"},
};
}  // namespace

bool RecordId::isZero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

std::string hexOf(std::string_view bytes) {
  std::string out;
  out.reserve(2 * bytes.size());
  for (char c : bytes) {
    const auto b = static_cast<std::uint8_t>(c);
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 15]);
  }
  return out;
}

std::optional<std::string> bytesOfHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hexValue(text[2 * i]);
    const int lo = hexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string RecordId::hex() const {
  return hexOf(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<RecordId> RecordId::fromHex(std::string_view text) {
  if (text.size() != 32) return std::nullopt;
  auto raw = bytesOfHex(text);
  if (!raw) return std::nullopt;
  RecordId id;
  std::copy(raw->begin(), raw->end(), id.bytes.begin());
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

bool isKnownKind(std::uint8_t kind) {
  return std::any_of(std::begin(kKindNames), std::end(kKindNames),
                     [&](const KindName& k) { return static_cast<std::uint8_t>(k.kind) == kind; });
}

std::optional<Kind> kindFromName(std::string_view name) {
  for (const auto& k : kKindNames)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

}  // namespace unionsync

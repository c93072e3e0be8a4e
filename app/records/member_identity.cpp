#include "app/records/member_identity.h"

#include <sodium.h>

#include <string>

namespace unionsync {

RecordId memberIdFromIdNumber(std::string_view deploymentKey, std::string_view idType,
                              std::string_view normalized) {
  // Resident ID numbers are unique on their own; other documents are scoped by their type.
  std::string input = "member:";
  if (!idType.empty() && idType != "居民身份证") {
    input += idType;
    input += ':';
  }
  input += normalized;
  RecordId id;
  crypto_generichash(id.bytes.data(), id.bytes.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), reinterpret_cast<const unsigned char*>(deploymentKey.data()),
                     deploymentKey.size());
  return id;
}

RecordId recordIdFromKey(Kind kind, std::span<const std::string_view> values) {
  std::string input(kindName(kind));
  // Key values hold no NUL (stored text is checked), so NUL separates them unambiguously.
  for (std::string_view v : values) {
    input += '\0';
    input += v;
  }
  RecordId id;
  crypto_generichash(id.bytes.data(), id.bytes.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), nullptr, 0);
  return id;
}

}  // namespace unionsync

#include "app/federation/federation_records.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/federation/grant_book.h"
#include "sync/certificate.h"

namespace unionsync {
namespace {

const FieldWrite* fieldOf(const Change& change, std::string_view name) {
  auto it = std::find_if(change.fields.begin(), change.fields.end(), [&](const FieldWrite& f) { return f.name == name; });
  return it == change.fields.end() ? nullptr : &*it;
}

std::string certificateRefusal(const Change& change) {
  for (const FieldWrite& f : change.fields)
    if (f.name != "certificate" && f.name != "name" && f.name != "address")
      return "证书记录不能有字段 " + f.name + " / a certificate record has no field " + f.name;
  const FieldWrite* carried = fieldOf(change, "certificate");
  if (!carried) return "证书记录的名称和地址只能随证书一起写入 / a certificate's name and address come only with it";
  auto bytes = bytesOfHex(carried->value);
  if (!bytes) return "证书不是十六进制 / the certificate is not hex";
  auto certificate = decodeCertificate(*bytes);
  if (!certificate) return certificate.error().message;
  if (!signatureVerifies(*certificate)) return "证书签名无效 / signature does not verify";
  if (certificateRecordId(*bytes) != change.id) return "证书记录的编号与内容不符 / the record id does not match the certificate";
  for (const char* text : {"name", "address"})
    if (const FieldWrite* f = fieldOf(change, text); f && f->value.size() > 200)
      return std::string("证书记录的") + text + "过长 / the certificate's " + text + " is too long";
  return {};
}

// A record holding one self-verifying statement in hex (a revocation, an origin claim).
template <typename Decode, typename ContentId>
std::string statementRefusal(const Change& change, std::string_view field, std::string_view zh, std::string_view en,
                             Decode decode, ContentId contentId) {
  for (const FieldWrite& f : change.fields)
    if (f.name != field) return fmt::format("{}不能有字段 {} / {} record has no field {}", zh, f.name, en, f.name);
  const FieldWrite* carried = fieldOf(change, field);
  if (!carried) return fmt::format("{}是空的 / empty {} record", zh, en);
  auto bytes = bytesOfHex(carried->value);
  if (!bytes) return fmt::format("{}不是十六进制 / the {} is not hex", zh, en);
  if (auto decoded = decode(*bytes); !decoded) return decoded.error().message;
  if (contentId(*bytes) != change.id) return fmt::format("{}的编号与内容不符 / the record id does not match the {}", zh, en);
  return {};
}

}  // namespace

std::string federationRecordRefusal(const Change& change) {
  switch (change.kind) {
    case Kind::Certificate: return certificateRefusal(change);
    case Kind::Revocation:
      return statementRefusal(change, "revocation", "吊销记录", "revocation", decodeRevocation, revocationRecordId);
    default:
      return statementRefusal(change, "claim", "来源声明", "origin claim", decodeOriginClaim, originClaimRecordId);
  }
}

}  // namespace unionsync

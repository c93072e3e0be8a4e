#include "app/federation/node_code.h"

#include <algorithm>

#include "store/blake2b.h"

namespace unionsync {
namespace {

constexpr std::string_view kPrefix = "usn1-";
constexpr std::size_t kPayloadBytes = 32 + 32 + 16;
constexpr std::size_t kChecksumBytes = 4;

std::string checksum(std::string_view payload) {
  const auto digest = Blake2b<16>().update("unionsync node code v1").update(payload).final();
  return std::string(reinterpret_cast<const char*>(digest.data()), kChecksumBytes);
}

template <std::size_t N>
void append(std::string& out, const std::array<std::uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

template <std::size_t N>
void take(std::string_view& in, std::array<std::uint8_t, N>& bytes) {
  std::copy_n(in.begin(), N, bytes.begin());
  in.remove_prefix(N);
}

Error badCode(std::string_view zh, std::string_view en) {
  return Error{std::string("节点码无效：") + std::string(zh) + "；请在对方节点运行 peer key 复制完整的节点码 / invalid node code: " +
               std::string(en) + "; run `peer key` on that node and copy the whole code"};
}

}  // namespace

std::string encodeNodeCode(const NodeCode& code) {
  std::string payload;
  append(payload, code.curveKey);
  append(payload, code.signingKey);
  append(payload, code.nodeId);
  return std::string(kPrefix) + hexOf(payload + checksum(payload));
}

Result<NodeCode> decodeNodeCode(std::string_view text) {
  std::string compact;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact.push_back(c);
  if (!compact.starts_with(kPrefix)) return std::unexpected(badCode("应以 usn1- 开头", "it must start with usn1-"));
  auto raw = bytesOfHex(std::string_view(compact).substr(kPrefix.size()));
  if (!raw) return std::unexpected(badCode("含有非十六进制字符", "it holds characters other than hex digits"));
  if (raw->size() != kPayloadBytes + kChecksumBytes)
    return std::unexpected(badCode("长度不对（可能没有复制完整）", "wrong length (perhaps cut short)"));
  std::string_view payload = std::string_view(*raw).substr(0, kPayloadBytes);
  if (checksum(payload) != std::string_view(*raw).substr(kPayloadBytes))
    return std::unexpected(badCode("校验不符（有字符抄错）", "checksum mismatch (a character is mistyped)"));
  NodeCode code;
  take(payload, code.curveKey);
  take(payload, code.signingKey);
  take(payload, code.nodeId);
  return code;
}

}  // namespace unionsync

// Reads the members of a ZIP file (an XLSX workbook) with zlib, so tests can look inside the
// files we write without an unzip program. Stored and deflated members only, which is what
// XLSX writers produce; no ZIP64.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace unionsync::testing {

inline std::uint32_t zipU32(std::string_view s, std::size_t at) {
  return std::uint32_t(std::uint8_t(s[at])) | std::uint32_t(std::uint8_t(s[at + 1])) << 8 |
         std::uint32_t(std::uint8_t(s[at + 2])) << 16 | std::uint32_t(std::uint8_t(s[at + 3])) << 24;
}
inline std::uint16_t zipU16(std::string_view s, std::size_t at) {
  return std::uint16_t(std::uint8_t(s[at]) | std::uint8_t(s[at + 1]) << 8);
}

// Member name -> uncompressed bytes; nothing when the bytes are not a ZIP file we can read
// (a member's CRC that does not match also counts as unreadable).
inline std::optional<std::map<std::string, std::string>> unzipAll(std::string_view zip) {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  std::size_t eocd = std::string_view::npos;
  for (std::size_t i = zip.size() >= 22 ? zip.size() - 22 : 0; i + 22 <= zip.size(); --i) {
    if (zipU32(zip, i) == 0x06054b50) {
      eocd = i;
      break;
    }
    if (i == 0 || zip.size() - i > 65557) break;
  }
  if (eocd == std::string_view::npos) return std::nullopt;
  const std::size_t entries = zipU16(zip, eocd + 10);
  std::size_t at = zipU32(zip, eocd + 16);
  std::map<std::string, std::string> files;
  for (std::size_t n = 0; n < entries; ++n) {
    if (at + 46 > zip.size() || zipU32(zip, at) != 0x02014b50) return std::nullopt;
    const std::uint16_t method = zipU16(zip, at + 10);
    const std::uint32_t crc = zipU32(zip, at + 16), packed = zipU32(zip, at + 20), size = zipU32(zip, at + 24);
    const std::size_t nameLength = zipU16(zip, at + 28), extra = zipU16(zip, at + 30), comment = zipU16(zip, at + 32);
    const std::size_t local = zipU32(zip, at + 42);
    std::string name(zip.substr(at + 46, nameLength));
    at += 46 + nameLength + extra + comment;
    if (local + 30 > zip.size() || zipU32(zip, local) != 0x04034b50) return std::nullopt;
    const std::size_t data = local + 30 + zipU16(zip, local + 26) + zipU16(zip, local + 28);
    if (data + packed > zip.size()) return std::nullopt;
    std::string out(size, '\0');
    if (method == 0) {
      out.assign(zip.substr(data, packed));
    } else if (method == 8) {
      z_stream z{};
      if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return std::nullopt;
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zip.data() + data));
      z.avail_in = packed;
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = size;
      const int rc = inflate(&z, Z_FINISH);
      inflateEnd(&z);
      if (rc != Z_STREAM_END || z.total_out != size) return std::nullopt;
    } else {
      return std::nullopt;
    }
    if (crc32(0, reinterpret_cast<const Bytef*>(out.data()), static_cast<uInt>(out.size())) != crc) return std::nullopt;
    files.emplace(std::move(name), std::move(out));
  }
  return files;
}

}  // namespace unionsync::testing

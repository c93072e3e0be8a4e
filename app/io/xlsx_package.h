// The package under an XLSX workbook (Office Open XML): a ZIP of XML parts and the
// relationships between them, read with libzip and expat. Generic: it knows parts and
// elements, nothing of sheets (xlsx_reader.cpp reads those with it).
//
// Each part is inflated and parsed piece by piece, its size capped (both the size the ZIP
// declares and the bytes actually inflated), so a zip bomb or a huge part never fills memory.
// A part that declares a DTD is refused: OOXML never has one, and refusing it shuts out
// entity expansion. Every failure is a bilingual message naming the file and the part.
#pragma once

#include <expat.h>
#include <zip.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"

namespace unionsync::xlsx {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

// Opens the ZIP file at `path` to read. Fails saying what the file is when it is not a ZIP:
// an old Excel .xls (save it as .xlsx or CSV), a damaged or truncated ZIP, something else.
Result<ZipPtr> openPackage(const std::string& path);
bool hasPart(zip_t* zip, const std::string& name);

// The value of the attribute with local name `name` (namespace prefix ignored), or empty.
std::string_view attribute(const XML_Char** atts, std::string_view name);

// `s` as a whole number or double (C locale, no spaces), or nothing.
template <typename T>
std::optional<T> parseNumber(std::string_view s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Text with OOXML's escapes decoded: characters XML cannot hold (a CR, control characters)
// are written _xHHHH_, and an underscore that would read as such an escape _x005F_.
std::string decodeEscapes(std::string_view s);

// Receives the elements of an XML part, by local name (namespaces stripped).
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XML_Char** atts) = 0;
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view) {}

  // Stops the parse with `message` (bilingual), which the part's reader returns.
  void stop(std::string message);
  const std::optional<std::string>& error() const { return error_; }
  void attach(XML_Parser parser) { parser_ = parser; }

 private:
  XML_Parser parser_ = nullptr;
  std::optional<std::string> error_;
};

// One part of the package inflated and parsed piece by piece into its handler, which must
// outlive it. Movable.
class XmlPart {
 public:
  // Fails when the part is missing, declares more than `maxBytes`, or cannot be opened.
  static Result<XmlPart> open(zip_t* zip, const std::string& file, const std::string& name, std::uint64_t maxBytes,
                              XmlHandler& handler);

  // Parses the next piece; false at the end of the part. Fails when the part is damaged
  // (CRC), inflates past the cap, is not well-formed XML, or the handler stopped it.
  Result<bool> step();
  // Parses the whole part.
  Result<void> readAll();

 private:
  struct ZipFileCloser {
    void operator()(zip_file_t* f) const { zip_fclose(f); }
  };
  struct ParserFree {
    void operator()(XML_Parser p) const { XML_ParserFree(p); }
  };
  XmlPart(std::string file, std::string name, std::uint64_t maxBytes, std::unique_ptr<zip_file_t, ZipFileCloser> in,
          std::unique_ptr<XML_ParserStruct, ParserFree> parser, XmlHandler& handler);
  static std::unexpected<Error> tooLarge(const std::string& file, const std::string& name, std::uint64_t maxBytes);
  static std::unexpected<Error> damaged(const std::string& file, const std::string& name, const char* why);

  std::string file_, name_;
  std::uint64_t maxBytes_;
  std::unique_ptr<zip_file_t, ZipFileCloser> in_;
  std::unique_ptr<XML_ParserStruct, ParserFree> parser_;
  XmlHandler* handler_;
  std::uint64_t read_ = 0;
  bool done_ = false;
};

// The relationships of a part (its _rels/NAME.rels, relsPathOf): id -> target part, and the
// first target of each type (by the type's last path segment: "worksheet", "sharedStrings").
class RelsHandler final : public XmlHandler {
 public:
  explicit RelsHandler(std::string source) : source_(std::move(source)) {}
  void start(std::string_view name, const XML_Char** atts) override;
  void end(std::string_view) override {}

  std::map<std::string, std::string, std::less<>> byId, byType;

 private:
  std::string source_;
};

// "xl/_rels/workbook.xml.rels" for "xl/workbook.xml".
std::string relsPathOf(std::string_view part);

}  // namespace unionsync::xlsx

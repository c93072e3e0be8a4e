#include "app/csv.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>

namespace unionsync {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Byte-indexed membership tables: one lookup per byte keeps the scanning loops tight.
using ByteSet = std::array<bool, 256>;

constexpr ByteSet byteSet(std::initializer_list<char> members) {
  ByteSet set{};
  for (const char c : members) set[static_cast<unsigned char>(c)] = true;
  return set;
}

constexpr ByteSet kUnquotedEnd = byteSet({',', '\n'});
constexpr ByteSet kNeedsQuotes = byteSet({',', '"', '\r', '\n'});
constexpr ByteSet kFormulaStart = byteSet({'=', '+', '-', '@'});

bool isBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimBlanks(std::string_view text) {
  while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
  return text;
}

bool needsQuotes(std::string_view field) {
  if (field.empty()) return false;
  if (isBlank(field.front()) || isBlank(field.back())) return true;
  if (kFormulaStart[static_cast<unsigned char>(field.front())]) return true;
  return std::ranges::any_of(field,
                             [](char c) { return kNeedsQuotes[static_cast<unsigned char>(c)]; });
}

}  // namespace

CsvReader::CsvReader(std::string_view text) {
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  pos_ = text.data();
  end_ = text.data() + text.size();
}

Result<std::optional<CsvRow>> CsvReader::next() {
  unescaped_.clear();
  pending_.clear();
  while (skipBlankLine()) {
  }
  if (pos_ == end_) return std::nullopt;

  CsvRow row{line_, {}};
  row.fields.reserve(lastWidth_);
  for (;;) {
    auto field = readField(row.fields.size());
    if (!field) return std::unexpected(field.error());
    row.fields.push_back(*field);
    if (pos_ == end_ || *pos_ != ',') break;
    ++pos_;
  }
  // The field readers stop only at a comma, the '\n' of the line end, or the end of text.
  if (pos_ != end_) {
    ++pos_;
    ++line_;
  }
  const std::string_view unescaped = unescaped_;
  for (const Unescaped& field : pending_) {
    row.fields[field.field] = unescaped.substr(field.offset, field.size);
  }
  lastWidth_ = row.fields.size();
  return row;
}

// Consumes one line that holds nothing but spaces and tabs; false (consuming nothing) at a
// line with content. A blank last line is consumed too, leaving the reader at the end.
bool CsvReader::skipBlankLine() {
  const char* p = pos_;
  while (p != end_ && isBlank(*p)) ++p;
  if (p != end_ && *p == '\r') ++p;
  if (p == end_) {
    pos_ = p;
    return false;
  }
  if (*p != '\n') return false;
  pos_ = p + 1;
  ++line_;
  return true;
}

Result<std::string_view> CsvReader::readField(std::size_t index) {
  while (pos_ != end_ && isBlank(*pos_)) ++pos_;
  if (pos_ != end_ && *pos_ == '"') return readQuoted(index);
  return readUnquoted();
}

std::string_view CsvReader::readUnquoted() {
  const char* start = pos_;
  while (pos_ != end_ && !kUnquotedEnd[static_cast<unsigned char>(*pos_)]) ++pos_;
  std::string_view field(start, static_cast<std::size_t>(pos_ - start));
  const bool endsRow = pos_ == end_ || *pos_ == '\n';
  if (endsRow && field.ends_with('\r')) field.remove_suffix(1);
  return trimBlanks(field);
}

// Reads a quoted field starting at its opening quote. Without "" the field views into the
// text; otherwise it is unescaped into unescaped_ and an empty placeholder is returned.
Result<std::string_view> CsvReader::readQuoted(std::size_t index) {
  const std::size_t openLine = line_;
  const std::size_t offset = unescaped_.size();
  const char* segment = ++pos_;
  for (;;) {
    const auto* quote =
        static_cast<const char*>(std::memchr(pos_, '"', static_cast<std::size_t>(end_ - pos_)));
    if (quote == nullptr) {
      return failAt(openLine, "a quoted field is never closed; a '\"' is missing");
    }
    line_ += static_cast<std::size_t>(std::count(pos_, quote, '\n'));
    pos_ = quote + 1;
    if (pos_ == end_ || *pos_ != '"') {
      const std::string_view tail(segment, static_cast<std::size_t>(quote - segment));
      if (!skipToSeparator()) {
        return failAt(line_, "text follows the closing quote of field " +
                                 std::to_string(index + 1) +
                                 "; a '\"' inside a quoted field must be written as \"\"");
      }
      if (unescaped_.size() == offset) return tail;
      unescaped_.append(tail);
      pending_.push_back({index, offset, unescaped_.size() - offset});
      return std::string_view();
    }
    unescaped_.append(segment, pos_);  // keeps the first quote of the pair
    segment = ++pos_;
  }
}

// After a closing quote: skips spaces, tabs and the '\r' of a line end; true when what follows
// ends the field.
bool CsvReader::skipToSeparator() {
  while (pos_ != end_ && isBlank(*pos_)) ++pos_;
  if (pos_ != end_ && *pos_ == '\r' && (pos_ + 1 == end_ || pos_[1] == '\n')) ++pos_;
  return pos_ == end_ || *pos_ == ',' || *pos_ == '\n';
}

std::unexpected<Error> CsvReader::failAt(std::size_t line, const std::string& message) {
  pos_ = end_;
  return fail("line " + std::to_string(line) + ": " + message);
}

void appendCsvField(std::string& out, std::string_view field) {
  if (!needsQuotes(field)) {
    out += field;
    return;
  }
  out += '"';
  for (;;) {
    const std::size_t quote = field.find('"');
    out += field.substr(0, quote);
    if (quote == std::string_view::npos) break;
    out += "\"\"";
    field.remove_prefix(quote + 1);
  }
  out += '"';
}

void appendCsvRow(std::string& out, const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields.front().empty()) {
    out += "\"\"";
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i != 0) out += ',';
      appendCsvField(out, fields[i]);
    }
  }
  out += "\r\n";
}

}  // namespace unionsync

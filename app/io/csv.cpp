#include "app/io/csv.h"

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

constexpr ByteSet kUnquotedEnd = byteSet({',', '\n', '\r'});
constexpr ByteSet kNeedsQuotes = byteSet({',', '"', '\r', '\n'});
constexpr ByteSet kFormulaStart = byteSet({'=', '+', '-', '@', '\r'});

bool isBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimBlanks(std::string_view text) {
  while (!text.empty() && isBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && isBlank(text.back())) text.remove_suffix(1);
  return text;
}

// `guarded`: the field is written after a "'", so a leading blank is no longer leading.
bool needsQuotes(std::string_view field, bool guarded) {
  if (field.empty()) return false;
  if ((!guarded && isBlank(field.front())) || isBlank(field.back())) return true;
  return std::ranges::any_of(field,
                             [](char c) { return kNeedsQuotes[static_cast<unsigned char>(c)]; });
}

bool isTabbedDigits(std::string_view text) {
  return text.size() > 1 && text.front() == '\t' &&
         text.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

// A LF, a CRLF or a lone CR at `p` (before `end`): the number of bytes it takes, else 0.
std::size_t lineBreakAt(const char* p, const char* end) {
  if (p == end) return 0;
  if (*p == '\n') return 1;
  if (*p != '\r') return 0;
  return p + 1 != end && p[1] == '\n' ? 2 : 1;
}

// Line breaks in [begin, end): every LF, and every CR not followed by a LF.
std::size_t countLineBreaks(const char* begin, const char* end) {
  std::size_t breaks = static_cast<std::size_t>(std::count(begin, end, '\n'));
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)))) != nullptr; ++p) {
    if (p + 1 == end || p[1] != '\n') ++breaks;
  }
  return breaks;
}

}  // namespace

bool needsFormulaGuard(std::string_view text) {
  const std::size_t start = text.find_first_not_of('\'');
  if (start == std::string_view::npos) return false;
  const unsigned char c = static_cast<unsigned char>(text[start]);
  if (c == '\t') return !isTabbedDigits(text.substr(start));
  return kFormulaStart[c];
}

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
  // The field readers stop only at a comma, a line end, or the end of text.
  if (const std::size_t lineEnd = lineBreakAt(pos_, end_); lineEnd != 0) {
    pos_ += lineEnd;
    ++line_;
  }
  const std::string_view unescaped = unescaped_;
  for (const Unescaped& field : pending_) {
    row.fields[field.field] = unescaped.substr(field.offset, field.size);
  }
  for (std::string_view& field : row.fields) {
    if (field.starts_with('\'') && needsFormulaGuard(field.substr(1))) field.remove_prefix(1);
  }
  lastWidth_ = row.fields.size();
  return row;
}

// Consumes one line that holds nothing but spaces and tabs; false (consuming nothing) at a
// line with content. A blank last line is consumed too, leaving the reader at the end.
bool CsvReader::skipBlankLine() {
  const char* p = pos_;
  while (p != end_ && isBlank(*p)) ++p;
  if (p == end_) {
    pos_ = p;
    return false;
  }
  const std::size_t lineEnd = lineBreakAt(p, end_);
  if (lineEnd == 0) return false;
  pos_ = p + lineEnd;
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
  return trimBlanks(std::string_view(start, static_cast<std::size_t>(pos_ - start)));
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
      return failAt(openLine, "从这里开始的引号没有结束引号，请补上缺少的 \"",
                    "a quoted field is never closed; a '\"' is missing");
    }
    line_ += countLineBreaks(pos_, quote);
    pos_ = quote + 1;
    if (pos_ == end_ || *pos_ != '"') {
      const std::string_view tail(segment, static_cast<std::size_t>(quote - segment));
      if (!skipToSeparator()) {
        return failAt(line_,
                      "第" + std::to_string(index + 1) + "个单元格的结束引号后还有文字，引号内的 \" 应写作 \"\"",
                      "text follows the closing quote of field " + std::to_string(index + 1) +
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

// After a closing quote: skips spaces and tabs; true when what follows ends the field.
bool CsvReader::skipToSeparator() {
  while (pos_ != end_ && isBlank(*pos_)) ++pos_;
  return pos_ == end_ || *pos_ == ',' || lineBreakAt(pos_, end_) != 0;
}

std::unexpected<Error> CsvReader::failAt(std::size_t line, const std::string& zh, const std::string& en) {
  pos_ = end_;
  const std::string n = std::to_string(line);
  return fail("第" + n + "行：" + zh + " / line " + n + ": " + en);
}

void appendCsvField(std::string& out, std::string_view field) {
  const bool guarded = needsFormulaGuard(field);
  const bool quoted = needsQuotes(field, guarded);
  if (quoted) out += '"';
  if (guarded) out += '\'';
  if (!quoted) {
    out += field;
    return;
  }
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

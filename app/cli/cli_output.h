// How the CLI prints records: aligned text for people, JSON for scripts. ID numbers are
// masked unless the user asks to reveal them (PIPL: lists never show them whole).
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

#include "app/node.h"

namespace unionsync {

struct OutputStyle {
  bool json = false;
  bool reveal = false;
};

// {"id", "kind", "deleted", "fields": {name: display value}}; references also get
// "<field>_name" with the referenced record's title.
nlohmann::json recordJson(const Node& node, const Record& record, const OutputStyle& style);
void printRecord(std::ostream& out, const Node& node, const Record& record, const OutputStyle& style);
void printRecords(std::ostream& out, const Node& node, const std::vector<Record>& records, const OutputStyle& style);

// Rows as columns aligned by display width, two spaces apart.
void printAligned(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

// Display width of UTF-8 text in a terminal (CJK characters take two columns).
std::size_t displayWidth(std::string_view text);

}  // namespace unionsync

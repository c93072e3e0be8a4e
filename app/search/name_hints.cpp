#include "app/search/name_hints.h"

#include <algorithm>

namespace unionsync {

NameHints::NameHints(std::string_view typed, std::size_t shown)
    : typed_(typed), shown_(shown), wanted_(typed.size() > 3) {}  // more than one CJK character

namespace {
// Enough to rank from: a name typed in part matches a few unions, not hundreds.
constexpr std::size_t kKept = 256;
}  // namespace

bool NameHints::offer(std::string_view name) {
  if (!wanted_ || names_.size() >= kKept) return false;
  if (!name.empty() && name != typed_ &&
      (name.find(typed_) != std::string_view::npos || std::string_view(typed_).find(name) != std::string_view::npos))
    names_.emplace_back(name);
  return names_.size() < kKept;
}

std::string NameHints::list() const {
  // The likeliest first: names that start with what was typed, then the shortest (梅岭镇 →
  // 梅岭镇总工会 before 梅岭镇李家村工会 and 嘉禾区梅岭镇中心中学工会).
  std::vector<std::string> ranked = names_;
  std::ranges::stable_sort(ranked, [this](const std::string& a, const std::string& b) {
    const bool aStarts = a.starts_with(typed_), bStarts = b.starts_with(typed_);
    return aStarts != bStarts ? aStarts : a.size() < b.size();
  });
  std::string list;
  for (std::size_t i = 0; i < std::min(ranked.size(), shown_); ++i) list += (i ? "、" : "") + ranked[i];
  if (ranked.size() > shown_) list += "…";
  return list;
}

}  // namespace unionsync

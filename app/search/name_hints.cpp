#include "app/search/name_hints.h"

#include <algorithm>

namespace unionsync {

NameHints::NameHints(std::string_view typed, std::size_t shown)
    : typed_(typed), shown_(shown), wanted_(typed.size() > 3) {}  // more than one CJK character

bool NameHints::offer(std::string_view name) {
  if (!wanted_ || names_.size() > shown_) return false;
  if (!name.empty() && name != typed_ &&
      (name.find(typed_) != std::string_view::npos || std::string_view(typed_).find(name) != std::string_view::npos))
    names_.emplace_back(name);
  return names_.size() <= shown_;
}

std::string NameHints::list() const {
  std::string list;
  for (std::size_t i = 0; i < std::min(names_.size(), shown_); ++i) list += (i ? "、" : "") + names_[i];
  if (names_.size() > shown_) list += "…";
  return list;
}

}  // namespace unionsync

// "Did you mean": the held names to offer when a name a person typed is not found. A name is
// offered when it contains what was typed ("嘉禾区总工会" → "江州市嘉禾区总工会") or is
// contained in it ("城关街道总工会办公室" → "城关街道总工会").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace unionsync {

class NameHints {
 public:
  // At most `shown` names are listed. One character (or less) typed gives no hints: it is
  // in too many names to guess from.
  explicit NameHints(std::string_view typed, std::size_t shown = 3);
  // Whether any name can be offered at all (false: the caller may skip its scan).
  bool wanted() const { return wanted_; }
  // Offers one held name. False once enough were taken to rank from: the scan may stop.
  bool offer(std::string_view name);
  // The `shown` likeliest, "A、B、C" (with "…" when there were more): names that start with
  // what was typed first, then the shortest. Empty when none resembled.
  std::string list() const;

 private:
  std::string typed_;
  std::size_t shown_;
  bool wanted_;
  std::vector<std::string> names_;
};

}  // namespace unionsync

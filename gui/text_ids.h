// Distinct texts numbered 0, 1, 2 ... in the order they were first seen, found by string_view
// without allocating: the member table's names, employers and organizations.
//
// Why not std::unordered_map: building the member table looks up a name, an employer and an
// organization for each of a million members, and a node-based map costs three dependent
// cache misses a lookup (bucket, the node before, the node), a third of the whole load. Here
// one flat array of slots (open addressing, at most half full) holds a hash and a number, and
// the texts lie back to back in one string.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace unionsync::gui {

class TextIds {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // The number of `text`; kNone when it was never inserted.
  std::uint32_t find(std::string_view text) const {
    if (slots_.empty()) return kNone;
    return slots_[slotOf(text, std::hash<std::string_view>{}(text))].id;
  }
  // The number of `text`, and true when it is new (it then gets the number size() had).
  std::pair<std::uint32_t, bool> insert(std::string_view text) {
    if (2 * (size() + 1) > slots_.size()) rehash(std::max<std::size_t>(16, 2 * slots_.size()));
    const std::size_t hash = std::hash<std::string_view>{}(text);
    Slot& slot = slots_[slotOf(text, hash)];
    if (slot.id != kNone) return {slot.id, false};
    slot = {tagOf(hash), static_cast<std::uint32_t>(size())};
    keys_.append(text);
    ends_.push_back(static_cast<std::uint32_t>(keys_.size()));
    return {slot.id, true};
  }
  std::size_t size() const { return ends_.size(); }
  // The text numbered `id` (< size()).
  std::string_view text(std::uint32_t id) const {
    const std::uint32_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(keys_).substr(begin, ends_[id] - begin);
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;  // the hash's high half: most slots of other texts fail on it alone
    std::uint32_t id = kNone;
  };

  static std::uint32_t tagOf(std::size_t hash) { return static_cast<std::uint32_t>(hash >> 32); }

  // The slot holding `text`, else the empty slot where it belongs (linear probing).
  std::size_t slotOf(std::string_view text, std::size_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = tagOf(hash);
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& slot = slots_[i];
      if (slot.id == kNone || (slot.tag == tag && this->text(slot.id) == text)) return i;
    }
  }

  void rehash(std::size_t slots) {
    slots_.assign(slots, Slot{});
    for (std::uint32_t id = 0; id < size(); ++id) {
      const std::size_t hash = std::hash<std::string_view>{}(text(id));
      slots_[slotOf(text(id), hash)] = {tagOf(hash), id};
    }
  }

  std::vector<Slot> slots_;          // a power of two of them
  std::string keys_;                 // the texts back to back, in number order
  std::vector<std::uint32_t> ends_;  // where each text ends in keys_
};

}  // namespace unionsync::gui

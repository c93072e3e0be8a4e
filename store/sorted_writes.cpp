#include "store/sorted_writes.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <thread>

namespace unionsync {

void SortedWrites::add(std::string_view key, std::string_view value, bool erase) {
  if (bytes_.size() + key.size() + value.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("one write transaction collected more than 4 GiB of index writes");
  // LMDB keys are at most 511 bytes; the values here are ids and hashes.
  if (key.size() > std::numeric_limits<std::uint16_t>::max() || value.size() > std::numeric_limits<std::uint16_t>::max())
    throw std::length_error("an index write of more than 64 KiB");
  std::uint64_t head = 0;
  for (std::size_t i = 0; i < 8; ++i) head = head << 8 | (i < key.size() ? static_cast<std::uint8_t>(key[i]) : 0u);
  const std::uint32_t offset = static_cast<std::uint32_t>(bytes_.size());
  bytes_.append(key);
  bytes_.append(value);
  // FNV-1a over what names the target (the key; for duplicates the value too), while it is
  // in the cache.
  std::uint32_t check = 2166136261u;
  const std::size_t end = duplicates_ ? bytes_.size() : offset + key.size();
  for (std::size_t i = offset; i < end; ++i) check = (check ^ static_cast<std::uint8_t>(bytes_[i])) * 16777619u;
  writes_.push_back(Write{head, offset, check, static_cast<std::uint16_t>(key.size()), static_cast<std::uint16_t>(value.size()),
                          erase});
}

int SortedWrites::compare(const Write& a, const Write& b) const {
  // Unequal heads order the keys as memcmp would (zero padding sorts a shorter key first,
  // and a key's own zero bytes tie with padding, leaving those to the full comparison).
  if (a.head != b.head) return a.head < b.head ? -1 : 1;
  if (const int order = keyOf(a).compare(keyOf(b)); order != 0 || !duplicates_) return order;
  return valueOf(a).compare(valueOf(b));
}

bool SortedWrites::sameTarget(const Write& a, const Write& b) const {
  // A key and its value lie side by side in bytes_: for duplicates one comparison covers both.
  if (a.head != b.head || a.check != b.check || a.keySize != b.keySize) return false;
  if (!duplicates_) return keyOf(a) == keyOf(b);
  return a.valueSize == b.valueSize &&
         std::memcmp(bytes_.data() + a.offset, bytes_.data() + b.offset, a.keySize + a.valueSize) == 0;
}

void SortedWrites::sort() {
  // Writes to one key keep the order they were collected in (offsets grow), so the last wins.
  auto before = [this](const Write& a, const Write& b) {
    const int order = compare(a, b);
    return order != 0 ? order < 0 : a.offset < b.offset;
  };
  // A large batch (an import's 100,000 rows make 700,000 index writes) is sorted in two halves
  // on two threads, then merged: the sort was a fifth of the writer's time.
  constexpr std::size_t kSortAloneBelow = 1 << 16;
  if (writes_.size() < kSortAloneBelow) {
    std::sort(writes_.begin(), writes_.end(), before);
    return;
  }
  const auto middle = writes_.begin() + static_cast<std::ptrdiff_t>(writes_.size() / 2);
  std::thread upper([&] { std::sort(middle, writes_.end(), before); });
  std::sort(writes_.begin(), middle, before);
  upper.join();
  std::inplace_merge(writes_.begin(), middle, writes_.end(), before);
}

void SortedWrites::flush(lmdb::Txn& txn, MDB_dbi dbi) {
  sort();
  lmdb::Cursor cursor(txn, dbi);
  for (std::size_t i = 0; i < writes_.size(); ++i) {
    const Write& w = writes_[i];
    if (i + 1 < writes_.size() && sameTarget(writes_[i + 1], w)) continue;
    if (duplicates_ && w.erase)
      cursor.eraseDuplicate(keyOf(w), valueOf(w));
    else if (duplicates_)
      cursor.putDuplicate(keyOf(w), valueOf(w));
    else if (w.erase)
      cursor.erase(keyOf(w));
    else
      cursor.put(keyOf(w), valueOf(w));
  }
  writes_.clear();
  bytes_.clear();
}

}  // namespace unionsync

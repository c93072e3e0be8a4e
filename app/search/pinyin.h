// Finding Chinese names by what a cadre types on a Latin keyboard: the pinyin initials (`wm`
// for 王淼), the full pinyin (`wangmiao`, `wang miao`) or a prefix of it (`wangm`). The CLI
// search (through the store's index of nameKeys) and the GUI's filters (matches) use these
// same functions, so a name is found the same way everywhere.
//
// Readings come from ICU's Han-Latin transliteration. The first character is read as a
// surname as well (ICU's Han-Latin/Names, and a few surnames it misses): 单 is found as shan
// and as dan, 曾 as zeng and ceng, 区 as ou and qu. ü is written v, as pinyin input methods
// type it (吕 is lv), and the surname also as u.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace unionsync::pinyin {

// Bumped whenever nameKeys changes what it returns, so stores re-index (StoreOptions::indexVersion).
inline constexpr std::string_view kKeysVersion = "pinyin-1";

// The name of the store index of `field`'s nameKeys (IndexQuery::field).
inline std::string indexName(std::string_view field) { return std::string(field) + "#pinyin"; }

// The lowercase ASCII keys under which `name` is found: for each reading of its surname, the
// full pinyin without separators ("wangmiao") and the initials ("wm"). Latin letters in the
// name are kept (lowercased) as words of their own; digits, spaces and punctuation are
// dropped. Distinct keys, in no particular order; empty when the name has neither Han
// characters nor Latin letters. Thread-safe.
std::vector<std::string> nameKeys(std::string_view name);

// What `typed` looks up when it is pinyin: its letters lowercased, with spaces, apostrophes
// (xi'an) and full-width forms from Chinese input methods normalized away. Empty when it is
// not pinyin (holds anything but letters, spaces and apostrophes, or no letter at all).
std::string queryKey(std::string_view typed);

// True when a key of `name` starts with `queryKey` (a non-empty result of queryKey).
bool matches(std::string_view name, std::string_view queryKey);

}  // namespace unionsync::pinyin

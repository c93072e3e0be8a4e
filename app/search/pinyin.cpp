#include "app/search/pinyin.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "app/model/text.h"

namespace unionsync::pinyin {

namespace {

// Surnames whose reading ICU's name rules miss, and compound surnames read otherwise than
// their characters (万俟 is mo qi, not wan si).
struct SurnameReading {
  std::string_view surname;
  std::array<std::string_view, 2> syllables;  // second empty for a one-character surname
};
constexpr std::array kExtraSurnames = {
    SurnameReading{"朴", {"piao", ""}}, SurnameReading{"覃", {"qin", ""}},
    SurnameReading{"缪", {"miao", ""}}, SurnameReading{"万俟", {"mo", "qi"}},
};

// ICU transliterators with a cache of each character's reading: names use a few thousand
// characters, and a transliteration costs microseconds where a lookup costs nanoseconds.
class Readings {
 public:
  static Readings& instance() {
    static Readings readings;
    return readings;
  }

  // The reading of `c` in lowercase ASCII ("lv" for 吕), or empty when it is not a Han
  // character ICU can read; as a surname when `surname`.
  std::string of(char32_t c, bool surname) {
    auto& cache = surname ? surnames_ : common_;
    {
      std::shared_lock lock(mutex_);
      if (auto it = cache.find(c); it != cache.end()) return it->second;
    }
    std::unique_lock lock(mutex_);  // ICU's transliterators are not safe to share between threads
    auto [it, inserted] = cache.try_emplace(c);
    if (inserted) it->second = transliterate(surname ? names_.get() : plain_.get(), c);
    return it->second;
  }

 private:
  Readings() : plain_(make(":: Han-Latin ;")), names_(make(":: Han-Latin/Names ;")) {}

  static std::unique_ptr<icu::Transliterator> make(std::string_view han) {
    const std::string rules = std::string(han) + " [ǖǘǚǜü] > v ; :: Latin-ASCII ; :: Lower ;";
    UErrorCode status = U_ZERO_ERROR;
    UParseError where;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createFromRules(
        "unionsync-pinyin", icu::UnicodeString::fromUTF8(rules), UTRANS_FORWARD, where, status));
    return U_FAILURE(status) ? nullptr : std::move(t);
  }

  static std::string transliterate(const icu::Transliterator* t, char32_t c) {
    if (!t) return {};
    icu::UnicodeString text(static_cast<UChar32>(c));
    t->transliterate(text);
    std::string out;
    text.toUTF8String(out);
    const bool letters = !out.empty() && std::ranges::all_of(out, [](char ch) { return ch >= 'a' && ch <= 'z'; });
    return letters ? out : std::string();
  }

  std::unique_ptr<icu::Transliterator> plain_, names_;
  std::shared_mutex mutex_;
  std::unordered_map<char32_t, std::string> common_, surnames_;
};

// Full-width letters from Chinese input methods as ASCII; lowercase ASCII letters; 0 for
// anything else.
char asciiLetter(char32_t c) {
  if (c >= 0xFF21 && c <= 0xFF3A) c -= 0xFEE0;
  if (c >= 0xFF41 && c <= 0xFF5A) c -= 0xFEE0;
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if (c >= 'a' && c <= 'z') return static_cast<char>(c);
  return 0;
}

// A name as words: one per Han character (its reading), one per run of Latin letters.
struct Words {
  std::vector<std::string> words;
  bool hanSurname = false;                 // words[0] is a Han character, read as a surname
  // Other readings of words[0] as a surname; a compound surname's two syllables (万俟) are
  // split by NUL and replace words[0] and words[1].
  std::vector<std::string> firstReadings;
};

Words wordsOf(std::string_view name) {
  Words out;
  Readings& readings = Readings::instance();
  bool latinOpen = false;
  bool first = true;  // no word yet: the next Han character is the surname
  for (std::size_t pos = 0; pos < name.size();) {
    const auto c = text::decodeNext(name, pos);
    if (!c) continue;
    if (char letter = asciiLetter(*c)) {
      if (!latinOpen) out.words.emplace_back();
      out.words.back().push_back(letter);
      latinOpen = true;
      first = false;
      continue;
    }
    latinOpen = false;
    std::string reading = readings.of(*c, false);
    if (reading.empty()) continue;
    if (first) {
      out.hanSurname = true;
      std::string asSurname = readings.of(*c, true);
      if (!asSurname.empty() && asSurname != reading) out.firstReadings.push_back(asSurname);
    }
    first = false;
    out.words.push_back(std::move(reading));
  }
  if (!out.hanSurname) return out;
  for (const auto& extra : kExtraSurnames) {
    if (!name.starts_with(extra.surname)) continue;
    if (extra.syllables[1].empty()) {
      out.firstReadings.emplace_back(extra.syllables[0]);
    } else if (out.words.size() >= 2) {
      out.firstReadings.push_back(std::string(extra.syllables[0]) + '\0' + std::string(extra.syllables[1]));
    }
  }
  return out;
}

void addKeys(const std::vector<std::string>& words, std::size_t from, std::string full, std::string initials,
             std::vector<std::string>& keys) {
  for (std::size_t i = from; i < words.size(); ++i) {
    full += words[i];
    initials += words[i].front();
  }
  if (full.empty()) return;
  for (std::string* key : {&full, &initials})
    if (std::ranges::find(keys, *key) == keys.end()) keys.push_back(std::move(*key));
}

}  // namespace

std::vector<std::string> nameKeys(std::string_view name) {
  const Words w = wordsOf(name);
  std::vector<std::string> keys;
  if (w.words.empty()) return keys;
  addKeys(w.words, 0, "", "", keys);
  for (const std::string& reading : w.firstReadings) {
    const auto split = reading.find('\0');
    if (split == std::string::npos) {
      addKeys(w.words, 1, reading, std::string(1, reading.front()), keys);
    } else {
      const std::string a = reading.substr(0, split), b = reading.substr(split + 1);
      addKeys(w.words, 2, a + b, std::string{a.front(), b.front()}, keys);
    }
  }
  // ü typed as u as well as v, for the surname (吕 lü: lv and lu).
  const std::string& surname = w.words.front();
  if (w.hanSurname && surname.find('v') != std::string::npos) {
    std::string asU = surname;
    std::ranges::replace(asU, 'v', 'u');
    addKeys(w.words, 1, asU, std::string(1, asU.front()), keys);
  }
  return keys;
}

std::string queryKey(std::string_view typed) {
  std::string key;
  for (std::size_t pos = 0; pos < typed.size();) {
    const auto c = text::decodeNext(typed, pos);
    if (!c) return {};
    if (char letter = asciiLetter(*c)) {
      key.push_back(letter);
      continue;
    }
    const bool separator = *c == ' ' || *c == '\t' || *c == '\'' || *c == 0x3000 || *c == 0xFF07 || *c == 0xA0;
    if (!separator) return {};
  }
  return key;
}

bool matches(std::string_view name, std::string_view queryKey) {
  if (queryKey.empty()) return false;
  for (const std::string& key : nameKeys(name))
    if (key.starts_with(queryKey)) return true;
  return false;
}

}  // namespace unionsync::pinyin

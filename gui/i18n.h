// The one translation table of the desktop program.
//
// Every string the GUI shows comes from gui/strings.inc (one line per string: id, Chinese,
// English) or from the schema's zh/en labels; schema choice values, which are stored in
// Chinese, get their English names from the choice table in i18n.cpp. gui_tests checks that
// every entry has both languages with the same {} placeholders and that every schema choice
// has an English name, so English cannot fall behind silently.
//
// Messages from the lower layers are bilingual ("中文 / English"); message() shows the half
// of the current language.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/model/records.h"

namespace unionsync::gui {

enum class Lang { Zh, En };
std::string_view langCode(Lang lang);  // "zh" / "en"
std::optional<Lang> langFromCode(std::string_view code);

enum class T : std::uint16_t {
#define US_TEXT(id, zh, en) id,
#include "gui/strings.inc"
#undef US_TEXT
  Count_
};

struct TextEntry {
  std::string_view id;
  const char* zh;  // NUL-terminated: ImGui takes C strings
  const char* en;
};
std::span<const TextEntry> textTable();

struct ChoiceName {
  std::string_view zh;
  std::string_view en;
};
// English names of the schema's choice values (stored in Chinese).
std::span<const ChoiceName> choiceTable();

// Translator for one language; cheap to copy. The GUI holds one and switches it live.
class Tr {
 public:
  explicit Tr(Lang lang = Lang::Zh) : lang_(lang) {}
  Lang lang() const { return lang_; }
  void setLang(Lang lang) { lang_ = lang; }
  bool english() const { return lang_ == Lang::En; }

  const char* operator()(T id) const;
  template <typename... Args>
  std::string format(T id, Args&&... args) const {
    return fmt::format(fmt::runtime((*this)(id)), std::forward<Args>(args)...);
  }

  std::string_view label(const FieldDef& field) const { return english() ? field.en : field.zh; }
  std::string_view kindLabel(Kind kind) const;
  // A schema choice value ("正常") in the current language; unknown values unchanged.
  std::string_view choice(std::string_view stored) const;
  // A stored value as shown: money in yuan, booleans as 是/否 or yes/no, choices translated.
  std::string display(const FieldDef& field, std::string_view stored) const;
  // The half of a "中文 / English" message in the current language (the whole text when it
  // has no " / ").
  std::string message(std::string_view bilingual) const;

 private:
  Lang lang_;
};

}  // namespace unionsync::gui

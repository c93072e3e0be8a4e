#include <doctest/doctest.h>

#include <set>

#include "gui/glyph_set.h"
#include "gui/i18n.h"

using namespace unionsync;
using namespace unionsync::gui;

namespace {

std::size_t placeholders(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t at = s.find('{'); at != std::string_view::npos; at = s.find('{', at + 1)) ++n;
  return n;
}

bool hasHan(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    const char32_t cp = decodeUtf8(s, pos);
    if ((cp >= 0x3400 && cp <= 0x9FFF) || cp > 0xFFFF) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every UI string has Chinese and English with the same placeholders") {
  std::set<std::string_view> ids;
  for (const TextEntry& e : textTable()) {
    CAPTURE(e.id);
    CHECK(ids.insert(e.id).second);
    CHECK(std::string_view(e.zh).size() > 0);
    CHECK(std::string_view(e.en).size() > 0);
    CHECK(placeholders(e.zh) == placeholders(e.en));
    // English that still holds Chinese was not translated (names of languages excepted).
    CHECK_FALSE(hasHan(e.en));
  }
  CHECK(ids.size() == static_cast<std::size_t>(T::Count_));
}

TEST_CASE("every choice value of the schema has an English name") {
  const Tr en(Lang::En);
  for (const KindDef& kind : allKinds())
    for (const FieldDef& field : kind.fields) {
      CHECK_FALSE(field.en.empty());
      for (std::string_view choice : field.choices) {
        CAPTURE(choice);
        CHECK(en.choice(choice) != choice);
        CHECK_FALSE(hasHan(en.choice(choice)));
      }
    }
}

TEST_CASE("the translator switches language live") {
  Tr tr;
  CHECK(std::string_view(tr(T::NavMembers)) == "会员");
  tr.setLang(Lang::En);
  CHECK(std::string_view(tr(T::NavMembers)) == "Members");
  CHECK(tr.format(T::MembersCount, "1,000") == "1,000 members");
  CHECK(tr.choice("正常") == "Active");
  CHECK(tr.choice("not a choice") == "not a choice");
}

TEST_CASE("bilingual messages show the half of the current language") {
  const std::string message = "名称: 必填 / required";
  CHECK(Tr(Lang::Zh).message(message) == "名称: 必填");
  CHECK(Tr(Lang::En).message(message) == "required");
  CHECK(Tr(Lang::En).message("only one language") == "only one language");
  // A Chinese half that itself holds " / " (an organization path) stays whole.
  CHECK(Tr(Lang::Zh).message("找不到 区 / 街道 / not found") == "找不到 区 / 街道");
}

TEST_CASE("stored values are shown as a person reads them") {
  const FieldDef& migrant = *findField(Kind::Member, "migrant");
  const FieldDef& status = *findField(Kind::Member, "status");
  const FieldDef& cost = *findField(Kind::Activity, "cost");
  CHECK(Tr(Lang::Zh).display(migrant, "1") == "是");
  CHECK(Tr(Lang::En).display(migrant, "0") == "no");
  CHECK(Tr(Lang::En).display(status, "保留") == "Retained");
  CHECK(Tr(Lang::Zh).display(cost, "123450") == "1234.50");
}

TEST_CASE("language codes") {
  CHECK(langFromCode("zh") == Lang::Zh);
  CHECK(langFromCode("en") == Lang::En);
  CHECK_FALSE(langFromCode("fr").has_value());
  CHECK(langCode(Lang::En) == "en");
}

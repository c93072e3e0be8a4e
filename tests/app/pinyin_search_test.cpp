#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>

#include "app/node.h"
#include "app/search/pinyin.h"
#include "store/store.h"
#include "store/validation.h"
#include "tests/support/test_node.h"

using namespace unionsync;
using namespace unionsync::testing;

namespace {

bool hasKey(std::string_view name, std::string_view key) {
  const auto keys = pinyin::nameKeys(name);
  return std::ranges::find(keys, key) != keys.end();
}

// A valid ID number with serial `n` (born 1980-01-01 in Beijing's Dongcheng district).
std::string idNumber(int n) {
  std::string first17 = fmt::format("11010119800101{:03d}", n);
  return first17 + idNumberCheckChar(first17);
}

std::vector<std::string> namesFound(const Node& node, Kind kind, const std::string& typed) {
  std::vector<std::string> names;
  for (const Record& r : node.list(ListQuery{.kind = kind, .search = typed, .limit = 100}))
    names.emplace_back(r.get(kindDef(kind).titleField));
  std::ranges::sort(names);
  return names;
}

}  // namespace

TEST_CASE("pinyin: a name's keys are its full pinyin and its initials") {
  CHECK(hasKey("王淼", "wangmiao"));
  CHECK(hasKey("王淼", "wm"));
  CHECK_FALSE(hasKey("王淼", "wang miao"));  // keys hold letters only
  CHECK(hasKey("欧阳娜娜", "ouyangnana"));
  CHECK(hasKey("欧阳娜娜", "oynn"));
  // Separators and Latin letters: a Uyghur name written with a middle dot, a mixed name.
  CHECK(hasKey("阿依古丽·买买提", "ayiguli" "maimaiti"));
  CHECK(hasKey("阿依古丽·买买提", "ayglmmt"));
  CHECK(hasKey("李Anna", "lianna"));
  CHECK(hasKey("李Anna", "la"));
  CHECK(pinyin::nameKeys("").empty());
  CHECK(pinyin::nameKeys("123·-").empty());
}

TEST_CASE("pinyin: polyphonic surnames are found by their surname reading and their common one") {
  for (auto [name, surnameKey, commonKey] : {std::tuple{"单田芳", "shantianfang", "dantianfang"},
                                            std::tuple{"曾国藩", "zengguofan", "cengguofan"},
                                            std::tuple{"区小明", "ouxiaoming", "quxiaoming"},
                                            std::tuple{"仇英", "qiuying", "chouying"},
                                            std::tuple{"解缙", "xiejin", "jiejin"},
                                            std::tuple{"朴树", "piaoshu", "pushu"},
                                            std::tuple{"万俟卨", "moqixie", "wanqixie"}}) {
    CAPTURE(name);
    CHECK(hasKey(name, surnameKey));
    CHECK(hasKey(name, commonKey));
  }
  CHECK(hasKey("单田芳", "stf"));
  CHECK(hasKey("单田芳", "dtf"));
  CHECK(hasKey("万俟卨", "mqx"));
  // Only the surname is read as one: 单 inside a given name stays dan.
  CHECK(hasKey("王单", "wangdan"));
  CHECK_FALSE(hasKey("王单", "wangshan"));
  // ü is v, as input methods type it; the surname is also found with u.
  CHECK(hasKey("吕绿", "lvlv"));
  CHECK(hasKey("吕绿", "lulv"));
}

TEST_CASE("pinyin: what is typed becomes a key only when it is pinyin") {
  CHECK(pinyin::queryKey("wm") == "wm");
  CHECK(pinyin::queryKey("Wang Miao") == "wangmiao");
  CHECK(pinyin::queryKey("xi'an") == "xian");
  CHECK(pinyin::queryKey("ｗａｎｇ\u3000ｍ") == "wangm");  // full-width, from a Chinese input method
  CHECK(pinyin::queryKey("王m").empty());
  CHECK(pinyin::queryKey("wang2").empty());
  CHECK(pinyin::queryKey("   ").empty());
  CHECK(pinyin::queryKey("").empty());
  CHECK(pinyin::matches("王淼", "wangm"));
  CHECK(pinyin::matches("王淼", "w"));
  CHECK_FALSE(pinyin::matches("王淼", "wmx"));
  CHECK_FALSE(pinyin::matches("王淼", ""));
}

TEST_CASE("pinyin: member, union and employer searches find names by pinyin") {
  TestNode t;
  const RecordId org = t.addOrg("城关镇总工会", "乡镇总工会");
  const RecordId other = t.addOrg("白沙镇总工会", "乡镇总工会");
  int serial = 1;
  for (const char* name : {"王淼", "王敏", "吴明", "汪淼淼", "单田芳", "曾国藩", "区小明", "李伟"})
    REQUIRE(t.node->add(Kind::Member, {{"name", name}, {"id_number", idNumber(serial++)}, {"org", org.hex()}}).has_value());

  CHECK(namesFound(*t.node, Kind::Member, "wm") == std::vector<std::string>{"吴明", "汪淼淼", "王敏", "王淼"});  // wmm too
  CHECK(namesFound(*t.node, Kind::Member, "wangm") == std::vector<std::string>{"汪淼淼", "王敏", "王淼"});
  CHECK(namesFound(*t.node, Kind::Member, "wang miao") == std::vector<std::string>{"汪淼淼", "王淼"});
  CHECK(namesFound(*t.node, Kind::Member, "WMM") == std::vector<std::string>{"汪淼淼"});
  CHECK(namesFound(*t.node, Kind::Member, "stf") == std::vector<std::string>{"单田芳"});
  CHECK(namesFound(*t.node, Kind::Member, "zengg") == std::vector<std::string>{"曾国藩"});
  CHECK(namesFound(*t.node, Kind::Member, "oxm") == std::vector<std::string>{"区小明"});
  CHECK(namesFound(*t.node, Kind::Member, "王") == std::vector<std::string>{"王敏", "王淼"});  // Chinese prefix still works
  CHECK(namesFound(*t.node, Kind::Member, "zzz").empty());

  // A renamed member is found by the new name only; a deleted one is not listed.
  const RecordId li = t.memberId(idNumber(8));
  REQUIRE(t.node->set(Kind::Member, li, {{"name", "黎明"}}).has_value());
  CHECK(namesFound(*t.node, Kind::Member, "lw").empty());
  CHECK(namesFound(*t.node, Kind::Member, "liming") == std::vector<std::string>{"黎明"});

  CHECK(namesFound(*t.node, Kind::Organization, "cgz") == std::vector<std::string>{"城关镇总工会"});
  CHECK(namesFound(*t.node, Kind::Organization, "baisha") == std::vector<std::string>{"白沙镇总工会"});
  (void)other;
  REQUIRE(t.node->add(Kind::Employer, {{"name", "星光电子有限公司"}, {"org", org.hex()}}).has_value());
  CHECK(namesFound(*t.node, Kind::Employer, "xgdz") == std::vector<std::string>{"星光电子有限公司"});
}

TEST_CASE("pinyin: a store indexed by an older program gets the pinyin index when opened") {
  TempDir dir;
  ManualClock clock(kTestNowMs);
  SeededRandom random(3);
  {
    auto node = Node::create(dir.sub("n"), "测试", clock, random, NodeOptions{.durable = false}).value();
    const RecordId org = node->add(Kind::Organization, {{"name", "城关镇总工会"}, {"org_type", "乡镇总工会"}}).value();
    REQUIRE(node->add(Kind::Member, {{"name", "王淼"}, {"id_number", idNumber(1)}, {"org", org.hex()}}).has_value());
  }
  {
    // What a program with other index rules leaves (here: pinyin keys of nothing).
    StoreOptions older = applicationStoreOptions(NodeOptions{.durable = false});
    for (auto& f : older.indexedFields)
      if (f.keysOf) f.keysOf = [](std::string_view) { return std::vector<std::string>{}; };
    older.indexVersion = "an older program";
    auto store = Store::open(dir.sub("n"), older, clock).value();
    CHECK(store->lookup({Kind::Member, pinyin::indexName("name"), "wm", true, 10}).empty());
    CHECK(store->lookup({Kind::Member, "name", "王", true, 10}).size() == 1);
  }
  auto node = Node::open(dir.sub("n"), clock, random, NodeOptions{.durable = false}).value();
  CHECK(namesFound(*node, Kind::Member, "wm") == std::vector<std::string>{"王淼"});
}

TEST_CASE("pinyin: what a peer or a file may hold as a name gives bounded letter keys, never a crash") {
  // Bytes that are not UTF-8, control characters, astral and rare characters, a very long name.
  std::string longName;
  for (int i = 0; i < 500; ++i) longName += "王";
  for (std::string_view name : {std::string_view("\xff\xfe\x80王\x01淼"), std::string_view("𠀋𠀋䶮"), std::string_view("\xe7\x8e"),
                                std::string_view(longName)}) {
    for (const std::string& key : pinyin::nameKeys(name)) {
      CHECK_FALSE(key.empty());
      CHECK(std::ranges::all_of(key, [](char c) { return c >= 'a' && c <= 'z'; }));
      CHECK(key.size() <= 6 * name.size());
    }
  }
  CHECK(hasKey("\xff\xfe\x80王\x01淼", "wm"));  // damaged bytes are skipped, the characters read
  CHECK(pinyin::queryKey("w\xffm").empty());    // a damaged query is not pinyin
}

TEST_CASE("search: when the first candidates are filtered out, more are read until the limit is met") {
  TestNode t;
  const RecordId org = t.addOrg("城关镇总工会", "乡镇总工会");
  // 600 deleted members come before the live one in the name index ("王一" < "王二"): more
  // than one reading of candidates, so "王" must read again. By pinyin the live one comes first
  // ("wanger" < "wangyi"), which checks the order of a search that reads once.
  for (int serial = 100; serial < 700; ++serial) {
    auto id = t.node->add(Kind::Member, {{"name", "王一"}, {"id_number", idNumber(serial)}, {"org", org.hex()}});
    REQUIRE(id.has_value());
    REQUIRE(t.node->remove(Kind::Member, *id).has_value());
  }
  REQUIRE(t.node->add(Kind::Member, {{"name", "王二"}, {"id_number", idNumber(900)}, {"org", org.hex()}}).has_value());
  for (const char* typed : {"王", "wang", "w"}) {
    CAPTURE(typed);
    const auto one = t.node->list(ListQuery{.kind = Kind::Member, .search = typed, .limit = 1});
    REQUIRE(one.size() == 1);
    CHECK(one[0].get("name") == "王二");
    const auto deleted = t.node->list(ListQuery{.kind = Kind::Member, .search = typed, .onlyDeleted = true, .limit = 0});
    CHECK(deleted.size() == 600);
    const auto all = t.node->list(ListQuery{.kind = Kind::Member, .search = typed, .includeDeleted = true, .limit = 0});
    const auto first300 = t.node->list(ListQuery{.kind = Kind::Member, .search = typed, .includeDeleted = true, .limit = 300});
    REQUIRE(all.size() == 601);
    REQUIRE(first300.size() == 300);
    for (std::size_t i = 0; i < first300.size(); ++i) CHECK(first300[i].id == all[i].id);  // the same order
  }
}

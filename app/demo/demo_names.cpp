#include "app/demo/demo_names.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/validation.h"

namespace unionsync::demo {

namespace {

using sv = std::string_view;

// Roughly the national frequency of surnames (per ten thousand), compound ones included.
constexpr Weighted kSurnames[] = {
    {"王", 72}, {"李", 72}, {"张", 68}, {"刘", 54}, {"陈", 46}, {"杨", 33}, {"黄", 25}, {"赵", 20},
    {"吴", 20}, {"周", 19}, {"徐", 15}, {"孙", 14}, {"马", 13}, {"朱", 13}, {"胡", 12}, {"郭", 11},
    {"何", 10}, {"林", 10}, {"高", 10}, {"罗", 9},  {"郑", 9},  {"梁", 9},  {"谢", 7},  {"宋", 7},
    {"唐", 7},  {"许", 6},  {"韩", 6},  {"冯", 6},  {"邓", 6},  {"曹", 6},  {"彭", 6},  {"曾", 6},
    {"肖", 5},  {"田", 5},  {"董", 5},  {"潘", 5},  {"袁", 5},  {"蔡", 4},  {"蒋", 4},  {"余", 4},
    {"于", 4},  {"杜", 4},  {"叶", 4},  {"程", 4},  {"魏", 4},  {"苏", 4},  {"吕", 4},  {"丁", 4},
    {"任", 4},  {"卢", 3},  {"姚", 3},  {"沈", 3},  {"钟", 3},  {"姜", 3},  {"崔", 3},  {"谭", 3},
    {"陆", 3},  {"范", 3},  {"汪", 3},  {"廖", 3},  {"石", 3},  {"金", 3},  {"韦", 3},  {"贾", 3},
    {"夏", 3},  {"付", 3},  {"方", 3},  {"邹", 2},  {"熊", 2},  {"白", 2},  {"孟", 2},  {"秦", 2},
    {"邱", 2},  {"侯", 2},  {"江", 2},  {"尹", 2},  {"薛", 2},  {"闫", 2},  {"段", 2},  {"雷", 2},
    {"龙", 2},  {"黎", 2},  {"史", 2},  {"陶", 2},  {"贺", 2},  {"毛", 2},  {"郝", 2},  {"顾", 2},
    {"龚", 2},  {"邵", 2},  {"万", 2},  {"覃", 2},  {"武", 2},  {"钱", 2},  {"戴", 2},  {"严", 2},
    {"欧阳", 1}, {"上官", 1}, {"司马", 1}, {"诸葛", 1}, {"皇甫", 1},
};

// Given names by sex and by generation: parents of the 1960s-70s named children differently
// from those of the 1980s-2000s.
constexpr sv kMaleOlder[] = {"建国", "建军", "国强", "志强", "卫东", "建华", "国庆", "红军", "永刚",
                             "德明", "文斌", "振华", "玉林", "海涛", "立新", "金龙", "长青", "春生",
                             "保国", "新民", "伟",   "军",   "勇",   "强",   "斌",   "涛",   "刚",
                             "平",   "辉",   "明",   "华",   "林",   "峰",   "建平", "志刚", "国华"};
constexpr sv kMaleYounger[] = {"浩",   "宇",   "杰",   "磊",   "鹏",   "超",   "鑫",   "帅",   "浩然",
                               "子轩", "宇航", "俊杰", "博文", "天宇", "嘉豪", "志远", "文博", "思远",
                               "明轩", "家乐", "泽宇", "晨阳", "一鸣", "晓东", "海洋", "佳明", "振宇",
                               "雨泽", "梓豪", "皓轩", "凯",   "阳",   "昊天", "建伟", "亮",   "旭东"};
constexpr sv kFemaleOlder[] = {"秀英", "桂兰", "玉兰", "秀兰", "桂英", "丽华", "淑珍", "凤英", "玉梅",
                               "红梅", "春梅", "建英", "素芬", "美华", "翠花", "海燕", "晓红", "丽",
                               "静",   "敏",   "艳",   "芳",   "娟",   "霞",   "红",   "萍",   "燕",
                               "英",   "秀珍", "玉珍", "丽萍", "小红", "春燕", "慧",   "琴",   "凤兰"};
constexpr sv kFemaleYounger[] = {"婷婷", "欣怡", "雨涵", "梓涵", "诗琪", "佳怡", "思琪", "晓雪", "雪梅",
                                 "文静", "倩",   "颖",   "璐",   "瑶",   "琳",   "丹丹", "佳慧", "梦瑶",
                                 "雅琴", "慧敏", "晓燕", "美玲", "可欣", "心怡", "紫萱", "子涵", "晨曦",
                                 "若曦", "思雨", "一诺", "悦",   "月",   "欢",   "莉",   "洁",   "晶晶"};
// Names with characters outside GB2312 (䶮 U+4DAE is CJK Extension A, 𫖯 Extension C): real
// rosters hold them, and they are what breaks exports and fonts.
constexpr sv kRareMale[] = {"堃", "子堃", "喆", "一喆", "䶮", "子䶮", "赟", "文赟",
                            "犇", "鑫垚", "垚", "燊", "嘉燊", "彧", "文彧", "孟𫖯"};
constexpr sv kRareFemale[] = {"淼", "晓淼", "玥", "梓玥", "珺", "琤", "思玙", "喆", "淼淼", "昳", "昕玥", "赟"};
constexpr sv kRareCharacters[] = {"堃", "喆", "䶮", "赟", "犇", "垚", "燊", "彧", "𫖯", "淼", "玥", "珺", "琤", "玙", "昳"};

constexpr Weighted kEthnicities[] = {
    {"汉族", 915}, {"回族", 18}, {"满族", 15}, {"壮族", 14}, {"土家族", 9}, {"苗族", 7}, {"蒙古族", 5},
    {"彝族", 4},   {"朝鲜族", 3}, {"侗族", 3}, {"瑶族", 2},  {"畲族", 2},  {"白族", 2}, {"布依族", 1},
};

constexpr sv kMobilePrefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                                  "151", "152", "153", "155", "156", "157", "158", "159", "166", "173",
                                  "175", "176", "177", "178", "180", "181", "182", "183", "185", "186",
                                  "187", "188", "189", "191", "198", "199"};

// Counties of the same province (Jiangxi, 36) locals also come from, by prefecture.
constexpr sv kProvincePrefectures[] = {"3601", "3603", "3605", "3606", "3607", "3608", "3609", "3610", "3611"};
constexpr sv kCountySuffixes[] = {"02", "03", "21", "22", "23", "24", "25", "81"};
// Where migrant workers come from: counties of the provinces that send the most labour.
constexpr sv kMigrantOrigins[] = {
    "411321", "411323", "411326", "411621", "411623", "411625", "411722", "411724",  // 河南
    "341221", "341222", "341225", "341321", "341324",                               // 安徽
    "511321", "511322", "511325", "511025", "512021",                               // 四川
    "430521", "430523", "431021", "431023",                                         // 湖南
    "360721", "360731", "360735", "360921", "361121",                               // 江西
    "452501", "450923", "421122", "421126", "420821",                               // 广西 湖北
    "500228", "500230", "620521", "370826", "371321",                               // 重庆 甘肃 山东
};

constexpr sv kBrandChars[] = {"宏", "恒", "鑫", "华", "永", "金", "瑞", "天", "博", "嘉", "顺", "联", "众", "新",
                              "兴", "海", "德", "安", "福", "明", "正", "汇", "长", "盛", "佳", "泰", "达", "信",
                              "源", "诚", "丰", "通", "远", "和", "润", "辉", "邦", "创", "科", "力"};

constexpr sv kStreetStems[] = {"城关", "东湖", "新华", "文昌", "南门", "北苑", "龙泉", "西城", "江滨", "太平", "大有", "滨湖"};
constexpr sv kTownNames[] = {"五里乡", "柳林镇", "桃山镇", "清湖乡", "白沙镇", "石桥镇", "走马镇", "燕子乡",
                             "铁炉乡", "夏坪镇", "龙口镇", "梅岭镇"};
constexpr sv kCommunityWords[] = {"幸福", "和平", "光明", "新华", "建设", "胜利", "东风", "向阳", "长安", "文化",
                                  "滨江", "花园", "明珠", "翠苑", "锦绣", "阳光", "金桥", "银杏", "丹桂", "紫荆",
                                  "枫林", "梧桐", "清泉", "湖滨", "南湖", "春晖", "康乐", "安居", "宏南", "民主",
                                  "团结", "育才", "朝阳", "红星", "桃园", "平安"};
constexpr sv kVillageWords[] = {"三溪", "清湖", "桃园", "杨柳", "石门", "李家", "王庄", "高桥", "青山", "白石",
                                "河口", "新塘", "上坪", "下坪", "黄泥", "牛栏", "竹林", "马鞍", "枫树", "大塘",
                                "周家", "陈湾", "刘坊", "荷塘", "小河", "东岭", "西岭", "龙井", "水口", "坳上"};

constexpr sv kDigits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

// GB 11714 organization code: 8 characters and a check character (here digits only).
std::string organizationCode(Dice& dice) {
  static constexpr int kWeights[] = {3, 7, 9, 10, 5, 8, 4, 2};
  std::string code;
  int sum = 0;
  for (int w : kWeights) {
    int digit = dice.between(0, 9);
    code.push_back(static_cast<char>('0' + digit));
    sum += digit * w;
  }
  int check = 11 - sum % 11;
  code.push_back(check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check));
  return code;
}

}  // namespace

std::string_view pickWeighted(Dice& dice, std::span<const Weighted> items) {
  int total = 0;
  for (const auto& item : items) total += item.weight;
  int at = static_cast<int>(dice.below(static_cast<std::uint64_t>(total)));
  for (const auto& item : items) {
    if (at < item.weight) return item.value;
    at -= item.weight;
  }
  return items.back().value;
}

namespace {

sv givenName(Dice& dice, bool male, int birthYear) {
  if (dice.chance(30)) return male ? dice.pick(kRareMale) : dice.pick(kRareFemale);
  if (birthYear < 1980) return male ? dice.pick(kMaleOlder) : dice.pick(kFemaleOlder);
  return male ? dice.pick(kMaleYounger) : dice.pick(kFemaleYounger);
}

}  // namespace

std::string personName(Dice& dice, bool male, int birthYear) {
  std::string name(pickWeighted(dice, kSurnames));
  name += givenName(dice, male, birthYear);
  return name;
}

sv surnameOf(sv name) {
  sv longest = name.substr(0, std::min<std::size_t>(name.size(), 3));  // one character: 3 bytes in UTF-8
  for (const auto& s : kSurnames)
    if (s.value.size() > longest.size() && name.starts_with(s.value)) longest = s.value;
  return longest;
}

std::string childName(Dice& dice, sv parentName, bool male, int birthYear) {
  std::string name(surnameOf(parentName));
  name += givenName(dice, male, birthYear);
  return name;
}

std::string_view ethnicity(Dice& dice) { return pickWeighted(dice, kEthnicities); }

std::string mobileNumber(Dice& dice) {
  return fmt::format("{}{:08}", dice.pick(kMobilePrefixes), dice.below(100'000'000));
}

std::span<const std::string_view> rareNameCharacters() { return kRareCharacters; }

std::string localRegion(Dice& dice, std::string_view cityCode) {
  if (dice.chance(700)) return fmt::format("{}{}", cityCode, dice.pick(kCountySuffixes));
  return fmt::format("{}{}", dice.pick(kProvincePrefectures), dice.pick(kCountySuffixes));
}

std::string_view migrantRegion(Dice& dice) { return dice.pick(kMigrantOrigins); }

std::string IdNumbers::draw(Dice& dice, std::string_view region, std::chrono::year_month_day birth, bool male) {
  const int year = static_cast<int>(birth.year());
  const unsigned month = static_cast<unsigned>(birth.month());
  const unsigned day = static_cast<unsigned>(birth.day());
  const std::uint64_t regionNumber = std::stoull(std::string(region));
  const std::uint64_t date = static_cast<std::uint64_t>(year) * 10000 + month * 100 + day;
  // The last sequence digit is odd for men (GB 11643); redraw the police-station part on a
  // clash with someone already drawn.
  for (;;) {
    const std::uint64_t sequence = dice.below(500) * 2 + (male ? 1 : 0);
    if (!used_.insert((regionNumber * 100'000'000 + date) * 1000 + sequence).second) continue;
    return withIdCheckChar(fmt::format("{}{:08}{:03}", region, date, sequence));
  }
}

std::string withIdCheckChar(std::string_view first17) { return std::string(first17) + idNumberCheckChar(first17); }

std::string creditCode(Dice& dice, std::string_view prefix, std::string_view region) {
  std::string first17 = fmt::format("{}{}{}", prefix, region, organizationCode(dice));
  return first17 + creditCodeCheckChar(first17);
}

std::string chineseNumber(int n) {
  const int tens = n / 10, ones = n % 10;
  std::string out;
  if (tens > 1) out += kDigits[tens];
  if (tens > 0) out += "十";
  out += kDigits[ones];
  return out;
}

std::string brandName(Dice& dice, bool longer) {
  std::string brand;
  for (int pairs = longer ? 2 : 1; pairs > 0; --pairs) {
    const std::size_t first = dice.below(std::size(kBrandChars));
    const std::size_t second = (first + 1 + dice.below(std::size(kBrandChars) - 1)) % std::size(kBrandChars);
    brand += std::string(kBrandChars[first]) + std::string(kBrandChars[second]);
  }
  return brand;
}

std::span<const std::string_view> streetStems() { return kStreetStems; }
std::span<const std::string_view> townNames() { return kTownNames; }
std::span<const std::string_view> communityWords() { return kCommunityWords; }
std::span<const std::string_view> villageWords() { return kVillageWords; }

}  // namespace unionsync::demo

#include "gui/i18n.h"

namespace unionsync::gui {

namespace {

constexpr TextEntry kTexts[] = {
#define US_TEXT(id, zh, en) {#id, zh, en},
#include "gui/strings.inc"
#undef US_TEXT
};
static_assert(std::size(kTexts) == static_cast<std::size_t>(T::Count_));

constexpr ChoiceName kChoices[] = {
    // organization types and states
    {"区县总工会", "District/county federation"},
    {"街道总工会", "Street federation"},
    {"乡镇总工会", "Township federation"},
    {"社区联合工会", "Community joint union"},
    {"村工会", "Village union"},
    {"企业工会", "Enterprise union"},
    {"行业/区域工会联合会", "Sector/area federation"},
    {"农民工工会", "Migrant workers' union"},
    {"教育工会", "Education union"},
    {"机关事业单位工会", "Public institution union"},
    {"筹备", "Preparing"},
    {"正常", "Active"},
    {"撤销", "Dissolved"},
    {"合并", "Merged"},
    // employers
    {"国有", "State-owned"},
    {"集体", "Collective"},
    {"私营", "Private"},
    {"外资/港澳台", "Foreign/HK-Macao-Taiwan"},
    {"个体", "Self-employed"},
    {"民办非企业", "Private non-enterprise"},
    {"机关事业", "Public institution"},
    // members
    {"男", "Male"},
    {"女", "Female"},
    {"居民身份证", "Resident ID card"},
    {"港澳台居民居住证", "HK/Macao/Taiwan residence permit"},
    {"护照", "Passport"},
    {"其他", "Other"},
    {"小学", "Primary school"},
    {"初中", "Junior middle school"},
    {"高中/中专", "Senior/vocational school"},
    {"大专", "College"},
    {"本科", "Bachelor"},
    {"研究生", "Postgraduate"},
    {"群众", "No party"},
    {"共青团员", "Youth League member"},
    {"中共党员", "CPC member"},
    {"中共预备党员", "CPC probationary member"},
    {"民主党派", "Democratic party member"},
    {"城镇", "Urban"},
    {"农村", "Rural"},
    {"无", "None"},
    {"区级", "District"},
    {"市级", "City"},
    {"省级", "Province"},
    {"全国", "National"},
    {"保留", "Retained"},
    {"转出", "Transferred out"},
    {"退会", "Withdrawn"},
    {"去世", "Deceased"},
    // membership events
    {"新入会", "Joined"},
    {"转入", "Transferred in"},
    {"恢复", "Restored"},
    {"除名", "Expelled"},
    {"死亡", "Died"},
    // activities
    {"文体活动", "Culture & sports"},
    {"培训", "Training"},
    {"技能比武/劳动竞赛", "Skills contest"},
    {"送温暖/慰问", "Winter care visit"},
    {"金秋助学", "Autumn study grant"},
    {"义诊/体检", "Free clinic"},
    {"宣传", "Outreach"},
    {"招聘/就业", "Jobs fair"},
    {"职代会", "Workers' congress"},
    {"会员评家", "Members review"},
    // hardship files
    {"低保户", "Minimum-living household"},
    {"低保边缘户", "Near-minimum household"},
    {"意外致困户", "Hardship by accident"},
    {"重特大疾病", "Serious illness"},
    {"意外事故", "Accident"},
    {"自然灾害", "Natural disaster"},
    {"子女上学", "Children's schooling"},
    {"下岗失业", "Laid off"},
    {"无劳动能力", "Unable to work"},
    {"有劳动能力未就业", "Able but unemployed"},
    {"未参保", "Uninsured"},
    {"社保待遇未落实", "Social insurance unpaid"},
    {"在档", "On file"},
    {"脱困", "Out of hardship"},
    {"退档", "File closed"},
    // assistance
    {"生活救助", "Living aid"},
    {"医疗救助", "Medical aid"},
    {"送温暖慰问", "Winter care"},
    {"就业帮扶", "Job help"},
    {"互助保障", "Mutual insurance"},
    // rights cases
    {"劳动争议调解", "Labour dispute mediation"},
    {"讨薪", "Unpaid wages"},
    {"投诉", "Complaint"},
    {"法律援助", "Legal aid"},
    {"咨询", "Consultation"},
    {"来访", "Walk-in"},
    {"12351热线", "12351 hotline"},
    {"网上", "Online"},
    {"转办", "Referred"},
    {"成功", "Succeeded"},
    {"部分", "Partly"},
    {"未成", "Failed"},
    {"撤回", "Dropped"},
    // collective contracts
    {"综合", "Comprehensive"},
    {"工资专项", "Wages"},
    {"女职工专项", "Women workers"},
    {"安全专项", "Safety"},
    {"单独", "Single employer"},
    {"区域", "Area"},
    {"行业", "Sector"},
};

}  // namespace

std::string_view langCode(Lang lang) { return lang == Lang::En ? "en" : "zh"; }

std::optional<Lang> langFromCode(std::string_view code) {
  if (code == "zh" || code == "zh_CN" || code == "cn") return Lang::Zh;
  if (code == "en") return Lang::En;
  return std::nullopt;
}

std::span<const TextEntry> textTable() { return kTexts; }
std::span<const ChoiceName> choiceTable() { return kChoices; }

const char* Tr::operator()(T id) const {
  const TextEntry& e = kTexts[static_cast<std::size_t>(id)];
  return english() ? e.en : e.zh;
}

std::string_view Tr::kindLabel(Kind kind) const {
  const KindDef& def = kindDef(kind);
  return english() ? def.en : def.zh;
}

std::string_view Tr::choice(std::string_view stored) const {
  if (!english()) return stored;
  for (const auto& c : kChoices)
    if (c.zh == stored) return c.en;
  return stored;
}

std::string Tr::display(const FieldDef& field, std::string_view stored) const {
  if (field.type == FieldType::Choice) return std::string(choice(stored));
  return displayValue(field, stored, english());
}

std::string Tr::message(std::string_view bilingual) const {
  constexpr std::string_view kSeparator = " / ";
  // Field messages read "标签: 中文 / English": the English half loses the label, so the
  // separator that splits the languages is the last one.
  const auto at = bilingual.rfind(kSeparator);
  if (at == std::string_view::npos) return std::string(bilingual);
  return std::string(english() ? bilingual.substr(at + kSeparator.size()) : bilingual.substr(0, at));
}

}  // namespace unionsync::gui

#include "app/internal/store_access.h"
#include "app/demo/demo_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <iterator>
#include <map>
#include <set>
#include <unordered_set>

#include "app/demo/demo_dates.h"
#include "app/demo/demo_names.h"
#include "app/demo/demo_union_work.h"
#include "app/demo/pending_records.h"
#include "app/records/batch_writer.h"
#include "app/records/member_identity.h"

namespace unionsync {

namespace {

using sv = std::string_view;
using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;
using namespace demo;

// Records per LMDB transaction: large enough that commits (and fsyncs) are rare, small
// enough that a transaction stays a few tens of megabytes.
constexpr std::size_t kChunk = 20'000;

// --- the district ------------------------------------------------------------------------------
// 江州 is an old name of 九江; the district names are invented, the codes follow its prefix.
constexpr sv kCity = "江州市";
constexpr sv kCityShort = "江州";
constexpr sv kCityCode = "3604";
struct DistrictName {
  sv name;
  sv code;
};
constexpr DistrictName kDistricts[] = {{"云湖区", "360402"}, {"青溪区", "360403"}, {"临江区", "360404"},
                                       {"东岚区", "360405"}, {"柳塘区", "360406"}, {"嘉禾区", "360407"}};

// --- employers -----------------------------------------------------------------------------------
enum class Trade {
  Machinery, Electronics, Garment, Food, AgriProcessing, Construction, Labour, Logistics, Courier,
  RideHailing, Trading, Supermarket, Hotel, Catering, Property, Software, Security, Housekeeping,
  FoodShop, RetailShop, ServiceShop, School, Kindergarten, Hospital, Office,
};

constexpr sv kFactoryJobs[] = {"操作工", "操作工", "装配工", "质检员", "班组长", "技术员", "车间主任",
                               "仓管员", "电工",   "焊工",   "叉车司机", "会计", "销售员"};
constexpr sv kGarmentJobs[] = {"缝纫工", "缝纫工", "裁剪工", "整烫工", "质检员", "班组长", "打版师"};
constexpr sv kBuildJobs[] = {"钢筋工", "木工", "泥瓦工", "架子工", "电焊工", "施工员", "安全员", "项目经理", "材料员"};
constexpr sv kLogisticsJobs[] = {"分拣员", "装卸工", "货车司机", "仓管员", "调度员", "客服"};
constexpr sv kCourierJobs[] = {"快递员", "快递员", "快递员", "分拣员", "网点负责人", "客服"};
constexpr sv kDriverJobs[] = {"网约车司机", "网约车司机", "出租车司机", "调度员"};
constexpr sv kRetailJobs[] = {"营业员", "收银员", "理货员", "店长", "采购员", "会计", "销售员"};
constexpr sv kHotelJobs[] = {"服务员", "前台接待", "客房服务员", "厨师", "保安", "大堂经理"};
constexpr sv kCateringJobs[] = {"厨师", "帮厨", "服务员", "外卖骑手", "店长", "收银员"};
constexpr sv kPropertyJobs[] = {"保洁员", "保安", "维修工", "客服", "项目经理", "绿化工"};
constexpr sv kItJobs[] = {"软件工程师", "测试工程师", "产品经理", "运维工程师", "项目经理", "销售员"};
constexpr sv kSecurityJobs[] = {"保安员", "保安员", "队长", "监控员"};
constexpr sv kHomeJobs[] = {"家政服务员", "育婴员", "养老护理员", "保洁员"};
constexpr sv kShopJobs[] = {"店员", "店员", "厨师", "学徒", "收银员"};
constexpr sv kSchoolJobs[] = {"教师", "教师", "教师", "班主任", "教研组长", "后勤", "校医", "会计"};
constexpr sv kKindergartenJobs[] = {"幼儿教师", "幼儿教师", "保育员", "厨师", "保健医生"};
constexpr sv kHospitalJobs[] = {"医生", "护士", "护士", "药剂师", "检验师", "护工", "行政人员"};
constexpr sv kOfficeJobs[] = {"科员", "科员", "副科长", "科长", "办事员", "驾驶员", "会计"};

constexpr sv kFoodShops[] = {"面馆", "水饺店", "早餐店", "快餐店", "烧烤店", "小吃店", "饭店", "包子铺"};
constexpr sv kRetailShops[] = {"便利店", "五金店", "水果店", "烟酒商行", "服装店", "超市", "建材店", "手机店"};
constexpr sv kServiceShops[] = {"理发店", "汽车修理部", "洗车行", "干洗店", "家电维修部", "美容院"};

struct Profile {
  sv industry;                 // 国民经济行业门类 (GB/T 4754)
  sv word;                     // what a company name says it does
  std::span<const sv> shops;   // kinds of 个体 shop; empty for companies
  int womenPct;
  int migrantPct;              // 农民工 include local workers with rural hukou
  int education;               // 0 mostly 初中/高中, 1 mixed, 2 mostly 本科
  std::span<const sv> jobs;
};

// Indexed by Trade.
constexpr Profile kProfiles[] = {
    {"制造业", "机械制造", {}, 20, 35, 0, kFactoryJobs},
    {"制造业", "电子科技", {}, 55, 40, 1, kFactoryJobs},
    {"制造业", "服饰", {}, 75, 45, 0, kGarmentJobs},
    {"制造业", "食品", {}, 55, 35, 0, kFactoryJobs},
    {"制造业", "农副产品加工", {}, 50, 55, 0, kFactoryJobs},
    {"建筑业", "建筑工程", {}, 8, 60, 0, kBuildJobs},
    {"建筑业", "建筑劳务", {}, 6, 75, 0, kBuildJobs},
    {"交通运输、仓储和邮政业", "物流", {}, 18, 35, 0, kLogisticsJobs},
    {"交通运输、仓储和邮政业", "快递服务", {}, 12, 55, 0, kCourierJobs},
    {"交通运输、仓储和邮政业", "出行服务", {}, 8, 35, 0, kDriverJobs},
    {"批发和零售业", "商贸", {}, 50, 15, 1, kRetailJobs},
    {"批发和零售业", "超市", {}, 65, 20, 0, kRetailJobs},
    {"住宿和餐饮业", "酒店管理", {}, 60, 25, 0, kHotelJobs},
    {"住宿和餐饮业", "餐饮管理", {}, 50, 35, 0, kCateringJobs},
    {"房地产业", "物业服务", {}, 45, 25, 0, kPropertyJobs},
    {"信息传输、软件和信息技术服务业", "软件", {}, 30, 3, 2, kItJobs},
    {"租赁和商务服务业", "保安服务", {}, 8, 35, 0, kSecurityJobs},
    {"居民服务、修理和其他服务业", "家政服务", {}, 90, 50, 0, kHomeJobs},
    {"住宿和餐饮业", "", kFoodShops, 45, 35, 0, kShopJobs},
    {"批发和零售业", "", kRetailShops, 55, 20, 0, kShopJobs},
    {"居民服务、修理和其他服务业", "", kServiceShops, 50, 25, 0, kShopJobs},
    {"教育", "", {}, 70, 1, 2, kSchoolJobs},
    {"教育", "", {}, 95, 5, 1, kKindergartenJobs},
    {"卫生和社会工作", "", {}, 72, 2, 2, kHospitalJobs},
    {"公共管理、社会保障和社会组织", "", {}, 45, 0, 2, kOfficeJobs},
};

const Profile& profileOf(Trade trade) { return kProfiles[static_cast<int>(trade)]; }

// Who works where: enterprises big enough for their own union, the small businesses a
// community or village joint union covers, and those nobody has organized yet.
constexpr Trade kLargeTrades[] = {Trade::Machinery, Trade::Electronics, Trade::Garment, Trade::Food,
                                  Trade::Construction, Trade::Logistics, Trade::Trading, Trade::Supermarket,
                                  Trade::Hotel, Trade::Property, Trade::Software, Trade::Courier};
constexpr Trade kCommunityTrades[] = {Trade::Trading, Trade::Catering, Trade::Property, Trade::Security,
                                      Trade::Housekeeping, Trade::Software, Trade::FoodShop, Trade::RetailShop,
                                      Trade::ServiceShop, Trade::FoodShop, Trade::RetailShop};
constexpr Trade kVillageTrades[] = {Trade::Machinery, Trade::Food, Trade::AgriProcessing, Trade::AgriProcessing,
                                    Trade::Construction, Trade::Labour, Trade::FoodShop, Trade::RetailShop};
constexpr Trade kParkTrades[] = {Trade::Machinery, Trade::Electronics, Trade::Garment, Trade::Food, Trade::Logistics};
constexpr Trade kMigrantUnionTrades[] = {Trade::Labour, Trade::Construction, Trade::Housekeeping, Trade::Security};
constexpr Trade kCommunityUnorganized[] = {Trade::FoodShop, Trade::RetailShop, Trade::ServiceShop,
                                           Trade::Trading, Trade::Catering, Trade::Housekeeping};
constexpr Trade kVillageUnorganized[] = {Trade::FoodShop, Trade::RetailShop, Trade::AgriProcessing, Trade::Labour};

constexpr Trade kCourierSector[] = {Trade::Courier, Trade::Logistics};
constexpr Trade kCateringSector[] = {Trade::Catering, Trade::FoodShop};
constexpr Trade kBuildingSector[] = {Trade::Construction, Trade::Labour};
constexpr Trade kRideSector[] = {Trade::RideHailing};
struct Sector {
  sv name;
  sv worker;  // who its skills contests are for
  std::span<const Trade> trades;
};
// 行业工会联合会: how new-style workers (couriers, drivers) and small sites are organized.
constexpr Sector kSectors[] = {{"快递物流行业工会联合会", "快递员", kCourierSector},
                               {"餐饮行业工会联合会", "厨师", kCateringSector},
                               {"建筑业工会联合会", "建筑工人", kBuildingSector},
                               {"网约车行业工会联合会", "网约车司机", kRideSector}};

struct Institution {
  sv name;
  Trade trade;
  int weight;     // relative head count
  sv codePrefix;  // 11 机关, 12 事业单位
};
// Hospitals first: the largest public employers get their own unions.
constexpr Institution kInstitutions[] = {
    {"人民医院", Trade::Hospital, 40, "12"}, {"中医院", Trade::Hospital, 20, "12"},
    {"妇幼保健院", Trade::Hospital, 10, "12"}, {"疾病预防控制中心", Trade::Hospital, 4, "12"},
    {"城市管理局", Trade::Office, 6, "11"}, {"市场监督管理局", Trade::Office, 5, "11"},
    {"人民政府办公室", Trade::Office, 3, "11"}, {"财政局", Trade::Office, 3, "11"},
    {"人力资源和社会保障局", Trade::Office, 3, "11"}, {"住房和城乡建设局", Trade::Office, 3, "11"},
    {"交通运输局", Trade::Office, 3, "11"}, {"农业农村局", Trade::Office, 3, "11"},
    {"自然资源局", Trade::Office, 3, "11"}, {"发展和改革委员会", Trade::Office, 2, "11"},
    {"教育体育局", Trade::Office, 2, "11"}, {"卫生健康委员会", Trade::Office, 2, "11"},
    {"民政局", Trade::Office, 2, "11"}, {"司法局", Trade::Office, 2, "11"},
    {"水利局", Trade::Office, 2, "11"}, {"生态环境局", Trade::Office, 2, "11"},
    {"应急管理局", Trade::Office, 2, "11"}, {"文化广电旅游局", Trade::Office, 2, "11"},
    {"科学技术和工业信息化局", Trade::Office, 2, "11"}, {"统计局", Trade::Office, 1, "11"},
    {"审计局", Trade::Office, 1, "11"}, {"退役军人事务局", Trade::Office, 1, "11"},
    {"医疗保障局", Trade::Office, 1, "11"}, {"档案馆", Trade::Office, 1, "12"},
    {"图书馆", Trade::Office, 1, "12"}, {"文化馆", Trade::Office, 1, "12"},
};

constexpr Weighted kCompanyOwnership[] = {{"私营", 760}, {"外资/港澳台", 100}, {"国有", 80}, {"集体", 60}};
constexpr Weighted kVillageOwnership[] = {{"私营", 650}, {"集体", 350}};
constexpr Weighted kCompanyForms[] = {{"有限公司", 700}, {"有限责任公司", 200}, {"股份有限公司", 100}};

// --- members ---------------------------------------------------------------------------------------
// Per mille of 小学, 初中, 高中/中专, 大专, 本科, 研究生 by Profile::education.
constexpr sv kEducation[] = {"小学", "初中", "高中/中专", "大专", "本科", "研究生"};
constexpr int kEducationPerMille[3][6] = {{60, 430, 330, 120, 60, 0},
                                          {10, 180, 330, 260, 200, 20},
                                          {0, 5, 40, 200, 590, 165}};
constexpr Weighted kMemberStatus[] = {{"正常", 940}, {"保留", 35}, {"转出", 25}};
constexpr Weighted kModelWorker[] = {{"无", 9850}, {"区级", 100}, {"市级", 40}, {"省级", 9}, {"全国", 1}};
constexpr sv kNotes[] = {"困难职工，已建档", "退役军人", "技能比武获奖", "设点宣传现场入会", "会员证遗失已补办",
                         "新就业形态劳动者", "工会积极分子", "女职工委员会委员", "职工代表", "单亲家庭"};
constexpr sv kJoinReasons[] = {"本人申请", "本人申请", "设点宣传现场入会", "集中入会", "农民工入会集中行动"};
constexpr sv kTransferReasons[] = {"工作调动", "更换工作单位", "企业重组"};
constexpr sv kLeaveReasons[] = {"工作调动至外区", "离职返乡", "随配偶迁居外地"};
constexpr sv kKeepReasons[] = {"失业待岗，保留会籍", "长期病休", "停薪留职"};
// Per mille of members joining in the current year (本年发展会员), besides those of new unions.
constexpr int kNewMemberPerMille = 80;

// --- activities ------------------------------------------------------------------------------------
enum Scope : unsigned { kDistrictScope = 1, kAreaScope = 2, kJointScope = 4, kWorkplaceScope = 8, kSectorScope = 16 };
constexpr unsigned kAnyScope = kDistrictScope | kAreaScope | kJointScope | kWorkplaceScope | kSectorScope;

struct ActivityTemplate {
  sv kind;
  sv title;  // {y}: the year, {org}: the organizer's short name, {worker}: a sector's workers
  unsigned scopes;
  int fromMonth, toMonth;
  int minCost, maxCost;  // yuan
  int minPeople, maxPeople;
  int maxExtra;          // attendees who did not register
  int days;
};
constexpr ActivityTemplate kActivities[] = {
    {"送温暖/慰问", "{y}年春节“送温暖”走访慰问困难职工", kAnyScope, 1, 2, 3000, 120000, 10, 120, 0, 1},
    {"送温暖/慰问", "夏季“送清凉”慰问一线职工", kDistrictScope | kAreaScope | kWorkplaceScope, 7, 8, 2000, 30000, 20, 150, 50, 1},
    {"送温暖/慰问", "重阳节慰问退休职工", kAreaScope | kJointScope | kWorkplaceScope, 10, 10, 800, 8000, 10, 60, 0, 1},
    {"送温暖/慰问", "“两节”走访慰问农民工", kDistrictScope | kAreaScope, 12, 12, 5000, 50000, 20, 100, 0, 1},
    {"金秋助学", "{y}年“金秋助学”助学金发放仪式", kDistrictScope | kAreaScope, 8, 9, 10000, 60000, 5, 40, 10, 1},
    {"文体活动", "庆“五一”职工趣味运动会", kDistrictScope | kAreaScope | kWorkplaceScope, 4, 5, 2000, 30000, 40, 300, 200, 1},
    {"文体活动", "“三八”妇女节女职工插花活动", kAreaScope | kJointScope | kWorkplaceScope, 3, 3, 500, 5000, 15, 60, 10, 1},
    {"文体活动", "{y}年农民工节文艺晚会", kDistrictScope | kAreaScope, 9, 10, 8000, 60000, 50, 400, 400, 1},
    {"文体活动", "职工乒乓球比赛", kAnyScope, 1, 12, 500, 6000, 10, 80, 30, 2},
    {"文体活动", "迎新春职工书画摄影展", kDistrictScope | kAreaScope, 1, 2, 1000, 10000, 10, 60, 300, 5},
    {"文体活动", "中秋游园会", kJointScope | kWorkplaceScope | kSectorScope, 9, 9, 1000, 8000, 20, 120, 80, 1},
    {"文体活动", "职工篮球联赛", kDistrictScope | kWorkplaceScope, 5, 11, 3000, 25000, 30, 150, 200, 10},
    {"文体活动", "职工健步走", kAnyScope, 3, 11, 300, 5000, 20, 200, 50, 1},
    {"培训", "基层工会主席业务培训班", kDistrictScope | kAreaScope, 3, 11, 2000, 15000, 20, 80, 0, 2},
    {"培训", "工会会计业务培训", kDistrictScope, 3, 11, 1000, 8000, 10, 50, 0, 1},
    {"培训", "安全生产知识培训", kWorkplaceScope | kJointScope | kSectorScope, 1, 12, 0, 3000, 10, 100, 0, 1},
    {"培训", "农民工职业技能提升培训", kAreaScope | kJointScope | kSectorScope, 1, 12, 2000, 20000, 15, 80, 0, 5},
    {"培训", "劳动法律法规知识讲座", kAnyScope, 1, 12, 0, 2000, 15, 100, 20, 1},
    {"培训", "职工心理健康讲座", kWorkplaceScope | kJointScope | kSectorScope, 1, 12, 500, 3000, 10, 80, 0, 1},
    {"技能比武/劳动竞赛", "“万名职工大练兵、千名职工大比武”焊工技能比武", kDistrictScope, 5, 10, 10000, 50000, 20, 80, 150, 2},
    {"技能比武/劳动竞赛", "叉车技能比武", kDistrictScope | kAreaScope | kWorkplaceScope, 4, 10, 3000, 20000, 10, 40, 60, 1},
    {"技能比武/劳动竞赛", "快递员职业技能竞赛", kDistrictScope, 4, 10, 3000, 20000, 10, 50, 50, 1},
    {"技能比武/劳动竞赛", "{y}年{worker}职业技能竞赛", kSectorScope, 4, 10, 3000, 20000, 10, 50, 50, 1},
    {"培训", "{worker}安全教育培训", kSectorScope, 1, 12, 500, 5000, 15, 80, 0, 1},
    {"技能比武/劳动竞赛", "“兴企创业建小康”立功竞赛", kAreaScope | kWorkplaceScope, 3, 11, 2000, 30000, 20, 200, 0, 30},
    {"技能比武/劳动竞赛", "厨师技能大赛", kDistrictScope, 4, 11, 3000, 15000, 10, 40, 100, 1},
    {"义诊/体检", "女职工“两癌”筛查", kDistrictScope | kAreaScope | kWorkplaceScope, 3, 11, 5000, 60000, 30, 200, 0, 3},
    {"义诊/体检", "职工义诊进社区", kAreaScope | kJointScope, 1, 12, 0, 3000, 20, 150, 300, 1},
    {"义诊/体检", "{y}年职工健康体检", kWorkplaceScope, 1, 12, 5000, 80000, 20, 300, 0, 5},
    {"宣传", "《工会法》宣传咨询活动", kAnyScope, 1, 12, 200, 3000, 5, 40, 300, 1},
    {"宣传", "“广普查、深组建、全覆盖”集中建会宣传", kDistrictScope | kAreaScope, 1, 12, 500, 5000, 10, 60, 400, 1},
    {"宣传", "设点宣传暨集中入会服务日", kAreaScope | kJointScope | kSectorScope, 1, 12, 200, 3000, 10, 80, 200, 1},
    {"宣传", "“安全生产月”宣传活动", kAreaScope | kWorkplaceScope, 6, 6, 200, 3000, 10, 100, 100, 1},
    {"招聘/就业", "“春风行动”下岗职工招聘大集", kDistrictScope | kAreaScope, 2, 3, 2000, 20000, 10, 60, 800, 1},
    {"招聘/就业", "农民工专场招聘会", kAnyScope & ~kWorkplaceScope, 1, 12, 1000, 10000, 10, 50, 500, 1},
    {"职代会", "{org}{y}年度职工代表大会", kWorkplaceScope, 1, 4, 0, 5000, 20, 120, 0, 1},
    {"会员评家", "{y}年度“会员评家”活动", kJointScope | kWorkplaceScope | kSectorScope, 10, 12, 0, 2000, 15, 100, 0, 1},
    {"其他", "送饺子进工地", kAreaScope | kJointScope, 1, 2, 1000, 8000, 10, 60, 100, 1},
    {"其他", "职工子女暑期托管班", kDistrictScope | kAreaScope, 7, 8, 5000, 40000, 10, 60, 20, 30},
    {"其他", "工会经费审查委员会会议", kAnyScope, 1, 12, 0, 500, 3, 9, 0, 1},
};
constexpr Weighted kFundSources[] = {
    {"工会经费", 600}, {"上级工会补助", 180}, {"行政拨款", 120}, {"企业行政支持", 70}, {"社会捐助", 30}};

// Two decimals now and then, as in real expense claims.
std::string yuan(Dice& dice, int amount) {
  if (dice.chance(250)) return fmt::format("{}.{:02}", amount, dice.between(1, 99));
  return std::to_string(amount);
}

// --- the plan ------------------------------------------------------------------------------------
enum class Role {
  District, Area, Community, Village, Park, MigrantUnion, Sector, EducationUnion, PublicUnion,
  Enterprise, School, Institution,
};

unsigned scopeOf(Role role) {
  switch (role) {
    case Role::District: return kDistrictScope;
    case Role::Area: return kAreaScope;
    case Role::Enterprise:
    case Role::School:
    case Role::Institution: return kWorkplaceScope;
    case Role::Sector: return kSectorScope;
    default: return kJointScope;
  }
}

// How members are spread (percent of all members), so rates stay plausible at any size.
enum class Group { Enterprise, Joint, Sector, Education, Public, Unorganized };
constexpr int kGroupShares[] = {52, 25, 9, 8, 6, 0};
constexpr std::int64_t shareOf(Group group) { return kGroupShares[static_cast<int>(group)]; }
// Average members of one small employer of each group (how many of them to plan).
constexpr int kJointMembersPerEmployer = 8;
constexpr int kSectorMembersPerEmployer = 15;
constexpr int kSchoolMembersPerEmployer = 80;
constexpr int kInstitutionMembersPerEmployer = 120;

struct OrgPlan {
  Role role = Role::District;
  std::string name, shortName;
  sv type;
  std::string place;  // where its activities happen, without the room
  sv worker;          // for a sector union: its workers
  sys_days founded;
  RecordId id;
  int parent = -1;
  int depth = 0;
  std::string chair, chairPhone, creditCode;
  int cadres = 0;
  std::int64_t employees = 0, women = 0, migrants = 0;
  std::vector<int> children;
  std::vector<RecordId> activeMembers;  // participants are drawn from these
};

struct EmployerPlan {
  RecordId id;
  std::string name, creditCode;
  Trade trade = Trade::Trading;
  sv ownership;
  int org = -1;  // the covering union when covered, else the community or village that surveyed it
  bool covered = false;
  Group group = Group::Unorganized;
  int weight = 1;
  std::int64_t members = 0, migrantMembers = 0, employees = 0, migrantEmployees = 0;
};

// What a member's events need to know.
struct Joined {
  RecordId member;
  int org;
  sys_days joined;
  sv status;
};

std::vector<sv> pickDistinct(Dice& dice, std::span<const sv> items, std::size_t count) {
  std::vector<sv> pool(items.begin(), items.end());
  count = std::min(count, pool.size());
  for (std::size_t i = 0; i < count; ++i) std::swap(pool[i], pool[i + dice.below(pool.size() - i)]);
  pool.resize(count);
  return pool;
}

// `count` distinct numbers below `bound` (Floyd's algorithm), in increasing order.
std::set<std::size_t> sampleBelow(Dice& dice, std::size_t count, std::size_t bound) {
  std::set<std::size_t> chosen;
  for (std::size_t j = bound - std::min(count, bound); j < bound; ++j) {
    std::size_t t = dice.below(j + 1);
    chosen.insert(chosen.count(t) ? j : t);
  }
  return chosen;
}

class DistrictBuilder {
 public:
  DistrictBuilder(Node& node, const DemoOptions& options, const std::function<void(std::size_t)>& progress)
      : node_(node), options_(options), progress_(progress), dice_(options.seed),
        today_(parseDay(node.today())), thisYear_(yearOf(today_)),
        district_(dice_.pick(kDistricts)), deploymentKey_(internal::storeOf(node).deploymentKey()) {}

  Result<DemoSummary> build() {
    planOrganizations();
    planEmployers();
    allocateMembers();
    sizeEmployers();
    if (auto r = writeOrganizations(); !r) return std::unexpected(r.error());
    if (auto r = writeEmployers(); !r) return std::unexpected(r.error());
    if (auto r = writeMembers(); !r) return std::unexpected(r.error());
    if (auto r = writeActivities(); !r) return std::unexpected(r.error());
    if (auto r = addDemoUnionWork(node_, options_.seed, summary_); !r) return std::unexpected(r.error());
    summary_.organizations = orgs_.size();
    summary_.employers = employers_.size();
    return summary_;
  }

 private:
  // --- organizations -------------------------------------------------------------------------
  // ~50 unions for 2 000 members, ~300 for a million: a bigger district has more streets and
  // more enterprises with their own union, not ten thousand unions.
  std::int64_t members() const { return static_cast<std::int64_t>(options_.members); }
  double scale() const {
    double ratio = std::max<double>(static_cast<double>(options_.members), 1.0) / 2000.0;
    return std::clamp(std::log10(ratio) / std::log10(500.0), 0.0, 1.0);
  }
  int scaled(int atSmallest, int atLargest) const {
    return atSmallest + static_cast<int>(std::lround((atLargest - atSmallest) * scale()));
  }

  void planOrganizations() {
    const int areas = scaled(6, 10);
    const int schoolUnions = scaled(3, 8);
    const int institutionUnions = scaled(3, 8);
    const int sectors = scaled(2, 4);
    const int target = scaled(56, 300);
    const int perArea = std::max(4, (target - 3 - areas - sectors - schoolUnions - institutionUnions) / areas);

    const int district = addOrg(-1, {.role = Role::District,
                                     .name = fmt::format("{}{}总工会", kCity, district_.name),
                                     .shortName = fmt::format("{}总工会", district_.name),
                                     .type = "区县总工会",
                                     .place = std::string(district_.name),
                                     .founded = dayBetween(dice_, yearStart(1952), yearStart(1986))});
    const int streets = (areas * 3 + 4) / 5;
    for (sv stem : pickDistinct(dice_, streetStems(), streets))
      planArea(district, false, std::string(stem), perArea + dice_.between(-1, 1));
    for (sv town : pickDistinct(dice_, townNames(), areas - streets))
      planArea(district, true, std::string(town), perArea + dice_.between(-1, 1));
    for (const auto& sector : std::span(kSectors).first(static_cast<std::size_t>(sectors)))
      addOrg(district, {.role = Role::Sector,
                        .name = fmt::format("{}{}", district_.name, sector.name),
                        .shortName = std::string(sector.name),
                        .type = "行业/区域工会联合会",
                        .place = std::string(district_.name),
                        .worker = sector.worker,
                        .founded = dayBetween(dice_, yearStart(2016), today_)});
    planEducation(district, schoolUnions);
    planInstitutions(district, institutionUnions);
  }

  // Adds `org` (role, names, type, place, founding) below `parent` with the rest drawn.
  int addOrg(int parent, OrgPlan org) {
    org.id = dice_.id();
    org.parent = parent;
    org.depth = parent < 0 ? 0 : orgs_[parent].depth + 1;
    org.creditCode = uniqueCode("81", district_.code);
    const int chairBorn = dice_.between(1965, 1990);
    org.chair = personName(dice_, dice_.chance(650), chairBorn);
    org.chairPhone = mobileNumber(dice_);
    org.cadres = cadresFor(org.role);
    orgs_.push_back(std::move(org));
    if (parent >= 0) orgs_[parent].children.push_back(static_cast<int>(orgs_.size() - 1));
    return static_cast<int>(orgs_.size() - 1);
  }

  int cadresFor(Role role) {
    switch (role) {
      case Role::District: return dice_.between(8, 14);
      case Role::Area: return dice_.between(1, 3);
      case Role::Sector:
      case Role::EducationUnion:
      case Role::PublicUnion: return dice_.between(1, 2);
      default: return dice_.chance(200) ? 1 : 0;
    }
  }

  // A founding date for an enterprise union; some are new this year (新建工会).
  sys_days enterpriseFounded(bool campaign) {
    if (campaign || dice_.chance(80)) return dayBetween(dice_, yearStart(thisYear_), today_);
    return dayBetween(dice_, yearStart(2000), yearStart(thisYear_) - days{1});
  }

  // A street or a township: its federation, community or village joint unions, perhaps a
  // migrant workers' union (street) or an industrial park union (town), and enterprise unions.
  void planArea(int district, bool town, std::string stem, int size) {
    const std::string place = town ? stem : stem + "街道";
    const int area = addOrg(district, {.role = Role::Area,
                                       .name = place + "总工会",
                                       .shortName = place,
                                       .type = town ? "乡镇总工会" : "街道总工会",
                                       .place = place,
                                       .founded = dayBetween(dice_, yearStart(1985), yearStart(2011))});
    areas_.push_back(area);
    int joints = std::max(2, size * 45 / 100);
    if (size >= 6 && dice_.chance(500)) {
      --joints;
      --size;
      const std::string name = place + (town ? "工业园区工会联合会" : "农民工工会");
      addOrg(area, {.role = town ? Role::Park : Role::MigrantUnion,
                    .name = name,
                    .shortName = place + (town ? "工业园区" : "农民工工会"),
                    .type = town ? "行业/区域工会联合会" : "农民工工会",
                    .place = place,
                    .founded = dayBetween(dice_, yearStart(2008), yearStart(2021))});
    }
    for (sv word : pickDistinct(dice_, town ? villageWords() : communityWords(), joints)) {
      const std::string local = std::string(word) + (town ? "村" : "社区");
      addOrg(area, {.role = town ? Role::Village : Role::Community,
                    .name = place + local + (town ? "工会" : "联合工会"),
                    .shortName = local,
                    .type = town ? "村工会" : "社区联合工会",
                    .place = place + local,
                    .founded = dayBetween(dice_, yearStart(2005), yearStart(2021))});
    }
    for (int i = joints; i < size; ++i) {
      const Trade trade = dice_.pick(kLargeTrades);
      const sv ownership = pickWeighted(dice_, kCompanyOwnership);
      auto& employer = addEmployer(Group::Enterprise, trade, ownership, companyName(trade, ownership));
      // Every street and town organized at least one enterprise this year (深组建 campaigns);
      // those are the smaller ones, the large ones have had a union for years.
      const sys_days founded = enterpriseFounded(i == joints);
      if (founded >= yearStart(thisYear_)) {
        employer.weight = dice_.between(15, 50);
      } else {
        employer.weight = dice_.between(40, 400);
        if (dice_.chance(150)) employer.weight *= 4;
      }
      coverByOwnUnion(employer, area, Role::Enterprise, "企业工会", founded);
    }
  }

  // The employer gets a union of its own below `parent`, named after it.
  void coverByOwnUnion(EmployerPlan& employer, int parent, Role role, sv type, sys_days founded) {
    const int org = addOrg(parent, {.role = role,
                                    .name = employer.name + "工会",
                                    .shortName = employer.name,
                                    .type = type,
                                    .place = employer.name,
                                    .founded = founded});
    cover(employer, org);
  }

  // 区教育工会 with a few school unions; the other schools it covers directly.
  void planEducation(int district, int schoolUnions) {
    const int education = addOrg(district, {.role = Role::EducationUnion,
                                            .name = fmt::format("{}教育工会", district_.name),
                                            .shortName = "教育工会",
                                            .type = "教育工会",
                                            .place = std::string(district_.name),
                                            .founded = dayBetween(dice_, yearStart(1984), yearStart(1996))});
    const auto schools = std::max<std::int64_t>(
        schoolUnions + 2, members() * shareOf(Group::Education) / 100 / kSchoolMembersPerEmployer);
    for (std::int64_t i = 0; i < schools; ++i) {
      auto& school = addSchool();
      if (i < schoolUnions)
        coverByOwnUnion(school, education, Role::School, "教育工会", dayBetween(dice_, yearStart(1990), yearStart(2016)));
      else
        cover(school, education);
    }
  }

  // Schools are numbered per street or town and level: 云湖区城关第三小学.
  EmployerPlan& addSchool() {
    static constexpr Weighted kLevels[] = {{"小学", 60}, {"中学", 25}, {"幼儿园", 15}};
    const auto& areaOrg = orgs_[dice_.pick(areas_)];
    sv level = pickWeighted(dice_, kLevels);
    int number = ++schoolNumbers_[areaOrg.place + std::string(level)];
    std::string name = number == 1 && level != "幼儿园"
                           ? fmt::format("{}{}中心{}", district_.name, areaOrg.place, level)
                           : fmt::format("{}{}第{}{}", district_.name, areaOrg.place, chineseNumber(number), level);
    bool kindergarten = level == "幼儿园";
    bool privateKindergarten = kindergarten && dice_.chance(500);
    auto& school = addEmployer(Group::Education, kindergarten ? Trade::Kindergarten : Trade::School,
                               privateKindergarten ? "民办非企业" : "机关事业", std::move(name),
                               privateKindergarten ? "52" : "12");
    school.weight = kindergarten ? dice_.between(10, 30) : level == "中学" ? dice_.between(80, 200) : dice_.between(40, 120);
    return school;
  }

  // 区直机关工会 with unions of the largest institutions; the rest it covers directly.
  void planInstitutions(int district, int ownUnions) {
    const int organs = addOrg(district, {.role = Role::PublicUnion,
                                         .name = fmt::format("{}直属机关工会委员会", district_.name),
                                         .shortName = "区直机关工会",
                                         .type = "机关事业单位工会",
                                         .place = std::string(district_.name),
                                         .founded = dayBetween(dice_, yearStart(1984), yearStart(1996))});
    const auto count = std::clamp<std::int64_t>(members() * shareOf(Group::Public) / 100 / kInstitutionMembersPerEmployer,
                                                 ownUnions + 2, std::ssize(kInstitutions));
    for (std::int64_t i = 0; i < count; ++i) {
      const auto& inst = kInstitutions[i];
      auto& employer = addEmployer(Group::Public, inst.trade, "机关事业", fmt::format("{}{}", district_.name, inst.name),
                                   inst.codePrefix);
      employer.weight = inst.weight * dice_.between(8, 12);
      if (i < ownUnions)
        coverByOwnUnion(employer, organs, Role::Institution, "机关事业单位工会",
                        dayBetween(dice_, yearStart(1990), yearStart(2016)));
      else
        cover(employer, organs);
    }
  }

  // --- employers -----------------------------------------------------------------------------
  std::string uniqueCode(sv prefix, sv region) {
    for (;;)
      if (auto code = creditCode(dice_, prefix, region); codes_.insert(code).second) return code;
  }

  static sv codePrefixFor(sv ownership) {
    if (ownership == "个体") return "92";
    if (ownership == "民办非企业") return "52";
    return "91";
  }

  EmployerPlan& addEmployer(Group group, Trade trade, sv ownership, std::string name, sv codePrefix = {}) {
    EmployerPlan e;
    e.id = dice_.id();
    e.name = std::move(name);
    e.trade = trade;
    e.ownership = ownership;
    e.group = group;
    e.creditCode = uniqueCode(codePrefix.empty() ? codePrefixFor(ownership) : codePrefix, district_.code);
    employers_.push_back(std::move(e));
    return employers_.back();
  }

  void cover(EmployerPlan& employer, int org) {
    employer.org = org;
    employer.covered = true;
  }

  // Redraws until the name is new. After a few clashes the brand gets four characters
  // (宏达恒信): two-character brands run out in a district of a million members.
  template <typename Draw>
  std::string uniqueName(Draw draw) {
    for (int attempt = 0;; ++attempt)
      if (std::string name = draw(attempt >= 4); names_.insert(name).second) return name;
  }

  // 江州宏达机械制造有限公司; a collective factory is a 厂.
  std::string companyName(Trade trade, sv ownership) {
    return uniqueName([&](bool longBrand) {
      const std::string brand = brandName(dice_, longBrand);
      const sv form = ownership == "集体" && profileOf(trade).industry == "制造业" ? "厂" : pickWeighted(dice_, kCompanyForms);
      return fmt::format("{}{}{}{}", kCityShort, brand, profileOf(trade).word, form);
    });
  }

  // 云湖区王建国五金店, 云湖区城关鑫源面馆.
  std::string shopName(Trade trade, const OrgPlan& where) {
    return uniqueName([&](bool longBrand) {
      const sv shop = dice_.pick(profileOf(trade).shops);
      std::string owner;
      if (!longBrand && dice_.chance(500)) {
        const bool male = dice_.chance(600);
        owner = personName(dice_, male, dice_.between(1960, 1995));
      } else {
        owner = where.place + brandName(dice_, longBrand);
      }
      return fmt::format("{}{}{}", district_.name, owner, shop);
    });
  }

  EmployerPlan& addSmallEmployer(Group group, Trade trade, int org, bool village) {
    if (!profileOf(trade).shops.empty()) return addEmployer(group, trade, "个体", shopName(trade, orgs_[org]));
    const sv ownership = pickWeighted(dice_, village ? std::span<const Weighted>(kVillageOwnership) : kCompanyOwnership);
    return addEmployer(group, trade, ownership, companyName(trade, ownership));
  }

  // Between half and one and a half times `average`, at least `least`.
  std::int64_t around(std::int64_t average, std::int64_t least) {
    return std::max(least, average / 2 + static_cast<std::int64_t>(dice_.below(static_cast<std::uint64_t>(average) + 1)));
  }

  // Small employers covered by joint and sector unions, and the unorganized ones that keep
  // 建会率 below one.
  void planEmployers() {
    std::vector<int> joints, sectors;
    for (std::size_t i = 0; i < orgs_.size(); ++i) {
      Role role = orgs_[i].role;
      if (role == Role::Community || role == Role::Village || role == Role::Park || role == Role::MigrantUnion)
        joints.push_back(static_cast<int>(i));
      if (role == Role::Sector) sectors.push_back(static_cast<int>(i));
    }
    const auto jointAverage = members() * shareOf(Group::Joint) / 100 / kJointMembersPerEmployer / std::ssize(joints);
    for (int org : joints) planJointEmployers(org, jointAverage);
    const auto sectorAverage = members() * shareOf(Group::Sector) / 100 / kSectorMembersPerEmployer / std::ssize(sectors);
    for (std::size_t i = 0; i < sectors.size(); ++i)
      for (auto n = around(sectorAverage, 3); n > 0; --n) {
        auto& employer = addSmallEmployer(Group::Sector, dice_.pick(kSectors[i].trades), sectors[i], false);
        employer.weight = dice_.between(5, 30);
        cover(employer, sectors[i]);
      }
  }

  void planJointEmployers(int org, std::int64_t average) {
    const Role role = orgs_[org].role;
    const bool village = role == Role::Village || role == Role::Park;
    const std::span<const Trade> trades = role == Role::Community ? std::span<const Trade>(kCommunityTrades)
                                          : role == Role::Village ? std::span<const Trade>(kVillageTrades)
                                          : role == Role::Park    ? std::span<const Trade>(kParkTrades)
                                                                  : std::span<const Trade>(kMigrantUnionTrades);
    const std::int64_t covered = around(average, 2);
    for (std::int64_t n = 0; n < covered; ++n) {
      auto& employer = addSmallEmployer(Group::Joint, dice_.pick(trades), org, village);
      employer.weight = dice_.between(2, 20);
      cover(employer, org);
    }
    if (role != Role::Community && role != Role::Village) return;
    // Surveyed but not yet organized: a local 建会率 of 55-80% (enterprise, sector and public
    // unions cover all of theirs, so the district comes out higher).
    const int ratePct = dice_.between(55, 80);
    const std::int64_t unorganized = (covered * (100 - ratePct) + ratePct / 2) / ratePct;
    const auto unorganizedTrades = village ? std::span<const Trade>(kVillageUnorganized) : kCommunityUnorganized;
    for (std::int64_t n = 0; n < unorganized; ++n)
      addSmallEmployer(Group::Unorganized, dice_.pick(unorganizedTrades), org, village).org = org;
  }

  // Splits `total` over `count` items in proportion to their weights, exactly.
  template <typename Weight, typename Assign>
  static void spread(std::int64_t total, std::size_t count, Weight weight, Assign assign) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) sum += weight(i);
    std::int64_t running = 0, given = 0;
    for (std::size_t i = 0; i < count; ++i) {
      running += weight(i);
      std::int64_t upTo = sum == 0 ? 0 : total * running / sum;
      assign(i, upTo - given);
      given = upTo;
    }
  }

  void allocateMembers() {
    std::vector<std::vector<EmployerPlan*>> groups(std::size(kGroupShares));
    for (auto& e : employers_) groups[static_cast<int>(e.group)].push_back(&e);
    spread(
        static_cast<std::int64_t>(options_.members), groups.size(),
        [&](std::size_t g) { return groups[g].empty() ? 0 : kGroupShares[g]; },
        [&](std::size_t g, std::int64_t share) {
          spread(
              share, groups[g].size(), [&](std::size_t i) { return groups[g][i]->weight; },
              [&](std::size_t i, std::int64_t n) { groups[g][i]->members = n; });
        });
  }

  // Employees follow from members: 70-97% of a unionized employer's staff are members
  // (入会率), and the migrant workers among them likewise.
  void sizeEmployers() {
    for (auto& e : employers_) {
      const Profile& p = profileOf(e.trade);
      if (!e.covered) {
        e.employees = dice_.between(2, 30);
        e.migrantEmployees = e.employees * dice_.between(std::max(0, p.migrantPct - 15), p.migrantPct + 15) / 100;
      } else {
        const int migrantPct = p.migrantPct == 0 ? 0 : std::clamp(p.migrantPct + dice_.between(-10, 10), 0, 100);
        e.migrantMembers = (e.members * migrantPct + 50) / 100;
        e.employees = e.members == 0 ? dice_.between(2, 12) : (e.members * 100 + 96) / dice_.between(70, 97);
        const std::int64_t migrantStaff = (e.migrantMembers * 100 + 94) / dice_.between(60, 95);
        e.migrantEmployees = e.migrantMembers + std::min(e.employees - e.members, migrantStaff - e.migrantMembers);
      }
      for (int org = e.org; org >= 0; org = orgs_[org].parent) {
        orgs_[org].employees += e.employees;
        orgs_[org].women += e.employees * p.womenPct / 100;
        orgs_[org].migrants += e.migrantEmployees;
      }
    }
  }

  // --- writing -------------------------------------------------------------------------------
  Result<void> writeOrganizations() {
    PendingRecords writer(node_);
    const int deepest = std::ranges::max(orgs_, {}, &OrgPlan::depth).depth;
    // A union is validated against its stored parent: one level per transaction.
    for (int depth = 0; depth <= deepest; ++depth) {
      for (const auto& org : orgs_) {
        if (org.depth != depth) continue;
        FieldValues values{{"name", org.name},
                           {"short_name", org.shortName},
                           {"org_type", std::string(org.type)},
                           {"credit_code", org.creditCode},
                           {"founded", isoDate(org.founded)},
                           {"chair", org.chair},
                           {"chair_phone", org.chairPhone},
                           {"cadres", std::to_string(org.cadres)},
                           {"employees", std::to_string(org.employees)},
                           {"women_employees", std::to_string(org.women)},
                           {"migrant_employees", std::to_string(org.migrants)},
                           {"status", "正常"}};
        if (org.parent >= 0) values.emplace_back("parent", orgs_[org.parent].id.hex());
        writer.add(Kind::Organization, org.id, std::move(values));
      }
      if (auto r = writer.flush(); !r) return std::unexpected(r.error());
    }
    return {};
  }

  Result<void> writeEmployers() {
    PendingRecords writer(node_);
    for (const auto& e : employers_) {
      const Profile& p = profileOf(e.trade);
      FieldValues values{{"name", e.name},
                         {"credit_code", e.creditCode},
                         {"industry", std::string(p.industry)},
                         {"ownership", std::string(e.ownership)},
                         {"employees", std::to_string(e.employees)},
                         {"migrant_employees", std::to_string(e.migrantEmployees)},
                         {"org", orgs_[e.org].id.hex()},
                         {"surveyed", isoDate(dayBetween(dice_, yearsAfter(today_, -3), today_))}};
      if (e.covered) values.emplace_back("covering_union", orgs_[e.org].id.hex());
      writer.add(Kind::Employer, e.id, std::move(values));
      if (writer.pending() >= kChunk)
        if (auto r = writer.flush(); !r) return std::unexpected(r.error());
    }
    if (auto r = writer.flush(); !r) return std::unexpected(r.error());
    return {};
  }

  // Members are drawn and validated on a second thread while the previous chunk is written:
  // both take about as long, and a million members should not take minutes.
  Result<void> writeMembers() {
    auto prepare = [this] { return prepareChunk(); };
    std::future<MemberChunk> next = std::async(std::launch::async, prepare);
    for (;;) {
      MemberChunk chunk = next.get();
      if (!chunk.members) return std::unexpected(chunk.members.error());
      const bool more = memberCursor_.employer < employers_.size();
      if (more) next = std::async(std::launch::async, prepare);
      auto members = BatchWriter(node_).write(std::move(*chunk.members));
      if (!members) return std::unexpected(members.error());
      // Events name their members, so they are validated once those are stored.
      auto events = chunk.events.flush();
      if (!events) return std::unexpected(events.error());
      summary_.members += *members;
      summary_.events += *events;
      if (progress_) progress_(summary_.members);
      if (!more) return {};
    }
  }

  struct MemberChunk {
    Result<std::vector<PreparedRecord>> members;
    PendingRecords events;
  };

  // The next kChunk members (fewer at the end), validated (the writer sorts them), with their events
  // still pending.
  MemberChunk prepareChunk() {
    PendingRecords members(node_), events(node_);
    auto& at = memberCursor_;
    while (members.pending() < kChunk && at.employer < employers_.size()) {
      const EmployerPlan& e = employers_[at.employer];
      if (at.drawn == e.members) {
        at = {at.employer + 1, 0, 0};
        continue;
      }
      // Exactly e.migrantMembers of its members are migrants, at random places.
      const std::int64_t left = e.members - at.drawn, migrantsLeft = e.migrantMembers - at.migrants;
      const bool migrant = static_cast<std::int64_t>(dice_.below(static_cast<std::uint64_t>(left))) < migrantsLeft;
      ++at.drawn;
      at.migrants += migrant ? 1 : 0;
      addEvents(events, addMember(members, e, migrant));
    }
    auto writes = members.take();
    // Member ids are hashes: in key order LMDB finds each page next to the previous one.
    return {std::move(writes), std::move(events)};
  }

  Joined addMember(PendingRecords& writer, const EmployerPlan& e, bool migrant) {
    const Profile& p = profileOf(e.trade);
    const OrgPlan& org = orgs_[e.org];
    const bool male = !dice_.chance(p.womenPct * 10);
    // Working age, most born in the 1970s-90s.
    const int latest = std::min(2005, thisYear_ - 18), span = latest - 1960 + 1;
    const int earlier = dice_.between(0, span - 1);
    const int born = 1960 + (earlier + dice_.between(0, span - 1)) / 2;
    const sys_days birth = dayBetween(dice_, yearStart(born), yearStart(born + 1) - days{1});
    // Most migrant workers come from other provinces, the rest from this one's countryside.
    const std::string region =
        migrant && dice_.chance(600) ? std::string(migrantRegion(dice_)) : localRegion(dice_, kCityCode);
    const std::string idNumber = idNumbers_.draw(dice_, region, year_month_day{birth}, male);
    const sys_days joined = joinDate(birth, org.founded);
    const sv status = pickWeighted(dice_, kMemberStatus);
    const int age = thisYear_ - born;

    FieldValues values{{"name", personName(dice_, male, born)},
                       {"gender", male ? "男" : "女"},
                       {"ethnicity", std::string(ethnicity(dice_))},
                       {"id_type", "居民身份证"},
                       {"id_number", idNumber},
                       {"mobile", mobileNumber(dice_)},
                       {"employer", e.name},
                       {"position", std::string(dice_.pick(p.jobs))},
                       {"education", std::string(education(migrant ? 0 : p.education))},
                       {"political", std::string(political(age, p.education))},
                       {"hukou", (migrant ? dice_.chance(960) : dice_.chance(200)) ? "农村" : "城镇"},
                       {"migrant", migrant ? "1" : "0"},
                       {"model_worker", std::string(pickWeighted(dice_, kModelWorker))},
                       {"org", org.id.hex()},
                       {"join_date", isoDate(joined)},
                       {"card_no", fmt::format("{}{}{:07}", district_.code, yearOf(joined), ++cards_)},
                       {"status", std::string(status)}};
    if (dice_.chance(50)) values.emplace_back("notes", std::string(dice_.pick(kNotes)));
    const RecordId id = memberIdFromIdNumber(deploymentKey_, "居民身份证", idNumber);
    writer.add(Kind::Member, id, std::move(values), {{std::string(kDeletedField), "0"}});
    if (status == "正常") orgs_[e.org].activeMembers.push_back(id);
    return {id, e.org, joined, status};
  }

  // Never before 18, the union's founding or 1980; about 8% of members join this year.
  sys_days joinDate(sys_days birth, sys_days founded) {
    const sys_days lower = std::min(std::max({yearsAfter(birth, 18), founded, yearStart(1980)}), today_);
    const sys_days thisYear = yearStart(thisYear_);
    if (lower >= thisYear || dice_.chance(kNewMemberPerMille))
      return dayBetween(dice_, std::max(lower, thisYear), today_);
    return dayBetween(dice_, lower, thisYear - days{1});
  }

  sv education(int level) {
    int at = dice_.between(0, 999);
    for (std::size_t i = 0; i < std::size(kEducation); ++i) {
      if (at < kEducationPerMille[level][i]) return kEducation[i];
      at -= kEducationPerMille[level][i];
    }
    return kEducation[2];
  }

  sv political(int age, int educationLevel) {
    const int party = educationLevel == 2 ? 300 : 90;
    const int at = dice_.between(0, 999);
    if (at < party) return "中共党员";
    if (at < party + 8) return "中共预备党员";
    // Democratic parties recruit professionals: teachers, doctors, engineers.
    if (educationLevel == 2 && at < party + 14) return "民主党派";
    if (age <= 28 && at < party + 300) return "共青团员";
    return "群众";
  }

  // 新入会 for those who joined this year or last, since the roster has been kept (transfers
  // are not new members), 转入 for some, and the event behind a 保留 or 转出 status.
  void addEvents(PendingRecords& writer, const Joined& m) {
    const std::string org = orgs_[m.org].id.hex(), member = m.member.hex();
    auto add = [&](sv type, sys_days date, FieldValues more) {
      FieldValues values{{"member", member}, {"event_type", std::string(type)}, {"date", isoDate(date)}, {"org", org}};
      values.insert(values.end(), more.begin(), more.end());
      writer.add(Kind::MembershipEvent, dice_.id(), std::move(values));
    };
    sys_days since = m.joined;
    if (dice_.chance(30) && orgs_.size() > 1) {
      int from = static_cast<int>(dice_.below(orgs_.size() - 1));
      if (from >= m.org) ++from;
      since = dayBetween(dice_, m.joined, today_);
      add("转入", since,
          {{"from_org", orgs_[from].id.hex()}, {"to_org", org}, {"reason", std::string(dice_.pick(kTransferReasons))}});
    } else if (m.joined >= yearStart(thisYear_ - 1)) {
      add("新入会", m.joined, {{"reason", std::string(dice_.pick(kJoinReasons))}});
    }
    if (m.status == "正常") return;
    const sys_days date = dayBetween(dice_, since, today_);
    if (m.status == "转出") add("转出", date, {{"from_org", org}, {"reason", std::string(dice_.pick(kLeaveReasons))}});
    else add("保留", date, {{"reason", std::string(dice_.pick(kKeepReasons))}});
  }

  // --- activities ------------------------------------------------------------------------------
  Result<void> writeActivities() {
    PendingRecords writer(node_);
    for (std::size_t i = 0; i < orgs_.size(); ++i) {
      const auto pools = memberPools(static_cast<int>(i));
      const int count = activityCount(orgs_[i].role);
      for (int n = 0; n < count; ++n) addActivity(writer, orgs_[i], pools);
    }
    auto written = writer.flush();
    if (!written) return std::unexpected(written.error());
    summary_.activities = *written;
    return {};
  }

  // Over last year and this year so far.
  int activityCount(Role role) {
    switch (role) {
      case Role::District: return dice_.between(14, 24);
      case Role::Area: return dice_.between(8, 14);
      default: return dice_.between(2, 6);
    }
  }

  // The active members of `org`'s subtree, as the lists they are kept in.
  std::vector<const std::vector<RecordId>*> memberPools(int org) const {
    std::vector<const std::vector<RecordId>*> pools;
    std::vector<int> stack{org};
    while (!stack.empty()) {
      int at = stack.back();
      stack.pop_back();
      if (!orgs_[at].activeMembers.empty()) pools.push_back(&orgs_[at].activeMembers);
      stack.insert(stack.end(), orgs_[at].children.begin(), orgs_[at].children.end());
    }
    return pools;
  }

  const ActivityTemplate& activityFor(Role role) {
    for (;;)
      if (const auto& t = dice_.pick(kActivities); t.scopes & scopeOf(role)) return t;
  }

  // A seasonal activity happens in its months: this year if they have come, else last year.
  sys_days activityDay(const ActivityTemplate& t) {
    const unsigned month = static_cast<unsigned>(year_month_day{today_}.month());
    const int year = dice_.chance(500) || static_cast<unsigned>(t.fromMonth) > month ? thisYear_ - 1 : thisYear_;
    const sys_days from = sys_days{std::chrono::year{year} / t.fromMonth / 1};
    const sys_days to = sys_days{std::chrono::year{year} / t.toMonth / std::chrono::last};
    return dayBetween(dice_, from, std::min(to, today_));
  }

  std::string placeFor(const OrgPlan& org) {
    static constexpr sv kDistrictPlaces[] = {"工人文化宫", "职工服务中心", "体育中心", "职工技能实训基地", "人民广场"};
    static constexpr sv kAreaPlaces[] = {"党群服务中心", "文化广场", "职工之家", "综合文化站"};
    static constexpr sv kJointPlaces[] = {"居委会活动室", "新时代文明实践站", "职工驿站"};
    static constexpr sv kVillagePlaces[] = {"村委会会议室", "文化礼堂", "农家书屋"};
    static constexpr sv kWorkplacePlaces[] = {"职工食堂", "会议室", "职工之家", "培训室"};
    switch (org.role) {
      case Role::District: return org.place + std::string(dice_.pick(kDistrictPlaces));
      case Role::Area: return org.place + std::string(dice_.pick(kAreaPlaces));
      case Role::Village: return org.place + std::string(dice_.pick(kVillagePlaces));
      case Role::Enterprise:
      case Role::School:
      case Role::Institution: return org.place + std::string(dice_.pick(kWorkplacePlaces));
      default: return org.place + std::string(dice_.pick(kJointPlaces));
    }
  }

  void addActivity(PendingRecords& writer, const OrgPlan& org, const std::vector<const std::vector<RecordId>*>& pools) {
    const ActivityTemplate& t = activityFor(org.role);
    const sys_days start = activityDay(t);
    FieldValues values{
        {"title", fmt::format(fmt::runtime(t.title), fmt::arg("y", yearOf(start)), fmt::arg("org", org.shortName),
                            fmt::arg("worker", org.worker))},
        {"activity_type", std::string(t.kind)},
        {"org", org.id.hex()},
        {"start_date", isoDate(start)},
        {"end_date", isoDate(std::min(start + days{t.days - 1}, today_))},
        {"place", placeFor(org)},
        {"cost", yuan(dice_, dice_.between(t.minCost, t.maxCost))},
        {"fund_source", std::string(pickWeighted(dice_, kFundSources))},
        {"extra_attendees", std::to_string(dice_.between(0, t.maxExtra))}};
    FieldValues participants;
    std::size_t available = 0;
    for (const auto* pool : pools) available += pool->size();
    const std::size_t wanted = static_cast<std::size_t>(dice_.between(t.minPeople, t.maxPeople));
    auto pool = pools.begin();
    std::size_t poolStart = 0;
    // Indices come in increasing order, so one pass over the pools finds them all.
    for (std::size_t index : sampleBelow(dice_, wanted, available)) {
      while (index >= poolStart + (*pool)->size()) poolStart += (*pool++)->size();
      const RecordId& member = (**pool)[index - poolStart];
      const int hour = dice_.between(8, 15);
      participants.emplace_back(std::string(kParticipantPrefix) + member.hex(),
                                fmt::format("{} {:02}:{:02}", isoDate(start), hour, dice_.between(0, 59)));
    }
    summary_.participants += participants.size();
    writer.add(Kind::Activity, dice_.id(), std::move(values), std::move(participants));
  }

  Node& node_;
  const DemoOptions& options_;
  const std::function<void(std::size_t)>& progress_;
  Dice dice_;
  const sys_days today_;
  const int thisYear_;
  const DistrictName district_;
  const std::string deploymentKey_;
  std::vector<OrgPlan> orgs_;
  std::vector<EmployerPlan> employers_;
  std::vector<int> areas_;
  std::map<std::string, int> schoolNumbers_;
  std::unordered_set<std::string> codes_, names_;
  IdNumbers idNumbers_;
  std::int64_t cards_ = 0;
  // Where drawing members stands: the employer, and how many of its members and migrant
  // members are drawn.
  struct MemberCursor {
    std::size_t employer = 0;
    std::int64_t drawn = 0, migrants = 0;
  } memberCursor_;
  DemoSummary summary_;
};

}  // namespace

Result<DemoSummary> buildDemoDistrict(Node& node, const DemoOptions& options,
                                      const std::function<void(std::size_t)>& progress) {
  return DistrictBuilder(node, options, progress).build();
}

Result<void> addDemoConflicts(Node& node, const std::string& scratchDir) {
  SystemClock clock;
  SystemRandom random;
  auto other = Store::create(scratchDir, "东城社区联合工会", applicationStoreOptions({.durable = false}), clock, random);
  if (!other) return std::unexpected(other.error());
  if (auto adopted = (*other)->adoptDeploymentKey(internal::storeOf(node).deploymentKey()); !adopted) return adopted;
  // The other office first holds everything this one has...
  for (ChangeCursor cursor;;) {
    ChangeBatch batch = internal::storeOf(node).changesSince({}, cursor, 5000, SIZE_MAX);
    if (auto applied = (*other)->apply(batch.changes); !applied) return std::unexpected(applied.error());
    if (batch.done || batch.changes.empty()) break;
    cursor = batch.next;
  }
  const VersionVector shared = (*other)->versionVector();
  // ...then both edit the same members before they sync again.
  const std::vector<Record> members = node.list(ListQuery{.kind = Kind::Member, .limit = 4});
  const char* mobiles[] = {"13800138000", "13912345678", "13700001111", "13611112222"};
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (auto w = (*other)->write(Kind::Member, members[i].id, {{"mobile", mobiles[i]}, {"position", "车间主任"}}); !w)
      return std::unexpected(w.error());
    if (auto s = node.set(Kind::Member, members[i].id, {{"position", "工会小组长"}}); !s) return fail(s.error().summary());
  }
  for (ChangeCursor cursor;;) {
    ChangeBatch batch = (*other)->changesSince(shared, cursor, 5000, SIZE_MAX);
    if (auto applied = internal::storeOf(node).apply(batch.changes); !applied) return std::unexpected(applied.error());
    if (batch.done || batch.changes.empty()) break;
    cursor = batch.next;
  }
  return {};
}

}  // namespace unionsync

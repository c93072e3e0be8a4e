#include "store/schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "store/validation.h"

namespace unionsync {

namespace {

using sv = std::string_view;

// --- choices -------------------------------------------------------------------------------
constexpr sv kOrgTypes[] = {"区县总工会", "街道总工会", "乡镇总工会", "社区联合工会", "村工会",
                            "企业工会", "行业/区域工会联合会", "农民工工会", "教育工会",
                            "机关事业单位工会"};
constexpr sv kOrgStatus[] = {"筹备", "正常", "撤销", "合并"};
constexpr sv kOwnership[] = {"国有", "集体", "私营", "外资/港澳台", "个体", "民办非企业", "机关事业"};
constexpr sv kGenders[] = {"男", "女"};
constexpr sv kIdTypes[] = {"居民身份证", "港澳台居民居住证", "护照", "其他"};
constexpr sv kEducation[] = {"小学", "初中", "高中/中专", "大专", "本科", "研究生"};
constexpr sv kPolitical[] = {"群众", "共青团员", "中共党员", "中共预备党员", "民主党派"};
constexpr sv kHukou[] = {"城镇", "农村"};
constexpr sv kModelWorker[] = {"无", "区级", "市级", "省级", "全国"};
constexpr sv kMemberStatus[] = {"正常", "保留", "转出", "退会", "去世"};
constexpr sv kEventTypes[] = {"新入会", "转入", "转出", "保留", "恢复", "退会", "除名", "死亡"};
constexpr sv kActivityTypes[] = {"文体活动", "培训", "技能比武/劳动竞赛", "送温暖/慰问", "金秋助学",
                                 "义诊/体检", "宣传", "招聘/就业", "职代会", "会员评家", "其他"};
// Union work records (DOMAIN.md kinds 6-10).
constexpr sv kHardshipCategories[] = {"低保户", "低保边缘户", "意外致困户"};
constexpr sv kHardshipCauses[] = {"无劳动能力", "有劳动能力未就业", "下岗失业", "未参保", "社保待遇未落实",
                                  "重特大疾病", "自然灾害", "意外事故", "子女上学", "其他"};
constexpr sv kHardshipStatus[] = {"在档", "脱困", "退档"};
constexpr sv kAssistanceKinds[] = {"生活救助", "医疗救助", "金秋助学", "送温暖慰问", "就业帮扶", "互助保障"};
constexpr sv kCaseKinds[] = {"劳动争议调解", "讨薪", "投诉", "法律援助", "咨询"};
constexpr sv kCaseChannels[] = {"来访", "12351热线", "网上", "转办"};
constexpr sv kCaseResults[] = {"成功", "部分", "未成", "撤回"};
constexpr sv kContractKinds[] = {"综合", "工资专项", "女职工专项", "安全专项"};
constexpr sv kContractScopes[] = {"单独", "区域", "行业"};

// --- header aliases offices use ---------------------------------------------------------------
constexpr sv kAliasName[] = {"姓名", "名字"};
constexpr sv kAliasGender[] = {"性别"};
constexpr std::pair<sv, sv> kGenderForms[] = {{"男性", "男"}, {"女性", "女"}};
constexpr sv kAliasEthnicity[] = {"民族"};
constexpr sv kAliasIdType[] = {"证件类型"};
constexpr sv kAliasIdNumber[] = {"身份证号", "身份证号码", "证件号码", "证件号", "公民身份号码"};
constexpr sv kAliasBirth[] = {"出生日期", "出生年月"};
constexpr sv kAliasMobile[] = {"手机", "手机号", "手机号码", "联系电话", "电话"};
constexpr sv kAliasEmployer[] = {"工作单位", "单位", "单位名称"};
constexpr sv kAliasPosition[] = {"职务", "岗位"};
constexpr sv kAliasEducation[] = {"学历", "文化程度"};
constexpr sv kAliasPolitical[] = {"政治面貌"};
constexpr sv kAliasHukou[] = {"户籍类型", "户口类型", "户籍"};
constexpr sv kAliasMigrant[] = {"是否农民工", "农民工"};
constexpr sv kAliasModel[] = {"劳模", "劳模级别"};
constexpr sv kAliasOrg[] = {"所属工会", "工会", "工会名称"};
constexpr sv kAliasJoin[] = {"入会日期", "入会时间"};
constexpr sv kAliasCard[] = {"会员证号", "会员卡号"};
constexpr sv kAliasStatus[] = {"会籍状态", "状态"};
constexpr sv kAliasNotes[] = {"备注"};
// A member column of a union work sheet holds the person's ID number (or the member id).
constexpr sv kAliasMemberRef[] = {"身份证号", "身份证号码", "证件号码", "公民身份号码", "会员编号"};
constexpr sv kAliasHardshipCategory[] = {"困难类别", "困难类型", "类别"};
constexpr sv kAliasHardshipCause[] = {"主要致困原因", "困难原因", "致困原因"};
constexpr sv kAliasHouseholdSize[] = {"家庭人口数", "家庭人数", "家庭成员数"};
constexpr sv kAliasHouseholdIncome[] = {"家庭年收入", "家庭总收入", "家庭年总收入"};
constexpr sv kAliasHardshipStatus[] = {"状态", "档案状态"};
constexpr sv kAliasFiled[] = {"建档时间", "建档日期"};
constexpr sv kAliasHardshipClosed[] = {"脱困日期", "退档日期", "脱困时间"};
constexpr sv kAliasAssistanceKind[] = {"救助类型", "帮扶类型", "救助类别", "类型"};
constexpr sv kAliasAssistanceDate[] = {"发放日期", "救助日期", "日期"};
constexpr sv kAliasAmount[] = {"金额", "救助金额", "慰问金", "发放金额", "慰问金额"};
constexpr sv kAliasInKind[] = {"实物折价", "物资折款", "实物"};
constexpr sv kAliasFundSource[] = {"经费来源", "资金来源"};
constexpr sv kAliasGrantingOrg[] = {"发放单位", "救助单位", "发放工会"};
constexpr sv kAliasCampaign[] = {"专项活动", "活动名称", "活动"};
constexpr sv kAliasStudent[] = {"学生", "学生姓名", "子女姓名"};
constexpr sv kAliasSchool[] = {"就读学校", "录取学校", "学校"};
constexpr sv kAliasCaseKind[] = {"案件类型", "类型"};
constexpr sv kAliasAccepted[] = {"受理时间", "受理日期"};
constexpr sv kAliasCaseClosed[] = {"结案时间", "结案日期"};
constexpr sv kAliasChannel[] = {"受理渠道", "渠道", "来源"};
constexpr sv kAliasCaseEmployer[] = {"用人单位", "被投诉单位", "涉及单位"};
constexpr sv kAliasWorkers[] = {"涉及职工人数", "涉及人数", "涉及职工"};
constexpr sv kAliasClaimed[] = {"诉求金额", "涉及金额", "涉案金额"};
constexpr sv kAliasRecovered[] = {"追回工资", "追回金额", "挽回经济损失"};
constexpr sv kAliasResult[] = {"办理结果", "调解结果", "结果"};
constexpr sv kAliasContractKind[] = {"合同类型", "类型"};
constexpr sv kAliasContractScope[] = {"签订形式", "范围"};
constexpr sv kAliasSigned[] = {"签订日期", "签订时间"};
constexpr sv kAliasTerm[] = {"期限", "合同期限（月）", "期限（月）"};
constexpr sv kAliasCoveredEmployers[] = {"覆盖企业数", "覆盖单位数", "覆盖企业"};
constexpr sv kAliasCoveredEmployees[] = {"覆盖职工数", "覆盖职工人数", "覆盖职工"};
constexpr sv kAliasCongressDate[] = {"召开日期", "召开时间", "日期"};
constexpr sv kAliasRepresentatives[] = {"职工代表人数", "代表人数", "代表数"};
constexpr sv kAliasMotions[] = {"提案数", "提案件数", "提案"};
constexpr sv kAliasYear[] = {"年度", "年份"};
constexpr sv kAliasPayroll[] = {"工资总额", "全部职工工资总额"};
constexpr sv kAliasDue[] = {"应拨缴经费", "应缴经费", "应拨缴"};
constexpr sv kAliasPaid[] = {"实拨缴经费", "实缴经费", "已拨缴", "实拨缴"};
constexpr sv kAliasRetained[] = {"留成", "基层留成", "留成经费"};
constexpr sv kAliasRemitted[] = {"上解", "上解经费"};

// --- kinds -------------------------------------------------------------------------------------
constexpr FieldDef kOrgFields[] = {
    {.name = "name", .type = FieldType::Text, .zh = "名称", .en = "Name", .required = true, .indexed = true},
    {.name = "short_name", .type = FieldType::Text, .zh = "简称", .en = "Short name"},
    {.name = "org_type", .type = FieldType::Choice, .zh = "类型", .en = "Type", .required = true, .choices = kOrgTypes},
    {.name = "parent", .type = FieldType::Ref, .zh = "上级工会", .en = "Parent union", .refKind = Kind::Organization},
    {.name = "credit_code", .type = FieldType::UnionCreditCode, .zh = "工会统一社会信用代码", .en = "Union credit code"},
    {.name = "founded", .type = FieldType::Date, .zh = "建会日期", .en = "Founded"},
    {.name = "chair", .type = FieldType::Text, .zh = "主席", .en = "Chair"},
    {.name = "chair_phone", .type = FieldType::Mobile, .zh = "主席电话", .en = "Chair's mobile"},
    {.name = "cadres", .type = FieldType::Count, .zh = "专职干部数", .en = "Full-time cadres", .maxCount = 100'000},
    {.name = "employees", .type = FieldType::Count, .zh = "职工人数", .en = "Employees"},
    {.name = "women_employees", .type = FieldType::Count, .zh = "女职工人数", .en = "Women employees"},
    {.name = "migrant_employees", .type = FieldType::Count, .zh = "农民工人数", .en = "Migrant employees"},
    {.name = "status", .type = FieldType::Choice, .zh = "状态", .en = "Status", .choices = kOrgStatus},
    // Settings of the union funds for this union and the unions below it (the nearest union
    // up the tree that sets one decides; unset everywhere: 2% due, 60% retained).
    {.name = "funds_due_pct", .type = FieldType::Count, .zh = "经费拨缴比例(%)", .en = "Funds due (% of payroll)", .maxCount = 100},
    {.name = "funds_retained_pct", .type = FieldType::Count, .zh = "经费留成比例(%)", .en = "Funds retained (% of paid)", .maxCount = 100},
};

constexpr FieldDef kEmployerFields[] = {
    {.name = "name", .type = FieldType::Text, .zh = "单位名称", .en = "Name", .required = true, .indexed = true},
    {.name = "credit_code", .type = FieldType::CreditCode, .zh = "统一社会信用代码", .en = "Credit code", .indexed = true},
    {.name = "industry", .type = FieldType::Text, .zh = "行业", .en = "Industry"},
    {.name = "ownership", .type = FieldType::Choice, .zh = "经济类型", .en = "Ownership", .choices = kOwnership},
    {.name = "employees", .type = FieldType::Count, .zh = "职工人数", .en = "Employees"},
    {.name = "migrant_employees", .type = FieldType::Count, .zh = "农民工人数", .en = "Migrant employees"},
    {.name = "org", .type = FieldType::Ref, .zh = "所在地工会", .en = "Area union", .required = true, .refKind = Kind::Organization},
    {.name = "covering_union", .type = FieldType::Ref, .zh = "覆盖工会", .en = "Covering union", .refKind = Kind::Organization},
    {.name = "surveyed", .type = FieldType::Date, .zh = "普查日期", .en = "Surveyed"},
};

constexpr FieldDef kMemberFields[] = {
    {.name = "name", .type = FieldType::Text, .zh = "姓名", .en = "Name", .required = true, .aliases = kAliasName, .indexed = true, .maxLength = 60},
    {.name = "gender", .type = FieldType::Choice, .zh = "性别", .en = "Gender", .choices = kGenders, .choiceAliases = kGenderForms, .aliases = kAliasGender},
    {.name = "ethnicity", .type = FieldType::Text, .zh = "民族", .en = "Ethnicity", .aliases = kAliasEthnicity, .maxLength = 30},
    {.name = "id_type", .type = FieldType::Choice, .zh = "证件类型", .en = "ID type", .choices = kIdTypes, .aliases = kAliasIdType},
    {.name = "id_number", .type = FieldType::IdNumber, .zh = "证件号码", .en = "ID number", .required = true, .aliases = kAliasIdNumber, .indexed = true},
    {.name = "birth_date", .type = FieldType::Date, .zh = "出生日期", .en = "Birth date", .aliases = kAliasBirth},
    {.name = "mobile", .type = FieldType::Mobile, .zh = "手机", .en = "Mobile", .aliases = kAliasMobile, .indexed = true},
    {.name = "employer", .type = FieldType::Text, .zh = "工作单位", .en = "Employer", .aliases = kAliasEmployer},
    {.name = "position", .type = FieldType::Text, .zh = "职务", .en = "Position", .aliases = kAliasPosition},
    {.name = "education", .type = FieldType::Choice, .zh = "学历", .en = "Education", .choices = kEducation, .aliases = kAliasEducation},
    {.name = "political", .type = FieldType::Choice, .zh = "政治面貌", .en = "Political status", .choices = kPolitical, .aliases = kAliasPolitical},
    {.name = "hukou", .type = FieldType::Choice, .zh = "户籍类型", .en = "Hukou", .choices = kHukou, .aliases = kAliasHukou},
    {.name = "migrant", .type = FieldType::Bool, .zh = "是否农民工", .en = "Migrant worker", .aliases = kAliasMigrant},
    {.name = "model_worker", .type = FieldType::Choice, .zh = "劳模", .en = "Model worker", .choices = kModelWorker, .aliases = kAliasModel},
    {.name = "org", .type = FieldType::Ref, .zh = "所属工会", .en = "Union", .required = true, .refKind = Kind::Organization, .aliases = kAliasOrg, .indexed = true},
    {.name = "join_date", .type = FieldType::Date, .zh = "入会日期", .en = "Joined", .aliases = kAliasJoin},
    {.name = "card_no", .type = FieldType::Text, .zh = "会员证号", .en = "Card no.", .aliases = kAliasCard, .indexed = true, .maxLength = 40},
    {.name = "status", .type = FieldType::Choice, .zh = "会籍状态", .en = "Status", .choices = kMemberStatus, .aliases = kAliasStatus},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr FieldDef kEventFields[] = {
    {.name = "member", .type = FieldType::Ref, .zh = "会员", .en = "Member", .required = true, .refKind = Kind::Member, .indexed = true},
    {.name = "event_type", .type = FieldType::Choice, .zh = "变动类型", .en = "Event", .required = true, .choices = kEventTypes},
    {.name = "date", .type = FieldType::Date, .zh = "日期", .en = "Date", .required = true},
    {.name = "org", .type = FieldType::Ref, .zh = "办理工会", .en = "Union", .required = true, .refKind = Kind::Organization},
    {.name = "from_org", .type = FieldType::Ref, .zh = "转出工会", .en = "From union", .refKind = Kind::Organization},
    {.name = "to_org", .type = FieldType::Ref, .zh = "转入工会", .en = "To union", .refKind = Kind::Organization},
    {.name = "reason", .type = FieldType::Text, .zh = "原因", .en = "Reason", .maxLength = 500},
};

constexpr FieldDef kActivityFields[] = {
    {.name = "title", .type = FieldType::Text, .zh = "活动名称", .en = "Title", .required = true, .indexed = true},
    {.name = "activity_type", .type = FieldType::Choice, .zh = "活动类型", .en = "Kind", .required = true, .choices = kActivityTypes},
    {.name = "org", .type = FieldType::Ref, .zh = "主办工会", .en = "Organizer", .required = true, .refKind = Kind::Organization},
    {.name = "start_date", .type = FieldType::Date, .zh = "开始日期", .en = "Start", .required = true},
    {.name = "end_date", .type = FieldType::Date, .zh = "结束日期", .en = "End"},
    {.name = "place", .type = FieldType::Text, .zh = "地点", .en = "Place"},
    {.name = "cost", .type = FieldType::Money, .zh = "经费(元)", .en = "Cost (yuan)"},
    {.name = "fund_source", .type = FieldType::Text, .zh = "经费来源", .en = "Fund source"},
    {.name = "extra_attendees", .type = FieldType::Count, .zh = "未登记参加人数", .en = "Unregistered attendees", .maxCount = 1'000'000},
};

// Amounts of union work records are money: integer fen, typed and shown in yuan.
// Hardship files belong to the member's union (`org` defaults to it, union_work_rules.h); the
// per-capita monthly income is derived when shown, never stored.
constexpr FieldDef kHardshipFields[] = {
    {.name = "member", .type = FieldType::Ref, .zh = "会员", .en = "Member", .required = true, .refKind = Kind::Member, .aliases = kAliasMemberRef, .indexed = true},
    {.name = "org", .type = FieldType::Ref, .zh = "建档工会", .en = "Union", .refKind = Kind::Organization, .aliases = kAliasOrg},
    {.name = "category", .type = FieldType::Choice, .zh = "困难类别", .en = "Category", .required = true, .choices = kHardshipCategories, .aliases = kAliasHardshipCategory},
    {.name = "cause", .type = FieldType::Choice, .zh = "主要致困原因", .en = "Main cause", .choices = kHardshipCauses, .aliases = kAliasHardshipCause},
    {.name = "household_size", .type = FieldType::Count, .zh = "家庭人口", .en = "Household size", .aliases = kAliasHouseholdSize, .maxCount = 100},
    {.name = "household_income", .type = FieldType::Money, .zh = "家庭年收入(元)", .en = "Household yearly income (yuan)", .aliases = kAliasHouseholdIncome, .personal = true},
    {.name = "health", .type = FieldType::Text, .zh = "健康状况", .en = "Health", .maxLength = 500, .personal = true},
    {.name = "housing", .type = FieldType::Text, .zh = "住房情况", .en = "Housing", .maxLength = 500, .personal = true},
    {.name = "status", .type = FieldType::Choice, .zh = "档案状态", .en = "Status", .choices = kHardshipStatus, .aliases = kAliasHardshipStatus},
    {.name = "filed_date", .type = FieldType::Date, .zh = "建档日期", .en = "Filed", .aliases = kAliasFiled},
    {.name = "closed_date", .type = FieldType::Date, .zh = "脱困/退档日期", .en = "Closed", .aliases = kAliasHardshipClosed},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr FieldDef kAssistanceFields[] = {
    {.name = "member", .type = FieldType::Ref, .zh = "会员", .en = "Member", .required = true, .refKind = Kind::Member, .aliases = kAliasMemberRef, .indexed = true},
    {.name = "kind", .type = FieldType::Choice, .zh = "救助类型", .en = "Kind", .required = true, .choices = kAssistanceKinds, .aliases = kAliasAssistanceKind},
    {.name = "date", .type = FieldType::Date, .zh = "发放日期", .en = "Date", .required = true, .aliases = kAliasAssistanceDate},
    {.name = "amount", .type = FieldType::Money, .zh = "金额(元)", .en = "Amount (yuan)", .aliases = kAliasAmount},
    {.name = "in_kind", .type = FieldType::Money, .zh = "实物折款(元)", .en = "In kind (yuan)", .aliases = kAliasInKind},
    {.name = "fund_source", .type = FieldType::Text, .zh = "资金来源", .en = "Fund source", .aliases = kAliasFundSource},
    {.name = "org", .type = FieldType::Ref, .zh = "发放工会", .en = "Granting union", .refKind = Kind::Organization, .aliases = kAliasGrantingOrg},
    {.name = "campaign", .type = FieldType::Text, .zh = "帮扶专项", .en = "Campaign", .aliases = kAliasCampaign, .indexed = true},
    {.name = "student", .type = FieldType::Text, .zh = "学生姓名", .en = "Student", .aliases = kAliasStudent, .maxLength = 60},
    {.name = "school", .type = FieldType::Text, .zh = "学校", .en = "School", .aliases = kAliasSchool},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr FieldDef kCaseFields[] = {
    {.name = "org", .type = FieldType::Ref, .zh = "受理工会", .en = "Union", .required = true, .refKind = Kind::Organization, .aliases = kAliasOrg},
    {.name = "kind", .type = FieldType::Choice, .zh = "案件类型", .en = "Kind", .required = true, .choices = kCaseKinds, .aliases = kAliasCaseKind},
    {.name = "summary", .type = FieldType::Text, .zh = "案由", .en = "Summary", .indexed = true, .maxLength = 500},
    {.name = "accepted_date", .type = FieldType::Date, .zh = "受理日期", .en = "Accepted", .required = true, .aliases = kAliasAccepted},
    {.name = "closed_date", .type = FieldType::Date, .zh = "结案日期", .en = "Closed", .aliases = kAliasCaseClosed},
    {.name = "channel", .type = FieldType::Choice, .zh = "受理渠道", .en = "Channel", .choices = kCaseChannels, .aliases = kAliasChannel},
    {.name = "employer", .type = FieldType::Text, .zh = "涉及单位", .en = "Employer", .aliases = kAliasCaseEmployer},
    {.name = "workers", .type = FieldType::Count, .zh = "涉及职工人数", .en = "Workers involved", .aliases = kAliasWorkers, .maxCount = 1'000'000},
    {.name = "amount_claimed", .type = FieldType::Money, .zh = "诉求金额(元)", .en = "Amount claimed (yuan)", .aliases = kAliasClaimed},
    {.name = "amount_recovered", .type = FieldType::Money, .zh = "追回金额(元)", .en = "Amount recovered (yuan)", .aliases = kAliasRecovered},
    {.name = "result", .type = FieldType::Choice, .zh = "办理结果", .en = "Result", .choices = kCaseResults, .aliases = kAliasResult},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr FieldDef kContractFields[] = {
    {.name = "org", .type = FieldType::Ref, .zh = "签订工会", .en = "Union", .required = true, .refKind = Kind::Organization, .aliases = kAliasOrg},
    {.name = "kind", .type = FieldType::Choice, .zh = "合同类型", .en = "Kind", .required = true, .choices = kContractKinds, .aliases = kAliasContractKind, .indexed = true},
    {.name = "scope", .type = FieldType::Choice, .zh = "签订范围", .en = "Scope", .choices = kContractScopes, .aliases = kAliasContractScope},
    {.name = "signed_date", .type = FieldType::Date, .zh = "签订日期", .en = "Signed", .required = true, .aliases = kAliasSigned},
    {.name = "term_months", .type = FieldType::Count, .zh = "期限(月)", .en = "Term (months)", .aliases = kAliasTerm, .maxCount = 600},
    {.name = "employers", .type = FieldType::Count, .zh = "覆盖单位数", .en = "Employers covered", .aliases = kAliasCoveredEmployers, .maxCount = 1'000'000},
    {.name = "employees", .type = FieldType::Count, .zh = "覆盖职工数", .en = "Employees covered", .aliases = kAliasCoveredEmployees},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr FieldDef kCongressFields[] = {
    {.name = "org", .type = FieldType::Ref, .zh = "召开工会", .en = "Union", .required = true, .refKind = Kind::Organization, .aliases = kAliasOrg},
    {.name = "session", .type = FieldType::Text, .zh = "届次", .en = "Session", .indexed = true, .maxLength = 100},
    {.name = "date", .type = FieldType::Date, .zh = "召开日期", .en = "Date", .required = true, .aliases = kAliasCongressDate},
    {.name = "representatives", .type = FieldType::Count, .zh = "职工代表人数", .en = "Representatives", .aliases = kAliasRepresentatives, .maxCount = 100'000},
    {.name = "motions", .type = FieldType::Count, .zh = "提案件数", .en = "Motions", .aliases = kAliasMotions, .maxCount = 100'000},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

// One record per union and year (its id derives from both). `due` and the shares default
// from the rates in app/records/union_work_rules.h.
constexpr FieldDef kFundsFields[] = {
    {.name = "org", .type = FieldType::Ref, .zh = "工会", .en = "Union", .required = true, .refKind = Kind::Organization, .aliases = kAliasOrg},
    {.name = "year", .type = FieldType::Count, .zh = "年度", .en = "Year", .required = true, .aliases = kAliasYear, .indexed = true, .maxCount = 9999},
    {.name = "payroll", .type = FieldType::Money, .zh = "工资总额(元)", .en = "Payroll (yuan)", .aliases = kAliasPayroll},
    {.name = "due", .type = FieldType::Money, .zh = "应拨缴经费(元)", .en = "Due (yuan)", .aliases = kAliasDue},
    {.name = "paid", .type = FieldType::Money, .zh = "实拨缴经费(元)", .en = "Paid (yuan)", .aliases = kAliasPaid},
    {.name = "retained", .type = FieldType::Money, .zh = "留成(元)", .en = "Retained (yuan)", .aliases = kAliasRetained},
    {.name = "remitted", .type = FieldType::Money, .zh = "上解(元)", .en = "Remitted (yuan)", .aliases = kAliasRemitted},
    {.name = "notes", .type = FieldType::Text, .zh = "备注", .en = "Notes", .aliases = kAliasNotes, .maxLength = 2000},
};

constexpr sv kOrgColumns[] = {"name", "org_type", "parent", "status"};
constexpr sv kEmployerColumns[] = {"name", "credit_code", "employees", "covering_union"};
constexpr sv kMemberColumns[] = {"name", "gender", "id_number", "mobile", "org", "status"};
constexpr sv kEventColumns[] = {"event_type", "date", "member", "org"};
constexpr sv kActivityColumns[] = {"title", "activity_type", "start_date", "org"};
constexpr sv kHardshipColumns[] = {"member", "category", "cause", "status", "filed_date", "org"};
constexpr sv kAssistanceColumns[] = {"member", "kind", "date", "amount", "campaign", "org"};
constexpr sv kCaseColumns[] = {"kind", "accepted_date", "closed_date", "workers", "amount_recovered", "result", "org"};
constexpr sv kContractColumns[] = {"kind", "scope", "signed_date", "employers", "employees", "org"};
constexpr sv kCongressColumns[] = {"session", "date", "representatives", "motions", "org"};
constexpr sv kFundsColumns[] = {"year", "org", "payroll", "due", "paid", "retained", "remitted"};
constexpr sv kFundsKey[] = {"org", "year"};

constexpr KindDef kKinds[] = {
    {Kind::Organization, "工会组织", "Organization", kOrgFields, "parent", "name", kOrgColumns},
    {Kind::Employer, "用人单位", "Employer", kEmployerFields, "org", "name", kEmployerColumns},
    {Kind::Member, "会员", "Member", kMemberFields, "org", "name", kMemberColumns},
    {Kind::MembershipEvent, "会籍变动", "Membership event", kEventFields, "org", "event_type", kEventColumns, "date"},
    {Kind::Activity, "活动", "Activity", kActivityFields, "org", "title", kActivityColumns, "start_date"},
    {Kind::Hardship, "困难职工档案", "Hardship file", kHardshipFields, "org", "member", kHardshipColumns, "filed_date"},
    {Kind::Assistance, "帮扶救助", "Assistance", kAssistanceFields, "org", "member", kAssistanceColumns, "date"},
    {Kind::RightsCase, "维权案件", "Rights case", kCaseFields, "org", "summary", kCaseColumns, "accepted_date"},
    {Kind::Contract, "集体合同", "Collective contract", kContractFields, "org", "kind", kContractColumns, "signed_date"},
    {Kind::Congress, "职代会", "Workers' congress", kCongressFields, "org", "session", kCongressColumns, "date"},
    {Kind::Funds, "经费", "Funds", kFundsFields, "org", "year", kFundsColumns, "year", kFundsKey},
};

// Federation records (DESIGN.md "Federation"): the signed bytes in hex, and what the issuer
// said about the node to show it (not signed: advisory only).
constexpr FieldDef kCertificateFields[] = {
    {.name = "certificate", .type = FieldType::Text, .zh = "证书", .en = "Certificate", .required = true, .maxLength = 2 * 211},
    {.name = "name", .type = FieldType::Text, .zh = "节点名称", .en = "Node name"},
    {.name = "address", .type = FieldType::Text, .zh = "地址", .en = "Address"},
};
constexpr FieldDef kRevocationFields[] = {
    {.name = "revocation", .type = FieldType::Text, .zh = "吊销", .en = "Revocation", .required = true, .maxLength = 2 * 137},
};
constexpr FieldDef kOriginClaimFields[] = {
    {.name = "claim", .type = FieldType::Text, .zh = "来源声明", .en = "Origin claim", .required = true, .maxLength = 2 * 113},
};
constexpr KindDef kSystemKinds[] = {
    {Kind::Certificate, "节点证书", "Certificate", kCertificateFields, "", "name"},
    {Kind::Revocation, "证书吊销", "Revocation", kRevocationFields, "", "revocation"},
    {Kind::OriginClaim, "来源声明", "Origin claim", kOriginClaimFields, "", "claim"},
};

// No date in a union's records is older (the oldest birth dates on resident ID cards are
// from the 1880s).
constexpr sv kEarliestDate = "1800-01-01";

bool equalsAsciiNoCase(sv a, sv b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string asciiLower(sv s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::optional<bool> parseBool(sv v) {
  static constexpr sv kTrue[] = {"1", "是", "Y", "y", "yes", "Yes", "true", "√"};
  static constexpr sv kFalse[] = {"0", "否", "N", "n", "no", "No", "false", "×"};
  if (std::find(std::begin(kTrue), std::end(kTrue), v) != std::end(kTrue)) return true;
  if (std::find(std::begin(kFalse), std::end(kFalse), v) != std::end(kFalse)) return false;
  return std::nullopt;
}

std::string withLabel(const FieldDef& f, const std::string& message) {
  return fmt::format("{}: {}", f.zh, message);
}

}  // namespace

std::string_view trimSpaces(std::string_view s) {
  auto isSpace = [](sv t) { return !t.empty() && (t[0] == ' ' || t[0] == '\t' || t[0] == '\r' || t[0] == '\n'); };
  constexpr sv kFullWidthSpace = "\xE3\x80\x80";
  for (;;) {
    if (isSpace(s)) s.remove_prefix(1);
    else if (s.starts_with(kFullWidthSpace)) s.remove_prefix(kFullWidthSpace.size());
    else if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    else if (s.ends_with(kFullWidthSpace)) s.remove_suffix(kFullWidthSpace.size());
    else return s;
  }
}

std::span<const KindDef> allKinds() { return kKinds; }
std::span<const KindDef> systemKinds() { return kSystemKinds; }

const KindDef& kindDef(Kind kind) {
  for (const auto& k : kKinds)
    if (k.kind == kind) return k;
  for (const auto& k : kSystemKinds)
    if (k.kind == kind) return k;
  throw std::logic_error("unknown record kind");
}

const FieldDef* findField(Kind kind, std::string_view name) {
  for (const auto& f : kindDef(kind).fields)
    if (f.name == name) return &f;
  return nullptr;
}

const FieldDef* fieldForHeader(Kind kind, std::string_view header) {
  header = trimSpaces(header);
  for (const auto& f : kindDef(kind).fields) {
    if (equalsAsciiNoCase(f.name, header) || f.zh == header || equalsAsciiNoCase(f.en, header)) return &f;
    if (std::find(f.aliases.begin(), f.aliases.end(), header) != f.aliases.end()) return &f;
  }
  return nullptr;
}

std::vector<const FieldDef*> fieldsResembling(Kind kind, std::string_view typed) {
  const std::string wanted = asciiLower(trimSpaces(typed));
  std::vector<const FieldDef*> near;
  if (wanted.empty()) return near;
  auto resembles = [&](std::string_view candidate) {
    const std::string lower = asciiLower(candidate);
    return !lower.empty() && (lower.find(wanted) != std::string::npos || wanted.find(lower) != std::string::npos);
  };
  for (const auto& f : kindDef(kind).fields)
    if (resembles(f.name) || resembles(f.zh) || resembles(f.en) || std::ranges::any_of(f.aliases, resembles))
      near.push_back(&f);
  return near;
}

Result<std::string> normalizeValue(const FieldDef& field, std::string_view raw, std::string_view today) {
  std::string_view value = trimSpaces(raw);
  if (value.empty()) {
    if (field.required) return fail(withLabel(field, "必填 / required"));
    return std::string();
  }
  if (value.size() > field.maxLength)
    return fail(withLabel(field, fmt::format("过长（最多{}字节）/ too long (at most {} bytes)", field.maxLength, field.maxLength)));
  auto labelled = [&](const Error& e) { return fail(withLabel(field, e.message)); };
  switch (field.type) {
    case FieldType::Text:
      return std::string(value);
    case FieldType::Date: {
      auto date = normalizeDate(value);
      if (!date) return labelled(date.error());
      if (*date > today) return fail(withLabel(field, fmt::format("日期{}晚于今天 / date is in the future", *date)));
      if (*date < kEarliestDate)
        return fail(withLabel(field, fmt::format("日期{}早于1800年 / date {} is before 1800", *date, *date)));
      return *date;
    }
    case FieldType::Count: {
      auto count = parseCount(value);
      if (!count) return labelled(count.error());
      if (*count > field.maxCount)
        return fail(withLabel(field, fmt::format("数量{}超过上限{}，请核对 / count {} is above the limit {}: check it",
                                                 *count, field.maxCount, *count, field.maxCount)));
      return std::to_string(*count);
    }
    case FieldType::Money: {
      auto fen = parseYuanToFen(value);
      if (!fen) return labelled(fen.error());
      return std::to_string(*fen);
    }
    case FieldType::Bool: {
      auto b = parseBool(value);
      if (!b) return fail(withLabel(field, "应为“是”或“否” / must be yes or no"));
      return std::string(*b ? "1" : "0");
    }
    case FieldType::Choice: {
      for (auto choice : field.choices)
        if (choice == value) return std::string(choice);
      for (const auto& [form, choice] : field.choiceAliases)
        if (form == value) return std::string(choice);
      std::string list;
      for (auto choice : field.choices) list += (list.empty() ? "" : "、") + std::string(choice);
      return fail(withLabel(field, fmt::format("应为以下之一：{} / must be one of the listed values", list)));
    }
    case FieldType::IdNumber: {
      auto info = parseIdNumber(value, today);
      if (!info) return labelled(info.error());
      return info->normalized;
    }
    case FieldType::CreditCode: {
      auto code = normalizeCreditCode(value);
      if (!code) return labelled(code.error());
      return *code;
    }
    case FieldType::UnionCreditCode: {
      auto code = normalizeUnionCreditCode(value);
      if (!code) return labelled(code.error());
      return *code;
    }
    case FieldType::Mobile: {
      auto mobile = normalizeMobile(value);
      if (!mobile) return labelled(mobile.error());
      return *mobile;
    }
    case FieldType::Ref: {
      // Stored in lower case, as RecordId::hex() writes it, so one record has one spelling.
      auto id = RecordId::fromHex(value);
      if (!id) return fail(withLabel(field, "不是有效的记录编号 / not a record id"));
      return id->hex();
    }
  }
  return fail("unknown field type");
}

std::string displayValue(const FieldDef& field, std::string_view stored, bool english) {
  if (stored.empty()) return {};
  switch (field.type) {
    case FieldType::Money:
      try {
        return formatFen(std::stoll(std::string(stored)));
      } catch (const std::exception&) {
        return std::string(stored);
      }
    case FieldType::Bool:
      if (english) return stored == "1" ? "yes" : "no";
      return stored == "1" ? "是" : "否";
    default:
      return std::string(stored);
  }
}

}  // namespace unionsync

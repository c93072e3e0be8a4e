// `org`, `employer`, `member`, `event`, `activity` and the union work records' commands
// (`hardship`, `assistance`, `case`, `contract`, `congress`, `funds`): one generic set of
// subcommands driven by the schema, plus activity check-in.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "app/cli/cli_commands.h"
#include "app/cli/cli_output.h"
#include "app/node.h"

namespace unionsync {

namespace {

struct KindCommand {
  Kind kind;
  const char* name;
};
constexpr KindCommand kKindCommands[] = {{Kind::Organization, "org"},
                                         {Kind::Employer, "employer"},
                                         {Kind::Member, "member"},
                                         {Kind::MembershipEvent, "event"},
                                         {Kind::Activity, "activity"},
                                         {Kind::Hardship, "hardship"},
                                         {Kind::Assistance, "assistance"},
                                         {Kind::RightsCase, "case"},
                                         {Kind::Contract, "contract"},
                                         {Kind::Congress, "congress"},
                                         {Kind::Funds, "funds"}};

// "会员没有字段“身份证”，是否指：身份证号（id_number）/ …", or where to find the fields.
std::string unknownField(Kind kind, const std::string& typed) {
  std::string zh, en;
  for (const FieldDef* f : fieldsResembling(kind, typed)) {
    zh += fmt::format("{}{}（{}）", zh.empty() ? "" : "、", f->zh, f->name);
    en += fmt::format("{}{} ({})", en.empty() ? "" : ", ", f->name, f->zh);
  }
  const KindDef& def = kindDef(kind);
  if (zh.empty())
    return fmt::format("{}没有字段“{}”，字段列表见 add --help / {} has no field \"{}\": add --help lists the fields", def.zh,
                       typed, def.en, typed);
  return fmt::format("{}没有字段“{}”，是否指：{} / {} has no field \"{}\": did you mean {}?", def.zh, typed, zh, def.en,
                     typed, en);
}

// Parses "field=value" words. Field names may be the schema name or the Chinese label;
// references may name the record instead of giving its id.
Result<FieldValues> parseAssignments(const Node& node, Kind kind, const std::vector<std::string>& words) {
  FieldValues values;
  for (const auto& word : words) {
    auto eq = word.find('=');
    if (eq == std::string::npos)
      return fail(fmt::format("“{}”应写成 字段=值 / \"{}\" must be field=value", word, word));
    const FieldDef* field = fieldForHeader(kind, word.substr(0, eq));
    if (!field) return fail(unknownField(kind, word.substr(0, eq)));
    std::string value = word.substr(eq + 1);
    if (field->type == FieldType::Ref && !value.empty() && !RecordId::fromHex(value)) {
      auto ref = node.resolve(field->refKind, value);
      if (!ref) return std::unexpected(ref.error());
      value = ref->hex();
    }
    values.emplace_back(std::string(field->name), std::move(value));
  }
  return values;
}

std::string_view typeLabel(const FieldDef& field) {
  switch (field.type) {
    case FieldType::Text: return "文本 / text";
    case FieldType::Date: return "日期 YYYY-MM-DD / date";
    case FieldType::Count: return "人数等整数 / count";
    case FieldType::Money: return "金额（元） / money in yuan";
    case FieldType::Bool: return "是/否 / yes or no";
    case FieldType::Choice: return "选项 / choice";
    case FieldType::IdNumber: return "证件号码 / ID number";
    case FieldType::CreditCode:
    case FieldType::UnionCreditCode: return "统一社会信用代码 / credit code";
    case FieldType::Mobile: return "手机号 / mobile";
    case FieldType::Ref: return "编号或名称 / id or name";
  }
  return "文本 / text";
}

// The help footer of `KIND add` and `KIND set`: every field of the kind with its Chinese
// label, type, whether it is required and its choices (from the schema), so a cadre need
// not read the source to know what to type.
std::string fieldsFooter(Kind kind) {
  std::string out = fmt::format("{}的字段 / fields of {} (字段=值 或 中文名=值 / field=value or label=value):\n", kindDef(kind).zh, kindDef(kind).en);
  for (const auto& field : kindDef(kind).fields) {
    out += fmt::format("  {:<16} {}  [{}]{}", field.name, field.zh, typeLabel(field),
                       field.required ? "  必填 / required" : "");
    if (field.type == FieldType::Ref) out += fmt::format("  → {}", kindDef(field.refKind).zh);
    if (!field.choices.empty()) {
      out += "  可选值 / choices: ";
      for (std::size_t i = 0; i < field.choices.size(); ++i) out += (i ? "、" : "") + std::string(field.choices[i]);
    }
    out += '\n';
  }
  return out;
}

struct RecordOptions {
  std::vector<std::string> words;
  std::string reference;
  std::string org;
  std::string search;
  std::string member;
  int year = 0;
  bool deleted = false;
  bool reveal = false;
  std::size_t limit = 50;
};

void addRecordCommands(CLI::App& root, CliContext& ctx, const KindCommand& kc) {
  const KindDef& def = kindDef(kc.kind);
  auto* group = root.add_subcommand(kc.name, fmt::format("{} / {}", def.zh, def.en));
  group->require_subcommand(1);
  auto opts = std::make_shared<RecordOptions>();
  const Kind kind = kc.kind;

  auto* add = group->add_subcommand("add", "新增，打印新编号 / add; prints the new id");
  add->add_option("field=value", opts->words, "字段=值 …")->required();
  add->footer(fieldsFooter(kind));
  add->callback([&ctx, opts, kind] {
    ctx.run = [&ctx, opts, kind] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      auto values = parseAssignments(**node, kind, opts->words);
      if (!values) return reportFailure(values.error());
      auto id = (*node)->add(kind, *values);
      if (!id) return reportFailure(id.error().summary());
      std::cout << id->hex() << "\n";
      return 0;
    };
  });

  auto* set = group->add_subcommand("set", "修改字段 / change fields");
  set->add_option("ref", opts->reference, "编号、证件号码或名称 / id, ID number or name")->required();
  set->add_option("field=value", opts->words, "字段=值 …")->required();
  set->footer(fieldsFooter(kind));
  set->callback([&ctx, opts, kind] {
    ctx.run = [&ctx, opts, kind] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      auto id = (*node)->resolve(kind, opts->reference);
      if (!id) return reportFailure(id.error());
      auto values = parseAssignments(**node, kind, opts->words);
      if (!values) return reportFailure(values.error());
      auto done = (*node)->set(kind, *id, *values);
      if (!done) return reportFailure(done.error().summary());
      return 0;
    };
  });

  for (bool restoring : {false, true}) {
    auto* cmd = group->add_subcommand(restoring ? "restore" : "delete",
                                      restoring ? "恢复已删除的记录 / restore a deleted record"
                                                : "删除（可恢复）/ delete (can be restored)");
    cmd->add_option("ref", opts->reference, "编号、证件号码或名称 / id, ID number or name")->required();
    cmd->callback([&ctx, opts, kind, restoring] {
      ctx.run = [&ctx, opts, kind, restoring] {
        auto node = ctx.openNode();
        if (!node) return reportFailure(node.error());
        auto id = (*node)->resolve(kind, opts->reference);
        if (!id) return reportFailure(id.error());
        auto done = restoring ? (*node)->restore(kind, *id) : (*node)->remove(kind, *id);
        if (!done) return reportFailure(done.error());
        return 0;
      };
    });
  }

  auto* show = group->add_subcommand("show", "显示一条记录 / show one record");
  show->add_option("ref", opts->reference, "编号、证件号码或名称 / id, ID number or name")->required();
  show->add_flag("--reveal", opts->reveal, "显示完整证件号码 / show full ID numbers");
  addJsonFlag(show, ctx);
  show->callback([&ctx, opts, kind] {
    ctx.run = [&ctx, opts, kind] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      auto id = (*node)->resolve(kind, opts->reference);
      if (!id) return reportFailure(id.error());
      auto record = (*node)->get(kind, *id);
      OutputStyle style{ctx.json, opts->reveal};
      printRecord(std::cout, **node, *record, style);
      return 0;
    };
  });

  auto* list = group->add_subcommand("list", "列出记录 / list records");
  list->add_option("--org", opts->org, "只列该工会及下级 / only this union and below");
  list->add_option("--search", opts->search, "按姓名/名称前缀、证件号码、手机、会员证号查找 / search");
  if (findField(kind, "member"))
    list->add_option("--member", opts->member, "只列该会员的（编号、证件号码或会员证号）/ only this member's records");
  if (const std::string_view date = def.dateField; !date.empty())
    list->add_option("--year", opts->year, fmt::format("只列该年度的（按{}）/ only this year's (by {})", findField(kind, date)->zh, date));
  list->add_flag("--deleted", opts->deleted, "只列已删除的 / only deleted records");
  list->add_option("--limit", opts->limit, "最多条数，0为不限 / at most this many (0: all)");
  list->add_flag("--reveal", opts->reveal, "显示完整证件号码 / show full ID numbers");
  addJsonFlag(list, ctx);
  list->callback([&ctx, opts, kind] {
    ctx.run = [&ctx, opts, kind] {
      auto node = ctx.openNode();
      if (!node) return reportFailure(node.error());
      ListQuery query{.kind = kind, .search = opts->search, .year = opts->year, .onlyDeleted = opts->deleted, .limit = opts->limit};
      if (!opts->member.empty()) {
        auto member = (*node)->resolve(Kind::Member, opts->member);
        if (!member) return reportFailure(member.error());
        query.member = *member;
      }
      if (!opts->org.empty()) {
        auto org = (*node)->resolve(Kind::Organization, opts->org);
        if (!org) return reportFailure(org.error());
        query.org = *org;
      }
      // One more than asked for tells whether the listing was cut short.
      if (query.limit != 0) ++query.limit;
      auto records = (*node)->list(query);
      const bool more = query.limit != 0 && records.size() == query.limit;
      if (more) records.pop_back();
      printRecords(std::cout, **node, records, OutputStyle{ctx.json, opts->reveal});
      if (more && !ctx.json)
        std::cout << fmt::format("（只显示前 {} 条；--limit 0 显示全部，或用 --search / --org 缩小范围）/ first {} shown: "
                                 "--limit 0 lists all\n",
                                 records.size(), records.size());
      return 0;
    };
  });

  if (kind != Kind::Activity) return;
  for (bool joining : {true, false}) {
    auto* cmd = group->add_subcommand(joining ? "join" : "leave",
                                      joining ? "会员签到参加活动 / check members in" : "取消参加 / remove participants");
    cmd->add_option("activity", opts->reference, "活动编号或名称 / activity id or title")->required();
    cmd->add_option("members", opts->words, "会员编号、证件号码或会员证号 / member ids, ID numbers or card numbers")->required();
    cmd->callback([&ctx, opts, joining] {
      ctx.run = [&ctx, opts, joining] {
        auto node = ctx.openNode();
        if (!node) return reportFailure(node.error());
        auto activity = (*node)->resolve(Kind::Activity, opts->reference);
        if (!activity) return reportFailure(activity.error());
        for (const auto& ref : opts->words) {
          auto member = (*node)->resolve(Kind::Member, ref);
          if (!member) return reportFailure(member.error());
          auto done = joining ? (*node)->join(*activity, *member) : (*node)->leave(*activity, *member);
          if (!done) return reportFailure(done.error());
        }
        return 0;
      };
    });
  }
}

}  // namespace

void registerRecordCommands(CLI::App& root, CliContext& ctx) {
  for (const auto& kc : kKindCommands) addRecordCommands(root, ctx, kc);
  addTransferCommand(*root.get_subcommand("member"), ctx);
}

}  // namespace unionsync

// The annual report as one table (app/model/report.h): one line per figure, in the order of
// the paper form, labelled in both languages.
#include <fmt/format.h>

#include <functional>

#include "app/model/report.h"
#include "store/schema.h"

namespace unionsync {

namespace {

using Figure = std::function<std::optional<double>(const ReportFigures&)>;

Figure count(std::function<std::int64_t(const ReportFigures&)> get) {
  return [get](const ReportFigures& f) { return std::optional<double>(static_cast<double>(get(f))); };
}

class Lines {
 public:
  explicit Lines(const Report& report) : report_(report) {}
  void add(std::string key, std::string zh, std::string en, ReportUnit unit, const Figure& figure) {
    ReportLine line{std::move(key), std::move(zh), std::move(en), unit, about_, {}};
    line.values.push_back(figure(report_.scope.figures));
    for (const auto& child : report_.children) line.values.push_back(figure(child.figures));
    lines_.push_back(std::move(line));
  }
  void count(std::string key, std::string zh, std::string en, std::function<std::int64_t(const ReportFigures&)> get) {
    add(std::move(key), std::move(zh), std::move(en), ReportUnit::Count, unionsync::count(std::move(get)));
  }
  void fen(std::string key, std::string zh, std::string en, std::function<std::int64_t(const ReportFigures&)> get) {
    add(std::move(key), std::move(zh), std::move(en), ReportUnit::Fen, unionsync::count(std::move(get)));
  }
  void rate(std::string key, std::string zh, std::string en, Figure get) {
    add(std::move(key), std::move(zh), std::move(en), ReportUnit::Rate, get);
  }
  std::vector<ReportLine> take() { return std::move(lines_); }
  // The lines added next (until `about` is called again) are about `choice`.
  void about(std::string choice) { about_ = std::move(choice); }

 private:
  const Report& report_;
  std::string about_;
  std::vector<ReportLine> lines_;
};

}  // namespace

std::vector<ReportLine> reportLines(const Report& report) {
  Lines l(report);
  l.count("organizations", "工会组织数", "Unions", [](const ReportFigures& f) { return f.stats.organizations; });
  for (std::string_view type : findField(Kind::Organization, "org_type")->choices) {
    const std::string t(type);
    l.about(t);
    l.count("organizations_by_type." + t, fmt::format("  其中{}", t), fmt::format("  of which {}", t), [t](const ReportFigures& f) {
      auto it = f.organizationsByType.find(t);
      return it == f.organizationsByType.end() ? std::int64_t{0} : it->second;
    });
  }
  l.about({});
  l.count("new_unions", "新建工会", "Unions founded", [](const ReportFigures& f) { return f.stats.newUnionsThisYear; });
  l.count("members", "会员数", "Members", [](const ReportFigures& f) { return f.stats.members; });
  l.count("migrant_members", "农民工会员", "Migrant members", [](const ReportFigures& f) { return f.stats.migrantMembers; });
  l.count("new_members", "本年发展会员", "New members", [](const ReportFigures& f) { return f.stats.newMembersThisYear; });
  l.count("transfers_in", "转入会员", "Transferred in", [](const ReportFigures& f) { return f.transfersIn; });
  l.count("transfers_out", "转出会员", "Transferred out", [](const ReportFigures& f) { return f.transfersOut; });
  l.count("employers", "调查用人单位", "Employers surveyed", [](const ReportFigures& f) { return f.stats.employers; });
  l.count("unionized_employers", "已建会单位", "Unionized employers", [](const ReportFigures& f) { return f.stats.unionizedEmployers; });
  l.rate("unionization_rate", "建会率", "Unionization rate", [](const ReportFigures& f) { return f.stats.unionizationRate(); });
  l.count("unionized_employees", "建会单位职工数", "Employees of unionized employers",
          [](const ReportFigures& f) { return f.stats.unionizedEmployees; });
  l.rate("membership_rate", "入会率", "Membership rate", [](const ReportFigures& f) { return f.stats.membershipRate(); });
  l.rate("migrant_membership_rate", "农民工入会率", "Migrant membership rate",
         [](const ReportFigures& f) { return f.stats.migrantMembershipRate(); });
  l.count("hardship_active", "困难职工在档数", "Hardship files on record", [](const ReportFigures& f) { return f.hardshipActive; });
  auto assistance = [&](const std::string& key, const std::string& zh, const std::string& en,
                        std::function<const AssistanceFigures&(const ReportFigures&)> of) {
    l.count(key + ".records", zh + "人次", en + ": times", [of](const ReportFigures& f) { return of(f).records; });
    l.count(key + ".people", zh + "人数", en + ": people", [of](const ReportFigures& f) { return of(f).people; });
    l.fen(key + ".amount_fen", zh + "金额(元)", en + ": yuan", [of](const ReportFigures& f) { return of(f).amountFen; });
  };
  assistance("assistance_total", "帮扶救助合计", "All assistance", [](const ReportFigures& f) -> const AssistanceFigures& {
    return f.assistanceTotal;
  });
  for (std::string_view kind : findField(Kind::Assistance, "kind")->choices) {
    const std::string k(kind);
    l.about(k);
    static const AssistanceFigures kNone;
    assistance("assistance." + k, k, k, [k](const ReportFigures& f) -> const AssistanceFigures& {
      auto it = f.assistance.find(k);
      return it == f.assistance.end() ? kNone : it->second;
    });
  }
  l.about({});
  l.count("cases.accepted", "维权案件受理", "Cases accepted", [](const ReportFigures& f) { return f.cases.accepted; });
  l.count("cases.closed", "维权案件办结", "Cases closed", [](const ReportFigures& f) { return f.cases.closed; });
  l.count("cases.success", "  其中成功", "  of which succeeded", [](const ReportFigures& f) { return f.cases.success; });
  l.count("cases.partial", "  其中部分", "  of which partly", [](const ReportFigures& f) { return f.cases.partial; });
  l.count("cases.failed", "  其中未成", "  of which failed", [](const ReportFigures& f) { return f.cases.failed; });
  l.count("cases.withdrawn", "  其中撤回", "  of which withdrawn", [](const ReportFigures& f) { return f.cases.withdrawn; });
  l.rate("cases.success_rate", "调解成功率", "Success rate", [](const ReportFigures& f) { return f.cases.successRate(); });
  l.count("cases.workers", "涉及职工人数", "Workers involved", [](const ReportFigures& f) { return f.cases.workers; });
  l.fen("cases.recovered_fen", "追回工资(元)", "Recovered (yuan)", [](const ReportFigures& f) { return f.cases.recoveredFen; });
  l.count("contracts.employers", "集体合同覆盖单位", "Employers under a collective contract",
          [](const ReportFigures& f) { return f.contractEmployers; });
  l.count("contracts.employees", "集体合同覆盖职工", "Employees under a collective contract",
          [](const ReportFigures& f) { return f.contractEmployees; });
  l.rate("contracts.rate", "集体合同签订率", "Collective contract rate", [](const ReportFigures& f) { return f.contractRate(); });
  l.count("congresses", "召开职代会", "Workers' congresses held", [](const ReportFigures& f) { return f.congresses; });
  l.fen("funds.due_fen", "应拨缴经费(元)", "Funds due (yuan)", [](const ReportFigures& f) { return f.fundsDueFen; });
  l.fen("funds.paid_fen", "实拨缴经费(元)", "Funds paid (yuan)", [](const ReportFigures& f) { return f.fundsPaidFen; });
  l.rate("funds.rate", "经费收缴率", "Funds collection rate", [](const ReportFigures& f) { return f.fundsRate(); });
  l.count("activities", "活动次数", "Activities", [](const ReportFigures& f) { return f.stats.activitiesThisYear; });
  l.count("participants", "参与人次", "Participants", [](const ReportFigures& f) { return f.stats.participantsThisYear; });
  return l.take();
}

}  // namespace unionsync

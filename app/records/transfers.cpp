// Node::transferMember: 转会, a member's move between unions with its two events.
#include <fmt/format.h>

#include "app/node.h"
#include "app/records/field_values.h"

namespace unionsync {

namespace {

bool isActive(std::string_view status) { return status.empty() || status == "正常" || status == "保留"; }

}  // namespace

std::expected<Node::Transferred, ValidationFailure> Node::transferMember(const RecordId& memberId, const RecordId& to,
                                                                         const std::string& date,
                                                                         const std::string& reason) {
  auto member = store_->get(Kind::Member, memberId);
  if (!member || member->deleted())
    return invalid("member", fmt::format("找不到会员 {} / no such member", memberId.hex()));
  const std::string name(member->get("name"));
  if (!isActive(member->get("status")))
    return invalid("member", fmt::format("会员{}的会籍状态是“{}”，只有正常或保留会籍的会员可以转会 / member {} is {}: only an "
                                         "active member can transfer",
                                         name, member->get("status"), name, member->get("status")));
  const std::string from(member->get("org"));
  if (from == to.hex())
    return invalid("to", fmt::format("会员{}已在该工会 / member {} is in that union already", name, name));

  // Each of the three writes is validated as any write is (the union exists, the date is real
  // and not in the future), then they are stored together or not at all.
  auto memberValues = validate(Kind::Member, {{"org", to.hex()}}, false, memberId);
  if (!memberValues) {
    for (auto& e : memberValues.error().errors)
      if (e.field == "org") e.field = "to";
    return std::unexpected(memberValues.error());
  }
  const std::string when = date.empty() ? today() : date;
  FieldValues common{{"member", memberId.hex()}, {"date", when}, {"from_org", from}, {"to_org", to.hex()}};
  if (!reason.empty()) common.emplace_back("reason", reason);
  FieldValues outValues = common, inValues = common;
  outValues.emplace_back("event_type", "转出");
  outValues.emplace_back("org", from);
  inValues.emplace_back("event_type", "转入");
  inValues.emplace_back("org", to.hex());
  auto out = validate(Kind::MembershipEvent, outValues, true);
  if (!out) return std::unexpected(out.error());
  auto in = validate(Kind::MembershipEvent, inValues, true);
  if (!in) return std::unexpected(in.error());
  const std::string normalizedDate(valueOf(*out, "date"));
  if (auto joined = member->get("join_date"); !joined.empty() && normalizedDate < joined)
    return invalid("date", fmt::format("转会日期{}早于入会日期{} / the transfer date {} is before the member joined ({})",
                                       normalizedDate, joined, normalizedDate, joined));

  noteDeparture(*member, *memberValues);
  Transferred ids;
  random_.fill(ids.outEvent.bytes.data(), ids.outEvent.bytes.size());
  random_.fill(ids.inEvent.bytes.data(), ids.inEvent.bytes.size());
  auto written = store_->writeMany({{Kind::Member, memberId, *memberValues},
                                    {Kind::MembershipEvent, ids.outEvent, *out},
                                    {Kind::MembershipEvent, ids.inEvent, *in}});
  if (!written) return invalid("", written.error().message);
  return ids;
}

}  // namespace unionsync

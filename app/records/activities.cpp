// Activity participants: one per-element LWW field per member ("p:<member id>"), so two
// offices checking the same person in or out resolve deterministically.
#include <fmt/format.h>

#include "app/node.h"

namespace unionsync {

namespace {

std::string participantField(const RecordId& member) {
  return std::string(kParticipantPrefix) + member.hex();
}

Result<Record> liveRecord(const Node& node, Kind kind, const RecordId& id) {
  auto r = node.get(kind, id);
  if (!r || r->deleted())
    return fail(fmt::format("找不到{} {} / no such {}", kindDef(kind).zh, id.hex(), kindDef(kind).en));
  return *r;
}

}  // namespace

Result<void> Node::join(const RecordId& activity, const RecordId& member) {
  auto a = liveRecord(*this, Kind::Activity, activity);
  if (!a) return std::unexpected(a.error());
  if (auto m = liveRecord(*this, Kind::Member, member); !m) return std::unexpected(m.error());
  if (!a->get(participantField(member)).empty()) return {};  // already checked in
  auto written = store_->write(Kind::Activity, activity, {{participantField(member), localTimeText(clock_.nowMs(), "%Y-%m-%d %H:%M")}});
  if (!written) return std::unexpected(written.error());
  return {};
}

Result<void> Node::leave(const RecordId& activity, const RecordId& member) {
  auto a = liveRecord(*this, Kind::Activity, activity);
  if (!a) return std::unexpected(a.error());
  auto written = store_->write(Kind::Activity, activity, {{participantField(member), ""}});
  if (!written) return std::unexpected(written.error());
  return {};
}

std::vector<std::pair<RecordId, std::string>> Node::participants(const RecordId& activity) const {
  std::vector<std::pair<RecordId, std::string>> out;
  auto a = get(Kind::Activity, activity);
  if (!a) return out;
  for (const auto& [name, field] : a->fields) {
    if (!name.starts_with(kParticipantPrefix) || field.value.empty()) continue;
    if (auto id = RecordId::fromHex(std::string_view(name).substr(kParticipantPrefix.size())))
      out.emplace_back(*id, field.value);
  }
  return out;
}

}  // namespace unionsync

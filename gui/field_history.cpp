#include "gui/field_history.h"

#include <fmt/format.h>

#include <ctime>

namespace unionsync::gui {

std::string formatTime(std::int64_t ms) {
  if (ms <= 0) return "—";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string OriginNames::label(Origin origin, const Tr& tr) const {
  if (origin == self) return tr.format(T::HistoryThisNode, selfName);
  return tr.format(T::HistoryOtherNode, fmt::format("{:016x}", origin).substr(0, 8));
}

std::vector<FieldHistoryEntry> fieldHistory(const Record& record, std::span<const Conflict> conflicts, const Tr& tr) {
  std::vector<FieldHistoryEntry> out;
  auto keptFor = [&](std::string_view field) {
    std::vector<Conflict> kept;
    for (const Conflict& c : conflicts)
      if (c.kind == record.kind && c.id == record.id && c.field == field) kept.push_back(c);
    return kept;
  };
  for (const FieldDef& def : kindDef(record.kind).fields) {
    auto it = record.fields.find(def.name);
    if (it == record.fields.end()) continue;
    out.push_back({std::string(def.name), &def, tr.display(def, it->second.value), it->second.stamp, it->second.seq,
                   keptFor(def.name)});
  }
  if (auto it = record.fields.find(kDeletedField); it != record.fields.end())
    out.push_back({std::string(kDeletedField), nullptr, tr(it->second.value == "1" ? T::StateDeleted : T::StateLive),
                   it->second.stamp, it->second.seq, keptFor(kDeletedField)});
  return out;
}

}  // namespace unionsync::gui

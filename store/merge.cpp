#include "store/merge.h"

namespace unionsync {

FieldMerge mergeField(const FieldState* current, const FieldState& incoming) {
  FieldMerge m;
  const Stamp currentStamp = current ? current->stamp : Stamp{};
  if (incoming.stamp == currentStamp) return m;
  if (incoming.stamp > currentStamp) {
    m.outcome = FieldOutcome::Won;
    if (current && incoming.base < currentStamp && incoming.value != current->value)
      m.conflict = FieldMerge::Pair{incoming.value, incoming.stamp, current->value, currentStamp};
    return m;
  }
  // incoming < current, so current exists (the zero stamp is the least).
  m.outcome = FieldOutcome::Lost;
  if (current->base < incoming.stamp && incoming.value != current->value)
    m.conflict = FieldMerge::Pair{current->value, current->stamp, incoming.value, incoming.stamp};
  return m;
}

RecordMerge mergeChange(const std::optional<Record>& before, const Change& change) {
  RecordMerge m{before ? *before : Record{change.kind, change.id, {}}, {}, {}, false, 0, 0, 0};
  const Stamp stamp = change.stamp();
  for (const auto& write : change.fields) {
    auto it = m.after.fields.find(write.name);
    const FieldState* current = it == m.after.fields.end() ? nullptr : &it->second;
    FieldState incoming{write.value, stamp, change.seq, write.base};
    FieldMerge field = mergeField(current, incoming);
    if (field.conflict)
      m.conflicts.push_back(Conflict{change.kind, change.id, write.name, std::move(field.conflict->winnerValue),
                                     field.conflict->winner, std::move(field.conflict->loserValue),
                                     field.conflict->loser});
    switch (field.outcome) {
      case FieldOutcome::Duplicate:
        ++m.duplicates;
        break;
      case FieldOutcome::Won:
        if (current) {
          m.displaced.emplace(current->stamp.origin, current->seq);
          it->second = std::move(incoming);
        } else {
          m.after.fields.emplace(write.name, std::move(incoming));
        }
        m.won = true;
        ++m.fieldsWon;
        break;
      case FieldOutcome::Lost:
        ++m.fieldsLost;
        break;
    }
  }
  return m;
}

FieldState localFieldWrite(const FieldState* current, std::string value, Stamp stamp, std::uint64_t seq) {
  return FieldState{std::move(value), stamp, seq, current ? current->stamp : Stamp{}};
}

}  // namespace unionsync

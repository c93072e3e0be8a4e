#include "gui/conflict_model.h"

namespace unionsync::gui {

std::vector<ConflictEntry> loadConflicts(const Node& node, const Tr& tr) {
  std::vector<ConflictEntry> out;
  for (Conflict& c : node.conflicts()) {
    ConflictEntry e;
    e.def = findField(c.kind, c.field);
    auto record = node.get(c.kind, c.id);
    const std::string_view title = record ? record->get(kindDef(c.kind).titleField) : std::string_view();
    e.recordTitle = title.empty() ? c.id.hex() : std::string(title);
    if (e.def) {
      e.fieldLabel = tr.label(*e.def);
      e.winnerShown = tr.display(*e.def, c.winnerValue);
      e.loserShown = tr.display(*e.def, c.loserValue);
    } else if (c.field == kDeletedField) {
      e.fieldLabel = tr(T::FieldDeletedFlag);
      e.winnerShown = tr(c.winnerValue == "1" ? T::StateDeleted : T::StateLive);
      e.loserShown = tr(c.loserValue == "1" ? T::StateDeleted : T::StateLive);
    } else {
      e.fieldLabel = tr(T::FieldParticipant);
      e.winnerShown = c.winnerValue.empty() ? tr(T::ParticipantRemoved) : c.winnerValue;
      e.loserShown = c.loserValue.empty() ? tr(T::ParticipantRemoved) : c.loserValue;
    }
    e.conflict = std::move(c);
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> keepCurrentValue(Node& node, const Conflict& c) { return node.dismissConflict(c); }

Result<void> restoreOtherValue(Node& node, const Conflict& c) {
  auto kept = node.keepOtherValue(c);
  if (!kept) return fail(kept.error().summary());
  return {};
}

}  // namespace unionsync::gui

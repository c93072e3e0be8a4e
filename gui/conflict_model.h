// The Conflicts view's data and its two actions. A conflict is a concurrent overwrite the
// store kept instead of losing (DESIGN.md): the current (winning) value and the other one,
// each with its writer and time. "Keep" dismisses it; "restore the other value" writes the
// other value as a new edit (which then replicates and wins everywhere) and dismisses it.
#pragma once

#include <string>
#include <vector>

#include "app/node.h"
#include "gui/i18n.h"

namespace unionsync::gui {

struct ConflictEntry {
  Conflict conflict;
  std::string recordTitle;        // the record's name/title, or its id when unknown
  const FieldDef* def = nullptr;  // null for system fields (deleted, participants)
  std::string fieldLabel;         // in the UI language
  std::string winnerShown;        // values as shown
  std::string loserShown;
};

std::vector<ConflictEntry> loadConflicts(const Node& node, const Tr& tr);

Result<void> keepCurrentValue(Node& node, const Conflict& conflict);
// Writes the losing value back (Node::set for schema fields; the deletion flag and
// participant flags are system fields written as they are), then dismisses the conflict.
Result<void> restoreOtherValue(Node& node, const Conflict& conflict);

}  // namespace unionsync::gui

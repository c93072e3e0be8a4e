// Who wrote what, when: the stamps the store keeps with every field (FieldState) turned into
// lines a cadre can read, for the member history panel and the Conflicts view.
//
// A stamp names an origin (a random 64-bit id of one node epoch), not a node name: the store
// knows only its own origin, and sync hellos carry node ids, not origins. So this node's
// writes are shown by name and other nodes' writes as "other node <origin hex>".
#pragma once

#include <span>
#include <string>
#include <vector>

#include "gui/i18n.h"
#include "app/model/records.h"

namespace unionsync::gui {

// Local time "YYYY-MM-DD HH:MM:SS" of milliseconds since the epoch; "—" for 0.
std::string formatTime(std::int64_t ms);

struct OriginNames {
  Origin self = 0;
  std::string selfName;
  std::string label(Origin origin, const Tr& tr) const;
};

struct FieldHistoryEntry {
  std::string field;              // field name
  const FieldDef* def = nullptr;  // null for the system field "deleted"
  std::string value;              // as shown
  Stamp stamp;
  std::uint64_t seq = 0;
  std::vector<Conflict> kept;     // concurrent values that lost and await review
};

// The record's fields in schema order (then the deletion flag), each with its current value,
// writer and time, and the conflicting values kept for it. Activity participant flags are
// left out (the Activities view shows them).
std::vector<FieldHistoryEntry> fieldHistory(const Record& record, std::span<const Conflict> conflicts, const Tr& tr);

}  // namespace unionsync::gui

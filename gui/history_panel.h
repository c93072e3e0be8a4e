// The 修改记录 (history) tab of a record's side panel, shared by the member and record views:
// each field's value, which computer wrote it and when, and the concurrent values kept for
// review (gui/field_history.h).
#pragma once

#include <optional>
#include <vector>

#include "gui/context.h"
#include "gui/field_history.h"

namespace unionsync::gui {

class HistoryPanel {
 public:
  // The record was re-read: read its history again when next drawn.
  void reset() { entries_.reset(); }
  void draw(GuiContext& ctx, const Record& record);

 private:
  std::optional<std::vector<FieldHistoryEntry>> entries_;
  Lang lang_ = Lang::Zh;  // of entries_ (values are shown translated)
};

}  // namespace unionsync::gui

// The 帮扶 (support) tab of a member's side panel: the member's hardship files and the
// assistance granted to them with its total, found through the records' member field
// (ListQuery::member). Rights cases name no member, so they are not listed. Read on a worker
// whenever the member or the data changes.
#pragma once

#include <optional>

#include "gui/context.h"
#include "gui/record_rows.h"

namespace unionsync::gui {

class MemberWorkPanel {
 public:
  void draw(GuiContext& ctx, const RecordId& member);

 private:
  void request(GuiContext& ctx, const RecordId& member);
  void hardship(GuiContext& ctx, const MemberWork& work);
  void assistance(GuiContext& ctx, const MemberWork& work);
  void addButton(GuiContext& ctx, T label, Kind kind, const RecordId& member);

  std::optional<MemberWork> work_;
  std::optional<RecordId> member_;  // whom work_ (or the read under way) is for
  std::uint64_t version_ = 0;       // ctx.dataVersion it was read at
  bool loading_ = false;
};

}  // namespace unionsync::gui

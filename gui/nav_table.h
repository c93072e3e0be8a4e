// The views of the main window, in navigation order, declared once: the command line
// (--view), the settings file, the navigation column and the Ctrl+number shortcuts read this
// table. A record view (view_records.cpp) is one row naming its kind.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "gui/i18n.h"

namespace unionsync::gui {

enum class ViewId {
  Overview, Orgs, Members, Activities,
  Hardship, Assistance, Cases, Contracts, Congress, Funds, Report,
  Import, Sync, Conflicts, Settings,
  Count_
};
inline constexpr int kViewCount = static_cast<int>(ViewId::Count_);

struct NavEntry {
  ViewId view;
  std::string_view name;        // "overview", ... on the command line and in the settings file
  T label;                      // in the navigation column
  std::optional<Kind> records;  // a schema-driven record view of this kind
  int shortcut = 0;             // Ctrl+<digit>; 0 = none
  bool groupStart = false;      // a separator above it in the navigation column
};

// Every view, in ViewId order.
std::span<const NavEntry> navTable();
const NavEntry& navEntry(ViewId view);
// The record view listing `kind`, if there is one.
std::optional<ViewId> recordView(Kind kind);

}  // namespace unionsync::gui

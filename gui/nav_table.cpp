#include "gui/nav_table.h"

namespace unionsync::gui {

namespace {

// Ctrl+1…8 keep the views they had before the union work views came (cadres learned them);
// ten more digits there are not, so the union work views are reached from the column.
constexpr NavEntry kViews[] = {
    {ViewId::Overview, "overview", T::NavOverview, std::nullopt, 1},
    {ViewId::Orgs, "orgs", T::NavOrgs, std::nullopt, 2},
    {ViewId::Members, "members", T::NavMembers, std::nullopt, 3},
    {ViewId::Activities, "activities", T::NavActivities, std::nullopt, 4},
    {ViewId::Hardship, "hardship", T::NavHardship, Kind::Hardship, 0, true},
    {ViewId::Assistance, "assistance", T::NavAssistance, Kind::Assistance},
    {ViewId::Cases, "cases", T::NavCases, Kind::RightsCase},
    {ViewId::Contracts, "contracts", T::NavContracts, Kind::Contract},
    {ViewId::Congress, "congress", T::NavCongress, Kind::Congress},
    {ViewId::Funds, "funds", T::NavFunds, Kind::Funds},
    {ViewId::Report, "report", T::NavReport, std::nullopt},
    {ViewId::Import, "import", T::NavImport, std::nullopt, 5, true},
    {ViewId::Sync, "sync", T::NavSync, std::nullopt, 6},
    {ViewId::Conflicts, "conflicts", T::NavConflicts, std::nullopt, 7},
    {ViewId::Settings, "settings", T::NavSettings, std::nullopt, 8},
};
static_assert(std::size(kViews) == kViewCount);

constexpr bool inViewIdOrder() {
  for (int i = 0; i < kViewCount; ++i)
    if (kViews[i].view != static_cast<ViewId>(i)) return false;
  return true;
}
static_assert(inViewIdOrder());

}  // namespace

std::span<const NavEntry> navTable() { return kViews; }
const NavEntry& navEntry(ViewId view) { return kViews[static_cast<int>(view)]; }

std::optional<ViewId> recordView(Kind kind) {
  for (const NavEntry& e : kViews)
    if (e.records == kind) return e.view;
  return std::nullopt;
}

}  // namespace unionsync::gui

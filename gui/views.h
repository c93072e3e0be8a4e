// The panels of the main window, one file each (view_*.cpp). A view keeps its own UI state
// (selection, open forms, typed text) and reads shared data from GuiContext; it starts
// background work through ctx.tasks and never blocks the frame on the store for more than a
// single-record read or write.
#pragma once

#include <memory>

#include "gui/context.h"

struct ImFont;

namespace unionsync::gui {

class View {
 public:
  virtual ~View() = default;
  virtual void draw(GuiContext& ctx) = 0;
  // The data of the first screen is loaded (screenshots wait for this).
  virtual bool ready(const GuiContext& ctx) const = 0;
};

std::unique_ptr<View> makeOverviewView();
std::unique_ptr<View> makeOrgsView();
std::unique_ptr<View> makeMembersView();
std::unique_ptr<View> makeActivitiesView();
std::unique_ptr<View> makeReportView();
std::unique_ptr<View> makeImportView();
std::unique_ptr<View> makeSyncView();
std::unique_ptr<View> makeConflictsView();
std::unique_ptr<View> makeSettingsView();
// The list and side panel of one union work record kind (hardship, assistance, ...), all from
// the schema (view_records.cpp): registered by one row of gui/nav_table.cpp.
std::unique_ptr<View> makeRecordsView(Kind kind);

// Shown when the data folder holds no node yet.
struct WelcomeState {
  std::string dataDir;
  std::string openError;  // why the node could not be opened (bilingual)
  std::string name;
  bool withDemo = true;
  std::string createError;
  bool screenshotMode = false;
  bool creating = false;            // the node is being created
  bool preparing = false;           // the node is opening, with long one-time work
  ImFont* titleFont = nullptr;
  std::optional<float> progress;    // of the demo data
};
// Returns true when the person asked to create the node (name in state.name). Characters
// shown are noted in `glyphs`.
bool drawWelcome(WelcomeState& state, Tr& tr, GlyphSet& glyphs);

}  // namespace unionsync::gui

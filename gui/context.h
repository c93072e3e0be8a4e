// What every view shares: the open node, the sync engine, the translator, the background
// workers and the data they keep current. Owned by GuiApp; views get it by reference each
// frame and touch it only on the UI thread.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/node.h"
#include "app/sync/sync_service.h"
#include "gui/background.h"
#include "gui/glyph_set.h"
#include "gui/i18n.h"
#include "gui/member_table.h"
#include "gui/org_model.h"
#include "gui/settings_file.h"
#include "gui/write_queue.h"

struct ImFont;

namespace unionsync::gui {

// Lines the sync engine logs (on its own thread), kept for the Sync view.
class EngineLog {
 public:
  void add(std::string line);
  std::deque<std::string> lines() const;

 private:
  mutable std::mutex mutex_;
  std::deque<std::string> lines_;
};

// Requests from gui_bench and tests, applied by the views as if typed (no effect otherwise).
struct Automation {
  std::optional<std::string> memberSearch;  // replaces the member search text
  std::optional<float> memberScrollRows;     // scrolls the member table to this row
  std::optional<RecordId> openRecord;        // opens this record's side panel (--open)
};

// The member picker of the open form field (one is open at a time, like comboFilter): what
// is typed and the member table rows it matched, kept so a frame does not search again.
struct MemberPick {
  std::string typed;
  std::string matched;           // the text `rows` answer
  std::uint64_t serial = 0;      // of the snapshot `rows` index
  std::vector<std::uint32_t> rows;
};

// The employer picker of the open form field: the employers whose name starts with, or whose
// pinyin starts with, what the field holds (the store's search, as in the CLI).
struct EmployerPick {
  std::string matched;           // the text `names` answer
  std::uint64_t dataVersion = 0;  // of the store `names` were read from
  std::vector<std::string> names;
};

// A view asking a record view for the form of a new record, filled in (the member page's
// 登记帮扶 opens the Assistance view's form with the member chosen).
struct NewRecordRequest {
  Kind kind;
  FieldValues presets;
};

struct GuiContext {
  GuiContext(Node& node, Tr tr, std::function<void()> wake);

  Node& node;
  Tr tr;
  std::function<void()> wake;  // wakes the event loop from any thread
  TaskQueue tasks;     // the views' queries
  WriteQueue writer;   // every write a view makes (never Node's writers on the UI thread)
  MemberTableModel members;

  // (Re)starts the node's sync engine (node.sync()) listening on `listen`. When it cannot
  // listen (a busy port), the engine still runs for outgoing connections and engineError
  // says why; when it cannot start at all, sync stays null and engineError says why.
  void startEngine(const std::string& listen);
  std::string engineError;
  std::string listenAddress;
  bool discovery = true;  // LAN beacons when the engine starts
  // The union tree could not be read (a damaged store): views show the message instead of
  // waiting for data that will not come.
  bool loadFailed = false;
  std::shared_ptr<EngineLog> engineLog = std::make_shared<EngineLog>();
  std::shared_ptr<const SyncStatus> sync;  // the engine's latest snapshot (null without engine)

  std::shared_ptr<const OrgSummary> orgs = std::make_shared<OrgSummary>();
  bool orgsLoaded = false;
  std::optional<RecordId> scope;  // the organization subtree Overview/Members/Activities show
  bool scopeChosen = false;       // by the person (else the app picks the single root)
  std::size_t conflictCount = 0;
  std::size_t memberCount = 0;    // all member records (for load progress)

  std::uint64_t dataVersion = 1;  // increases whenever the store changed
  GlyphSet glyphs;                // what the font atlas must hold
  ImFont* largeFont = nullptr;    // for titles and figures (replaced when the atlas is rebuilt)
  ViewId view = ViewId::Overview;
  bool focusSearch = false;       // Ctrl+F was pressed: the view's search box takes focus
  bool revealPersonal = false;    // show full ID numbers and mobiles
  std::string comboFilter;        // typed into the open organization picker (one is open at a time)
  MemberPick memberPick;
  EmployerPick employerPick;
  std::optional<NewRecordRequest> newRecord;  // taken by the record view of its kind
  Automation automation;

  struct Notice {
    std::string text;
    bool error = false;
    double shownAt = 0;  // ImGui time
  };
  std::optional<Notice> notice;
  void notify(std::string text, bool error = false);
  // Every change to the data, whoever made it (a view's write, a received batch, another
  // process): the app asks it once per frame and refreshes what depends on the data; views
  // never report their writes.
  ChangeWatch changes;

  // Adds the characters of `text` to the font's set (rebuilt before the next frame if new).
  void note(std::string_view text) { glyphs.addText(text); }
  // `text` as ImGui can draw it (noted; characters above U+FFFF as their stand-ins).
  std::string shown(std::string_view text) {
    glyphs.addText(text);
    return glyphs.displayable(text);
  }
  // Name of an organization for tables ("—" when unknown).
  std::string_view orgName(const RecordId& id) const;
};

}  // namespace unionsync::gui

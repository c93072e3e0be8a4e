// Widgets shared by the views. Everything that shows data goes through these, so its
// characters reach the font's glyph set (GuiContext::note) and '?' never stays on screen.
#pragma once

#include <imgui.h>

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "gui/chart_bar.h"
#include "gui/context.h"
#include "gui/form_model.h"
#include "gui/sync_model.h"

namespace unionsync::gui::ui {

// Colours of the theme (see applyTheme).
ImVec4 toneColor(Tone tone);
ImVec4 mutedColor();
ImVec4 errorColor();
void applyTheme();

void text(GuiContext& ctx, std::string_view s);
void textColored(GuiContext& ctx, const ImVec4& color, std::string_view s);
void textWrapped(GuiContext& ctx, std::string_view s);
void textWrappedColored(GuiContext& ctx, const ImVec4& color, std::string_view s);
void textMuted(GuiContext& ctx, std::string_view s);
// Right-aligned in the cell or line, so that the digits of a column of numbers line up.
void textRight(GuiContext& ctx, std::string_view s);
void errorText(GuiContext& ctx, std::string_view s);
// `s` in a tooltip while the last item is hovered (the whole of a text a cell shortens).
void tooltip(GuiContext& ctx, std::string_view s);
// A view's heading in the large font.
void title(GuiContext& ctx, const char* s);
// Selectable text that can be copied (fingerprints, keys, paths): a read-only input.
void copyableText(GuiContext& ctx, const char* id, const std::string& s, float width = -1);

// A text input for std::string that notes what is typed (input methods bring any character).
bool input(GuiContext& ctx, const char* id, std::string& value, const char* hint = nullptr,
           ImGuiInputTextFlags flags = 0, float width = -1);

bool enterPressed();
bool escapePressed();
// A button that is greyed out and does nothing when `enabled` is false.
bool button(const char* label, bool enabled = true);
// A button drawn in the accent colour (the main action of a panel).
bool primaryButton(const char* label, bool enabled = true);

// A form's save button: 保存 (enabled when `canSave`), or 保存中… greyed out while the form's
// write runs. Returns true when pressed.
bool saveButton(const Tr& tr, const FormModel& form, bool canSave);
// The buttons above a record's form: the save button (unless deleted), 关闭, and for an
// existing record 删除 or, once deleted, 恢复. Returns the one pressed.
enum class FormAction { None, Save, Close, Delete, Restore };
FormAction formToolbar(const Tr& tr, const FormModel& form, bool existing, bool deleted, bool canSave);

// Saves `form` through ctx.writer (FormModel::beginSave/finishSave); the UI thread goes on
// drawing meanwhile. `saved(id)` runs on the UI thread once the record is stored, if the form
// still shows what was saved; validation errors go under the fields. Ignored while a save of
// this form is running. `form` must outlive ctx.writer's deliveries (a view's member does).
void saveForm(GuiContext& ctx, FormModel& form, std::function<void(const RecordId&)> saved);
// Runs one Node write (remove, restore, join, a conflict decision...) through ctx.writer.
// `done()` runs on the UI thread after it succeeded; a failure becomes an error notice, then
// `failed()` (if given) runs.
void submitWrite(GuiContext& ctx, std::function<Result<void>()> write, std::function<void()> done,
                 std::function<void()> failed = {});
// Runs one of a view's reads on ctx.tasks (off the UI thread): `loading` is true until it has
// finished; `done(result)` then runs on the UI thread, and a failure becomes an error notice.
// `loading` must outlive ctx.tasks' deliveries (a view's member does).
template <typename R>
void runQuery(GuiContext& ctx, bool& loading, std::function<R()> work, std::function<void(R)> done) {
  loading = true;
  ctx.tasks.run<R>(
      std::move(work),
      [&loading, done = std::move(done)](R result) {
        loading = false;
        done(std::move(result));
      },
      [&ctx, &loading](const std::string& error) {
        loading = false;
        ctx.notify(ctx.tr.message(error), true);
      });
}
// Deletes (`remove`) or restores one record through submitWrite.
void submitSetDeleted(GuiContext& ctx, Kind kind, const RecordId& id, bool remove, std::function<void()> done);

// Picks an organization from the tree (indented, filterable). With `allLabel`, the empty
// choice means "all organizations". Returns true when the choice changed.
bool orgCombo(GuiContext& ctx, const char* id, std::optional<RecordId>& value, const char* allLabel, float width);

// A reference field's value by the name of what it names (unions from the tree, members from
// the member table); other values, and ids of records not held, unchanged.
std::string referenceText(GuiContext& ctx, const FieldDef& field, const std::string& value);

// The organization subtree the Overview, Members and Activities views show (shared).
void scopeCombo(GuiContext& ctx, float width);
// The same after its label 范围, at the start of a view's toolbar.
void scopeRow(GuiContext& ctx, float width);

// The fields of a form generated from the schema, with each field's error under it.
// Returns true when Enter was pressed in the form (save).
bool formFields(GuiContext& ctx, FormModel& form);

// A yes/no modal. Call every frame; open it with openModal(id) from the same ID scope.
// Returns true once when confirmed.
bool confirmModal(GuiContext& ctx, const char* id, const std::string& message, const char* confirmLabel);
// Opens a modal whose title is translated ("Title###id").
void openModal(const char* id);

using Bar = ChartBar;
// Horizontal bar chart drawn with ImGui's draw list; `max` 0 = from the data.
void barChart(GuiContext& ctx, const char* id, std::span<const Bar> bars, double max, float width);

// A figure card: label above, the number in the large font, a note below.
void figureCard(GuiContext& ctx, const char* label, const std::string& value, const std::string& note, float width);

// Height of a table of `rows` rows plus a header, at most what is left of the window.
float tableHeight(std::size_t rows);

// "1,234,567"
std::string grouped(std::int64_t n);
// "87.5%" or "—" when empty.
std::string percent(std::optional<double> fraction);

}  // namespace unionsync::gui::ui

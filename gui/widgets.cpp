#include "gui/widgets.h"

#include <imgui_stdlib.h>

#include <fmt/format.h>

#include <algorithm>

#include "app/model/validation.h"
#include "app/search/pinyin.h"
#include "gui/record_rows.h"

namespace unionsync::gui::ui {

namespace {
const ImVec4 kAccent{0.75f, 0.13f, 0.15f, 1.0f};  // union red, for the main actions
const ImVec4 kBar{0.27f, 0.47f, 0.70f, 1.0f};
}  // namespace

ImVec4 toneColor(Tone tone) {
  switch (tone) {
    case Tone::Good: return {0.13f, 0.55f, 0.25f, 1.0f};
    case Tone::Busy: return {0.80f, 0.50f, 0.05f, 1.0f};
    case Tone::Bad: return errorColor();
    case Tone::Quiet: break;
  }
  return mutedColor();
}
ImVec4 mutedColor() { return {0.42f, 0.42f, 0.45f, 1.0f}; }
ImVec4 errorColor() { return {0.78f, 0.10f, 0.10f, 1.0f}; }

void applyTheme() {
  ImGui::StyleColorsLight();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.ChildRounding = 4;
  s.FrameRounding = 4;
  s.PopupRounding = 4;
  s.GrabRounding = 4;
  s.TabRounding = 4;
  s.FramePadding = {8, 5};
  s.ItemSpacing = {10, 7};
  s.CellPadding = {6, 4};
  s.WindowPadding = {14, 12};
  s.ScrollbarSize = 16;
  s.FrameBorderSize = 1;  // inputs and check boxes stay visible on the light background
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = {0.97f, 0.97f, 0.96f, 1.0f};
  c[ImGuiCol_ChildBg] = {1, 1, 1, 0};
  c[ImGuiCol_Header] = {0.75f, 0.13f, 0.15f, 0.18f};
  c[ImGuiCol_HeaderHovered] = {0.75f, 0.13f, 0.15f, 0.28f};
  c[ImGuiCol_HeaderActive] = {0.75f, 0.13f, 0.15f, 0.38f};
  c[ImGuiCol_TableHeaderBg] = {0.90f, 0.90f, 0.88f, 1.0f};
  c[ImGuiCol_TableRowBgAlt] = {0.95f, 0.95f, 0.94f, 1.0f};
  c[ImGuiCol_TabActive] = {1, 1, 1, 1};
  c[ImGuiCol_CheckMark] = kAccent;
  c[ImGuiCol_PlotHistogram] = kBar;
  c[ImGuiCol_NavHighlight] = kAccent;
}

void text(GuiContext& ctx, std::string_view s) {
  const std::string shown = ctx.shown(s);
  ImGui::TextUnformatted(shown.data(), shown.data() + shown.size());
}

void textColored(GuiContext& ctx, const ImVec4& color, std::string_view s) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  text(ctx, s);
  ImGui::PopStyleColor();
}

void textWrapped(GuiContext& ctx, std::string_view s) {
  const std::string shown = ctx.shown(s);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(shown.data(), shown.data() + shown.size());
  ImGui::PopTextWrapPos();
}

void textWrappedColored(GuiContext& ctx, const ImVec4& color, std::string_view s) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  textWrapped(ctx, s);
  ImGui::PopStyleColor();
}

void textMuted(GuiContext& ctx, std::string_view s) { textWrappedColored(ctx, mutedColor(), s); }

void textRight(GuiContext& ctx, std::string_view s) {
  const std::string shown = ctx.shown(s);
  const float width = ImGui::CalcTextSize(shown.c_str()).x;
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, ImGui::GetContentRegionAvail().x - width));
  ImGui::TextUnformatted(shown.data(), shown.data() + shown.size());
}

void errorText(GuiContext& ctx, std::string_view s) { textWrappedColored(ctx, errorColor(), s); }

void tooltip(GuiContext& ctx, std::string_view s) {
  if (!ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  text(ctx, s);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

void title(GuiContext& ctx, const char* s) {
  ctx.note(s);
  ImGui::PushFont(ctx.largeFont);
  ImGui::TextUnformatted(s);
  ImGui::PopFont();
  ImGui::Separator();
}

void copyableText(GuiContext& ctx, const char* id, const std::string& s, float width) {
  std::string copy = ctx.shown(s);
  ImGui::SetNextItemWidth(width);
  ImGui::InputText(id, &copy, ImGuiInputTextFlags_ReadOnly);
}

bool input(GuiContext& ctx, const char* id, std::string& value, const char* hint, ImGuiInputTextFlags flags,
           float width) {
  ImGui::SetNextItemWidth(width);
  const bool changed = hint ? ImGui::InputTextWithHint(id, hint, &value, flags) : ImGui::InputText(id, &value, flags);
  ctx.note(value);
  return changed;
}

bool enterPressed() {
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
         ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false);
}

bool escapePressed() { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false); }

bool button(const char* label, bool enabled) {
  if (!enabled) ImGui::BeginDisabled();
  const bool pressed = ImGui::Button(label);
  if (!enabled) ImGui::EndDisabled();
  return pressed && enabled;
}

bool primaryButton(const char* label, bool enabled) {
  ImGui::PushStyleColor(ImGuiCol_Button, kAccent);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4{0.85f, 0.22f, 0.22f, 1.0f});
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4{0.62f, 0.08f, 0.10f, 1.0f});
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4{1, 1, 1, 1});
  const bool pressed = button(label, enabled);
  ImGui::PopStyleColor(4);
  return pressed;
}

bool saveButton(const Tr& tr, const FormModel& form, bool canSave) {
  // One ImGui id for both labels, so the button keeps its place and focus while it changes.
  const std::string label = fmt::format("{}###save", tr(form.saving() ? T::Saving : T::Save));
  return primaryButton(label.c_str(), canSave && !form.saving());
}

FormAction formToolbar(const Tr& tr, const FormModel& form, bool existing, bool deleted, bool canSave) {
  FormAction action = FormAction::None;
  if (!deleted) {
    if (saveButton(tr, form, canSave)) action = FormAction::Save;
    ImGui::SameLine();
  }
  if (ImGui::Button(tr(T::Close))) action = FormAction::Close;
  if (existing) {
    ImGui::SameLine();
    if (deleted ? primaryButton(tr(T::Restore)) : ImGui::Button(tr(T::Delete)))
      action = deleted ? FormAction::Restore : FormAction::Delete;
  }
  return action;
}

bool orgCombo(GuiContext& ctx, const char* id, std::optional<RecordId>& value, const char* allLabel, float width) {
  std::string preview = value ? std::string(ctx.orgName(*value)) : std::string(allLabel ? allLabel : "");
  if (!value && !allLabel) preview = ctx.tr(T::ChooseOrg);
  preview = ctx.shown(preview);
  ImGui::SetNextItemWidth(width);
  bool changed = false;
  if (!ImGui::BeginCombo(id, preview.c_str(), ImGuiComboFlags_HeightLarge)) return false;
  std::string& filter = ctx.comboFilter;
  if (ImGui::IsWindowAppearing()) {
    filter.clear();
    ImGui::SetKeyboardFocusHere();
  }
  input(ctx, "##filter", filter, ctx.tr(T::FilterHint));
  if (allLabel && filter.empty() && ImGui::Selectable(allLabel, !value)) {
    value.reset();
    changed = true;
  }
  const std::string pinyinKey = pinyin::queryKey(filter);
  for (const OrgRow* row : ctx.orgs->liveRows()) {
    if (!filter.empty() && row->name.find(filter) == std::string::npos && !pinyin::matches(row->name, pinyinKey)) continue;
    ImGui::PushID(row);
    ImGui::Indent(filter.empty() ? 14.0f * static_cast<float>(row->depth) + 1 : 1);
    if (ImGui::Selectable(ctx.shown(row->name).c_str(), value == row->id)) {
      value = row->id;
      changed = true;
    }
    ImGui::Unindent(filter.empty() ? 14.0f * static_cast<float>(row->depth) + 1 : 1);
    ImGui::PopID();
  }
  ImGui::EndCombo();
  return changed;
}

std::string referenceText(GuiContext& ctx, const FieldDef& field, const std::string& value) {
  const auto id = field.type == FieldType::Ref ? RecordId::fromHex(value) : std::nullopt;
  if (!id) return value;
  if (field.refKind == Kind::Organization) return std::string(ctx.orgName(*id));
  const std::string name = field.refKind == Kind::Member ? memberName(ctx.members.view().snapshot.get(), *id) : "";
  return name.empty() ? value : name;
}

void scopeCombo(GuiContext& ctx, float width) {
  if (orgCombo(ctx, "##scope", ctx.scope, ctx.tr(T::AllOrgs), width)) ctx.scopeChosen = true;
}

void scopeRow(GuiContext& ctx, float width) {
  ImGui::AlignTextToFramePadding();
  text(ctx, ctx.tr(T::Scope));
  ImGui::SameLine();
  scopeCombo(ctx, width);
}

namespace {

void choiceCombo(GuiContext& ctx, FormField& f) {
  const std::string preview = f.value.empty() ? std::string(ctx.tr(T::NotFilled)) : std::string(ctx.tr.choice(f.value));
  ImGui::SetNextItemWidth(-1);
  if (!ImGui::BeginCombo("##v", preview.c_str())) return;
  if (ImGui::Selectable(ctx.tr(T::NotFilled), f.value.empty())) f.value.clear();
  for (std::string_view choice : f.def->choices) {
    const std::string shown(ctx.tr.choice(choice));
    if (ImGui::Selectable(shown.c_str(), f.value == choice)) {
      f.value = std::string(choice);
      f.error.clear();
    }
  }
  ImGui::EndCombo();
}

// Picks a member by typing a name, ID number or card number (the member table's search):
// the field stores the member's id, which nobody types.
void memberCombo(GuiContext& ctx, FormField& f) {
  const MemberSnapshot* snapshot = ctx.members.view().snapshot.get();
  const auto id = RecordId::fromHex(f.value);
  std::string preview = id ? memberName(snapshot, *id) : std::string();
  if (preview.empty()) preview = f.value.empty() ? ctx.tr(T::MemberPickChoose) : f.value;  // typed, or not in the table
  ImGui::SetNextItemWidth(-1);
  if (!ImGui::BeginCombo("##v", ctx.shown(preview).c_str(), ImGuiComboFlags_HeightLarge)) return;
  MemberPick& pick = ctx.memberPick;
  if (ImGui::IsWindowAppearing()) {
    pick.typed.clear();
    ImGui::SetKeyboardFocusHere();
  }
  input(ctx, "##find", pick.typed, ctx.tr(T::MemberPickHint));
  constexpr std::size_t kShown = 30;
  if (snapshot && (pick.matched != pick.typed || pick.serial != snapshot->serial())) {
    pick.rows = findMembers(*snapshot, pick.typed, kShown + 1);
    pick.matched = pick.typed;
    pick.serial = snapshot->serial();
  }
  if (!pick.typed.empty() && pick.rows.empty()) textMuted(ctx, ctx.tr(T::MemberPickNone));
  for (std::size_t i = 0; snapshot && i < pick.rows.size() && i < kShown; ++i) {
    const MemberRow& row = snapshot->row(pick.rows[i]);
    ImGui::PushID(static_cast<int>(i));
    const std::string org = row.org == kNoOrg ? std::string() : std::string(ctx.orgName(snapshot->orgIds()[row.org]));
    const std::string label = fmt::format("{}  {}  {}", snapshot->text(row.name),
                                          ctx.revealPersonal ? snapshot->text(row.idNumber) : maskIdNumber(snapshot->text(row.idNumber)), org);
    if (ImGui::Selectable(ctx.shown(label).c_str(), id == row.id)) {
      f.value = row.id.hex();
      f.error.clear();
    }
    ImGui::PopID();
  }
  if (pick.rows.size() > kShown) textMuted(ctx, ctx.tr.format(T::MemberPickMore, kShown));
  ImGui::EndCombo();
}

// What happened to a form's text field this frame.
struct TextInput {
  bool edited = false;   // the value changed
  bool focused = false;  // the text box has the keyboard
  bool left = false;     // the person left the box after editing it
};

// A form's text field. One naming an employer (工作单位, 涉及单位) is typed freely or picked
// from the employers the text finds (a name prefix or pinyin, as the CLI's search).
TextInput textInput(GuiContext& ctx, FormField& f, const char* hint) {
  const bool employer = f.def->name == "employer" && f.def->type == FieldType::Text;
  const float width = employer ? -ImGui::GetFrameHeight() - ImGui::GetStyle().ItemInnerSpacing.x : -1;
  TextInput in{.edited = input(ctx, "##v", f.value, hint, 0, width), .focused = ImGui::IsItemFocused(),
               .left = ImGui::IsItemDeactivatedAfterEdit()};
  if (!employer) return in;
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  if (!ImGui::BeginCombo("##pick", nullptr, ImGuiComboFlags_NoPreview | ImGuiComboFlags_PopupAlignLeft | ImGuiComboFlags_HeightLarge))
    return in;
  EmployerPick& pick = ctx.employerPick;
  if (pick.matched != f.value || pick.dataVersion != ctx.dataVersion || ImGui::IsWindowAppearing()) {
    constexpr std::size_t kShown = 30;
    pick.names.clear();
    for (const Record& r : ctx.node.list(ListQuery{.kind = Kind::Employer, .search = f.value, .limit = kShown}))
      pick.names.emplace_back(r.get("name"));
    pick.matched = f.value;
    pick.dataVersion = ctx.dataVersion;
  }
  if (pick.names.empty()) textMuted(ctx, ctx.tr(T::EmployerPickNone));
  for (std::size_t i = 0; i < pick.names.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable(ctx.shown(pick.names[i]).c_str(), f.value == pick.names[i])) {
      f.value = pick.names[i];
      in.edited = in.left = true;
    }
    ImGui::PopID();
  }
  ImGui::EndCombo();
  return in;
}

const char* hintFor(GuiContext& ctx, const FieldDef& def) {
  switch (def.type) {
    case FieldType::Date: return ctx.tr(T::HintDate);
    case FieldType::Money: return ctx.tr(T::HintMoney);
    case FieldType::Mobile: return ctx.tr(T::HintMobile);
    case FieldType::IdNumber: return ctx.tr(T::HintIdNumber);
    case FieldType::Count: return "0";
    default: return nullptr;
  }
}

}  // namespace

bool formFields(GuiContext& ctx, FormModel& form) {
  bool submit = false;
  // The label column fits the longest label (工会统一社会信用代码 *), within reason.
  float labelWidth = 0;
  for (const FormField& f : form.fields())
    labelWidth = std::max(labelWidth, ImGui::CalcTextSize(std::string(ctx.tr.label(*f.def)).c_str()).x);
  labelWidth = std::clamp(labelWidth + ImGui::CalcTextSize(" *").x + 8, 90.0f, 210.0f);
  if (!ImGui::BeginTable("##form", 2, ImGuiTableFlags_SizingStretchProp)) return false;
  ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, labelWidth);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
  for (FormField& f : form.fields()) {
    ImGui::PushID(f.def->name.data(), f.def->name.data() + f.def->name.size());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    std::string label(ctx.tr.label(*f.def));
    if (f.def->required) label += " *";
    if (!f.error.empty()) textColored(ctx, errorColor(), label);
    else text(ctx, label);
    ImGui::TableNextColumn();
    if (f.readOnly || hasAstral(f.value)) {
      const bool personal = f.def->type == FieldType::IdNumber && !ctx.revealPersonal;
      copyableText(ctx, "##v", personal ? maskIdNumber(f.value) : referenceText(ctx, *f.def, f.value));
      // An ImGui input would turn the character into U+FFFD on the next keystroke.
      if (!f.readOnly) textMuted(ctx, ctx.tr(T::FormAstralReadOnly));
    } else {
      switch (f.def->type) {
        case FieldType::Choice: choiceCombo(ctx, f); break;
        case FieldType::Bool: {
          bool on = f.value == "1";
          if (ImGui::Checkbox("##v", &on)) {
            f.value.assign(1, on ? '1' : '0');  // not operator=: GCC 12 warns falsely (-Wrestrict)
            f.error.clear();
          }
          break;
        }
        case FieldType::Ref:
          if (f.def->refKind == Kind::Organization) {
            std::optional<RecordId> org = RecordId::fromHex(f.value);
            if (orgCombo(ctx, "##v", org, nullptr, -1)) {
              f.value = org ? org->hex() : std::string();
              f.error.clear();
            }
            break;
          }
          if (f.def->refKind == Kind::Member) {
            memberCombo(ctx, f);
            break;
          }
          [[fallthrough]];
        default: {
          const TextInput in = textInput(ctx, f, hintFor(ctx, *f.def));
          if (in.edited) f.error.clear();
          if (in.focused && enterPressed()) submit = true;
          // Say what is wrong as soon as the person leaves the field (a new record would
          // flag every required field not reached yet, so only when editing).
          if (in.left && form.editing()) form.validate(ctx.node, ctx.tr);
        }
      }
    }
    if (!f.error.empty()) errorText(ctx, f.error);
    ImGui::PopID();
  }
  ImGui::EndTable();
  if (!form.formError().empty()) errorText(ctx, form.formError());
  return submit;
}

void saveForm(GuiContext& ctx, FormModel& form, std::function<void(const RecordId&)> saved) {
  if (form.saving()) return;  // Enter pressed again while the first save runs
  const FormWrite write = form.beginSave();
  ctx.writer.submit<std::expected<RecordId, ValidationFailure>>(
      [&node = ctx.node, write] { return write.run(node); },
      [&ctx, &form, write, saved = std::move(saved)](std::expected<RecordId, ValidationFailure> result) {
        if (auto id = form.finishSave(write, result, ctx.tr)) saved(*id);
      },
      [&ctx, &form, write](const std::string& error) {
        form.finishSave(write, std::unexpected(ValidationFailure{{FieldError{"", error}}}), ctx.tr);
      });
}

void submitWrite(GuiContext& ctx, std::function<Result<void>()> write, std::function<void()> done,
                 std::function<void()> failed) {
  auto fail = [&ctx, failed](const std::string& message) {
    ctx.notify(ctx.tr.message(message), true);
    if (failed) failed();
  };
  ctx.writer.submit<Result<void>>(
      std::move(write),
      [fail, done = std::move(done)](Result<void> result) {
        if (!result) fail(result.error().message);
        else if (done) done();
      },
      fail);
}

void submitSetDeleted(GuiContext& ctx, Kind kind, const RecordId& id, bool remove, std::function<void()> done) {
  submitWrite(
      ctx, [&node = ctx.node, kind, id, remove] { return remove ? node.remove(kind, id) : node.restore(kind, id); },
      std::move(done));
}

void openModal(const char* id) { ImGui::OpenPopup(fmt::format("###{}", id).c_str()); }

bool confirmModal(GuiContext& ctx, const char* id, const std::string& message, const char* confirmLabel) {
  bool confirmed = false;
  ImGui::SetNextWindowSize({420, 0});
  // The title is translated; the popup's identity is `id`.
  const std::string title = fmt::format("{}###{}", ctx.tr(T::ConfirmTitle), id);
  if (ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_NoResize | ImGuiWindowFlags_AlwaysAutoResize)) {
    textWrapped(ctx, message);
    ImGui::Spacing();
    if (primaryButton(confirmLabel) || enterPressed()) {
      confirmed = true;
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(ctx.tr(T::Cancel)) || escapePressed()) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  return confirmed;
}

void barChart(GuiContext& ctx, const char* id, std::span<const Bar> bars, double max, float width) {
  const float line = ImGui::GetTextLineHeight();
  const float rowHeight = line + 8;
  const float labelWidth = std::min(220.0f, width * 0.38f);
  const float valueWidth = 90;
  const float barSpace = std::max(40.0f, width - labelWidth - valueWidth - 16);
  for (const Bar& b : bars) max = std::max(max, b.value);
  max = niceCeiling(max);
  ImGui::PushID(id);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 barColor = ImGui::GetColorU32(ImGuiCol_PlotHistogram);
  const ImU32 textColor = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 gridColor = ImGui::GetColorU32(ImVec4{0, 0, 0, 0.08f});
  for (int g = 0; g <= 4; ++g) {
    const float x = origin.x + labelWidth + barSpace * static_cast<float>(g) / 4;
    draw->AddLine({x, origin.y}, {x, origin.y + rowHeight * static_cast<float>(bars.size())}, gridColor);
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const float y = origin.y + rowHeight * static_cast<float>(i);
    const std::string label = ctx.shown(b.label);
    // Clip long names to their column.
    draw->PushClipRect({origin.x, y}, {origin.x + labelWidth - 8, y + rowHeight}, true);
    draw->AddText({origin.x, y + 4}, textColor, label.c_str());
    draw->PopClipRect();
    const float w = static_cast<float>(b.value / max) * barSpace;
    draw->AddRectFilled({origin.x + labelWidth, y + 3}, {origin.x + labelWidth + std::max(w, 1.0f), y + rowHeight - 3},
                        barColor, 2);
    draw->AddText({origin.x + labelWidth + w + 6, y + 4}, textColor, b.shown.c_str());
  }
  ImGui::Dummy({width, rowHeight * static_cast<float>(bars.size())});
  // The name in full when the pointer rests on a row.
  if (ImGui::IsItemHovered()) {
    const auto row = static_cast<std::size_t>((ImGui::GetIO().MousePos.y - origin.y) / rowHeight);
    if (row < bars.size()) ImGui::SetTooltip("%s: %s", ctx.shown(bars[row].label).c_str(), bars[row].shown.c_str());
  }
  ImGui::PopID();
}

void figureCard(GuiContext& ctx, const char* label, const std::string& value, const std::string& note, float width) {
  ImGui::BeginGroup();
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4{1, 1, 1, 1});
  ImGui::BeginChild(label, {width, 110}, true, ImGuiWindowFlags_NoScrollbar);
  textMuted(ctx, label);
  ImGui::PushFont(ctx.largeFont);
  text(ctx, value);
  ImGui::PopFont();
  if (!note.empty()) textMuted(ctx, note);
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::EndGroup();
}

float tableHeight(std::size_t rows) {
  const float row = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  return std::min(ImGui::GetContentRegionAvail().y, row * static_cast<float>(rows + 1) + 4);
}

std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string percent(std::optional<double> fraction) {
  if (!fraction) return "—";
  return fmt::format("{:.1f}%", *fraction * 100);
}

}  // namespace unionsync::gui::ui

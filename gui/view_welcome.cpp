// The first screen when the data folder holds no node: say so, and offer to create one
// (with a demo district to learn on). Screenshot mode only shows the message. Also what the
// window shows while a node opens with long one-time work (an older store converted).
#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

#include <utility>

#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

bool drawWelcome(WelcomeState& s, Tr& tr, GlyphSet& glyphs) {
  glyphs.addText(s.dataDir);
  glyphs.addText(s.name);
  const float width = std::min(680.0f, ImGui::GetContentRegionAvail().x - 40);
  ImGui::SetCursorPos({std::max(20.0f, (ImGui::GetWindowWidth() - width) / 2), 60});
  ImGui::BeginGroup();
  ImGui::PushFont(s.titleFont);
  ImGui::TextUnformatted(tr(T::WelcomeTitle));
  ImGui::PopFont();
  ImGui::Separator();
  ImGui::Spacing();

  int lang = tr.english() ? 1 : 0;
  if (ImGui::RadioButton("中文", &lang, 0)) tr.setLang(Lang::Zh);
  ImGui::SameLine();
  if (ImGui::RadioButton("English", &lang, 1)) tr.setLang(Lang::En);
  ImGui::Spacing();

  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (s.preparing) {
    ImGui::TextUnformatted(tr.format(T::WelcomePreparing, s.dataDir).c_str());
    ImGui::TextUnformatted(tr(T::WelcomePreparingWhy));
    ImGui::TextColored(ui::mutedColor(), "%s", tr.format(T::WelcomePreparingFor, static_cast<int>(ImGui::GetTime())).c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    return false;
  }
  // A folder with a store that fails to open is a different problem: show the reason, and
  // no offer to create a node over it.
  std::error_code ec;
  if (!s.openError.empty() && std::filesystem::exists(s.dataDir + "/data.mdb", ec)) {
    ImGui::TextUnformatted(tr.format(T::WelcomeCannotOpen, s.dataDir).c_str());
    glyphs.addText(s.openError);
    ImGui::TextColored(ui::errorColor(), "%s", tr.message(s.openError).c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    return false;
  }
  ImGui::TextUnformatted(tr.format(T::WelcomeNoNode, s.dataDir).c_str());
  ImGui::Spacing();
  if (s.screenshotMode) {
    ImGui::TextColored(ui::mutedColor(), "%s", tr(T::WelcomeScreenshotMode));
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    return false;
  }
  if (s.creating) {
    ImGui::TextUnformatted(tr(T::WelcomeCreating));
    if (s.progress) ImGui::ProgressBar(*s.progress, {width, 0});
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    return false;
  }
  ImGui::TextUnformatted(tr(T::WelcomeNameLabel));
  ImGui::SetNextItemWidth(width);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  ImGui::InputTextWithHint("##name", tr(T::WelcomeNameHint), &s.name);
  const bool enter = ImGui::IsItemDeactivated() && ui::enterPressed();
  ImGui::Checkbox(tr(T::WelcomeWithDemo), &s.withDemo);
  ImGui::Spacing();
  const bool canCreate = !s.name.empty();
  const bool create = (ui::primaryButton(tr(T::WelcomeCreate), canCreate) || enter) && canCreate;
  if (!s.createError.empty()) {
    glyphs.addText(s.createError);
    ImGui::TextColored(ui::errorColor(), "%s", tr.message(s.createError).c_str());
  }
  ImGui::Spacing();
  ImGui::TextColored(ui::mutedColor(), "%s", tr(T::WelcomeHint));
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  return create;
}

}  // namespace unionsync::gui

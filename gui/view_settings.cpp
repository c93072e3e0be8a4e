// 设置: language (switches live), node name, data folder, backup now, and what the program
// knows about its fonts.
#include <fmt/format.h>

#include <filesystem>

#include "gui/field_history.h"
#include <utility>

#include "gui/views.h"
#include "gui/widgets.h"

namespace unionsync::gui {

namespace {

class SettingsView final : public View {
 public:
  void draw(GuiContext& ctx) override {
    const Tr& tr = ctx.tr;
    ui::title(ctx, tr(T::NavSettings));
    if (name_.empty() && !nameEdited_) name_ = ctx.node.info().nodeName;
    if (backupDir_.empty()) backupDir_ = ctx.node.dataDir() + "/backups";

    section(ctx, T::SettingsLanguage);
    int lang = tr.english() ? 1 : 0;
    if (ImGui::RadioButton("中文", &lang, 0)) ctx.tr.setLang(Lang::Zh);
    ImGui::SameLine();
    if (ImGui::RadioButton("English", &lang, 1)) ctx.tr.setLang(Lang::En);

    section(ctx, T::SettingsNodeName);
    if (ui::input(ctx, "##name", name_, nullptr, 0, 420)) nameEdited_ = true;
    const bool enter = ImGui::IsItemDeactivated() && ui::enterPressed();
    ImGui::SameLine();
    const std::string saveLabel = fmt::format("{}###savename", ctx.tr(renaming_ ? T::Saving : T::Save));
    const bool canSave = !name_.empty() && !renaming_;
    if (ui::button(saveLabel.c_str(), canSave) || (enter && canSave)) {
      renaming_ = true;
      ui::submitWrite(
          ctx, [&node = ctx.node, name = name_] { return node.rename(name); },
          [this, &ctx] {
            renaming_ = nameEdited_ = false;
            ctx.notify(ctx.tr(T::SettingsNameSaved));
          },
          [this] { renaming_ = false; });
    }
    ui::textMuted(ctx, ctx.tr(T::SettingsNameHint));

    section(ctx, T::SettingsDataDir);
    ui::copyableText(ctx, "##dir", ctx.node.dataDir(), 620);

    section(ctx, T::SettingsBackup);
    ui::input(ctx, "##backupdir", backupDir_, nullptr, 0, 620);
    if (backup_ && !backup_->finished()) {
      ui::textMuted(ctx, ctx.tr(T::SettingsBackingUp));
    } else {
      if (backup_) finishBackup(ctx);
      if (ui::primaryButton(ctx.tr(T::SettingsBackupNow))) startBackup(ctx);
    }
    if (!lastBackup_.empty()) ui::textMuted(ctx, lastBackup_);

    section(ctx, T::SettingsAbout);
    ui::textMuted(ctx, ctx.tr.format(T::SettingsAboutText, ctx.glyphs.size(), ctx.glyphs.astral().size()));
  }

  bool ready(const GuiContext&) const override { return true; }

 private:
  void section(GuiContext& ctx, T label) {
    ImGui::Spacing();
    ImGui::Spacing();
    ui::textColored(ctx, ui::toneColor(Tone::Bad), ctx.tr(label));
  }

  void startBackup(GuiContext& ctx) {
    const std::string file = fmt::format("{}/unionsync-{}.mdb", backupDir_, stamp());
    *backupResult_ = {};
    auto result = backupResult_;  // shared: the job may outlive a language switch, not the view
    backup_ = std::make_unique<Job>(
        [&node = ctx.node, file, dir = backupDir_, result](Job::Control&) {
          std::error_code ec;
          std::filesystem::create_directories(dir, ec);
          auto done = node.backup(file);
          if (done) result->file = file;
          else result->error = done.error().message;
        },
        ctx.wake);
  }

  void finishBackup(GuiContext& ctx) {
    const BackupOutcome& r = *backupResult_;
    if (!backup_->failure().empty()) ctx.notify(backup_->failure(), true);
    else if (!r.error.empty()) ctx.notify(ctx.tr.message(r.error), true);
    else {
      lastBackup_ = ctx.tr.format(T::SettingsBackupDone, r.file);
      ctx.notify(lastBackup_);
    }
    backup_.reset();
  }

  static std::string stamp() {
    std::string t = formatTime(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
    std::erase_if(t, [](char c) { return c == '-' || c == ':'; });
    std::replace(t.begin(), t.end(), ' ', '-');
    return t;
  }

  std::string name_;
  bool nameEdited_ = false;
  bool renaming_ = false;  // the rename is on the writer
  std::string backupDir_;
  std::unique_ptr<Job> backup_;
  struct BackupOutcome {
    std::string file;
    std::string error;
  };
  std::shared_ptr<BackupOutcome> backupResult_ = std::make_shared<BackupOutcome>();
  std::string lastBackup_;
};

}  // namespace

std::unique_ptr<View> makeSettingsView() { return std::make_unique<SettingsView>(); }

}  // namespace unionsync::gui

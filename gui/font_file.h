// A system CJK font file in memory, and which characters it has. The atlas (fonts.cpp)
// draws from it; the glyph-set tests check with it that every UI string can be drawn.
#pragma once

#include <memory>
#include <optional>
#include <string>

struct stbtt_fontinfo;

namespace unionsync::gui {

class FontFile {
 public:
  // Noto Sans CJK SC (face 2 of the collection), else WenQuanYi Micro Hei; empty when neither
  // is installed.
  static std::optional<FontFile> loadSystemFont();
  static std::optional<FontFile> load(const std::string& path, int face);

  const std::string& path() const { return path_; }
  int face() const { return face_; }
  // The file's bytes (a font collection holds several faces).
  std::string& bytes() { return *bytes_; }
  // stb_truetype's view of the face (valid as long as this object).
  const stbtt_fontinfo& info() const { return *info_; }
  bool has(char32_t codePoint) const;

 private:
  std::string path_;
  int face_ = 0;
  std::shared_ptr<std::string> bytes_;  // shared: info_ points into it
  std::shared_ptr<stbtt_fontinfo> info_;
};

}  // namespace unionsync::gui

#include "gui/screenshot.h"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <vector>

namespace unionsync::gui {

bool writeScreenshot(const std::string& path, int width, int height, std::string& error) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's first row is the bottom of the window; PNG's is the top.
  stbi_flip_vertically_on_write(1);
  if (!stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4)) {
    error = "无法写入截图 " + path + " / cannot write the screenshot " + path;
    return false;
  }
  return true;
}

}  // namespace unionsync::gui

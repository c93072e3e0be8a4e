// Writes the current OpenGL framebuffer to a PNG (right way up). Call after rendering a
// frame and before swapping buffers.
#pragma once

#include <string>

namespace unionsync::gui {

bool writeScreenshot(const std::string& path, int width, int height, std::string& error);

}  // namespace unionsync::gui

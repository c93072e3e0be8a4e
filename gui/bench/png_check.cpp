// png_check FILE.png [MIN_STDDEV]: exits 0 when the PNG loads and is not blank — the standard
// deviation of its grey levels is at least MIN_STDDEV (default 8), i.e. something was drawn
// on it. Used by the screenshot test of every view.
#include <stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: png_check FILE.png [MIN_STDDEV]\n");
    return 2;
  }
  const double minStddev = argc > 2 ? std::atof(argv[2]) : 8.0;
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load(argv[1], &width, &height, &channels, 1);
  if (!pixels) {
    std::fprintf(stderr, "%s: cannot load: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  const double n = static_cast<double>(width) * height;
  double sum = 0, squares = 0;
  for (int i = 0; i < width * height; ++i) {
    sum += pixels[i];
    squares += static_cast<double>(pixels[i]) * pixels[i];
  }
  stbi_image_free(pixels);
  const double mean = sum / n;
  const double stddev = std::sqrt(std::max(0.0, squares / n - mean * mean));
  std::printf("%s: %dx%d, mean %.1f, stddev %.1f\n", argv[1], width, height, mean, stddev);
  return stddev >= minStddev ? 0 : 1;
}

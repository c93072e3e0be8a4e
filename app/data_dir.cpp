#include "app/data_dir.h"

#include <cstdlib>

namespace unionsync {

std::string defaultDataDir() {
  if (const char* env = std::getenv("UNIONSYNC_DATA"); env && *env) return env;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/share/unionsync";
  return "unionsync-data";
}

}  // namespace unionsync

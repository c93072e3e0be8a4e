// Where a node's data lives when no --data is given: $UNIONSYNC_DATA, else
// ~/.local/share/unionsync, else ./unionsync-data (no HOME). The CLI and the desktop program
// both use it, so one environment variable points both at the same node.
#pragma once

#include <string>

namespace unionsync {

std::string defaultDataDir();

}  // namespace unionsync

// The versions `unionsync --version` and `unionsync-gui --version` print: the program's (the
// CMake project version), the sync protocol's (a peer with another one is refused, see
// docs/SYNC.md) and the store format's (store/format_version.h).
#pragma once

#include <string>

namespace unionsync {

// Three lines "中文 / English: N", separated by '\n', without a final newline. Never fails.
std::string versionText();

}  // namespace unionsync

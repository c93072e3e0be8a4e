#include "app/version.h"

#include <fmt/format.h>

#include "store/format_version.h"
#include "sync/codec.h"

#ifndef UNIONSYNC_VERSION
#error "app/CMakeLists.txt defines UNIONSYNC_VERSION from project(VERSION ...)"
#endif

namespace unionsync {

std::string versionText() {
  return fmt::format("程序版本 / program version: {}\n"
                     "同步协议版本 / sync protocol version: {}\n"
                     "存储格式版本 / store format version: {}",
                     UNIONSYNC_VERSION, kProtocolVersion, kStoreFormatVersion);
}

}  // namespace unionsync

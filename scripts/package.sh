#!/usr/bin/env bash
# Builds the Debian package unionsync_VERSION_ARCH.deb: configures (if needed) and builds the
# build folder, then runs CPack there (settings in packaging/CMakeLists.txt).
# Usage: scripts/package.sh [BUILD_DIR [OUT_DIR]]   defaults: build/, and BUILD_DIR for the .deb
# Prints the package's path on its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
out=${2:-$build}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j"$(nproc)"
mkdir -p "$out"
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >&2
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
deb="$out/unionsync_${version}_$(dpkg --print-architecture).deb"
if [ ! -f "$deb" ]; then
  echo "package.sh: 未生成 $deb / cpack did not write $deb" >&2
  exit 1
fi
echo "$deb"

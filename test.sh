#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (fast and slow tests).
#   ./test.sh            everything
#   ./test.sh -LE slow   only the fast tests (any ctest arguments are passed on)
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"

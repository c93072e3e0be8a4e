#!/usr/bin/env bash
# `--version` of each program names the CMake project version, the protocol version in
# sync/codec.h and the store format in store/format_version.h, one per line.
# Usage: version_test.sh SOURCE_DIR PROJECT_VERSION PROGRAM...
set -euo pipefail
src=$1
version=$2
shift 2
constant() {  # FILE NAME: the value of `inline constexpr ... NAME = VALUE;`
  sed -n "s/^inline constexpr [a-z0-9_:]* $2 = \([0-9]*\);.*/\1/p" "$src/$1"
}
protocol=$(constant sync/codec.h kProtocolVersion)
format=$(constant store/format_version.h kStoreFormatVersion)
if [ -z "$protocol" ] || [ -z "$format" ]; then
  echo "FAIL: kProtocolVersion 或 kStoreFormatVersion 未找到 / not found"
  exit 1
fi
expected="程序版本 / program version: $version
同步协议版本 / sync protocol version: $protocol
存储格式版本 / store format version: $format"
for program in "$@"; do
  out=$("$program" --version)
  if [ "$out" != "$expected" ]; then
    printf 'FAIL: %s --version printed:\n%s\nexpected:\n%s\n' "$program" "$out" "$expected"
    exit 1
  fi
done
echo "$# passed, 0 failed"

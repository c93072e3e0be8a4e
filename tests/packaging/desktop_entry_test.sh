#!/usr/bin/env bash
# The menu entry (packaging/unionsync.desktop) is valid, names the GUI program CMake builds,
# has a Chinese and an English name, and its icon is the SVG beside it.
# Usage: desktop_entry_test.sh PACKAGING_DIR GUI_PROGRAM
set -euo pipefail
dir=$1
gui=$2
entry=$dir/unionsync.desktop
fail() { echo "FAIL: $*"; exit 1; }
command -v desktop-file-validate >/dev/null || fail "没有 desktop-file-validate / missing: run scripts/install-deps.sh"
desktop-file-validate "$entry" || fail "desktop-file-validate 报错 / reports errors in $entry"
exec_program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$entry")
[ "$exec_program" = "$(basename "$gui")" ] || fail "Exec 应为 $(basename "$gui") / Exec should start $(basename "$gui"), not '$exec_program'"
grep -q '^Name=[[:print:]]' "$entry" || fail "没有英文名 / no English Name="
grep -q '^Name\[zh_CN\]=' "$entry" || fail "没有中文名 / no Name[zh_CN]="
icon=$(sed -n 's/^Icon=//p' "$entry")
[ -f "$dir/$icon.svg" ] || fail "图标 / icon $dir/$icon.svg is missing"
echo "5 passed, 0 failed"

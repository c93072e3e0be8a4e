#!/bin/sh
# The layer check must catch what it is there to catch: builds small trees, each with one
# forbidden include, and expects scripts/check-layers.sh to fail naming that file; a tree
# that keeps the rules must pass. Usage: check_layers_test.sh SOURCE_ROOT
set -eu
script="$1/scripts/check-layers.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# tree NAME: a minimal tree that keeps every rule.
tree() {
  mkdir -p "$work/$1/store" "$work/$1/sync" "$work/$1/app/cli" "$work/$1/app/internal" "$work/$1/gui"
  printf '#include "store/types.h"\n#include <vector>\n' > "$work/$1/store/store.h"
  printf '#include "store/store.h"\n' > "$work/$1/sync/engine.h"
  printf '#include "sync/engine.h"\n#include "store/store.h"\n' > "$work/$1/app/node.h"
  printf '#include "app/node.h"\n' > "$work/$1/app/internal/store_access.h"
  printf '#include "app/node.h"\n#include "cli_commands.h"\n' > "$work/$1/app/cli/cli_main.cpp"
  printf '#include "app/node.h"\n#include "gui/context.h"\n' > "$work/$1/gui/view.cpp"
}

tree clean
"$script" "$work/clean" > "$work/out" || { cat "$work/out"; echo "FAIL: a clean tree was refused"; exit 1; }

failures=0
# expect_refused NAME FILE LINE: FILE in a fresh tree gets the include LINE; the check must
# fail and name FILE.
expect_refused() {
  tree "$1"
  printf '%s\n' "$3" >> "$work/$1/$2"
  if "$script" "$work/$1" > "$work/out" 2>&1; then
    echo "FAIL: $2 including $3 passed the check"; failures=$((failures + 1))
  elif ! grep -q "^$2:" "$work/out"; then
    echo "FAIL: $2 including $3 failed without naming the file:"; cat "$work/out"; failures=$((failures + 1))
  fi
}
expect_refused gui-store gui/view.cpp '#include "store/store.h"'
expect_refused gui-sync gui/view.cpp '#include "sync/engine.h"'
expect_refused gui-internal gui/view.cpp '#include "app/internal/store_access.h"'
expect_refused cli-store app/cli/cli_main.cpp '#include "store/types.h"'
expect_refused cli-internal app/cli/cli_main.cpp '#include "app/internal/store_access.h"'
expect_refused app-gui app/node.h '#include "gui/context.h"'
expect_refused sync-app sync/engine.h '#include "app/node.h"'
expect_refused store-sync store/store.h '#include "sync/engine.h"'
expect_refused spaced gui/view.cpp '  #  include "store/store.h"  // spaced'
[ "$failures" -eq 0 ] && echo "check-layers refuses every forbidden include it was shown"
exit "$failures"

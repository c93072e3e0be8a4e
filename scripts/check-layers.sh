#!/bin/sh
# Fails (exit 1) when a source file includes a project header its layer may not see, and
# names the file, the line and the rule. The layers, bottom up:
#   store/     the LMDB store and value types      may include store/
#   sync/      protocol and engine                 may include store/, sync/
#   app/       the facade and composition root     may include store/, sync/, app/
#   app/cli/   the command-line program            may include app/, not app/internal/
#   gui/       the desktop program                 may include app/ and gui/, not app/internal/
# app/model/ and app/sync/ headers hand out the value types the facade returns, so gui/ and
# app/cli/ never name store/ or sync/ themselves. Tests may include anything.
# Usage: scripts/check-layers.sh [SOURCE_ROOT]   (default: the repository this script is in)
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# layer FILE -> "NAME ALLOWED FORBIDDEN": the layer a file belongs to, the project headers it
# may include and, among those, the ones it still may not (both extended regexes).
# Order matters: app/cli/ before app/.
layer() {
  case $1 in
    store/*) echo 'store/ ^store/ ^$' ;;
    sync/*) echo 'sync/ ^(store|sync)/ ^$' ;;
    app/cli/*) echo 'app/cli/ ^app/ ^app/internal/' ;;
    app/*) echo 'app/ ^(store|sync|app)/ ^$' ;;
    gui/*) echo 'gui/ ^(app|gui)/ ^app/internal/' ;;
  esac
}

violations=$(
  find store sync app gui -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.inc' \) | sort |
  while IFS= read -r file; do
    set -- $(layer "$file")
    name=$1 allowed=$2 forbidden=$3
    # Quoted includes of project folders only; <...> are system and Debian headers.
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(store|sync|app|gui)/' "$file" |
    while IFS= read -r hit; do
      header=$(printf '%s\n' "$hit" | sed 's/[^"]*"\([^"]*\)".*/\1/')
      if printf '%s\n' "$header" | grep -Eq "$allowed" &&
         ! printf '%s\n' "$header" | grep -Eq "$forbidden"; then continue; fi
      echo "$file:${hit%%:*}: includes \"$header\", which the $name layer may not see"
    done
  done
)
if [ -n "$violations" ]; then
  printf '%s\n' "$violations"
  echo "check-layers: forbidden includes (rules at the top of scripts/check-layers.sh);"
  echo "reach the lower layer through app/'s facade (app/node.h, app/model/, app/sync/)"
  exit 1
fi
echo "check-layers: every include respects the layers"

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

# One pass: every quoted include of a project folder (<...> are system and Debian headers),
# then the rules by the including file's folder. Order matters: app/cli/ before app/.
violations=$(
  grep -rnE --include='*.cpp' --include='*.h' --include='*.inc' \
    '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(store|sync|app|gui)/' store sync app gui |
  sort | awk '
    {
      file = $0; sub(/:.*/, "", file)
      rest = substr($0, length(file) + 2); line = rest; sub(/:.*/, "", line)
      header = rest; sub(/^[^"]*"/, "", header); sub(/".*/, "", header)
      if (file ~ /^store\//)        { layer = "store/";   ok = header ~ /^store\// }
      else if (file ~ /^sync\//)    { layer = "sync/";    ok = header ~ /^(store|sync)\// }
      else if (file ~ /^app\/cli\//) { layer = "app/cli/"; ok = header ~ /^app\// && header !~ /^app\/internal\// }
      else if (file ~ /^app\//)     { layer = "app/";     ok = header ~ /^(store|sync|app)\// }
      else                          { layer = "gui/";     ok = header ~ /^(app|gui)\// && header !~ /^app\/internal\// }
      if (!ok) printf "%s:%s: includes \"%s\", which the %s layer may not see\n", file, line, header, layer
    }'
)
if [ -n "$violations" ]; then
  printf '%s\n' "$violations"
  echo "check-layers: forbidden includes (rules at the top of scripts/check-layers.sh);"
  echo "reach the lower layer through app/'s facade (app/node.h, app/model/, app/sync/)"
  exit 1
fi
echo "check-layers: every include respects the layers"

#!/usr/bin/env bash
# Installs what is missing, builds, and starts unionsync on a demo district.
# With a display: the desktop program. Without: a headless node that prints its status.
#   ./run.sh [DATA_DIR]     (default: ./demo-data)
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
scripts/build.sh
data="${1:-demo-data}"
cli=build/app/unionsync
if [ ! -e "$data/data.mdb" ]; then
  "$cli" --data "$data" init --name "示范区总工会"
  "$cli" --data "$data" demo --members 20000
fi
"$cli" --data "$data" stats
if [ -n "${DISPLAY:-}" ] && [ -x build/gui/unionsync-gui ]; then
  exec build/gui/unionsync-gui --data "$data"
fi
echo "没有图形界面，以无界面节点运行（Ctrl+C 退出）/ no display: running a headless node (Ctrl+C to stop)"
exec "$cli" --data "$data" serve

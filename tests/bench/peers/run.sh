#!/usr/bin/env bash
# Yjs beside our catch-up (issue 12), in one run: installs the pinned Yjs from the lock file
# (npm ci), then for each N runs yjs_catchup.mjs and, with --sync-bench, our sync_bench at the
# same N right after it, so both sets of figures share the machine's load of the moment.
#
#   tests/bench/peers/run.sh [--members N]... [--shape import|sync_bench] [--sync-bench PATH]
#
# Defaults: N = 200000 and 1000000, the import shape, Yjs only. PATH is a built
# tests/bench/sync_bench (e.g. build/tests/bench/sync_bench); its own options are the default
# ones (fsync on, CURVE). A 1M Y.Doc pair takes about 12 GB of JS heap: the heap limit is
# raised to match N.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
members=() shape=import sync_bench=''
while (($#)); do
  case $1 in
    --members) members+=("$2"); shift 2 ;;
    --shape) shape=$2; shift 2 ;;
    --sync-bench) sync_bench=$(realpath "$2"); shift 2 ;;
    *) echo "usage: $0 [--members N]... [--shape import|sync_bench] [--sync-bench PATH]" >&2; exit 2 ;;
  esac
done
((${#members[@]})) || members=(200000 1000000)
if [[ -n $sync_bench && ! -x $sync_bench ]]; then
  echo "sync_bench 不可执行：$sync_bench，请先构建 (cmake --build build --target sync_bench) / not executable: $sync_bench, build it first" >&2
  exit 2
fi

cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

echo "machine: $(nproc) CPUs, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC')"
status=0
for n in "${members[@]}"; do
  heap_mb=$((n * 16 / 1000 > 4096 ? n * 16 / 1000 : 4096))  # ~6 KB per member per doc, two docs, GC headroom
  echo
  node --expose-gc --max-old-space-size="$heap_mb" yjs_catchup.mjs --members "$n" --shape "$shape" || status=1
  if [[ -n $sync_bench ]]; then
    echo
    "$sync_bench" --members "$n" || status=1
  fi
done
exit "$status"

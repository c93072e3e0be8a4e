#!/usr/bin/env bash
# Memory of a headless `unionsync serve` over a large store (issue 12: private, not
# file-backed, RSS ≤ 100 MB with 1M members). Starts `serve` on the node, measures its
# anonymous memory at rest, samples it while an empty peer catches up with `sync --peer`,
# and measures it again after. The store's LMDB map is file-backed, so it shows under
# "file-backed RSS", not in the target's figures.
#
#   tests/bench/serve_memory.sh [--build DIR] [--node DIR | --members N] [--port P] [--heaptrack]
#
# --node DIR: a node to serve (a scratch one: the bench peer is trusted for the run and
# revoked after). Without it, `store_bench --members N --keep` builds one (default 1M, some
# minutes and about 2 GB of disk) in a temporary folder removed at the end.
# --heaptrack: runs the serve under heaptrack instead (its /proc figures are then heaptrack's
# own) and prints the top allocators of the whole run.
set -euo pipefail
build=build node='' members=1000000 port=7461 heaptrack=''
while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --node) node=$(realpath "$2"); shift 2 ;;
    --members) members=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --heaptrack) heaptrack=1; shift ;;
    *) echo "usage: $0 [--build DIR] [--node DIR | --members N] [--port P] [--heaptrack]" >&2; exit 2 ;;
  esac
done
unionsync=$(realpath "$build/app/unionsync")
[[ -x $unionsync ]] || { echo "找不到 $build/app/unionsync，请先构建 / not built: $build/app/unionsync" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/unionsync-serve-memory.XXXXXX")
serve_pid='' pid='' sampler_pid='' key_b=''
# Stops the serve itself ($pid; under heaptrack, $serve_pid is heaptrack's script, which then
# writes its data and ends).
stop_serve() {
  [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null
  wait "$serve_pid" 2>/dev/null || true
  serve_pid='' pid=''
}
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null
  [[ -n $serve_pid ]] && stop_serve
  # By key: a node served before holds earlier, revoked peers of the same name.
  if [[ -n $key_b ]]; then "$unionsync" --data "$node" peer revoke "$key_b" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z $node ]]; then
  echo "building a store of $members members with store_bench (its figures in $work/store_bench.log)"
  "$build/tests/bench/store_bench" --members "$members" --keep "$work/store" >"$work/store_bench.log"
  node=$work/store/node
fi
a=("$unionsync" --data "$node")
b=("$unionsync" --data "$work/peer")
"${b[@]}" init --name serve-memory-peer >/dev/null
key_a=$("${a[@]}" peer key | head -1)
key_b=$("${b[@]}" peer key | head -1)
"${a[@]}" peer trust "$key_b" --name serve-memory-bench >/dev/null
"${b[@]}" peer trust "$key_a" --name serve-memory-source --address "tcp://127.0.0.1:$port" >/dev/null

if [[ -n $heaptrack ]]; then
  heaptrack -o "$work/heaptrack" "${a[@]}" serve --listen "tcp://127.0.0.1:$port" --discovery off >"$work/serve.log" 2>&1 &
else
  "${a[@]}" serve --listen "tcp://127.0.0.1:$port" --discovery off >"$work/serve.log" 2>&1 &
fi
serve_pid=$!
pid=$serve_pid
for _ in $(seq 600); do
  grep -q 'listening on' "$work/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
grep -q 'listening on' "$work/serve.log" || { echo "serve 未在 60 秒内开始监听 / serve did not listen within 60 s" >&2; exit 1; }
# Under heaptrack the serve is a child of heaptrack's script.
[[ -n $heaptrack ]] && pid=$(pgrep -n -f -- "--data $node serve")

kb() { awk -v k="$1" '$1 == k {print $2; exit}' "$2"; }
mb() { awk -v x="$1" 'BEGIN {printf "%.1f", x / 1024}'; }
# One line of figures of the serve process, in MB: anonymous pages (sum of smaps'
# Anonymous), RssAnon, pages no other process maps (smaps_rollup Private_Clean +
# Private_Dirty: "private" there means unshared, so it counts the store's file pages too
# while no other process maps the store), and the file-backed RSS.
anon_kb() { awk '/^Anonymous:/ {s += $2} END {print s + 0}' "/proc/$pid/smaps"; }
figures() {
  local anon rss_anon rss_file private
  anon=$(anon_kb)
  rss_anon=$(kb RssAnon: "/proc/$pid/status")
  rss_file=$(kb RssFile: "/proc/$pid/status")
  private=$(($(kb Private_Clean: "/proc/$pid/smaps_rollup") + $(kb Private_Dirty: "/proc/$pid/smaps_rollup")))
  printf '%-30s anonymous %6s MB  RssAnon %6s MB  unshared (Private_*) %7s MB  file-backed RSS %7s MB  threads %s\n' \
    "$1" "$(mb "$anon")" "$(mb "$rss_anon")" "$(mb "$private")" "$(mb "$rss_file")" "$(kb Threads: "/proc/$pid/status")"
  last_anon=$anon
}

echo "serve_memory: node $node ($("${a[@]}" stats 2>/dev/null | grep -m1 -E '会员|[Mm]embers' || echo "members: ?")), load average $(cut -d' ' -f1 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
sleep 5
figures "at rest (5 s after listening):"
rest_anon=$last_anon

# The peak while the peer catches up: RssAnon sampled every 0.2 s.
(
  peak=0
  while kill -0 "$pid" 2>/dev/null; do
    now=$(kb RssAnon: "/proc/$pid/status" 2>/dev/null || echo 0)
    ((now > peak)) && peak=$now && echo "$peak" >"$work/peak"
    sleep 0.2
  done
) &
sampler_pid=$!
t0=$(date +%s.%N)
"${b[@]}" sync --peer "tcp://127.0.0.1:$port" --timeout 3600 >"$work/sync.log" 2>&1 || { cat "$work/sync.log" >&2; exit 1; }
t1=$(date +%s.%N)
kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
received=$("${b[@]}" stats 2>/dev/null | grep -m1 -E '会员|[Mm]embers' || echo "?")
echo "peer's sync --peer:            $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s, peer now holds: $received"
peak=$(cat "$work/peak" 2>/dev/null || echo 0)
echo "peak during the sync:          RssAnon $(mb "$peak") MB (sampled every 0.2 s)"
figures "right after the sync:"
sleep 10
figures "10 s after the sync:"
after_anon=$last_anon

worst=$(( peak > after_anon ? peak : after_anon ))
worst=$(( worst > rest_anon ? worst : rest_anon ))
if ((worst <= 100 * 1024)); then
  echo "target ≤ 100 MB private RSS: met (worst $(mb "$worst") MB)"
else
  echo "target ≤ 100 MB private RSS: MISSED by $(mb $((worst - 100 * 1024))) MB (worst $(mb "$worst") MB)"
fi
echo "load average at the end $(cut -d' ' -f1 /proc/loadavg)"

if [[ -n $heaptrack ]]; then
  stop_serve
  # The top allocators by peak, one line each with the function that called malloc, then the totals.
  heaptrack_print -f "$work"/heaptrack*.zst -n 10 --print-peaks 1 --print-allocators 0 --print-leaks 0 \
    --print-temporary 0 2>/dev/null |
    awk '/peak memory consumed over/ {line = $0; getline; print "  " line " " $0} /^(peak heap|peak RSS|calls to)/' ||
    echo "heaptrack_print 未能读完数据，见 $work / heaptrack_print could not read all of the data" >&2
fi
# The exit status is the target's verdict.
((worst <= 100 * 1024))

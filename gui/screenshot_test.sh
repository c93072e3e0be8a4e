#!/usr/bin/env bash
# CI check of the desktop program: on a demo node (gui_bench --make-demo), every view in both
# languages renders under a virtual X server, writes its screenshot and the screenshot is not
# blank (png_check). Also the welcome screen of an empty folder, and a store made by 0.1.0
# (format 1), which the window converts while it opens.
#   screenshot_test.sh UNIONSYNC_GUI PNG_CHECK GUI_BENCH WORK_DIR FORMAT1_TARBALL
set -euo pipefail
gui=$1 check=$2 bench=$3 work=$4 format1=$5
rm -rf "$work"
mkdir -p "$work"
"$bench" --make-demo "$work/node" --members 3000 >/dev/null
run() {
  xvfb-run -a -s "-screen 0 1280x800x24" "$gui" --listen tcp://127.0.0.1:0 "$@"
}
failed=0
for lang in zh en; do
  for view in overview orgs members activities hardship assistance cases contracts congress funds report import sync conflicts settings; do
    png="$work/$view-$lang.png"
    if ! run --data "$work/node" --view "$view" --lang "$lang" --screenshot "$png" || ! "$check" "$png"; then
      echo "FAILED: $view ($lang)"
      failed=1
    fi
  done
done
png="$work/welcome.png"
if ! run --data "$work/empty" --screenshot "$png" || ! "$check" "$png" || [ -e "$work/empty/data.mdb" ]; then
  echo "FAILED: welcome screen (or it created a node in screenshot mode)"
  failed=1
fi
mkdir -p "$work/old"
tar -xzf "$format1" -C "$work/old"
png="$work/converted-members.png"
if ! run --data "$work/old" --view members --lang zh --screenshot "$png" 2>"$work/converted.err" || ! "$check" "$png" ||
  ! grep -q "转换存储格式" "$work/converted.err"; then
  echo "FAILED: a format-1 store converted on open in the window"
  cat "$work/converted.err"
  failed=1
fi
exit $failed

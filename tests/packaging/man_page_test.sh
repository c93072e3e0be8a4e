#!/usr/bin/env bash
# The manual page (packaging/unionsync.1) has, under COMMANDS, an entry (a .TP tag) naming
# every command that `unionsync --help` lists, so a new command cannot ship undocumented.
# Usage: man_page_test.sh UNIONSYNC MAN_PAGE
set -euo pipefail
program=$1
page=$2
# The tag lines of the COMMANDS section as words: font escapes and \- dropped.
text=$(sed -n '/^\.SH COMMANDS/,/^\.SH [^C]/p' "$page" | awk 'previous == ".TP" { print } { previous = $0 }' |
  sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/^\.[A-Z]* //')
commands=$("$program" --help | sed -n '/^Subcommands:/,$s/^  \([a-z][a-z-]*\) .*/\1/p')
[ -n "$commands" ] || { echo "FAIL: $program --help 没有列出命令 / lists no commands"; exit 1; }
missing=()
for c in $commands; do
  grep -qE "(^|[^a-z-])$c([^a-z-]|\$)" <<<"$text" || missing+=("$c")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "FAIL: 手册页缺少命令 / the manual page lacks: ${missing[*]} (add them under COMMANDS in $page)"
  exit 1
fi
echo "$(wc -w <<<"$commands") passed, 0 failed"

#!/usr/bin/env bash
# The .deb as an office's administrator meets it: build it with CPack, install it with apt-get
# (no network), run what it installed, remove it, purge it. Needs root (CI runs as root); as
# another user it fails and says so. It leaves the machine as it found it, also when a check
# fails half way: the package purged, the system user it created deleted.
# Usage: package_test.sh BUILD_DIR CPACK
set -uo pipefail
build=${1:?"用法 / usage: package_test.sh BUILD_DIR CPACK"}
cpack=${2:?"用法 / usage: package_test.sh BUILD_DIR CPACK"}

passed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  fail "需要 root：本测试安装并卸载 .deb / needs root: this test installs and removes the .deb (run it as root, as CI does)"
fi
# dpkg's state of the package: empty or not-installed when it is not on the machine at all.
package_known() {
  local state
  state=$(dpkg-query -W -f='${db:Status-Status}' unionsync 2>/dev/null)
  [ -n "$state" ] && [ "$state" != not-installed ]
}
if package_known; then
  fail "本机已安装 unionsync，测试不会替换它 / unionsync is already installed here: remove it first, the test will not replace it"
fi
[ -e /usr/bin/unionsync ] && fail "/usr/bin/unionsync 已存在 / already exists (installed by hand?): the test would overwrite it"
user_existed=0
getent passwd unionsync >/dev/null && user_existed=1
group_existed=0
getent group unionsync >/dev/null && group_existed=1
state_existed=0
[ -e /var/lib/unionsync ] && state_existed=1

tmp=$(mktemp -d)
chmod 0755 "$tmp"  # the unionsync user must reach its data folder inside
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  if package_known; then
    DEBIAN_FRONTEND=noninteractive dpkg --purge unionsync >/dev/null 2>&1 || echo "清理：无法清除 unionsync / cleanup: could not purge unionsync" >&2
  fi
  [ "$user_existed" = 0 ] && getent passwd unionsync >/dev/null && userdel unionsync
  [ "$group_existed" = 0 ] && getent group unionsync >/dev/null && groupdel unionsync
  [ "$state_existed" = 0 ] && rm -rf /var/lib/unionsync
  rm -rf "$tmp"
}
trap cleanup EXIT

# Build the package from the build tree the tests run in.
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack 失败 / cpack failed (log above)"; }
debs=("$tmp"/out/unionsync_*_"$(dpkg --print-architecture)".deb)
[ -f "${debs[0]}" ] || fail "cpack 没有生成 unionsync_VERSION_ARCH.deb / no unionsync_VERSION_ARCH.deb in $tmp/out"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
[ "$(basename "$deb")" = "unionsync_${version}_$(dpkg --print-architecture).deb" ] || fail "文件名 / file name $(basename "$deb")"
ok "cpack built $(basename "$deb")"

# Every dependency is installed by scripts/install-deps.sh, so apt must install this package
# alone and download nothing; a dry run says so first (apt's --no-download refuses a local file).
apt-get install -s "$deb" >"$tmp/apt-dry.log" 2>&1 ||
  { cat "$tmp/apt-dry.log" >&2; fail "apt-get install -s 失败 / the dry run failed (log above)"; }
grep -q "^0 upgraded, 1 newly installed, 0 to remove" "$tmp/apt-dry.log" ||
  { cat "$tmp/apt-dry.log" >&2; fail "安装需要其他软件包（应由 scripts/install-deps.sh 安装）/ installing needs other packages: add them to scripts/install-deps.sh"; }
DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb" >"$tmp/apt.log" 2>&1 ||
  { cat "$tmp/apt.log" >&2; fail "apt-get install 失败 / apt-get install of the .deb failed (log above)"; }
grep -q "systemctl enable --now unionsync" "$tmp/apt.log" || fail "postinst 没有说明如何启用服务 / postinst did not say how to enable the service"
ok "apt-get install: this package alone, nothing downloaded"

# --version from /usr/bin: the package's version, one line per version.
for program in unionsync unionsync-gui; do
  out=$(/usr/bin/$program --version) || fail "/usr/bin/$program --version 失败 / failed"
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 3 ] || fail "$program --version 应为三行 / should print three lines: $out"
  printf '%s\n' "$out" | head -1 | grep -qx "程序版本 / program version: $version" ||
    fail "$program --version 的程序版本应为包版本 $version / should print the package's version: $out"
done
ok "unionsync --version and unionsync-gui --version print $version"

# The menu entry starts the GUI and its icon is installed.
desktop=/usr/share/applications/unionsync.desktop
[ -f "$desktop" ] || fail "没有菜单项 / no menu entry $desktop"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate 报错 / reports errors in $desktop"
  ok "desktop-file-validate $desktop"
fi
exec_program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")
[ "$(command -v "$exec_program")" = /usr/bin/unionsync-gui ] || fail "菜单项的 Exec 应启动 unionsync-gui / the entry's Exec should start unionsync-gui, not '$exec_program'"
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "图标 / icon $icon.svg is not installed"
ok "menu entry: Exec $exec_program, icon $icon"
gzip -t /usr/share/man/man1/unionsync.1.gz || fail "没有压缩的手册页 / no gzipped manual page"
ok "manual page unionsync.1.gz"

# The service: its unit is valid, its user and data folder exist.
unit=/usr/lib/systemd/system/unionsync.service
[ -f "$unit" ] || fail "没有服务单元 / no unit $unit"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" >"$tmp/verify.log" 2>&1 || { cat "$tmp/verify.log" >&2; fail "systemd-analyze verify 报错 / reports errors in the unit"; }
  ok "systemd-analyze verify $unit"
fi
getent passwd unionsync | cut -d: -f6 | grep -qx /var/lib/unionsync || fail "postinst 没有创建用户 unionsync（家目录 /var/lib/unionsync）/ no system user unionsync with home /var/lib/unionsync"
[ "$(stat -c '%U %a' /var/lib/unionsync)" = "unionsync 700" ] || fail "/var/lib/unionsync 应属 unionsync、权限 700 / should be unionsync's, mode 700: $(stat -c '%U %a' /var/lib/unionsync)"
ok "system user unionsync, /var/lib/unionsync mode 700"

# Run the unit's own command lines once, as its user, on a scratch data folder and a free port
# (no systemd here). Every substitution must apply: a changed unit fails here, not silently.
command_of() {
  local line
  line=$(sed -n "s/^$1=//p" "$unit")
  [ -n "$line" ] || fail "单元没有 $1 / the unit has no $1"
  printf '%s' "$line"
}
substitute() {  # LINE FROM TO
  [[ "$1" == *"$2"* ]] || fail "单元的命令中没有 '$2' / the unit's command has no '$2': $1"
  printf '%s' "${1//"$2"/"$3"}"
}
data="$tmp/data"
install -d -m 0700 -o unionsync -g unionsync "$data"
# fail in $(...) leaves only the subshell: each line passes the failure on.
pre=$(substitute "$(command_of ExecStartPre)" /var/lib/unionsync "$data") || exit 1
start=$(substitute "$(command_of ExecStart)" /var/lib/unionsync "$data") || exit 1
start=$(substitute "$start" "tcp://0.0.0.0:7400" "tcp://127.0.0.1:*") || exit 1
start=$(substitute "$start" "--discovery on" "--discovery off") || exit 1
read -ra pre_words <<<"$pre"
read -ra start_words <<<"$start"
# As User=/Group=/NoNewPrivileges= would; setpriv execs the command itself (runuser would stay
# between as the parent that receives SIGTERM).
as_unit=(setpriv --reuid=unionsync --regid=unionsync --init-groups --no-new-privs --)

"${as_unit[@]}" "${pre_words[@]}" >"$tmp/pre.log" 2>&1 || { cat "$tmp/pre.log" >&2; fail "ExecStartPre 失败 / failed"; }
[ -f "$data/data.mdb" ] || fail "首次启动没有创建节点 / the first start created no node in $data"
"${as_unit[@]}" "${pre_words[@]}" >"$tmp/pre2.log" 2>&1 || fail "ExecStartPre 第二次失败 / failed on the second start"
[ -s "$tmp/pre2.log" ] && fail "ExecStartPre 第二次不应做任何事 / should do nothing on the second start: $(cat "$tmp/pre2.log")"
ok "ExecStartPre creates the node once: $(head -1 "$tmp/pre.log")"

"${as_unit[@]}" "${start_words[@]}" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 200); do
  grep -q "listening on tcp://127.0.0.1:" "$tmp/serve.log" && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q "listening on tcp://127.0.0.1:" "$tmp/serve.log" || { cat "$tmp/serve.log" >&2; fail "ExecStart 没有开始监听 / did not start listening"; }
"${as_unit[@]}" /usr/bin/unionsync --data "$data" status | grep -q "运行中 running" ||
  fail "status 没有看到运行中的服务 / status does not see the running service"
ok "ExecStart serves: $(grep -o 'listening on .*' "$tmp/serve.log")"
kill -TERM "$serve_pid"
wait "$serve_pid"
rc=$?
serve_pid=""
[ "$rc" -eq 0 ] || { cat "$tmp/serve.log" >&2; fail "SIGTERM 后退出码 $rc / exit status $rc after SIGTERM"; }
grep -q "已停止 / stopped" "$tmp/serve.log" || fail "SIGTERM 后没有干净地停止 / no clean stop after SIGTERM"
ok "SIGTERM stops it cleanly (exit 0)"

# remove keeps the data, purge deletes it.
DEBIAN_FRONTEND=noninteractive apt-get remove -y unionsync >"$tmp/remove.log" 2>&1 ||
  { cat "$tmp/remove.log" >&2; fail "apt-get remove 失败 / failed"; }
[ -e /usr/bin/unionsync ] && fail "remove 之后 /usr/bin/unionsync 仍在 / still there after remove"
[ -d /var/lib/unionsync ] || fail "remove 不应删除 /var/lib/unionsync / remove must keep the data"
grep -q "only purge deletes it" "$tmp/remove.log" || fail "remove 没有说明数据保留 / remove did not say the data is kept"
ok "apt-get remove: programs gone, /var/lib/unionsync kept"
DEBIAN_FRONTEND=noninteractive apt-get purge -y unionsync >"$tmp/purge.log" 2>&1 ||
  { cat "$tmp/purge.log" >&2; fail "apt-get purge 失败 / failed"; }
[ -e /var/lib/unionsync ] && fail "purge 之后 /var/lib/unionsync 仍在 / still there after purge"
grep -q "deleting /var/lib/unionsync" "$tmp/purge.log" || fail "purge 没有说明删除了数据 / purge did not say it deletes the data"
package_known && fail "purge 之后仍有 unionsync 的记录 / dpkg still lists unionsync after purge"
ok "apt-get purge: data deleted, and said so"

echo "$passed passed, 0 failed"

#!/usr/bin/env bash
# Installs the Debian packages unionsync needs, only those missing. Debian's packages only:
# nothing is downloaded from anywhere else.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libzmq3-dev cppzmq-dev capnproto libcapnp-dev liblmdb-dev lmdb-utils
  libimgui-dev libglfw3-dev libstb-dev doctest-dev libsodium-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libicu-dev libxlsxwriter-dev libzip-dev libexpat1-dev zlib1g-dev
  xvfb xauth fonts-noto-cjk fonts-wqy-microhei
  librsvg2-bin desktop-file-utils  # the .deb: PNG icons drawn from the SVG, menu entry check
  adduser                          # the .deb's postinst creates the service user (its test installs it)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "安装依赖 / installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

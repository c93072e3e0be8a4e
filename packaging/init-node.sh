#!/bin/sh
# The service's ExecStartPre: creates the node in DIR on the first start, does nothing after.
# The node is named $UNIONSYNC_NAME, else the host's name. Usage: init-node DIR
set -eu
dir=${1:?"用法 / usage: init-node DIR"}
if [ -e "$dir/data.mdb" ]; then
  exit 0
fi
name=${UNIONSYNC_NAME:-$(uname -n)}
echo "首次启动：在 $dir 创建节点「$name」 / first start: creating node '$name' in $dir"
exec /usr/bin/unionsync --data "$dir" init --name "$name"

#!/usr/bin/env bash
# scripts/install-user.sh puts the plugin where tshark looks for personal
# plugins, tshark (as a normal user) loads it from there, and --uninstall
# removes it.
set -euo pipefail
so=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
chmod 755 "$home"
# An empty global plugin folder, so that a system-wide copy does not count.
mkdir "$home/no-global-plugins"
as_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
      env HOME="$home" WIRESHARK_PLUGIN_DIR="$home/no-global-plugins" "$@"
  else
    env HOME="$home" WIRESHARK_PLUGIN_DIR="$home/no-global-plugins" "$@"
  fi
}
cp -r "$src/scripts" "$home/scripts"
cp "$so" "$home/tcpstate.so"
chmod -R a+rwX "$home"
as_user env TCPSTATE_SO="$home/tcpstate.so" "$home/scripts/install-user.sh"
as_user tshark -G plugins 2>/dev/null | grep -q "^tcpstate.so.*$home/.local/lib/wireshark/plugins/.*/epan/tcpstate.so" \
  || { echo "FAIL: tshark does not load the user-installed plugin"; exit 1; }
as_user "$home/scripts/install-user.sh" --uninstall
if as_user tshark -G plugins 2>/dev/null | grep -q tcpstate; then
  echo "FAIL: still loaded after --uninstall"; exit 1
fi
echo "user install: 1 passed, 0 failed"

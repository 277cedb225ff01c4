#!/usr/bin/env bash
# Copies the built plugin into the personal plugin folder that tshark reports
# (no root needed). With --uninstall, removes it again.
# TCPSTATE_SO=path picks another build of the plugin.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(tshark -G folders 2>/dev/null | awk -F'\t' '/^Personal Plugins:/ {print $2}')
[ -n "$dir" ] || { echo "tshark did not report a personal plugin folder" >&2; exit 1; }
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$dir/epan/tcpstate.so" && echo "removed $dir/epan/tcpstate.so"
  exit 0
fi
mkdir -p "$dir/epan"
cp "${TCPSTATE_SO:-build/tcpstate.so}" "$dir/epan/"
echo "installed $dir/epan/tcpstate.so"

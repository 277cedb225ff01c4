#!/usr/bin/env bash
# Installs the "TCP States" configuration profile into the personal profile
# folder that tshark reports, for Wireshark (Edit > Configuration Profiles)
# and tshark (-C "TCP States"). With --uninstall, removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
conf=$(tshark -G folders 2>/dev/null | awk -F'\t' '/^Personal configuration:/ {print $2}')
[ -n "$conf" ] || { echo "tshark did not report a personal configuration folder" >&2; exit 1; }
dest="$conf/profiles/TCP States"
if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$dest" && echo "removed $dest"
  exit 0
fi
mkdir -p "$dest"
cp "profile/TCP States/"* "$dest/"
echo "installed $dest"

#!/usr/bin/env bash
# Fresh Debian machine to a working plugin: installs the dependencies, builds,
# installs tcpstate and shows it annotating a bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
if [ "$(id -u)" = 0 ]; then
  # root's tshark loads only the global plugin folder
  cmake --install build >/dev/null
  echo "installed into $(tshark -G folders 2>/dev/null | awk -F'\t' '/^Global Plugins:/ {print $2}')/epan"
else
  scripts/install-user.sh
fi
tshark -G plugins 2>/dev/null | grep -q tcpstate || { echo "tshark did not load tcpstate" >&2; exit 1; }

sample=samples/client-close.pcap
echo
echo "== $sample: every segment, with phase, step and both endpoints' states"
tshark -r "$sample" -T fields -E header=y \
  -e frame.number -e tcp.flags.str -e tcpstate.sender -e tcpstate.phase -e tcpstate.step \
  -e tcpstate.client.state -e tcpstate.server.state -e tcpstate.acks_frame 2>/dev/null \
  | awk -F'\t' -v OFS='\t' '{for (i = 1; i <= NF; i++) if ($i == "") $i = "-"; print}' \
  | column -t -s "$(printf '\t')"
echo
echo "== tshark -r $sample -Y \"tcpstate.phase==teardown\""
tshark -r "$sample" -Y "tcpstate.phase==teardown" 2>/dev/null
echo
echo "== the TCP State tree of the first teardown segment, every field explained (tcpstate.detail)"
tshark -r "$sample" -o tcpstate.detail:TRUE -O tcpstate -Y "tcpstate.phase==teardown && tcpstate.step==1" 2>/dev/null \
  | sed -n '/^TCP State/,$p'

#!/usr/bin/env bash
# campaign.sh - the random-impairment campaign: batches of connections over
# links with seeded random loss, duplication, reordering, delay and jitter in
# both directions, each connection with an ending drawn from the same seed
# (tests/record/scenario.c, campaign:SEED:N), recorded by record-rig.sh at the
# three capture points with the kernel's transitions.
#
#   sudo tests/rig/campaign.sh FIRST LAST [CONNS]    (seeds FIRST..LAST)
#
# One batch per seed (CONNS connections, default 50), written to
# ${OUT:-build/campaign}/campaign-SEED.*; a batch already there is skipped, so
# the command can be run again to resume, and a batch that cannot be recorded
# is reported and left out (run again to retry it alone). Score with
#   python3 tests/agreement.py --plugin build/tcpstate.so --ws-version 4.0 \
#       --samples build/campaign --by-ending
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
first=${1:?first seed} last=${2:?last seed} conns=${3:-50}
OUT=${OUT:-$REPO/build/campaign}
mkdir -p "$OUT"
conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
failed=()

# One link's impairments from the seed: delay 1-5 ms, jitter 0-2 ms, loss,
# duplication and reordering 0-4 % each (reordered packets held 5-15 ms).
link() { # link NAME SEED
	awk -v n="$1" -v s="$2" 'BEGIN { srand(s);
		printf "link %s delay %d jitter %d loss %.3f dup %.3f reorder %.3f %d\n", n,
			1 + int(rand() * 5), int(rand() * 3), rand() * 0.04, rand() * 0.04,
			rand() * 0.04, 5 + int(rand() * 11) }'
}

for ((seed = first; seed <= last; seed++)); do
	name=campaign-$seed
	if [[ -f $OUT/$name.kernel && -f $OUT/$name.endings ]]; then
		echo "$name: recorded already"
		continue
	fi
	port=$((8200 + seed % 100))
	{
		echo "scenario $name"
		echo "  about    campaign batch $seed: $conns connections, random endings and impairments"
		echo "  app      campaign:$seed:$conns"
		echo "  port     $port"
		echo "  family   4"
		echo "  start-at 200"
		echo "  stop-after $((conns * 40 + 9000))"
		echo "  seed     $seed"
		link a $((seed * 2))
		link b $((seed * 2 + 1))
		echo "  nft      server tcp dport $port tcp sport 20000-29999 tcp flags & (syn|ack) == syn reject with tcp reset"
		echo "  expect any"
	} >"$conf"
	if CONF=$conf OUT=$OUT "$HERE/record-rig.sh" "$name"; then
		echo "$name: recorded"
	else
		echo "$name: FAILED"
		failed+=("$seed")
		rm -f "$OUT/$name".*
	fi
done
((${#failed[@]} == 0)) || { echo "failed seeds: ${failed[*]}"; exit 1; }

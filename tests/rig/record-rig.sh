#!/usr/bin/env bash
# record-rig.sh - record the truth rig's scenarios into samples/rig/.
#
# Three network namespaces, client (tsr-cli), router (tsr-rtr) and server
# (tsr-srv), joined by two links that are tests/rig/tunfwd.c forwarding
# between TUN devices, with the delay, loss, duplication and reordering of
# tests/rig/scenarios.conf. Per scenario:
#   NAME.client.pcap  captured on the client's TUN device
#   NAME.router.pcap  captured on the router's device towards the server
#                     (between link a and link b)
#   NAME.server.pcap  captured on the server's TUN device
#   NAME.kernel       every sock:inet_sock_set_state event of the scenario's
#                     sockets, one perf session for all namespaces (same
#                     kernel), same format as samples/*.kernel
# A recording that does not show what the scenario is meant to show (kernel
# state sequences, rules that must fire, teardown segments, perf missing an
# event that an ftrace instance saw) is made again.
#
# Needs root; installs what it needs on Debian if missing. Traffic stays in
# the namespaces (10.98.0.0/16, fd00:98::/32), which are removed at the end.
#
# Usage: tests/rig/record-rig.sh [SCENARIO...]   (default: all)
# Env:   OUT=dir     where to write (default: samples/rig of the repo)
#        KEEP_TMP=1  keep the temp dir (logs, failed attempts)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/samples/rig}
CONF=$HERE/scenarios.conf

CLI_NS=tsr-cli RTR_NS=tsr-rtr SRV_NS=tsr-srv
CLI_IF=tsr0 RTR_CIF=tsrc RTR_SIF=tsrs SRV_IF=tsr0
CLI4=10.98.1.1 RTRC4=10.98.1.2 RTRS4=10.98.2.1 SRV4=10.98.2.2
CLI6=fd00:98:1::1 RTRC6=fd00:98:1::2 RTRS6=fd00:98:2::1 SRV6=fd00:98:2::2
POINTS=(client router server)

PERF_EVENT=sock:inet_sock_set_state
PERF_CLOCK=CLOCK_MONOTONIC
PERF_SCRIPT_ARGS=(--ns -F 'comm,pid,cpu,time,event,trace')

log() { printf '%s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }
# shellcheck source=../record/recording.sh
source "$HERE/../record/recording.sh"

[[ $EUID -eq 0 ]] || fail "needs root (network namespaces, TUN devices, perf -a, tcpdump)"

# What the rig needs, installed on Debian when missing.
APT_UPDATED=
need() { # need COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null && return
	log "installing $2 for $1"
	export DEBIAN_FRONTEND=noninteractive
	if [[ -z $APT_UPDATED ]]; then apt-get update -qq >/dev/null || true; APT_UPDATED=1; fi
	apt-get install -y -qq --no-install-recommends "$2" >/dev/null || fail "cannot install $2"
}
need cc gcc
need ip iproute2
need tcpdump tcpdump
need perf linux-perf
need python3 python3
need setpriv util-linux
[[ -c /dev/net/tun ]] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; }

TMP=$(mktemp -d /tmp/tsr-record.XXXXXX)
PIDS=()		# background processes we started, killed on exit

TRACEFS=/sys/kernel/tracing
FTRACE=$TRACEFS/instances/tsr-record

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip netns del "$CLI_NS" 2>/dev/null || true
	ip netns del "$RTR_NS" 2>/dev/null || true
	ip netns del "$SRV_NS" 2>/dev/null || true
	if [[ -d $FTRACE ]]; then
		echo 0 >"$FTRACE/events/sock/inet_sock_set_state/enable" || true
		rmdir "$FTRACE" || true
	fi
	if [[ -n ${KEEP_TMP:-} ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- scenarios.conf ---------------------------------------------------------

names() { awk '$1 == "scenario" { print $2 }' "$CONF"; }

# The lines of one scenario's block, leading blanks removed.
block() { # block NAME
	awk -v n="$1" '
		/^[ \t]*#/ { next }
		$1 == "scenario" { on = ($2 == n); next }
		on && NF { sub(/^[ \t]+/, ""); print }' "$CONF"
}

# The rest of the first line starting with KEY (or DEFAULT).
get() { # get NAME KEY [DEFAULT]
	local v
	v=$(block "$1" | awk -v k="$2" '$1 == k { sub(/^[^ \t]+[ \t]+/, ""); print; exit }')
	echo "${v:-${3:-}}"
}

# --- namespaces and links -------------------------------------------------------

setup_netns() {
	local ns
	for ns in "$CLI_NS" "$RTR_NS" "$SRV_NS"; do
		ip netns del "$ns" 2>/dev/null || true
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	# Persistent TUN devices; tunfwd attaches to them for each scenario.
	ip -n "$CLI_NS" tuntap add dev "$CLI_IF" mode tun
	ip -n "$RTR_NS" tuntap add dev "$RTR_CIF" mode tun
	ip -n "$RTR_NS" tuntap add dev "$RTR_SIF" mode tun
	ip -n "$SRV_NS" tuntap add dev "$SRV_IF" mode tun
	ip -n "$CLI_NS" addr add "$CLI4/24" dev "$CLI_IF"
	ip -n "$CLI_NS" addr add "$CLI6/64" dev "$CLI_IF" nodad
	ip -n "$RTR_NS" addr add "$RTRC4/24" dev "$RTR_CIF"
	ip -n "$RTR_NS" addr add "$RTRC6/64" dev "$RTR_CIF" nodad
	ip -n "$RTR_NS" addr add "$RTRS4/24" dev "$RTR_SIF"
	ip -n "$RTR_NS" addr add "$RTRS6/64" dev "$RTR_SIF" nodad
	ip -n "$SRV_NS" addr add "$SRV4/24" dev "$SRV_IF"
	ip -n "$SRV_NS" addr add "$SRV6/64" dev "$SRV_IF" nodad
	ip -n "$CLI_NS" link set "$CLI_IF" up
	ip -n "$RTR_NS" link set "$RTR_CIF" up
	ip -n "$RTR_NS" link set "$RTR_SIF" up
	ip -n "$SRV_NS" link set "$SRV_IF" up
	ip -n "$CLI_NS" route add default dev "$CLI_IF"
	ip -n "$CLI_NS" -6 route add default dev "$CLI_IF"
	ip -n "$SRV_NS" route add default dev "$SRV_IF"
	ip -n "$SRV_NS" -6 route add default dev "$SRV_IF"
	ip netns exec "$RTR_NS" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$RTR_NS" sysctl -qw net.ipv6.conf.all.forwarding=1
}

FWD_PID=''
start_links() { # start_links NAME
	"$FWD_BIN" "$CONF" "$1" "$CLI_NS:$CLI_IF" "$RTR_NS:$RTR_CIF" "$RTR_NS:$RTR_SIF" "$SRV_NS:$SRV_IF" \
		>"$TMP/tunfwd.log" 2>&1 &
	FWD_PID=$!
	PIDS+=("$FWD_PID")
	wait_for_line "$TMP/tunfwd.log" '^ready' 5 || fail "tunfwd did not start"
	sleep 0.2	# carrier up: let IPv6 settle before the scenario
}

stop_links() {
	kill -INT "$FWD_PID" 2>/dev/null || true
	wait "$FWD_PID" 2>/dev/null || true
}

# --- recording (perf, ftrace, three tcpdumps) ----------------------------------------

# A second, independent recorder of the same tracepoint (an ftrace instance)
# to check that perf did not miss an event (perf sometimes drops samples of
# this tracepoint taken in softirq context on an idle CPU).


PERF_PID='' CTL_FD='' ACK_FD=''
declare -A DUMP_PID

start_recording() { # start_recording PORT
	local point ns dev
	rm -f "$TMP"/perf.data "$TMP"/*.cap "$TMP/ctl" "$TMP/ack"
	mkfifo "$TMP/ctl" "$TMP/ack"
	exec {CTL_FD}<>"$TMP/ctl" {ACK_FD}<>"$TMP/ack"
	perf record --no-buffering -k "$PERF_CLOCK" -e "$PERF_EVENT" -a \
		-D -1 --control "fd:$CTL_FD,$ACK_FD" \
		-o "$TMP/perf.data" >"$TMP/perf.log" 2>&1 &
	PERF_PID=$!
	PIDS+=("$PERF_PID")
	for point in "${POINTS[@]}"; do
		case $point in
		client) ns=$CLI_NS dev=$CLI_IF ;;
		router) ns=$RTR_NS dev=$RTR_SIF ;;
		server) ns=$SRV_NS dev=$SRV_IF ;;
		esac
		ip netns exec "$ns" tcpdump --immediate-mode -i "$dev" -s 0 -U -w "$TMP/$point.cap" "tcp port $1" \
			>"$TMP/tcpdump-$point.log" 2>&1 &
		DUMP_PID[$point]=$!
		PIDS+=("$!")
	done
	echo >"$FTRACE/trace"
	echo 1 >"$FTRACE/tracing_on"
	local reply=
	echo enable >&"$CTL_FD"
	read -r -t 10 -u "$ACK_FD" reply || true
	[[ $reply == ack ]] || { cat "$TMP/perf.log" >&2; fail "perf did not start"; }
	for point in "${POINTS[@]}"; do
		wait_for_line "$TMP/tcpdump-$point.log" 'listening on' 10 || fail "tcpdump ($point) did not start"
	done
}

running() { [[ -r /proc/$1/stat && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

stop_recording() {
	local i p all=("$PERF_PID" "${DUMP_PID[@]}") busy
	kill -INT "${all[@]}"
	for ((i = 0; i < 1000; i++)); do
		busy=
		for p in "${all[@]}"; do running "$p" && busy=1; done
		[[ -z $busy ]] && break
		sleep 0.01
	done
	((i < 1000)) || fail "tcpdump or perf did not stop on SIGINT"
	echo 0 >"$FTRACE/tracing_on"
	for p in "${all[@]}"; do wait "$p" || true; done
	exec {CTL_FD}>&- {ACK_FD}>&-
	grep -q 'perf record: Captured and wrote' "$TMP/perf.log" ||
		{ cat "$TMP/perf.log" >&2; fail "perf did not finish"; }
	for p in "${POINTS[@]}"; do
		grep -q 'packets captured' "$TMP/tcpdump-$p.log" ||
			{ cat "$TMP/tcpdump-$p.log" >&2; fail "tcpdump ($p) did not finish"; }
	done
}

# --- playing a scenario ---------------------------------------------------------------

APP_PIDS=()
start_app() { # start_app NS LOG ENV... -- ARGS...
	local ns=$1 logf=$2
	shift 2
	local envs=()
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	ip netns exec "$ns" env "${envs[@]}" "$SCENARIO_BIN" "$@" >"$logf" 2>&1 &
	APP_PIDS+=("$!")
	PIDS+=("$!")
}

play() { # play NAME
	local name=$1 app port fam run bindp stop tail saddr caddr rc=0 p at
	app=$(get "$name" app) port=$(get "$name" port) fam=$(get "$name" family 4)
	run=$(get "$name" run normal) bindp=$(get "$name" bind-port)
	stop=$(get "$name" stop-after) tail=$(get "$name" tail 300)
	if [[ $fam == 6 ]]; then saddr=$SRV6 caddr=$CLI6; else saddr=$SRV4 caddr=$CLI4; fi
	APP_PIDS=()
	case $run in
	normal)
		start_app "$SRV_NS" "$TMP/server.log" -- server "$app" "$saddr" "$port"
		wait_for_line "$TMP/server.log" '^server: listening' 5 || fail "server did not start"
		sleep 0.05
		start_app "$CLI_NS" "$TMP/client.log" ${bindp:+SCENARIO_BIND_PORT=$bindp} -- \
			client "$app" "$saddr" "$port"
		;;
	client-only)
		: >"$TMP/server.log"
		start_app "$CLI_NS" "$TMP/client.log" -- client "$app" "$saddr" "$port"
		;;
	simultaneous-open)
		# both connect() at one instant 300 ms ahead, each from a fixed port
		at=$(($(date +%s%N) + 300000000))
		start_app "$SRV_NS" "$TMP/server.log" SCENARIO_BIND_PORT="$port" SCENARIO_AT="$at" -- \
			client simopen-b "$caddr" "$bindp"
		start_app "$CLI_NS" "$TMP/client.log" SCENARIO_BIND_PORT="$bindp" SCENARIO_AT="$at" -- \
			client simopen-a "$saddr" "$port"
		;;
	*) fail "$name: unknown run $run" ;;
	esac
	if [[ -n $stop ]]; then
		sleep "$(awk -v ms="$stop" 'BEGIN { printf "%.3f", ms / 1000 }')"
		return 0
	fi
	for p in "${APP_PIDS[@]}"; do wait "$p" || rc=$?; done
	sleep "$(awk -v ms="$tail" 'BEGIN { printf "%.3f", ms / 1000 }')"
	((rc == 0)) || { cat "$TMP/server.log" "$TMP/client.log" >&2; fail "$name: scenario failed"; }
}

kill_apps() {
	local p
	for p in "${APP_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${APP_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}

# --- writing and checking ----------------------------------------------------------



# Flags of the packets from the first FIN or RST on, as "c:F. s:.".
teardown() { # teardown PCAP
	tcpdump -r "$1" -n 2>/dev/null |
		awk -v c4="$CLI4." -v c6="$CLI6." '
			{ match($0, /Flags \[[^]]*\]/); f = substr($0, RSTART + 7, RLENGTH - 8) }
			f ~ /[FR]/ { on = 1 }
			on { printf "%s%s:%s", sep, (index($3, c4) == 1 || index($3, c6) == 1 ? "c" : "s"), f; sep = " " }
			END { print "" }'
}

check() { # check NAME PORT
	local name=$1 port=$2 kern=$OUT/$1.kernel bad= nev nft got want point re td line
	nev=$(grep -vc '^#' "$kern" || true)
	nft=$(grep -cE "[sd]port=$port " "$FTRACE/trace" || true)
	log "  kernel events: $nev (ftrace saw $nft)"
	((nev == nft)) || bad+=" perf-missed-events"
	for point in "${POINTS[@]}"; do
		log "  $point: $(tcpdump -r "$OUT/$name.$point.pcap" -n 2>/dev/null | wc -l) packets, teardown: $(teardown "$OUT/$name.$point.pcap")"
	done
	got=$(python3 "$REPO/tests/agreement.py" --kernel-states "$kern" --port "$port" | sort)
	want=$(block "$name" | awk '$1 == "expect" { print $2, $3 }' | sort)
	log "$(sed 's/^/  kernel: /' <<<"$got")"
	[[ $got == "$want" ]] || { bad+=" kernel-states"; log "$(sed 's/^/  wanted: /' <<<"$want")"; }
	while read -r point re; do
		[[ -n $point ]] || continue
		td=$(teardown "$OUT/$name.$point.pcap")
		[[ $td =~ ^$re$ ]] || bad+=" teardown-at-$point"
	done < <(block "$name" | awk '$1 == "teardown" { $1 = ""; sub(/^ /, ""); print }')
	# every rule must have fired: once with nth, at least once without
	while read -r line; do
		local i=${line#rule } k
		k=${i#* fired }
		i=${i%% *}
		if block "$name" | awk '$1 == "rule"' | sed -n "${i}p" | grep -q ' nth '; then
			((k == 1)) || bad+=" rule-$i-fired-$k"
		else
			((k >= 1)) || bad+=" rule-$i-never-fired"
		fi
	done < <(grep -E '^rule [0-9]+ fired [0-9]+$' "$TMP/tunfwd.log")
	grep -E 'fires|dropped at random|duplicated|held back' "$TMP/tunfwd.log" | sed 's/^/  link: /' >&2 || true
	[[ -z $bad ]] && return 0
	log "  not as expected:$bad"
	return 1
}

record_one() { # record_one NAME
	local name=$1 port try tries=8 point
	port=$(get "$name" port)
	[[ -n $port ]] || fail "$name: no port"
	for ((try = 1; try <= tries; try++)); do
		start_links "$name"
		start_recording "$port"
		play "$name"
		stop_recording
		kill_apps
		stop_links
		for point in "${POINTS[@]}"; do
			cp "$TMP/$point.cap" "$OUT/$name.$point.pcap"
		done
		write_kernel "$name" "$port" "the connections on port $port (client, router and server namespaces)"
		if check "$name" "$port"; then
			log "  ok (attempt $try)"
			return 0
		fi
		for point in "${POINTS[@]}"; do
			cp "$OUT/$name.$point.pcap" "$TMP/failed-$name-$try.$point.pcap"
		done
		cp "$OUT/$name.kernel" "$TMP/failed-$name-$try.kernel"
		cp "$TMP/tunfwd.log" "$TMP/failed-$name-$try.tunfwd.log"
		log "  attempt $try failed, recording again"
	done
	fail "$name: no good recording in $tries attempts"
}

main() {
	local want=("$@") name
	SCENARIO_BIN=$TMP/scenario FWD_BIN=$TMP/tunfwd
	cc -Wall -Wextra -O2 -o "$SCENARIO_BIN" "$REPO/tests/record/scenario.c"
	cc -Wall -Wextra -O2 -o "$FWD_BIN" "$HERE/tunfwd.c"
	for name in "${want[@]}"; do
		names | grep -qx "$name" || fail "no scenario $name in $CONF"
	done
	setup_netns
	setup_ftrace
	mkdir -p "$OUT"
	for name in $(names); do
		if ((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]]; then
			continue
		fi
		log "recording $name (port $(get "$name" port))"
		rm -f "$OUT/$name".*
		record_one "$name"
	done
	log "done: $OUT"
}

main "$@"

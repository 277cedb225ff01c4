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
#   NAME.ss           for a scenario with "snapshot" lines: ss -tan (the
#                     scenario's port) and ss -s in the client and the server
#                     namespace at those moments, each stamped with the
#                     wall-clock time right before and after the ss call
#                     (format: the file's first lines, samples/rig/README.md)
# A recording that does not show what the scenario is meant to show (kernel
# state sequences, rules that must fire, teardown segments, perf missing an
# event that an ftrace instance saw, a snapshot late, missing or without
# the sockets it must show) is made again.
#
# Needs root; installs what it needs on Debian if missing. Traffic stays in
# the namespaces (10.98.0.0/16, fd00:98::/32), which are removed at the end.
#
# Usage: tests/rig/record-rig.sh [SCENARIO...]   (default: all)
# Env:   OUT=dir     where to write (default: samples/rig of the repo)
#        CONF=file   the scenarios (default: tests/rig/scenarios.conf)
#        KEEP_TMP=1  keep the temp dir (logs, failed attempts)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/samples/rig}
CONF=${CONF:-$HERE/scenarios.conf}

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
need ss iproute2
need tcpdump tcpdump
need perf linux-perf
need python3 python3
need setpriv util-linux
need chrt util-linux
need nft nftables
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

# The snapshot moments (ms after the scenario's start), sorted.
snapshot_times() { # snapshot_times NAME
	block "$1" | awk '$1 == "snapshot" { for (i = 2; i <= NF; i++) print $i }' | sort -n
}

# --- namespaces and links -------------------------------------------------------

ns_of() { # ns_of client|router|server
	case $1 in
	client) echo "$CLI_NS" ;;
	router) echo "$RTR_NS" ;;
	server) echo "$SRV_NS" ;;
	*) fail "no namespace $1" ;;
	esac
}

# Apply the scenario's "sysctl NS KEY=VALUE" lines; print the values they
# replace, as "NS KEY=VALUE" lines for restore_sysctls.
set_sysctls() { # set_sysctls NAME
	local side kv ns
	while read -r side kv; do
		[[ -n $side ]] || continue
		ns=$(ns_of "$side")
		echo "$side ${kv%%=*}=$(ip netns exec "$ns" sysctl -n "${kv%%=*}")"
		ip netns exec "$ns" sysctl -qw "$kv" || fail "sysctl $kv in $ns"
	done < <(block "$1" | awk '$1 == "sysctl" { print $2, $3 }')
}

# Apply the scenario's "drop NS NTH [after-own-fin] MATCH..." lines: an
# nftables rule on the input hook of namespace NS drops the NTH packet (from 1)
# that matches MATCH (nft syntax), after that namespace's capture saw it, as
# a host firewall does. after-own-fin: only once the host has sent a FIN from
# the packet's destination port.
set_drops() { # set_drops NAME
	local side nth rest ns after
	while read -r side nth rest; do
		ns=$(ns_of "$side")
		if ! ip netns exec "$ns" nft list table inet tsr_drop >/dev/null 2>&1; then
			ip netns exec "$ns" nft -f - <<'NFT' || fail "nftables in $ns"
table inet tsr_drop {
	set fin_sent { type inet_service; flags dynamic; }
	chain output { type filter hook output priority 0; policy accept; tcp flags & fin == fin update @fin_sent { tcp sport }; }
	chain input { type filter hook input priority 0; policy accept; }
}
NFT
		fi
		after=
		if [[ $rest == after-own-fin\ * ]]; then rest=${rest#after-own-fin }; after="tcp dport @fin_sent"; fi
		# shellcheck disable=SC2086 # MATCH is nft words
		ip netns exec "$ns" nft add rule inet tsr_drop input $rest $after \
			numgen inc mod 1000000 $((nth - 1)) counter drop || fail "nft rule in $ns: $rest"
	done < <(block "$1" | awk '$1 == "drop" { $1 = ""; print substr($0, 2) }')
	# "nft NS WORDS": any other rule on NS's input hook (a reject...)
	while read -r side rest; do
		ns=$(ns_of "$side")
		ip netns exec "$ns" nft list table inet tsr_drop >/dev/null 2>&1 ||
			ip netns exec "$ns" nft add table inet tsr_drop
		ip netns exec "$ns" nft add chain inet tsr_drop input \
			'{ type filter hook input priority 0; policy accept; }' 2>/dev/null || true
		# shellcheck disable=SC2086 # nft words
		ip netns exec "$ns" nft add rule inet tsr_drop input $rest || fail "nft rule in $ns: $rest"
	done < <(block "$1" | awk '$1 == "nft" { $1 = ""; print substr($0, 2) }')
}

# The drop rules' counters ("NS N" per rule: how many it dropped), then the
# rules removed.
clear_drops() {
	local side ns
	for side in client router server; do
		ns=$(ns_of "$side")
		ip netns exec "$ns" nft list chain inet tsr_drop input 2>/dev/null |
			sed -n "s/.*counter packets \([0-9]*\) .*/$side \1/p" || true
		ip netns exec "$ns" nft delete table inet tsr_drop 2>/dev/null || true
	done
}

restore_sysctls() { # restore_sysctls <<<"NS KEY=VALUE lines"
	local side kv
	while read -r side kv; do
		[[ -n $side ]] || continue
		ip netns exec "$(ns_of "$side")" sysctl -qw "$kv" || true
	done
}

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
		ip netns exec "$ns" tcpdump --immediate-mode -B 65536 -i "$dev" -s 0 -U -w "$TMP/$point.cap" "tcp port $1" \
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

# --- ss snapshots --------------------------------------------------------------------

# In the background during a recording, one loop per namespace (client,
# server), started at once so that both take each snapshot at the same
# moment: at START (ns since the epoch) + MS, a "# snapshot" line with the
# wall-clock times right before and right after ss -tan (bash's
# EPOCHREALTIME: CLOCK_REALTIME, the clock of tcpdump's timestamps), ss -tan
# of PORT, then "# ss -s" and ss -s. Not at real-time priority: that starves
# the TUN devices' packet processing and delays the scenario.
take_snapshots() { # take_snapshots SIDE PORT FAMILY START MS...
	local side=$1 port=$2 fam=$3 start=$4 host
	shift 4
	case $side/$fam in
	client/6) host=$CLI6 ;;
	client/*) host=$CLI4 ;;
	server/6) host=$SRV6 ;;
	*) host=$SRV4 ;;
	esac
	ip netns exec "$(ns_of "$side")" bash -c '
		side=$1 host=$2 filter=$3 start=$(($4 / 1000)) n=0
		shift 4
		exec {never}<> <(:)	# a pipe without data: read -t sleeps, no fork
		for ms; do
			n=$((n + 1))
			left=$((start + ms * 1000 - ${EPOCHREALTIME/./}))	# us
			((left <= 0)) || read -r -t "$((left / 1000000)).$(printf %06d $((left % 1000000)))" -u "$never" || true
			t0=$EPOCHREALTIME
			out=$(ss -tan "$filter")
			t1=$EPOCHREALTIME
			printf "# snapshot %s ns=%s host=%s ms=%s t0=%s t1=%s\n%s\n# ss -s\n" \
				"$n" "$side" "$host" "$ms" "$t0" "$t1" "$out"
			ss -s
		done' take_snapshots "$side" "$host" "( sport = :$port or dport = :$port )" "$start" "$@"
}

# Write OUT/NAME.ss: a header that explains the format, then the snapshots.
write_ss() { # write_ss NAME PORT
	local name=$1 port=$2
	[[ -n $(snapshot_times "$name") ]] || return 0
	{
		cat <<-EOF
		# $name: ss snapshots of the sockets of port $port in the client ($CLI_NS) and server ($SRV_NS) namespaces
		# start=$((SCENARIO_START / 1000000000)).$(printf %09d $((SCENARIO_START % 1000000000))): the scenario's start (CLOCK_REALTIME); snapshots planned at ms=MS after it
		# Per snapshot: "# snapshot N ns=client|server host=ADDR ms=MS t0=T0 t1=T1"; N numbers the moments
		#   (the client's and the server's snapshot of a moment share it); ADDR is the namespace's address of the
		#   scenario's family; T0 and T1 are bash's EPOCHREALTIME (CLOCK_REALTIME, the clock of the pcap timestamps) right
		#   before and right after the ss call, so the table is the kernel's somewhere in [T0, T1]. Then the
		#   output of ss -tan '( sport = :$port or dport = :$port )' (header line, one line per socket, the
		#   listener included), a line "# ss -s", and ss -s (the namespace's totals, all ports; taken after T1).
		# $(ss -V 2>&1 | head -1); kernel $(uname -r)
		EOF
		# each moment's client snapshot, then its server snapshot
		awk '/^# snapshot / { n = $3 } { b[FILENAME, n] = b[FILENAME, n] $0 "\n"; if (n > max) max = n }
			END { for (i = 1; i <= max; i++) printf "%s%s", b[ARGV[1], i], b[ARGV[2], i] }' \
			"$TMP/ss.client" "$TMP/ss.server"
	} >"$OUT/$name.ss"
}

# "snapshot N at MS ms: client 198 TIME-WAIT, server 1 LISTEN" per moment.
ss_summary() { # ss_summary FILE
	awk '
		BEGIN { k = split("LISTEN SYN-SENT SYN-RECV ESTAB FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT", order) }
		function flush(  i, s, any) {
			if (!side) return
			line = line (line == "" ? "" : ", ") side
			for (i = 1; i <= k; i++)
				if (order[i] in cnt) { line = line " " cnt[order[i]] " " order[i]; delete cnt[order[i]]; any = 1 }
			for (s in cnt) { line = line " " cnt[s] " " s; any = 1 }
			if (!any) line = line " none"
			if (side == "server") { printf "snapshot %s at %s ms: %s\n", n, ms, line; line = "" }
			delete cnt; side = ""
		}
		/^# snapshot / {
			flush()
			for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			n = $3; side = f["ns"]; ms = f["ms"]; body = 1; next
		}
		/^# ss -s/ { body = 0; next }
		/^#/ || $1 == "State" { next }
		body && side { cnt[$1]++ }
		END { flush() }' "$1"
}

# How many sockets the snapshot at MS of SIDE shows in STATE.
ss_count() { # ss_count FILE MS SIDE STATE
	awk -v ms="$2" -v side="$3" -v st="$4" '
		/^# snapshot / { on = index($0, " ns=" side " ") && index($0, " ms=" ms " "); body = 1; next }
		/^# ss -s/ { body = 0; next }
		on && body && $1 == st { n++ }
		END { print n + 0 }' "$1"
}

# --- playing a scenario ---------------------------------------------------------------

APP_PIDS=()
SCENARIO_START='' SS_PIDS=()	# ns since the epoch; the snapshot loops
START_LEAD=1000
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
	local name=$1 app port fam run bindp stop tail saddr caddr rc=0 p at startat hold
	app=$(get "$name" app) port=$(get "$name" port) fam=$(get "$name" family 4)
	startat=$(get "$name" start-at)
	run=$(get "$name" run normal) bindp=$(get "$name" bind-port)
	stop=$(get "$name" stop-after) tail=$(get "$name" tail 300)
	if [[ $fam == 6 ]]; then saddr=$SRV6 caddr=$CLI6; else saddr=$SRV4 caddr=$CLI4; fi
	APP_PIDS=()
	# the scenario's moments (start-at, snapshot, stop-after) count from
	# START_LEAD ms ahead: the server and the snapshot loops are up by then
	SCENARIO_START=$(($(date +%s%N) + START_LEAD * 1000000)) SS_PIDS=()
	if [[ -n $(snapshot_times "$name") ]]; then
		for p in client server; do
			take_snapshots "$p" "$port" "$fam" "$SCENARIO_START" $(snapshot_times "$name") \
				>"$TMP/ss.$p" 2>"$TMP/ss-$p.log" &
			SS_PIDS+=("$!")
			PIDS+=("$!")
		done
	fi
	case $run in
	normal)
		# with snapshots, the listener stays until 50 ms after the last one:
		# ss shows it in each, as a capture (which cannot see it close) does
		hold=$(snapshot_times "$name" | tail -1)
		start_app "$SRV_NS" "$TMP/server.log" \
			${hold:+SCENARIO_HOLD=$((SCENARIO_START + (hold + 50) * 1000000))} -- \
			server "$app" "$saddr" "$port"
		wait_for_line "$TMP/server.log" '^server: listening' 5 || fail "server did not start"
		sleep 0.05
		start_app "$CLI_NS" "$TMP/client.log" ${bindp:+SCENARIO_BIND_PORT=$bindp} \
			${startat:+SCENARIO_AT=$((SCENARIO_START + startat * 1000000))} -- \
			client "$app" "$saddr" "$port"
		;;
	client-only)
		: >"$TMP/server.log"
		start_app "$CLI_NS" "$TMP/client.log" \
			${startat:+SCENARIO_AT=$((SCENARIO_START + startat * 1000000))} -- \
			client "$app" "$saddr" "$port"
		;;
	simultaneous-open)
		# both connect() at one instant (start-at, default 300 ms), each
		# from a fixed port
		at=$((SCENARIO_START + ${startat:-300} * 1000000))
		start_app "$SRV_NS" "$TMP/server.log" SCENARIO_BIND_PORT="$port" SCENARIO_AT="$at" -- \
			client simopen-b "$caddr" "$bindp"
		start_app "$CLI_NS" "$TMP/client.log" SCENARIO_BIND_PORT="$bindp" SCENARIO_AT="$at" -- \
			client simopen-a "$saddr" "$port"
		;;
	*) fail "$name: unknown run $run" ;;
	esac
	if [[ -n $stop ]]; then
		at=$((SCENARIO_START + stop * 1000000 - $(date +%s%N)))
		((at <= 0)) || sleep "$((at / 1000000000)).$(printf %09d $((at % 1000000000)))"
		wait_snapshots
		return 0
	fi
	for p in "${APP_PIDS[@]}"; do wait "$p" || rc=$?; done
	sleep "$(awk -v ms="$tail" 'BEGIN { printf "%.3f", ms / 1000 }')"
	((rc == 0)) || { cat "$TMP/server.log" "$TMP/client.log" >&2; fail "$name: scenario failed"; }
	wait_snapshots
}

# The recording goes on until the last snapshot is taken.
wait_snapshots() {
	local p
	for p in "${SS_PIDS[@]}"; do
		wait "$p" || { cat "$TMP"/ss-*.log >&2; fail "snapshots failed"; }
	done
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
	local name=$1 port=$2 kern=$OUT/$1.kernel bad= nev nft got want point re td line drops
	nev=$(grep -vc '^#' "$kern" || true)
	nft=$(grep -cE "[sd]port=$port " "$FTRACE/trace" || true)
	log "  kernel events: $nev (ftrace saw $nft)"
	((nev == nft)) || bad+=" perf-missed-events"
	for point in "${POINTS[@]}"; do
		td=$(teardown "$OUT/$name.$point.pcap")
		((${#td} <= 100)) || td="${td:0:100}..."
		log "  $point: $(tcpdump -r "$OUT/$name.$point.pcap" -n 2>/dev/null | wc -l) packets, teardown: $td"
		drops=$(awk '/packets dropped by kernel/ { print $1 }' "$TMP/tcpdump-$point.log")
		[[ $drops == 0 ]] || { log "  $point: tcpdump: ${drops:-?} packets dropped by kernel"; bad+=" tcpdump-drops-at-$point"; }
	done
	got=$(python3 "$REPO/tests/agreement.py" --kernel-states "$kern" --port "$port" | sort)
	# "expect ROLE SEQ xN": N sockets with that sequence
	want=$(block "$name" | awk '$1 == "expect" {
		n = $4 ~ /^x[0-9]+$/ ? substr($4, 2) + 0 : 1
		for (i = 0; i < n; i++) print $2, $3 }' | sort)
	log "$(uniq -c <<<"$got" | sed 's/^ */  kernel: /; s/^  kernel: 1 $/  kernel: no socket but the listener/')"
	if block "$name" | grep -qx 'expect any'; then
		: # a campaign batch: whatever the endings drawn make
	elif [[ $got != "$want" ]]; then
		bad+=" kernel-states"
		log "$(uniq -c <<<"$want" | sed 's/^ */  wanted: /')"
	fi
	check_snapshots "$name" || bad+=" snapshots"
	while read -r point re; do
		[[ -n $point ]] || continue
		td=$(teardown "$OUT/$name.$point.pcap")
		[[ $td =~ ^$re$ ]] || bad+=" teardown-at-$point"
	done < <(block "$name" | awk '$1 == "teardown" { $1 = ""; sub(/^ /, ""); print }')
	clocks_aligned "$name" "$port" || bad+=" clocks"
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
	# every nftables drop rule must have dropped its one packet
	while read -r side k; do
		log "  $side firewall dropped $k"
		((k == 1)) || bad+=" drop-at-$side-$k"
	done <"$TMP/drops"
	grep -E 'fires|dropped at random|duplicated|held back' "$TMP/tunfwd.log" |
		uniq -c | sed -E 's/^ *1 /  link: /; s/^ *([0-9]+) (.*)/  link: \2 (x\1)/' >&2 || true
	[[ -z $bad ]] && return 0
	log "  not as expected:$bad"
	return 1
}

# Whether the client or the server namespace still has sockets of PORT.
leftovers() { # leftovers PORT
	local side
	for side in client server; do
		[[ -z $(ip netns exec "$(ns_of "$side")" ss -tanH "( sport = :$1 or dport = :$1 )") ]] || return 0
	done
	return 1
}

# The kernel's times (perf's clock moved to CLOCK_REALTIME by one offset)
# and the captures' must line up to a few us: the client's socket logs
# SYN_SENT->ESTABLISHED after the client's capture shows the SYN+ACK that
# caused it (within 5 ms), never before. An offset tens of us off would put
# kernel changes on the wrong side of the segments that cause them.
clocks_aligned() { # clocks_aligned NAME PORT
	local ev
	ev=$(awk -v p="dport=$2 " '!/^#/ && index($0, p) && /oldstate=TCP_SYN_SENT newstate=TCP_ESTABLISHED/ {
		print $1; exit }' "$OUT/$1.kernel")
	[[ -n $ev ]] || return 0
	tcpdump -r "$OUT/$1.client.pcap" -tt -n 'tcp[13] & 0x12 == 0x12' 2>/dev/null |
		awk -v ev="$ev" '$1 < ev && $1 > ev - 0.005 { ok = 1 } END {
			if (!ok) printf "  clocks: no SYN+ACK captured in the 5 ms before the kernel logged ESTABLISHED (%s)\n", ev > "/dev/stderr"
			exit !ok }'
}

# Every planned snapshot taken in both namespaces, none more than 100 ms
# late, and the "ss-count MS NS STATE N" lines true.
check_snapshots() { # check_snapshots NAME
	local name=$1 f=$OUT/$1.ss times n ms side st want got ok=0
	times=$(snapshot_times "$name")
	[[ -n $times ]] || return 0
	log "$(ss_summary "$f" | sed 's/^/  /')"
	n=$(grep -c '^# snapshot ' "$f" || true)
	((n == 2 * $(wc -l <<<"$times"))) || { log "  $n snapshots, wanted $((2 * $(wc -l <<<"$times")))"; ok=1; }
	while read -r ms side; do
		log "  snapshot at $ms ms ($side) taken late"
		ok=1
	done < <(awk -v start=$((SCENARIO_START / 1000000)) '/^# snapshot / {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			split(f["t0"], t, "."); late = t[1] * 1000 + substr(t[2], 1, 3) - start - f["ms"]
			if (late > 100) print f["ms"], f["ns"] }' "$f")
	while read -r ms side st want; do
		[[ -n $ms ]] || continue
		got=$(ss_count "$f" "$ms" "$side" "$st")
		[[ $got == "$want" ]] || { log "  snapshot at $ms ms: $side has $got $st, wanted $want"; ok=1; }
	done < <(block "$name" | awk '$1 == "ss-count" { print $2, $3, $4, $5 }')
	return $ok
}

record_one() { # record_one NAME
	local name=$1 port try tries=8 point old_sysctls
	port=$(get "$name" port)
	[[ -n $port ]] || fail "$name: no port"
	for ((try = 1; try <= tries; try++)); do
		if ((try > 1)) && leftovers "$port"; then
			# the sockets of a failed attempt (TIME_WAIT...) must not
			# show in the next one's snapshots
			log "  sockets of port $port left by attempt $((try - 1)): new namespaces"
			setup_netns
		fi
		old_sysctls=$(set_sysctls "$name")
		set_drops "$name"
		start_links "$name"
		start_recording "$port"
		play "$name"
		stop_recording
		kill_apps
		stop_links
		clear_drops >"$TMP/drops"
		for point in "${POINTS[@]}"; do
			cp "$TMP/$point.cap" "$OUT/$name.$point.pcap"
		done
		write_kernel "$name" "$port" "the connections on port $port (client, router and server namespaces)"
		write_ss "$name" "$port"
		# a campaign batch: each connection's ending, by client port
		if [[ $(get "$name" app) == campaign:* ]]; then
			sed -n 's/^client: conn \([0-9]*\) \(.*\)/\1 \2/p' "$TMP/client.log" | sort -n >"$OUT/$name.endings"
		fi
		restore_sysctls <<<"$old_sysctls"
		if check "$name" "$port"; then
			log "  ok (attempt $try)"
			return 0
		fi
		for point in "${POINTS[@]}"; do
			cp "$OUT/$name.$point.pcap" "$TMP/failed-$name-$try.$point.pcap"
		done
		[[ ! -f $OUT/$name.ss ]] || cp "$OUT/$name.ss" "$TMP/failed-$name-$try.ss"
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

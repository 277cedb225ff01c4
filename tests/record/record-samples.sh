#!/usr/bin/env bash
# record-samples.sh - re-record every sample in samples/ from scratch.
#
# For each scenario of scenario.c it captures the client's veth with tcpdump
# (samples/NAME.pcap) and the kernel's own TCP state changes with perf, i.e.
# the sock:inet_sock_set_state tracepoint (samples/NAME.kernel).
#
# Needs root. Builds everything in a temp dir and in two network namespaces
# (tcps-cli, tcps-srv) that it creates and removes again. Traffic only flows
# between those namespaces (10.99.0.0/24, fd00:99::/64).
#
# Usage: tests/record/record-samples.sh [SCENARIO...]   (default: all)
# Env:   OUT=dir     where to write the samples (default: samples/ of the repo)
#        KEEP_TMP=1  keep the temp dir (last perf.data, logs) for debugging
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$REPO/samples}

CLI_NS=tcps-cli SRV_NS=tcps-srv
CLI_IF=veth-cli SRV_IF=veth-srv
CLI4=10.99.0.1 SRV4=10.99.0.2
CLI6=fd00:99::1 SRV6=fd00:99::2

# name, server port, server address; one port per scenario so events never mix
SCENARIOS=(
	"client-close       8001 $SRV4"
	"server-close       8002 $SRV4"
	"merged-finack      8003 $SRV4"
	"quickack-four-way  8004 $SRV4"
	"client-rst         8005 $SRV4"
	"refused            8006 $SRV4"
	"unanswered-syn     8007 $SRV4"
	"simultaneous-close 8008 $SRV4"
	"half-close         8009 $SRV4"
	"ipv6-client-close  8010 $SRV6"
	"server-rst         8011 $SRV4"
)

# What each recording must show, or it is recorded again:
# TEARDOWN: flags of the packets from the first FIN or RST on (c/s = sent by
# client/server; a regex); CLIENT/SERVER: state sequences from the trace.
declare -A TEARDOWN CLIENT SERVER
C_OPEN=CLOSE\>SYN_SENT\>ESTABLISHED
S_OPEN=LISTEN\>SYN_RECV\>ESTABLISHED
TEARDOWN[client-close]='c:F\. s:\. s:F\. c:\.'
CLIENT[client-close]=$C_OPEN\>FIN_WAIT1\>FIN_WAIT2\>CLOSE
SERVER[client-close]=$S_OPEN\>CLOSE_WAIT\>LAST_ACK\>CLOSE
TEARDOWN[ipv6-client-close]=${TEARDOWN[client-close]}
CLIENT[ipv6-client-close]=${CLIENT[client-close]}
SERVER[ipv6-client-close]=${SERVER[client-close]}
TEARDOWN[server-close]='s:F\. c:F\. s:\.'
CLIENT[server-close]=$C_OPEN\>CLOSE_WAIT\>LAST_ACK\>CLOSE
SERVER[server-close]=$S_OPEN\>FIN_WAIT1\>FIN_WAIT2\>CLOSE
TEARDOWN[merged-finack]='c:F\. s:F\. c:\.'
CLIENT[merged-finack]=${CLIENT[client-close]}
SERVER[merged-finack]=${SERVER[client-close]}
TEARDOWN[quickack-four-way]=${TEARDOWN[client-close]}
CLIENT[quickack-four-way]=${CLIENT[client-close]}
SERVER[quickack-four-way]=${SERVER[client-close]}
TEARDOWN[client-rst]='c:R\.'
CLIENT[client-rst]=$C_OPEN\>CLOSE
SERVER[client-rst]=$S_OPEN\>CLOSE
TEARDOWN[server-rst]='s:R\.'
CLIENT[server-rst]=$C_OPEN\>CLOSE
SERVER[server-rst]=$S_OPEN\>CLOSE
TEARDOWN[refused]='s:R\.'
CLIENT[refused]=CLOSE\>SYN_SENT\>CLOSE
SERVER[refused]=
TEARDOWN[unanswered-syn]=''
CLIENT[unanswered-syn]=CLOSE\>SYN_SENT
SERVER[unanswered-syn]=
# both FINs cross: each side's FIN is sent before the other's arrives
TEARDOWN[simultaneous-close]='(c:F\. s:F\.|s:F\. c:F\.) (c:\. s:\.|s:\. c:\.)'
CLIENT[simultaneous-close]=$C_OPEN\>FIN_WAIT1\>CLOSING\>CLOSE
SERVER[simultaneous-close]=$S_OPEN\>FIN_WAIT1\>CLOSING\>CLOSE
TEARDOWN[half-close]='c:F\. s:\. (s:P\. c:\. ){3}s:F\. c:\.'
CLIENT[half-close]=$C_OPEN\>FIN_WAIT1\>FIN_WAIT2\>CLOSE
SERVER[half-close]=${SERVER[client-close]}

PERF_EVENT=sock:inet_sock_set_state
PERF_CLOCK=CLOCK_MONOTONIC
PERF_SCRIPT_ARGS=(--ns -F 'comm,pid,cpu,time,event,trace')

log() { printf '%s\n' "$*" >&2; }
fail() { log "error: $*"; exit 1; }
# shellcheck source=recording.sh
source "$HERE/recording.sh"

[[ $EUID -eq 0 ]] || fail "needs root (network namespaces, perf -a, tcpdump)"

need() { # need COMMAND DEBIAN-PACKAGE
	command -v "$1" >/dev/null && return
	log "installing $2 for $1"
	apt-get install -y "$2" >/dev/null ||
		{ apt-get update >/dev/null && apt-get install -y "$2" >/dev/null; } ||
		fail "cannot install $2"
}
need cc gcc
need ip iproute2
need tcpdump tcpdump
need perf linux-perf
need ethtool ethtool

TMP=$(mktemp -d /tmp/tcps-record.XXXXXX)
PIDS=()		# background processes we started, killed on exit

TRACEFS=/sys/kernel/tracing
FTRACE=$TRACEFS/instances/tcps-record

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	ip netns del "$CLI_NS" 2>/dev/null || true
	ip netns del "$SRV_NS" 2>/dev/null || true
	if [[ -d $FTRACE ]]; then
		echo 0 >"$FTRACE/events/sock/inet_sock_set_state/enable" || true
		rmdir "$FTRACE" || true
	fi
	if [[ -n ${KEEP_TMP:-} ]]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_cli() { ip netns exec "$CLI_NS" "$@"; }
in_srv() { ip netns exec "$SRV_NS" "$@"; }

setup_netns() {
	ip netns del "$CLI_NS" 2>/dev/null || true
	ip netns del "$SRV_NS" 2>/dev/null || true
	ip netns add "$CLI_NS"
	ip netns add "$SRV_NS"
	ip link add "$CLI_IF" netns "$CLI_NS" type veth peer name "$SRV_IF" netns "$SRV_NS"
	in_cli ip addr add "$CLI4/24" dev "$CLI_IF"
	in_cli ip addr add "$CLI6/64" dev "$CLI_IF" nodad
	in_srv ip addr add "$SRV4/24" dev "$SRV_IF"
	in_srv ip addr add "$SRV6/64" dev "$SRV_IF" nodad
	# Segments must be captured as sent: no segmentation/coalescing offloads.
	in_cli ethtool -K "$CLI_IF" tso off gso off gro off >/dev/null
	in_srv ethtool -K "$SRV_IF" tso off gso off gro off >/dev/null
	ip -n "$CLI_NS" link set lo up
	ip -n "$SRV_NS" link set lo up
	ip -n "$CLI_NS" link set "$CLI_IF" up
	ip -n "$SRV_NS" link set "$SRV_IF" up
	# Static neighbours: no ARP/ND in the middle of a scenario.
	local cmac smac
	cmac=$(in_cli cat "/sys/class/net/$CLI_IF/address")
	smac=$(in_srv cat "/sys/class/net/$SRV_IF/address")
	ip -n "$CLI_NS" neigh replace "$SRV4" lladdr "$smac" dev "$CLI_IF" nud permanent
	ip -n "$CLI_NS" neigh replace "$SRV6" lladdr "$smac" dev "$CLI_IF" nud permanent
	ip -n "$SRV_NS" neigh replace "$CLI4" lladdr "$cmac" dev "$SRV_IF" nud permanent
	ip -n "$SRV_NS" neigh replace "$CLI6" lladdr "$cmac" dev "$SRV_IF" nud permanent
	# unanswered-syn: the server namespace silently drops whatever comes in
	# for port 8007 (a policy-routing blackhole rule; forwarding is off, so
	# no ICMP error is sent). The local table must be looked up after it.
	ip -n "$SRV_NS" rule add pref 100 lookup local
	ip -n "$SRV_NS" rule del pref 0 lookup local
	ip -n "$SRV_NS" rule add pref 10 iif "$SRV_IF" ipproto tcp dport 8007 blackhole
}

# A second, independent recorder of the same tracepoint (an ftrace instance)
# to check that perf did not miss an event: on this machine perf sometimes
# drops samples of this tracepoint taken in softirq context on an idle CPU,
# which ftrace sees. Such recordings are made again.


PERF_PID='' TCPDUMP_PID='' CTL_FD='' ACK_FD=''

# Start perf (system wide, events disabled) and tcpdump on the client veth;
# return once both are really recording.
start_recording() {
	rm -f "$TMP/perf.data" "$TMP/cap.pcap" "$TMP/ctl" "$TMP/ack"
	mkfifo "$TMP/ctl" "$TMP/ack"
	exec {CTL_FD}<>"$TMP/ctl" {ACK_FD}<>"$TMP/ack"
	perf record --no-buffering -k "$PERF_CLOCK" -e "$PERF_EVENT" -a \
		-D -1 --control "fd:$CTL_FD,$ACK_FD" \
		-o "$TMP/perf.data" >"$TMP/perf.log" 2>&1 &
	PERF_PID=$!
	PIDS+=("$PERF_PID")
	# (background jobs run ip directly, not via in_cli, so that $! is the
	# very process that ip netns exec turns into tcpdump)
	ip netns exec "$CLI_NS" tcpdump --immediate-mode -i "$CLI_IF" -s 0 -U -w "$TMP/cap.pcap" tcp \
		>"$TMP/tcpdump.log" 2>&1 &
	TCPDUMP_PID=$!
	PIDS+=("$TCPDUMP_PID")
	echo >"$FTRACE/trace"
	echo 1 >"$FTRACE/tracing_on"
	# perf answers "ack" once the events are enabled
	local reply=
	echo enable >&"$CTL_FD"
	read -r -t 10 -u "$ACK_FD" reply || true
	[[ $reply == ack ]] || { cat "$TMP/perf.log" >&2; fail "perf did not start"; }
	wait_for_line "$TMP/tcpdump.log" 'listening on' 10 || fail "tcpdump did not start"
}

# True while PID runs (a zombie that awaits our wait does not count).
running() { [[ -r /proc/$1/stat && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]]; }

# Stop both with SIGINT at the same moment and wait until they have flushed.
stop_recording() {
	local i
	kill -INT "$TCPDUMP_PID" "$PERF_PID"
	for ((i = 0; i < 1000; i++)); do
		running "$TCPDUMP_PID" || running "$PERF_PID" || break
		sleep 0.01
	done
	((i < 1000)) || fail "tcpdump or perf did not stop on SIGINT"
	echo 0 >"$FTRACE/tracing_on"
	wait "$TCPDUMP_PID" || true
	wait "$PERF_PID" || true
	exec {CTL_FD}>&- {ACK_FD}>&-
	grep -q 'perf record: Captured and wrote' "$TMP/perf.log" ||
		{ cat "$TMP/perf.log" >&2; fail "perf did not finish"; }
	grep -q 'packets captured' "$TMP/tcpdump.log" ||
		{ cat "$TMP/tcpdump.log" >&2; fail "tcpdump did not finish"; }
	PIDS=()
}

SRV_PID='' CLI_PID=''

start_server() { # start_server NAME ADDR PORT
	ip netns exec "$SRV_NS" "$SCENARIO_BIN" server "$1" "$2" "$3" >"$TMP/server.log" 2>&1 &
	SRV_PID=$!
	PIDS+=("$SRV_PID")
	wait_for_line "$TMP/server.log" '^server: listening' 5 || fail "server did not start"
}

start_client() { # start_client NAME ADDR PORT
	ip netns exec "$CLI_NS" "$SCENARIO_BIN" client "$1" "$2" "$3" >"$TMP/client.log" 2>&1 &
	CLI_PID=$!
	PIDS+=("$CLI_PID")
}

# Run one scenario between start_recording and stop_recording.
play() { # play NAME PORT ADDR
	local name=$1 port=$2 addr=$3 rc=0
	case $name in
	refused)
		start_client "$name" "$addr" "$port"
		wait "$CLI_PID" || rc=$?
		sleep 0.2
		;;
	unanswered-syn)
		# Stop recording 3.5 s after the SYN: this kernel resends it every
		# second (tcp_syn_linear_timeouts), so the capture ends between
		# the 4th and the 5th SYN, long before the client gives up (~7 s).
		# The client is killed only afterwards.
		start_client "$name" "$addr" "$port"
		sleep 3.5
		return 0
		;;
	*)
		start_server "$name" "$addr" "$port"
		sleep 0.05
		start_client "$name" "$addr" "$port"
		wait "$CLI_PID" || rc=$?
		wait "$SRV_PID" || rc=$?
		sleep 0.3	# let the last ACKs go out
		;;
	esac
	((rc == 0)) || { cat "$TMP/server.log" "$TMP/client.log" >&2 2>/dev/null; fail "$name: scenario failed"; }
}

# State sequence per socket, e.g. "client CLOSE>SYN_SENT>ESTABLISHED".
states() { # states KERNEL-FILE PORT
	awk -v port="$2" '
		!/^#/ {
			for (i = 1; i <= NF; i++) {
				split($i, kv, "=");
				v[kv[1]] = kv[2];
			}
			who = v["dport"] == 0 ? "listener" : v["sport"] == port ? "server" : "client";
			if (!(who in seq)) { seq[who] = v["oldstate"]; order[n++] = who }
			seq[who] = seq[who] ">" v["newstate"];
		}
		END {
			for (i = 0; i < n; i++) {
				s = seq[order[i]]; gsub(/TCP_/, "", s);
				print order[i], s;
			}
		}' "$1"
}

# Flags of the packets from the first FIN or RST on, as "c:F. s:." (c = sent
# by the client).
teardown() { # teardown PCAP
	tcpdump -r "$1" -n 2>/dev/null |
		awk -v c4="$CLI4." -v c6="$CLI6." '
			{ match($0, /Flags \[[^]]*\]/); f = substr($0, RSTART + 7, RLENGTH - 8) }
			f ~ /[FR]/ { on = 1 }
			on { printf "%s%s:%s", sep, (index($3, c4) == 1 || index($3, c6) == 1 ? "c" : "s"), f; sep = " " }
			END { print "" }'
}

# Does the first packet sent back after the first FIN acknowledge that FIN
# (ack = FIN's seq + 1, absolute numbers)? Prints yes or no.
first_fin_acked() { # first_fin_acked PCAP
	tcpdump -r "$1" -n -S 2>/dev/null |
		awk '
			{ match($0, /Flags \[[^]]*\]/); f = substr($0, RSTART + 7, RLENGTH - 8)
			  seq = $0; sub(/.* seq /, "", seq); sub(/[:,].*/, "", seq)
			  ack = $0; sub(/.* ack /, "", ack); sub(/,.*/, "", ack) }
			!from && f ~ /F/ { from = $3; want = (seq + 1) % 4294967296; next }
			from && $3 != from { print (ack + 0 == want ? "yes" : "no"); done = 1; exit }
			END { if (!done) print "no" }'
}

# Does the recording show the scenario completely? Returns 1 if not.
check() { # check NAME PORT
	local name=$1 port=$2 pcap=$OUT/$1.pcap kern=$OUT/$1.kernel
	local npk nev nft td cseq sseq lseq bad=
	npk=$(tcpdump -r "$pcap" -n 2>/dev/null | wc -l)
	nev=$(grep -vc '^#' "$kern" || true)
	nft=$(grep -cE "[sd]port=$port " "$FTRACE/trace" || true)
	td=$(teardown "$pcap")
	cseq=$(states "$kern" "$port" | awk '$1 == "client" {print $2}')
	sseq=$(states "$kern" "$port" | awk '$1 == "server" {print $2}')
	lseq=$(states "$kern" "$port" | awk '$1 == "listener" {print $2}')
	log "  $npk packets, $nev kernel events (ftrace saw $nft)"
	log "  teardown: ${td:-none}"
	log "  client:   $cseq"
	log "  server:   ${sseq:-none}"
	log "  listener: ${lseq:-none}"
	((nev == nft)) || bad+=" perf-missed-events"
	[[ $td =~ ^${TEARDOWN[$name]}$ ]] || bad+=" teardown"
	[[ $cseq == "${CLIENT[$name]}" ]] || bad+=" client-states"
	[[ $sseq == "${SERVER[$name]}" ]] || bad+=" server-states"
	if [[ -n ${SERVER[$name]} ]]; then
		[[ $lseq == "CLOSE>LISTEN>CLOSE" ]] || bad+=" listener-states"
	fi
	case $name in
	*client-close | server-close | merged-finack | quickack-four-way)
		[[ $(first_fin_acked "$pcap") == yes ]] || bad+=" fin-not-acked"
		;;
	esac
	if [[ $name == unanswered-syn ]]; then
		[[ $(tcpdump -r "$pcap" -n 2>/dev/null | grep -c 'Flags \[S\]') == 4 && $npk == 4 ]] ||
			bad+=" syn-count"
	fi
	[[ -z $bad ]] && return 0
	log "  not as expected:$bad"
	return 1
}

record_one() { # record_one NAME PORT ADDR
	local name=$1 port=$2 addr=$3 try tries=10
	[[ $name == simultaneous-close ]] && tries=50
	for ((try = 1; try <= tries; try++)); do
		start_recording
		play "$name" "$port" "$addr"
		stop_recording
		if [[ $name == unanswered-syn ]]; then
			kill "$CLI_PID" 2>/dev/null || true
			wait "$CLI_PID" 2>/dev/null || true
		fi
		# tcpdump -w writes pcap (not pcapng) already
		cp "$TMP/cap.pcap" "$OUT/$name.pcap"
		write_kernel "$name" "$port" "the connections to server port $port"
		if check "$name" "$port"; then
			log "  ok (attempt $try)"
			return 0
		fi
		# (kept with KEEP_TMP=1 for a look)
		cp "$OUT/$name.pcap" "$TMP/failed-$name-$try.pcap"
		cp "$OUT/$name.kernel" "$TMP/failed-$name-$try.kernel"
		log "  attempt $try failed, recording again"
	done
	fail "$name: no good recording in $tries attempts"
}

main() {
	local want=("$@") line name port addr
	SCENARIO_BIN=$TMP/scenario
	cc -Wall -Wextra -O2 -o "$SCENARIO_BIN" "$HERE/scenario.c"
	setup_netns
	setup_ftrace
	mkdir -p "$OUT"
	for line in "${SCENARIOS[@]}"; do
		read -r name port addr <<<"$line"
		if ((${#want[@]})) && [[ " ${want[*]} " != *" $name "* ]]; then
			continue
		fi
		log "recording $name (server port $port)"
		rm -f "$OUT/$name.pcap" "$OUT/$name.kernel"
		record_one "$name" "$port" "$addr"
	done
	log "done: $OUT"
}

main "$@"

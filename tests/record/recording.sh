# recording.sh - what the two recorders share (sourced, not run): the ftrace
# cross-check instance, waiting for a line in a log, and writing NAME.kernel
# from perf.data with CLOCK_REALTIME times.
#
# Uses the caller's TMP (holding perf.data), OUT, FTRACE, TRACEFS, PERF_CLOCK,
# PERF_EVENT, PERF_SCRIPT_ARGS and its log and fail functions.

setup_ftrace() {
	[[ -d $TRACEFS/instances ]] || mount -t tracefs nodev "$TRACEFS"
	[[ -d $FTRACE ]] && rmdir "$FTRACE"
	mkdir "$FTRACE"
	echo 0 >"$FTRACE/tracing_on"
	echo mono >"$FTRACE/trace_clock"
	echo 1 >"$FTRACE/events/sock/inet_sock_set_state/enable"
}

wait_for_line() { # wait_for_line FILE REGEX SECONDS
	local i
	for ((i = 0; i < $3 * 100; i++)); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.01
	done
	log "timeout waiting for /$2/ in $1:"
	cat "$1" >&2 || true
	return 1
}

# perf's "reference time" header line pairs the time of day with the
# recording clock:
#   # reference time: 2026-... = 1795231509.476867 (TOD) = 191.196780069 (monotonic)
# Print offset = TOD - clock as "SECONDS NANOSECONDS" (bash integers: an awk
# double cannot hold nanoseconds since the epoch exactly).
clock_offset() {
	local tod clk ns
	read -r tod clk < <(perf script -i "$TMP/perf.data" --header-only 2>/dev/null |
		awk '/^# reference time:/ {
			for (i = 1; i <= NF; i++) if ($i == "(TOD)") print $(i - 1), $(i + 2) }')
	[[ $tod == *.* && $clk == *.* ]] || return 1
	tod=${tod%%.*}$(printf '%-9s' "${tod#*.}" | tr ' ' 0)
	clk=${clk%%.*}$(printf '%-9s' "${clk#*.}" | tr ' ' 0)
	ns=$((10#$tod - 10#$clk))
	echo "$((ns / 1000000000)) $((ns % 1000000000))"
}

# Write OUT/NAME.kernel: the events of PORT, each with its CLOCK_REALTIME time
# prepended to the perf script line; WHAT says whose they are in the header.
write_kernel() { # write_kernel NAME PORT WHAT
	local name=$1 port=$2 what=$3 osec onsec
	read -r osec onsec < <(clock_offset) || fail "no reference time in perf.data"
	{
		echo "# $name: kernel TCP state changes of $what"
		echo "# recorded: perf record --no-buffering -k $PERF_CLOCK -e $PERF_EVENT -a -D -1 --control fd:CTL,ACK -o perf.data"
		echo "# printed:  perf script ${PERF_SCRIPT_ARGS[*]}, keeping the lines with sport=$port or dport=$port"
		echo "# column 1 (added): CLOCK_REALTIME of the event in seconds since the epoch = perf time + $osec.$(printf %09d "$onsec") s"
		echo "#   (CLOCK_REALTIME - $PERF_CLOCK from perf's 'reference time' header, good to ~1 us;"
		echo "#   this kernel refuses -k CLOCK_REALTIME for tracepoints and perf $(perf version | awk '{print $3}') has no --tod)"
		echo "# cross-check: an ftrace instance on the same tracepoint saw $(grep -cE "[sd]port=$port " "$FTRACE/trace" || true) events for this port"
		echo "# kernel $(uname -r); a socket leaving FIN_WAIT2 or CLOSING shows '-> TCP_CLOSE' but is in TIME_WAIT"
		perf script -i "$TMP/perf.data" "${PERF_SCRIPT_ARGS[@]}" 2>/dev/null |
			awk -v port="$port" -v osec="$osec" -v onsec="$onsec" '
			$0 ~ ("[sd]port=" port " ") {
				# the time field looks like " 191.196780069:"
				if (!match($0, / [0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]: /)) next;
				split(substr($0, RSTART + 1, RLENGTH - 3), t, ".");
				ns = t[2] + onsec; s = t[1] + osec;
				if (ns >= 1000000000) { ns -= 1000000000; s++ }
				printf "%d.%09d %s\n", s, ns, $0;
			}'
	} >"$OUT/$name.kernel"
}

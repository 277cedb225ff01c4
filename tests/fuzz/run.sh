#!/usr/bin/env bash
# Fuzzes the state machine core with libFuzzer (clang), ASan and UBSan.
# Usage: tests/fuzz/run.sh [SECONDS]   (default 20; the long form: 3600)
# The corpus is kept in ${TCPSTATE_FUZZ_CORPUS:-build/fuzz-corpus}; a crash
# leaves its input as crash-* in the current folder and fails.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
corpus=${TCPSTATE_FUZZ_CORPUS:-$src/build/fuzz-corpus}
bin=$(mktemp -d)/fuzz_core
trap 'rm -rf "$(dirname "$bin")"' EXIT
mkdir -p "$corpus"
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src/plugin" "$src"/plugin/tcpstate_{core,zeek,rtt,replay}.c "$src/tests/fuzz/fuzz_core.c" -o "$bin"
status=0
"$bin" -max_total_time="$secs" -max_len=2048 -print_final_stats=1 "$corpus" >"$bin.log" 2>&1 || status=$?
grep -E "^(stat::number_of_executed_units|Done|==[0-9]+==|SUMMARY|invariant)" "$bin.log" || true
if [ "$status" -ne 0 ]; then
  tail -n 30 "$bin.log"
  echo "fuzz_core: 0 passed, 1 failed"
  exit 1
fi
echo "fuzz_core: 1 passed, 0 failed"

#!/usr/bin/env bash
# Mutation fuzzing of the plugin in the real tshark: every sample mutated with
# editcap -E at several rates (--seed counting up), tshark run with the plugin
# on each variant (-V, -2 -V, -T fields) with a timeout per run. Fails on a
# crash, a hang, a "Dissector bug", an assertion, tcpstate's malformed-packet
# marker or a sanitizer report; tshark's exit 2 for a file cut short is fine.
#
# Usage: tests/fuzz/mutate.sh [VARIANTS_PER_SAMPLE] [OPTIONS]
#   VARIANTS_PER_SAMPLE  default 300 (the long form, ~10,000 tshark runs);
#                        CI runs 20 (ctest mutation_fuzz)
#   --plugin PATH        default $TCPSTATE_SO, else build/tcpstate.so; a plugin
#                        built with -DTCPSTATE_SANITIZE=ON (build/asan/tcpstate.so)
#                        runs with its ASan/UBSan runtime preloaded
#   --rates R1,R2,...    editcap -E rates (default 0.002,0.01,0.03,0.1,0.3)
#   --seed N             first seed (default 1): another N, other variants
#   --timeout S          per tshark run (default 20 s, 60 s sanitized)
#   --jobs N             parallel variants (default: the number of CPUs)
#   --keep DIR           failing variants are copied there (build/mutate-failures)
# Ends with "mutation_fuzz: N passed, N failed" (N: tshark runs).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
n=300
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then n=$1; shift; fi
exec python3 "$src/tests/fuzz/mutate.py" --variants "$n" "$@"

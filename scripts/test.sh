#!/usr/bin/env bash
# Fresh Debian machine to a full test run: installs the dependencies, builds
# with warnings as errors and runs every test (unit, tshark golden, kernel
# agreement, bad input, and the short forms of the robustness checks: libFuzzer
# on the core, the plugin built with ASan+UBSan in tshark (built into
# build/asan by the test itself), valgrind, editcap -E mutation) with ctest.
# Arguments go to ctest (e.g. -E 'valgrind|sanitizers': all tests but those).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh -DTCPSTATE_WERROR=ON
cd build
ctest --output-on-failure "$@"

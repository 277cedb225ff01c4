#!/usr/bin/env bash
# Builds tcpstate with warnings as errors and runs its whole test suite
# (scripts/test.sh) in a clean Debian chroot per suite, one suite after the
# other, and prints per suite: Wireshark version, build warnings, the ctest
# summary, elapsed time and PASS/FAIL. Exits non-zero if any suite failed.
#
#   sudo packaging/build-matrix.sh [--refresh] [--untracked] [--run CMD]
#                                  [--ctest-args ARGS] [SUITE...]
#                                          (default suites: bookworm trixie sid)
#
# --ctest-args ARGS: scripts/test.sh ARGS, i.e. the suite with these ctest
# arguments (word-split), e.g. --ctest-args "-E valgrind|sanitizers".
#
# --run CMD runs CMD (bash, in the copy's top folder, after scripts/deps.sh
# and scripts/build.sh) instead of the test suite, and prints its output; it
# passes when CMD exits 0. For the benchmarks on another Wireshark, e.g.
#   sudo packaging/build-matrix.sh --run 'python3 bench/instructions.py' trixie
#
# Chroots (debootstrap --variant=minbase) are cached in
# ${TCPSTATE_CHROOT_CACHE:-/var/cache/tcpstate/chroots}/SUITE and reused, after
# an apt-get update; --refresh builds them again. Each run copies the work
# tree's tracked files, as they are on disk (uncommitted edits included), into
# a fresh /srv/tcpstate inside the chroot; --untracked adds the untracked files
# that .gitignore does not exclude (new files not yet added). That copy and the
# full log (CACHE/logs/SUITE.log) stay there until the next run.
set -euo pipefail

CACHE=${TCPSTATE_CHROOT_CACHE:-/var/cache/tcpstate/chroots}
MIRROR=${TCPSTATE_MIRROR:-http://deb.debian.org/debian}
SRC=$(cd "$(dirname "$0")/.." && pwd)
PATH_IN_CHROOT=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

usage() { sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; }

refresh=0
untracked=0
run_cmd=
ctest_args=
suites=()
while [ $# -gt 0 ]; do
  arg=$1; shift
  case $arg in
    --refresh) refresh=1 ;;
    --untracked) untracked=1 ;;
    --run) [ $# -gt 0 ] || { echo "--run needs a command" >&2; exit 2; }; run_cmd=$1; shift ;;
    --ctest-args) [ $# -gt 0 ] || { echo "--ctest-args needs arguments" >&2; exit 2; }; ctest_args=$1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $arg" >&2; usage >&2; exit 2 ;;
    *) suites+=("$arg") ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(bookworm trixie sid)
for suite in "${suites[@]}"; do
  [[ $suite =~ ^[a-z][a-z0-9-]*$ ]] || { echo "not a Debian suite name: $suite" >&2; exit 2; }
done

[ "$(id -u)" = 0 ] || { echo "needs root (debootstrap, chroot, mount)" >&2; exit 2; }
for tool in debootstrap git tar findmnt flock; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

# --- mounts: each run_suite records its mounts and undoes them when it ends,
# on success, failure or signal, together with any mount a test left below
# the chroot (the package test mounts a chroot of its own inside it) ---
mounts=()
chroot_root=
unmount_all() {
  local i m left=()
  if [ -n "$chroot_root" ]; then
    mapfile -t left < <(findmnt -rn -o TARGET | awk -v p="$chroot_root/" 'index($0, p) == 1' | sort -r)
  fi
  for m in "${left[@]}"; do
    [[ " ${mounts[*]} " == *" $m "* ]] || { echo "  unmounting $m, left by a test" >&2; umount -l "$m" || true; }
  done
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" \
      || echo "WARNING: could not unmount ${mounts[i]}" >&2
  done
  mounts=()
}

do_mount() { mount "$@"; mounts+=("${*: -1}"); }

# Is anything mounted at or below $1?
mounted_below() { findmnt -rn -o TARGET | grep -qE "^$1(/|$)"; }

mount_chroot() {
  local root=$1 m
  chroot_root=$root
  # A run that was killed hard (SIGKILL) may have left its mounts; the suite's
  # lock (held by our caller) says nobody else is using them.
  for m in sys dev/pts dev proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m" || umount -l "$root/$m"; fi
  done
  do_mount -t proc proc "$root/proc"
  do_mount --bind /dev "$root/dev"
  do_mount --bind /dev/pts "$root/dev/pts"
  do_mount -t sysfs sysfs "$root/sys"
}

in_chroot() {
  chroot "$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH="$PATH_IN_CHROOT" \
    DEBIAN_FRONTEND=noninteractive "${@:2}"
}

# --- the chroot of one suite: create it, or reuse it and update apt's lists ---
prepare_chroot() {
  local suite=$1 root=$2
  if [ "$refresh" = 1 ] && [ -e "$root" ]; then
    mounted_below "$root" && { echo "still mounted below $root: not removing it" >&2; return 1; }
    echo "  --refresh: removing $root"
    rm -rf --one-file-system "$root"
  fi
  if [ ! -e "$root/.tcpstate-chroot-ok" ]; then
    echo "  debootstrap $suite (log: $CACHE/logs/$suite.debootstrap.log)"
    mounted_below "$root.new" && { echo "still mounted below $root.new" >&2; return 1; }
    rm -rf --one-file-system "$root" "$root.new"
    debootstrap --variant=minbase "$suite" "$root.new" "$MIRROR" \
      >"$CACHE/logs/$suite.debootstrap.log" 2>&1 || {
      tail -n 20 "$CACHE/logs/$suite.debootstrap.log" >&2
      return 1
    }
    # no daemons started by package scripts inside the chroot
    printf '#!/bin/sh\nexit 101\n' >"$root.new/usr/sbin/policy-rc.d"
    chmod 755 "$root.new/usr/sbin/policy-rc.d"
    touch "$root.new/.tcpstate-chroot-ok"
    mv "$root.new" "$root"
    fresh_chroot=1
  fi
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
}

# apt-get update (output to the log $2). A mirror that serves a frozen copy of
# a suite whose Release file carries a Valid-Until (sid, testing) makes apt
# refuse it once that date has passed: then this chroot ignores Valid-Until,
# and says so.
apt_update() {
  local root=$1 log=$2 conf=etc/apt/apt.conf.d/99tcpstate-ignore-valid-until
  in_chroot "$root" apt-get update >"$log" 2>&1 || true
  if grep -q 'is expired' "$log" && [ ! -e "$root/$conf" ]; then
    echo "  WARNING: the mirror's $(grep -m1 -o '[^ ]*InRelease is expired.*' "$log")"
    echo "  WARNING: so this chroot ignores Valid-Until from now on (/$conf)"
    echo 'Acquire::Check-Valid-Until "false";' >"$root/$conf"
    in_chroot "$root" apt-get update >"$log" 2>&1 || true
  fi
  if grep -qE '^(E|Err):' "$log"; then tail -n 20 "$log" >&2; return 1; fi
}

# --- the work tree's files, as on disk, into a fresh folder ---
copy_tree() {
  local dest=$1 others=()
  rm -rf --one-file-system "$dest"
  mkdir -p "$dest"
  {
    git -C "$SRC" ls-files -z --cached
    if [ "$untracked" = 1 ]; then git -C "$SRC" ls-files -z --others --exclude-standard; fi
  } | (cd "$SRC" && while IFS= read -r -d '' f; do
    # a tracked file deleted in the work tree is not part of it
    if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
  done) | tar -C "$SRC" --null -T - -cf - | tar -C "$dest" -xf -
  mapfile -t others < <(git -C "$SRC" ls-files --others --exclude-standard)
  if [ "$untracked" = 1 ]; then
    echo "  copied the tracked files and ${#others[@]} untracked one(s)"
  elif [ ${#others[@]} -gt 0 ]; then
    echo "  note: ${#others[@]} untracked file(s) not copied (--untracked or git add -N includes them):"
    printf '    %s\n' "${others[@]:0:5}"
    if [ ${#others[@]} -gt 5 ]; then echo "    ..."; fi
  fi
}

# --- one suite, in a subshell of its own (its own traps, lock and errexit):
# prints its report; exit status 0 when it passed ---
run_suite() (
  suite=$1
  root=$CACHE/$suite
  log=$CACHE/logs/$suite.log
  t0=$SECONDS
  fresh_chroot=0
  rc=0
  ws=unknown
  trap unmount_all EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  exec 9>"$CACHE/$suite.lock"
  flock -n 9 || { echo "  another run is using the $suite chroot" >&2; exit 1; }

  prepare_chroot "$suite" "$root"
  mount_chroot "$root"
  apt_update "$root" "$log"
  copy_tree "$root/srv/tcpstate"
  t_setup=$((SECONDS - t0))

  if [ -n "$run_cmd" ]; then
    echo "  running: $run_cmd (log: $log)"
    in_chroot "$root" bash -c 'cd /srv/tcpstate && scripts/deps.sh && scripts/build.sh -DTCPSTATE_WERROR=ON' \
      >>"$log" 2>&1 || rc=$?
    if [ "$rc" = 0 ]; then
      in_chroot "$root" bash -c "cd /srv/tcpstate && $run_cmd" 2>&1 | tee -a "$log" || rc=$?
    fi
  else
    echo "  running scripts/test.sh${ctest_args:+ $ctest_args} (log: $log)"
    # shellcheck disable=SC2016 # $0... expand inside the chroot's bash
    in_chroot "$root" bash -c 'cd /srv/tcpstate && read -ra a <<<"$1" && ./scripts/test.sh "${a[@]}"' \
      test "$ctest_args" >>"$log" 2>&1 || rc=$?
  fi

  # shellcheck disable=SC2016 # dpkg-query's own ${field} syntax
  if in_chroot "$root" dpkg-query -W -f='${Status}' libwireshark-dev 2>/dev/null | grep -q 'ok installed'; then
    ws="$(in_chroot "$root" tshark --version 2>/dev/null | sed -n '1s/^TShark (Wireshark) \([0-9][0-9.]*[0-9]\).*/\1/p')"
    # shellcheck disable=SC2016
    ws="$ws (libwireshark-dev $(in_chroot "$root" dpkg-query -W -f='${Version}' libwireshark-dev))"
  fi
  unmount_all

  # compiler warnings (FILE:LINE:COL: warning: ... [-Wx]; -Werror makes them
  # "error: ... [-Werror=x]") and linker warnings; CMake's own, for information
  warnings=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error): .*\[-W|^/usr/bin/ld: warning: ' "$log" || true)
  cmake_warnings=$(grep -cE '^CMake (Deprecation )?Warning' "$log" || true)
  summary=$(grep -E '^[0-9]+% tests passed' "$log" | tail -n 1 || true)
  verdict=PASS
  if [ "$rc" != 0 ] || [ "$warnings" != 0 ] || { [ -z "$run_cmd" ] && [[ $summary != "100% tests passed"* ]]; }; then
    verdict=FAIL
    echo "  --- last lines of $log ---"
    tail -n 30 "$log" | sed 's/^/  | /'
  fi
  printf '  Wireshark:      %s\n' "$ws"
  printf '  build warnings: %s (CMake warnings: %s)\n' "$warnings" "$cmake_warnings"
  if [ -n "$run_cmd" ]; then
    printf '  command:        exited %s\n' "$rc"
  else
    printf '  ctest:          %s\n' "${summary:-(no ctest summary; test.sh exited $rc)}"
  fi
  printf '  elapsed:        %ss (chroot %s; setup %ss, build and tests %ss)\n' \
    "$((SECONDS - t0))" "$([ "$fresh_chroot" = 1 ] && echo created || echo reused)" \
    "$t_setup" "$((SECONDS - t0 - t_setup))"
  printf '  %s %s\n' "$verdict" "$suite"
  [ "$verdict" = PASS ]
)

mkdir -p "$CACHE/logs"
results=()
failed=0
for suite in "${suites[@]}"; do
  echo "== $suite"
  t0=$SECONDS
  set +e
  run_suite "$suite"
  rc=$?
  set -e
  [ "$rc" = 130 ] || [ "$rc" = 143 ] && exit "$rc"
  if [ "$rc" = 0 ]; then verdict=PASS; else verdict=FAIL; failed=$((failed + 1)); fi
  results+=("$verdict $suite ($((SECONDS - t0))s)")
done
echo
echo "== summary"
printf '  %s\n' "${results[@]}"
echo "matrix: $((${#suites[@]} - failed)) passed, $failed failed"
exit "$((failed > 0))"

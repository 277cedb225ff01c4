#!/usr/bin/env bash
# Installs the .deb built in BUILD_DIR into a clean Debian chroot (Debian 12
# on Debian 12; the same suite as this machine elsewhere), checks
# that tshark there loads the plugin and shows the right states on a bundled
# sample, then removes the package and checks that nothing is left.
#
# Usage: packaging/test-deb.sh BUILD_DIR
# Needs root (debootstrap, chroot) and Debian's package mirror; exits 77
# (skipped) without root. The pristine chroot is cached as a tarball under
# ${TCPSTATE_CHROOT_CACHE:-/var/cache/tcpstate}; every run unpacks a fresh copy.
set -euo pipefail

build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
# The chroot is of the same Debian suite as this machine, whose libwireshark
# the package was built against (TCPSTATE_DEB_SUITE overrides).
suite=${TCPSTATE_DEB_SUITE:-}
if [ -z "$suite" ]; then
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  grep -qs sid /etc/os-release && suite=sid
  [ -n "$suite" ] || suite=bookworm
fi
cache=${TCPSTATE_CHROOT_CACHE:-/var/cache/tcpstate}
base="$cache/$suite-minbase.tar"

if [ "$(id -u)" != 0 ]; then
  echo "SKIP: needs root for debootstrap and chroot"
  exit 77
fi

say() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

say "building the .deb"
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/wireshark-plugin-tcpstate_*.deb | head -n 1)
[ -f "$deb" ] || fail "no .deb in $build"
echo "$deb"

if [ ! -f "$base" ]; then
  say "making a pristine Debian $suite chroot (cached in $base)"
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  mkdir -p "$cache"
  tmpbase=$(mktemp -d)
  debootstrap --variant=minbase "$suite" "$tmpbase" http://deb.debian.org/debian >/dev/null
  tar -C "$tmpbase" -cf "$base.part" .
  mv "$base.part" "$base"
  rm -rf "$tmpbase"
fi

root=$(mktemp -d /tmp/tcpstate-deb.XXXXXX)
chmod 755 "$root"
cleanup() {
  for m in dev/pts dev sys proc; do
    mountpoint -q "$root/$m" && umount -l "$root/$m"
  done
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
in_chroot() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

say "installing tshark, then the package, in the clean chroot"
# A mirror may serve a suite whose Release file has passed its Valid-Until
# date (a frozen copy of sid, say); that is no reason to fail this test.
in_chroot apt-get -o Acquire::Check-Valid-Until=false update -qq
in_chroot apt-get install -y -qq --no-install-recommends tshark >/dev/null
cp "$deb" "$root/tmp/"
in_chroot apt-get install -y -qq "/tmp/$(basename "$deb")" >/dev/null

plugdir=$(in_chroot tshark -G folders 2>/dev/null | awk -F'\t' '/^Global Plugins:/ {print $2}')
so="$plugdir/epan/tcpstate.so"
[ -f "$root$so" ] || fail "$so not installed"
in_chroot tshark -G plugins 2>/dev/null | grep -q "^tcpstate.so.*$so" || fail "tshark does not load $so"
echo "tshark loads $so"

say "the installed sample, as the golden file says (checked against the kernel's record)"
sample=/usr/share/doc/wireshark-plugin-tcpstate/samples/client-close.pcap
got=$(in_chroot tshark -r "$sample" -T fields -e frame.number -e tcpstate.sender -e tcpstate.phase \
        -e tcpstate.step -e tcpstate.client.state -e tcpstate.server.state 2>/dev/null)
want=$(grep -v '^#' "$src/tests/golden/client-close.tsv" | tail -n +2 | cut -f 1,3,4,5,7,9)
if [ "$got" != "$want" ]; then
  diff <(echo "$want") <(echo "$got") || true
  fail "fields differ from tests/golden/client-close.tsv"
fi
echo "$got" | tail -n 4

say "every file README.md and the docs link to is in the package"
doc=/usr/share/doc/wireshark-plugin-tcpstate
missing=0
checked=0
while IFS= read -r md; do
  dir=$(dirname "$md")
  for link in $(grep -o '](\([^)#]*\)' "$root$md" | sed 's/^](//' | grep -v '^[a-z]*:' | sort -u); do
    checked=$((checked + 1))
    [ -e "$root$dir/$link" ] || { echo "missing: $md links to $link"; missing=$((missing + 1)); }
  done
done < <(cd "$root" && find ".$doc" -name '*.md' | sed 's/^\.//')
[ "$missing" = 0 ] || fail "$missing linked files not in the package"
echo "$checked links, all in the package"
for f in LICENSE docs/labs/README.md docs/stats.md docs/img/ladder-client-close.svg scripts/ts-plot.py; do
  [ -f "$root$doc/$f" ] || fail "$doc/$f not installed"
done
in_chroot sh -c 'command -v tcpstate-ts-plot' >/dev/null || fail "tcpstate-ts-plot not on PATH"
echo "docs, labs, images, LICENSE and tcpstate-ts-plot installed"

say "the TCP States profile"
profile="/usr/share/wireshark/profiles/TCP States"
[ -f "$root$profile/preferences" ] || fail "profile not installed in $profile"
cols=$(in_chroot tshark -C "TCP States" -r "$sample" -Y "frame.number==8" 2>/dev/null)
echo "$cols"
case "$cols" in *teardown*FIN_WAIT_1*CLOSE_WAIT*) ;; *) fail "profile columns missing" ;; esac

say "removing the package"
cp "$root$sample" "$root/tmp/sample.pcap"
in_chroot apt-get remove -y -qq wireshark-plugin-tcpstate >/dev/null
[ ! -e "$root$so" ] || fail "$so still there after removal"
[ ! -e "$root$profile" ] || fail "profile still there after removal"
! in_chroot tshark -G plugins 2>/dev/null | grep -q tcpstate || fail "tshark still lists tcpstate"
in_chroot tshark -r /tmp/sample.pcap >/dev/null 2>&1 || fail "tshark broken after removal"
echo "removed cleanly"
echo "deb chroot test: 1 passed, 0 failed"

#!/usr/bin/env bash
# Installs what building and testing tcpstate needs on Debian (12 or later).
set -euo pipefail
SUDO=
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
# clang and libclang-rt-dev (the default clang's sanitizer and libFuzzer
# runtimes: libclang-rt-14-dev on Debian 12, 19 on trixie...): tests/fuzz/run.sh.
# python3-pytest: runs the Python harnesses in tests/.
# valgrind: tests/test_valgrind.py. gcc brings its own ASan/UBSan runtimes
# (libasan8, libubsan1) for the TCPSTATE_SANITIZE build. wireshark (the Qt GUI;
# on Debian 12 a meta-package for wireshark-qt), xvfb,
# xauth, xdotool, x11-apps (xwd), imagemagick, tesseract-ocr: the GUI smoke
# test tests/test_gui.py. prometheus (promtool): tests/test_stats_formats.py
# checks -z tcpstate,ts,...,openmetrics with it.
pkgs=(gcc make cmake pkg-config tshark wireshark-common wireshark-dev libwireshark-dev
      libglib2.0-dev libpcap-dev python3 python3-pytest util-linux bsdextrautils
      clang libclang-rt-dev valgrind
      wireshark xvfb xauth xdotool x11-apps imagemagick tesseract-ocr prometheus)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

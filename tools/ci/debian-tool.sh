#!/usr/bin/env bash
# debian-tool.sh STEP PROGRAM PACKAGE
# Runs: PROGRAM --version, after apt-get install of Debian's PACKAGE when PROGRAM is missing
# (with sudo when not root).
# Why: make browser (chromium: tests/lab/test_report_html.py's headless screenshot of report.html)
# and make wine (wine64: tests/wine, Wine's cmd.exe and reg.exe as an independent peer for our
# Windows files) need a program that only Debian's packages bring; nothing is put on PATH.
set -euo pipefail
step=$1 program=$2 package=$3
if command -v "$program" >/dev/null 2>&1; then
  echo "== $step: $("$program" --version)"
  exit 0
fi
echo "== $step: installing Debian's $package"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$package" >/dev/null
"$program" --version

#!/usr/bin/env bash
# molecule-windows.sh MAKE
# Runs: molecule test -s windows (extensions/molecule/windows) against the real Windows host of
# TLSREADY_WIN_HOST, after `MAKE build`; skipped, with the reason printed, when it is not set.
# Why: the scenario changes the host's TLS settings, so it needs a disposable machine of the
# developer's own; no machine of ours has one.
set -euo pipefail
make=$1
if [ -z "${TLSREADY_WIN_HOST:-}" ]; then
  echo "skipped: molecule scenario 'windows' needs a real Windows host: set TLSREADY_WIN_HOST, TLSREADY_WIN_USER and TLSREADY_WIN_PASSWORD (optional TLSREADY_WIN_TRANSPORT, default ntlm)"
  exit 0
fi
for v in TLSREADY_WIN_USER TLSREADY_WIN_PASSWORD; do
  if [ -z "${!v:-}" ]; then echo "molecule-windows: TLSREADY_WIN_HOST is set but $v is not" >&2; exit 2; fi
done
echo "== molecule: scenario windows against $TLSREADY_WIN_HOST (${TLSREADY_WIN_TRANSPORT:-ntlm})"
"$make" --no-print-directory build
molecule test -s windows

#!/usr/bin/env bash
# make demo: audit the offline lab, converge it, audit it again, print the before/after summary.
# Runs on a copy of lab/ under build/demo so the committed lab stays as exported.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo
rm -rf "$out"
mkdir -p "$out"
cp -R lab "$out/lab"
inventory="$out/lab/inventory.yml"
run() {
  echo "== $*"
  ansible-playbook -i "$inventory" "$@" > "$out/$(echo "$1" | tr -c 'a-z0-9' '_').log" 2>&1 || {
    echo "ansible-playbook failed; see $out/*.log" >&2
    tail -n 40 "$out"/*.log >&2
    exit 1
  }
}
run tlsready.windows.audit -e tlsready_report_dir="$PWD/$out/before"
# win2019-loses-mgmt simulates a host that loses management after its change (its simulate.yml):
# the fleet converge leaves it out, the canary step below shows the revert.
canary=win2019-loses-mgmt
run tlsready.windows.converge -l "all:!$canary" -e tlsready_report_dir="$PWD/$out/converge" \
  -e tlsready_backup_dir="$PWD/$out/backups"
echo "== tlsready.windows.converge -l $canary (canary: loses management after the change, is reverted)"
# Exit code 2 is the expected outcome here: the reverted host fails on its own task.
rc=0
ansible-playbook -i "$inventory" tlsready.windows.converge -l "$canary" -e tlsready_report_dir="$PWD/$out/canary" \
  -e tlsready_backup_dir="$PWD/$out/backups" > "$out/canary.log" 2>&1 || rc=$?
if [ "$rc" != 2 ]; then
  echo "the canary converge exited $rc, expected 2 (the host reverted); see $out/canary.log" >&2
  tail -n 40 "$out/canary.log" >&2
  exit 1
fi
python - "$out/canary/report.json" "$canary" <<'PY'
import json, sys
host = {h["host"]: h for h in json.load(open(sys.argv[1], encoding="utf-8"))["hosts"]}[sys.argv[2]]
print(f"{sys.argv[2]}: {host['status']}: {host['error']}")
PY
run tlsready.windows.audit -e tlsready_report_dir="$PWD/$out/after"
python tools/demo_summary.py "$out/before/report.json" "$out/after/report.json"
echo
echo "Reports: $PWD/$out/after/report.html (after), $PWD/$out/before/report.html (before), $PWD/$out/canary/report.html (canary)"
echo "Remediation bundles for the offline hosts: $PWD/$out/lab/hosts/<host>/remediation/"

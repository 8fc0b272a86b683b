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
run tlsready.windows.converge -e tlsready_report_dir="$PWD/$out/converge" -e tlsready_backup_dir="$PWD/$out/backups"
run tlsready.windows.audit -e tlsready_report_dir="$PWD/$out/after"
python tools/demo_summary.py "$out/before/report.json" "$out/after/report.json"
echo
echo "Reports: $PWD/$out/after/report.html (after), $PWD/$out/before/report.html (before)"
echo "Remediation bundles for the offline hosts: $PWD/$out/lab/hosts/<host>/remediation/"

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the before/after table of ``make demo`` from two report.json files."""

from __future__ import annotations

import json
import sys


def _hosts(path: str) -> dict[str, dict]:
    with open(path, encoding="utf-8") as handle:
        return {h["host"]: h for h in json.load(handle)["hosts"]}


def _cell(host: dict | None) -> str:
    if host is None:
        return "-"
    errors = [f for f in host.get("findings") or [] if f.get("severity") == "error"]
    missing = ",".join(host.get("missing_hotfixes") or [])
    text = host["status"] + (f" ({len(errors)} finding{'' if len(errors) == 1 else 's'})" if errors else "")
    return text + (f" missing {missing}" if missing else "")


def main(before_path: str, after_path: str) -> int:
    before, after = _hosts(before_path), _hosts(after_path)
    rows = [("host", "release", "before", "after")]
    for name in sorted(set(before) | set(after)):
        release = ((after.get(name) or before.get(name) or {}).get("release") or {}).get("name") or "?"
        rows.append((name, release, _cell(before.get(name)), _cell(after.get(name))))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    fixed = sum(1 for n in after if after[n]["status"] == "compliant" and before.get(n, {}).get("status") != "compliant")
    print(f"\n{fixed} hosts made compliant; {sum(1 for h in after.values() if h['status'] == 'compliant')} of "
          f"{len(after)} compliant after converge.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

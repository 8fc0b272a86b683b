#!/usr/bin/env python
# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Size of report.html and its render time in headless Chromium, for N hosts.

The hosts are N copies cycled from a real lab audit's report.json (each copy's result is its lab
host's, as lab/generate.py --copies makes them), written with the collection's own
write_reports. Render time: the median over --repeat runs of `chromium --headless --dump-dom` on
the report minus the same on an empty page (browser start-up), i.e. parsing the page and running
its script until the first page of the host table is drawn. No timing is asserted anywhere.

    python benchmarks/report_html.py --lab-report build/lab-audit/report.json --hosts 10000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "build", "collections"))

from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report  # noqa: E402
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.write import write_reports  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--dump-dom"]


def chromium_seconds(browser: str, url: str, profile: str) -> float:
    start = time.perf_counter()
    subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", url], capture_output=True, check=True, timeout=300)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--lab-report", required=True, help="report.json of an audit of the offline lab")
    parser.add_argument("--hosts", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed: run `make browser`", file=sys.stderr)
        return 2
    with open(args.lab_report, encoding="utf-8") as handle:
        lab = json.load(handle)
    print("| Hosts | report.html | Render in Chromium (median, start-up subtracted) |")
    print("| ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as work:
        empty = os.path.join(work, "empty.html")
        with open(empty, "w", encoding="utf-8") as handle:
            handle.write("<!DOCTYPE html><html><body></body></html>")
        for count in args.hosts:
            width = 5 if count >= 10000 else 4
            results = []
            for index in range(count):
                entry = dict(lab["hosts"][index % len(lab["hosts"])])
                entry["host"] = f"{entry['host']}-{index + 1:0{width}d}"
                results.append(entry)
            out = os.path.join(work, str(count))
            write_reports(build_report(results, {}, "audit", "m365_client", lab["generated_at"]), out, ["html"])
            page = os.path.join(out, "report.html")
            times = []
            for run in range(args.repeat):
                base = chromium_seconds(browser, "file://" + empty, os.path.join(work, f"p{run}a"))
                full = chromium_seconds(browser, "file://" + page, os.path.join(work, f"p{run}b"))
                times.append(full - base)
            size = os.path.getsize(page)
            print(f"| {count:,} | {size / 1024 / 1024:.1f} MB | {statistics.median(times):.2f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

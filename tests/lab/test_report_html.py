# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.html of a real lab audit, rendered by Debian's Chromium (headless).

`make test` installs chromium (`make browser`); without it these tests skip and say so.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import subprocess
import xml.etree.ElementTree as ET

import junitparser
import pytest
from PIL import Image

from labkit import COLLECTIONS, PLAYBOOK, ROOT, report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed: run `make browser`")

# The lab's hosts plus the one whose folder was never exported.
HOSTS = len(os.listdir(os.path.join(ROOT, "lab", "hosts"))) + 1
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
EXTRA_HOST = """    failed_examples:
      vars:
        ansible_connection: tlsready.windows.offline
      hosts:
        pc-gone:
          tlsready_offline_path: "{{ inventory_dir }}/hosts/pc-gone-was-never-exported"
"""


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Audit a copy of the lab plus a host whose export folder does not exist; return the report folder."""
    lab = str(tmp_path_factory.mktemp("html") / "lab")
    shutil.copytree(os.path.join(ROOT, "lab"), lab, ignore=shutil.ignore_patterns(".runs"))
    inventory = os.path.join(lab, "inventory.yml")
    with open(inventory, encoding="utf-8") as handle:
        text = handle.read()
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write(text + EXTRA_HOST)
    out = os.path.abspath(os.path.join(lab, "..", "reports"))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_NOCOLOR="1", ANSIBLE_HOME=os.path.join(lab, ".ansible"))
    done = subprocess.run([PLAYBOOK, "-i", inventory, "tlsready.windows.audit", "-e", f"tlsready_report_dir={out}"],
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    # pc-gone fails, so ansible-playbook exits 2; the report is still written, with pc-gone as failed.
    assert done.returncode == 2 and "pc-gone" in done.stdout, done.stdout[-3000:]
    return out


def chromium(profile: str, *args: str) -> str:
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def document(audited: str) -> dict:
    with open(os.path.join(audited, "report.json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_the_page_renders_non_blank(audited: str, tmp_path: os.PathLike[str]) -> None:
    png = os.path.join(str(tmp_path), "report.png")
    chromium(os.path.join(str(tmp_path), "profile"), f"--screenshot={png}", "--window-size=1280,1600",
             "file://" + os.path.join(audited, "report.html"))
    with Image.open(png) as image:
        pixels = image.convert("RGB")
        assert pixels.size == (1280, 1600)
        colours = pixels.getcolors(maxcolors=1 << 20) or []
    inked = sum(count for count, colour in colours if sum(colour) < 600)
    assert len(colours) > 20, "a rendered page has text in several colours"
    assert inked > 0.01 * 1280 * 1600, "at least 1% of the page is drawn"


def test_the_dom_shows_the_report_figures(audited: str, tmp_path: os.PathLike[str]) -> None:
    summary = document(audited)["summary"]
    dom = chromium(os.path.join(str(tmp_path), "profile"), "--dump-dom", "file://" + os.path.join(audited, "report.html"))
    for status in ("compliant", "noncompliant", "unsupported", "unreachable", "failed"):
        assert re.search(rf'id="count-{status}">{summary[status]}<', dom), status
    assert summary["failed"] == 1 and summary["hosts"] == HOSTS
    assert dom.count('<tr class="host"') == summary["hosts"]
    # The script ran: it filled in how many rows are shown.
    assert re.search(rf'<span id="shown">{summary["hosts"]}</span>', dom)


def test_filters_from_the_address_hide_other_hosts(audited: str, tmp_path: os.PathLike[str]) -> None:
    hosts = report(audited)
    with_finding = [h for h, e in hosts.items() if "cipher.no_afd_suite" in {f["id"] for f in e["findings"]}]
    assert with_finding
    url = "file://" + os.path.join(audited, "report.html") + "#finding=cipher.no_afd_suite&status=noncompliant,failed"
    dom = chromium(os.path.join(str(tmp_path), "profile"), "--dump-dom", url)
    # Only the matching hosts are drawn (the table shows one page of the matches).
    visible = re.findall(r'<tr class="host" data-host="([^"]+)"', dom)
    expected = sorted(h.lower() for h in with_finding if hosts[h]["status"] == "noncompliant")
    assert sorted(visible) == expected
    assert re.search(rf'<span id="shown">{len(expected)}</span>', dom)


def test_the_fleet_view_comes_first_with_host_counts_and_fixes(audited: str, tmp_path: os.PathLike[str]) -> None:
    hosts = report(audited)
    dom = chromium(os.path.join(str(tmp_path), "profile"), "--dump-dom", "file://" + os.path.join(audited, "report.html"))
    assert dom.index('id="top-findings"') < dom.index('id="by-release"') < dom.index('id="rows"')
    counts: dict[str, int] = {}
    fixes: dict[str, dict[str, int]] = {}
    for entry in hosts.values():
        for finding in entry["findings"]:
            if finding["severity"] == "error":
                counts[finding["id"]] = counts.get(finding["id"], 0) + 1
                per_fix = fixes.setdefault(finding["id"], {})
                per_fix[finding["remediation"]] = per_fix.get(finding["remediation"], 0) + 1
    rows = re.findall(r'<tr class="top-finding" data-finding="([^"]+)">.*?<td class="finding-hosts">(\d+)</td>.*?<td class="fix">(.*?)</td></tr>',
                      dom, flags=re.S)
    assert rows, "the fleet view lists the top findings"
    shown = [(finding, int(number)) for finding, number, _fix in rows]
    assert shown == sorted(shown, key=lambda r: (-r[1], r[0])), "most hosts first"
    for finding, number, fix in rows:
        assert counts[finding] == int(number), finding
        # Each distinct fix (one per update file name, for instance) with the hosts that need it.
        shown_fixes = re.findall(r'<p class="fix-text" data-hosts="(\d+)">([^<]*?)(?: \(\d+ hosts\))?</p>', fix)
        assert {html.unescape(text): int(n) for n, text in shown_fixes} == fixes[finding], finding
    releases = re.findall(r'<tr class="release"><td>([^<]+)</td><td>(\d+)</td>', dom)
    by_release = document(audited)["summary"]["by_release"]
    assert {html.unescape(name): int(n) for name, n in releases} == {k: v["hosts"] for k, v in by_release.items()}


def test_the_host_table_pages(audited: str, tmp_path: os.PathLike[str]) -> None:
    hosts = sorted(h.lower() for h in report(audited))
    url = "file://" + os.path.join(audited, "report.html") + "#page=2"
    dom = chromium(os.path.join(str(tmp_path), "profile"), "--dump-dom", url)
    # 18 hosts and 100 rows a page: there is one page, and page 2 shows its last one.
    assert re.search(r'<span id="pages">1</span>', dom)
    assert re.findall(r'<tr class="host" data-host="([^"]+)"', dom) == hosts


def test_junit_lists_one_case_per_host(audited: str) -> None:
    suite = ET.parse(os.path.join(audited, "report.xml")).getroot()
    cases = suite.findall("testcase")
    assert sorted(c.get("name") for c in cases) == sorted(report(audited))
    assert int(suite.get("tests")) == len(cases) == HOSTS
    assert [c.get("name") for c in cases if c.find("error") is not None] == ["pc-gone"]
    failures = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failures == {h for h, e in report(audited).items() if e["status"] in ("noncompliant", "unsupported")}


def test_junit_is_read_by_a_junit_parser(audited: str) -> None:
    """junitparser reads report.xml as CI tools do: one case per host, each verdict where they look for it."""
    parsed = junitparser.JUnitXml.fromfile(os.path.join(audited, "report.xml"))
    suites = [parsed] if isinstance(parsed, junitparser.TestSuite) else list(parsed)
    cases = {case.name: case for suite in suites for case in suite}
    hosts = report(audited)
    assert sorted(cases) == sorted(hosts)
    for name, entry in hosts.items():
        kinds = sorted(type(r).__name__ for r in cases[name].result)
        expected = {"compliant": [], "noncompliant": ["Failure"], "unsupported": ["Failure"], "unreachable": ["Error"], "failed": ["Error"]}
        assert kinds == expected[entry["status"]], name
    total = sum(suite.tests for suite in suites)
    assert total == len(hosts)


def _import_built_collection() -> None:
    """Make the built tlsready.windows importable (ansible_collections is a namespace package)."""
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)


def fleet_copies(audited: str, copies: int) -> dict:
    """The report of ``copies`` hosts cycled from the audited lab, named as lab/generate.py --copies names them.

    Each copy carries its lab host's registry, so its audit result is its lab host's: the same
    entries under the copies' names (auditing 5,000 folders would take most of make test's time).
    """
    _import_built_collection()
    from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report
    lab = document(audited)
    hosts = [h for h in lab["hosts"] if h["host"] != "pc-gone"]
    width = 5 if copies >= 10000 else 4
    results = []
    for index in range(copies):
        entry = dict(hosts[index % len(hosts)])
        entry["host"] = f"{entry['host']}-{index + 1:0{width}d}"
        results.append(entry)
    return build_report(results, {}, "audit", "m365_client", lab["generated_at"])


def test_a_5000_host_report_html_is_at_most_4_mb_and_opens_with_the_fleet_view(audited: str, tmp_path: os.PathLike[str]) -> None:
    _import_built_collection()
    from ansible_collections.tlsready.windows.plugins.plugin_utils._report.write import write_reports
    fleet = fleet_copies(audited, 5000)
    out = os.path.join(str(tmp_path), "fleet")
    write_reports(fleet, out, ["html"])
    page = os.path.join(out, "report.html")
    assert os.path.getsize(page) <= 4 * 1024 * 1024, os.path.getsize(page)
    dom = chromium(os.path.join(str(tmp_path), "profile"), "--dump-dom", "file://" + page)
    assert re.search(r'<span id="shown">5000</span>', dom)
    assert re.search(r'<span id="pages">50</span>', dom)
    assert dom.count('<tr class="host"') == 100
    top = re.search(r'<tr class="top-finding" data-finding="([^"]+)">.*?<td class="finding-hosts">(\d+)</td>', dom, flags=re.S)
    assert top is not None
    expected = sum(1 for h in fleet["hosts"] if top.group(1) in {f["id"] for f in h["findings"] if f["severity"] == "error"})
    assert int(top.group(2)) == expected

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three states per setting in all four report formats, from the audit and converge playbooks.

The audit runs with ``tlsready_probe=true`` on a copy of the offline lab in which win7-dbd0
(compliant as collected, lab/README.md) has a ``probe.json`` whose WinHTTP probe fails with 12175
(docs/probe.md); the other hosts have none and are "not probed". No Windows host is involved: an
offline host's probe is its recorded file. The converge runs without a restart, so the values it
writes are pending.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import typing as t
import xml.etree.ElementTree as ET

import pytest

from labkit import ROOT, report, run

FAILING_PROBE = os.path.join(ROOT, "tests", "unit", "fixtures", "probe", "winhttp-12175-secure-failure.json")
PROBED = "win7-dbd0"
WINHTTP = "winhttp.default_secure_protocols"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CONVERGED = "win7-fresh"


@pytest.fixture(scope="module")
def probed_audit(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Audit the lab with tlsready_probe=true; return the report folder."""
    lab = str(tmp_path_factory.mktemp("states") / "lab")
    shutil.copytree(os.path.join(ROOT, "lab"), lab, ignore=shutil.ignore_patterns(".runs"))
    shutil.copyfile(FAILING_PROBE, os.path.join(lab, "hosts", PROBED, "probe.json"))
    out = os.path.join(os.path.dirname(lab), "report")
    done = run(lab, "audit", "-e", f"tlsready_report_dir={out}", "-e", "tlsready_probe=true")
    assert "PLAY [Probe TLS 1.2 from each host" in done.stdout and "skipping: no hosts matched" not in done.stdout
    return out


def _case(out: str, host: str) -> ET.Element:
    return next(c for c in ET.parse(os.path.join(out, "report.xml")).getroot().iter("testcase") if c.get("name") == host)


def _csv(out: str, host: str) -> list[dict[str, str]]:
    with open(os.path.join(out, "report.csv"), encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["host"] == host]


def _embedded(out: str) -> dict:
    with open(os.path.join(out, "report.html"), encoding="utf-8") as handle:
        page = handle.read()
    start = page.index('<script type="application/json" id="data">') + len('<script type="application/json" id="data">')
    return json.loads(page[start:page.index("</script>", start)])


def _html_states(out: str, host: str) -> tuple[list[str], dict[str, list[str]]]:
    """The host's [effective, pending, ...] summary and its settings by id, as the page's data holds them."""
    data = _embedded(out)
    row = next(h for h in data["h"] if h[0] == host)
    vector = data["v"][row[10]]
    return vector[:2], {data["s"][i][7]: data["s"][i] for i in vector[2]}


def test_the_audit_without_tlsready_probe_runs_no_probe(lab: str, tmp_path: os.PathLike[str]) -> None:
    shutil.copyfile(FAILING_PROBE, os.path.join(lab, "hosts", PROBED, "probe.json"))
    out = os.path.join(str(tmp_path), "report")
    done = run(lab, "audit", "-e", f"tlsready_report_dir={out}", "--limit", f"{PROBED},{CONVERGED}")
    assert "skipping: no hosts matched" in done.stdout and "Try TLS from the host" not in done.stdout
    hosts = report(out)
    # The recorded failure is not read: the verdict is the registry's, every setting is "not probed".
    assert hosts[PROBED]["status"] == "compliant" and hosts[PROBED]["effective"] == "not probed"
    assert {s["effective"] for s in hosts[PROBED]["setting_states"]} == {"not_probed"}


def test_a_right_registry_with_a_failing_winhttp_probe_in_report_json(probed_audit: str) -> None:
    hosts = report(probed_audit)  # validated against docs/schemas/report-v1.schema.json
    entry = hosts[PROBED]
    assert entry["status"] == "noncompliant" and entry["effective"] == "fails: winhttp" and entry["pending"] == ""
    assert [f["id"] for f in entry["findings"] if f["severity"] == "error"] == ["probe.winhttp.failed"]
    states = {s["id"]: s for s in entry["setting_states"]}
    winhttp = states[WINHTTP]
    assert (winhttp["configured"], winhttp["pending"], winhttp["effective"], winhttp["observed_by"]) == (
        "right", None, "fails", "winhttp")
    assert "12175 ERROR_WINHTTP_SECURE_FAILURE" in winhttp["effective_detail"]
    assert winhttp["registry"].startswith("DefaultSecureProtocols=0x")
    assert states["schannel.tls1_2.client"]["effective"] == "works"
    assert states[WINHTTP + ".wow64"]["effective"] == "not_probed"  # the 64-bit probe reads the 64-bit view
    assert states["wininet.secure_protocols"]["effective"] == "not_probed"
    # Hosts without probe.json keep their registry verdict and say why they were not probed.
    other = hosts[CONVERGED]
    assert other["effective"] == "not probed"
    assert {s["effective_detail"] for s in other["setting_states"]} == {"not probed: offline host without probe.json"}
    assert {s["configured"] for s in other["setting_states"]} == {"right", "wrong"}


def test_the_effective_state_in_report_xml(probed_audit: str) -> None:
    case = _case(probed_audit, PROBED)
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["effective"] == "fails: winhttp"
    assert properties[f"setting.{WINHTTP}"] == "configured=right pending=none effective=fails"
    assert properties["setting.schannel.tls1_2.client"] == "configured=right pending=none effective=works"
    out = case.find("system-out").text
    assert re.search(r"WinHTTP default secure protocols: DefaultSecureProtocols=0x[0-9A-F]+; configured right; "
                     r"nothing pending; effective fails \(winhttp: .*12175 ERROR_WINHTTP_SECURE_FAILURE", out)
    assert "probe.winhttp.failed" in case.find("failure").text
    assert _case(probed_audit, CONVERGED).find("properties").find("property[@name='effective']").get("value") == "not probed"


def test_the_effective_state_in_report_csv(probed_audit: str) -> None:
    rows = _csv(probed_audit, PROBED)
    assert {r["host_effective"] for r in rows} == {"fails: winhttp"}
    findings = [r for r in rows if r["finding_id"]]
    assert [r["finding_id"] for r in findings if r["severity"] == "error"] == ["probe.winhttp.failed"]
    assert {r["setting"] for r in findings} == {""}
    settings = {r["setting"]: r for r in rows if r["setting"]}
    winhttp = settings[WINHTTP]
    assert (winhttp["finding_id"], winhttp["configured"], winhttp["pending"], winhttp["effective"], winhttp["observed_by"]) == (
        "", "right", "", "fails", "winhttp")
    assert "12175" in winhttp["effective_detail"] and winhttp["status"] == "noncompliant"
    assert settings["schannel.tls1_2.client"]["effective"] == "works"
    assert len(settings) == len(report(probed_audit)[PROBED]["setting_states"])


def test_the_effective_state_in_report_html_data(probed_audit: str) -> None:
    summary, settings = _html_states(probed_audit, PROBED)
    assert summary == ["fails: winhttp", ""]
    label, registry, configured, pending, effective, observed_by, detail, _id = settings[WINHTTP]
    assert (label, configured, pending, effective, observed_by) == (
        "WinHTTP default secure protocols", "right", "", "fails", "winhttp")
    assert registry.startswith("DefaultSecureProtocols=0x") and "12175" in detail
    # Hosts alike share their list: the page stores each distinct list of states once.
    data = _embedded(probed_audit)
    assert len(data["v"]) < len(data["h"])


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed: run `make browser`")
def test_the_effective_column_in_report_html_as_a_browser_shows_it(probed_audit: str, tmp_path: os.PathLike[str]) -> None:
    url = "file://" + os.path.join(probed_audit, "report.html") + f"#q={PROBED}"
    done = subprocess.run([t.cast(str, CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={tmp_path}/profile", "--dump-dom", url],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert re.findall(r'<tr class="host" data-host="([^"]+)"', dom) == [PROBED]
    assert '<td class="host-effective fails">fails: winhttp</td>' in dom
    assert "<th>Effective</th>" in dom
    row = re.search(rf'<tr class="setting" data-setting="{re.escape(WINHTTP)}">(.*?)</tr>', dom, flags=re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), flags=re.S)
    assert cells[0] == "WinHTTP default secure protocols" and cells[2] == "right" and cells[3] == ""
    assert cells[4].startswith("fails (winhttp)<br><small>winhttp: ") and "12175" in cells[4]
    assert re.search(r'<tr class="setting" data-setting="schannel\.tls1_2\.client">.*?<td class="effective works" '
                     r'title="[^"]*">works \(schannel\)</td>', dom, flags=re.S)


def test_a_converge_without_restart_reports_what_is_pending(lab: str, tmp_path: os.PathLike[str]) -> None:
    out = os.path.join(str(tmp_path), "report")
    run(lab, "converge", "-e", f"tlsready_report_dir={out}", "-e", f"tlsready_backup_dir={tmp_path}/backups",
        "--limit", CONVERGED)
    entry = report(out)[CONVERGED]
    assert entry["reboot_required"] is True and entry["rebooted"] is False
    states = {s["id"]: s for s in entry["setting_states"]}
    written = {c["setting"] + (".wow64" if "Wow6432Node" in c["path"] else "") for c in entry["applied"]
               if c["result"] == "changed"}
    assert WINHTTP in written and "dotnet4.strong_crypto" in written
    assert states[WINHTTP]["pending"] == "host_restart" and states[WINHTTP]["configured"] == "right"
    assert states["dotnet4.strong_crypto"]["pending"] == "program_restart"
    assert {s["pending"] for i, s in states.items() if i not in written} == {None}
    assert entry["pending"] == "host restart, program restart" and entry["effective"] == "not probed"

    properties = {p.get("name"): p.get("value") for p in _case(out, CONVERGED).iter("property")}
    assert properties["pending"] == "host restart, program restart"
    assert properties[f"setting.{WINHTTP}"] == "configured=right pending=host_restart effective=not_probed"
    assert "WinHTTP default secure protocols: DefaultSecureProtocols=0x" in _case(out, CONVERGED).find("system-out").text
    assert "waits for a host restart" in _case(out, CONVERGED).find("system-out").text

    settings = {r["setting"]: r for r in _csv(out, CONVERGED) if r["setting"]}
    assert settings[WINHTTP]["pending"] == "host_restart" and settings["dotnet4.strong_crypto"]["pending"] == "program_restart"

    summary, html_settings = _html_states(out, CONVERGED)
    assert summary == ["not probed", "host restart, program restart"]
    assert html_settings[WINHTTP][3] == "host_restart"

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reports that never break: hostile host names, undecodable file names, formula cells, one set per write."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import re
import stat
import xml.etree.ElementTree as ET

from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.render import render_csv, render_junit
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.write import MANIFEST, write_reports

WIN7 = {"name": "Windows 7 SP1", "build": "6.1.7601", "architecture": "x64", "supported": True}


def report_of(*results: dict, failures: dict | None = None, generated: str = "2026-11-25T03:00:00+00:00") -> dict:
    return build_report(list(results), failures or {}, "audit", "m365_client", generated)


def host(name: str, **extra: object) -> dict:
    return {"host": name, "compliant": False, "release": WIN7, "findings": [], "missing_hotfixes": [], "changes": [],
            **extra}


def test_control_characters_in_a_host_name_leave_report_xml_well_formed() -> None:
    name = "pc\x01bell\x07\x1b[31m\x0b"
    report = report_of(host(name, findings=[{"id": "x", "severity": "error", "message": "bad\x00byte", "remediation": ""}]))
    suite = ET.fromstring(render_junit(report))
    case = suite.find("testcase")
    assert case.get("name") == "pc\\x01bell\\x07\\x1b[31m\\x0b"
    assert "bad\\x00byte" in case.find("failure").text


def test_an_undecodable_file_name_is_shown_escaped_and_every_format_is_written(tmp_path: os.PathLike[str]) -> None:
    folder = os.fsdecode(b"/exports/pc-\xff\xfe")  # surrogateescape, as os.listdir gives a non-UTF-8 name
    report = report_of(host("pc-ok"), failures={"pc-bad": ("failed", f"{folder}: no such folder")})
    files = write_reports(report, str(tmp_path))
    assert len(files) == 4
    with open(os.path.join(str(tmp_path), "report.json"), encoding="utf-8") as handle:
        entries = {h["host"]: h for h in json.load(handle)["hosts"]}
    assert entries["pc-bad"]["error"] == "/exports/pc-\\xff\\xfe: no such folder"
    assert "pc-ok" in entries
    ET.parse(os.path.join(str(tmp_path), "report.xml"))


def test_one_hosts_malformed_result_does_not_stop_the_others() -> None:
    broken = host("pc-broken", findings=[{"id": "x", "severity": "error"}], release=WIN7)
    broken["findings"] = None
    broken["release"] = "not a mapping"  # host_status calls .get on it
    report = report_of(host("pc-a"), broken, host("pc-z"))
    statuses = {h["host"]: h["status"] for h in report["hosts"]}
    assert statuses == {"pc-a": "noncompliant", "pc-broken": "failed", "pc-z": "noncompliant"}
    render_csv(report)
    render_junit(report)


def test_csv_neutralises_formulas_and_quotes_every_cell_for_any_separator() -> None:
    evil = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "a;b", "a,b", 'say "hi"']
    report = report_of(*[host(f"pc-{i}", findings=[{"id": "f", "severity": "error", "message": text, "remediation": ""}])
                         for i, text in enumerate(evil)])
    text = render_csv(report)
    rows = list(csv.DictReader(io.StringIO(text)))
    messages = [r["message"] for r in rows]
    assert messages == ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", "a;b", "a,b", 'say "hi"']
    # Every cell is quoted, so a spreadsheet splitting on ';' (many locales) or ',' keeps each cell whole.
    assert re.fullmatch(r'(?:"(?:[^"]|"")*"(?:,|\r\n))+', text)


def test_report_files_get_the_umasks_permissions(tmp_path: os.PathLike[str]) -> None:
    old = os.umask(0o022)
    try:
        files = write_reports(report_of(host("pc-a")), str(tmp_path))
    finally:
        os.umask(old)
    for path in files + [os.path.join(str(tmp_path), MANIFEST)]:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o644, path


def test_the_manifest_names_the_set_written(tmp_path: os.PathLike[str]) -> None:
    write_reports(report_of(host("pc-a")), str(tmp_path))
    with open(os.path.join(str(tmp_path), MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert sorted(manifest["files"]) == ["report.csv", "report.html", "report.json", "report.xml"]
    for name, digest in manifest["files"].items():
        with open(os.path.join(str(tmp_path), name), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == digest
    assert not [n for n in os.listdir(str(tmp_path)) if n.startswith(".tlsready-") and n != ".tlsready-report.lock"]


def _writer(dest: str, generated: str, rounds: int) -> None:
    for _round in range(rounds):
        write_reports(report_of(*[host(f"pc-{i}") for i in range(200)], generated=generated), dest)


def test_two_concurrent_writers_never_leave_a_mixed_set(tmp_path: os.PathLike[str]) -> None:
    dest = str(tmp_path)
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_writer, args=(dest, stamp, 8))
               for stamp in ("2026-11-25T03:00:00+00:00", "2026-11-26T03:00:00+00:00")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    with open(os.path.join(dest, MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    with open(os.path.join(dest, "report.json"), encoding="utf-8") as handle:
        assert json.load(handle)["generated_at"] == manifest["generated_at"]
    for name, digest in manifest["files"].items():
        with open(os.path.join(dest, name), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == digest, name
    junit = ET.parse(os.path.join(dest, "report.xml")).getroot()
    assert junit.get("timestamp") == manifest["generated_at"]


def test_drift_names_regressed_and_fixed_hosts_and_the_values_that_moved() -> None:
    from ansible_collections.tlsready.windows.plugins.plugin_utils._report.drift import apply_drift
    policy_path = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
    change = {"setting": "wininet.secure_protocols", "path": policy_path, "name": "SecureProtocols", "type": "dword",
              "current": 160, "desired": 2048}
    before = report_of(host("pc-a", compliant=True), host("pc-b"), host("pc-c", compliant=True))
    after = report_of(host("pc-a", changes=[change], findings=[{"id": "wininet.policy_secure_protocols", "severity": "error",
                                                                "message": "m", "remediation": "r"}]),
                      host("pc-b", compliant=True), host("pc-c", compliant=True))
    apply_drift(after, before)
    assert after["drift"]["regressed"] == ["pc-a"] and after["drift"]["fixed"] == ["pc-b"]
    assert after["drift"]["changed"] == ["pc-a", "pc-b"]
    entry = next(h for h in after["hosts"] if h["host"] == "pc-a")
    moved = {m[0]: m for m in entry["drift"]["moved"]}
    assert moved[policy_path + "\\SecureProtocols"][1:3] == ["as required", "160"]
    assert "Turn off encryption support" in moved[policy_path + "\\SecureProtocols"][3]
    assert "Turn off encryption support" in entry["changes"][0]["group_policy"]
    assert "drift" not in next(h for h in after["hosts"] if h["host"] == "pc-c")
    rows = list(csv.DictReader(io.StringIO(render_csv(after))))
    assert [r["drift"] for r in rows if r["host"] == "pc-a"][0].startswith("regressed (compliant -> noncompliant)")
    ET.fromstring(render_junit(after))

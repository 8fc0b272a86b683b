# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.json, report.xml (JUnit) and report.csv rendered from the report document (internal use only).
"""

from __future__ import annotations

import csv
import io
import json
import re
import typing as t
import xml.etree.ElementTree as ET

from .status import ERROR_STATUSES


def count_of(number: int, noun: str) -> str:
    """Return ``1 finding``, ``2 findings``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# Characters XML 1.0 does not allow, even escaped: C0 controls but tab, LF, CR; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: t.Any) -> str:
    """Text XML 1.0 can hold: characters it forbids (a control character in a host name) as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        "" if value is None else str(value))


def render_json(report: t.Mapping[str, t.Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"


def _finding_line(finding: t.Mapping[str, t.Any]) -> str:
    gpo = f" [set by Group Policy: change {finding['group_policy']}]" if finding.get("group_policy") else ""
    return f"{finding.get('id')}: {finding.get('message')} -> {finding.get('remediation')}{gpo}"


def drift_line(host: t.Mapping[str, t.Any]) -> str:
    """One line of what moved on a host since the previous report ("" when nothing did)."""
    drift = host.get("drift")
    if not drift:
        return ""
    moves = "; ".join(f"{what}: {was} -> {now}" + (f" (set by Group Policy: {gpo})" if gpo else "")
                      for what, was, now, gpo in drift["moved"])
    head = {(True, False): "regressed", (False, True): "fixed"}.get(
        (drift["before"] == "compliant", drift["after"] == "compliant"), "changed")
    return f"{head} ({drift['before']} -> {drift['after']})" + (f": {moves}" if moves else "")


def setting_line(state: t.Mapping[str, t.Any]) -> str:
    """One setting's three states in one line, for the JUnit system-out."""
    pending = {"host_restart": "waits for a host restart", "program_restart": "waits for its programs to restart"}
    return (f"{state.get('label')}: {state.get('registry')}; configured {state.get('configured')}; "
            f"{pending.get(str(state.get('pending')), 'nothing pending')}; effective {state.get('effective')}"
            f" ({state.get('effective_detail')})")


def rollout_line(rollout: t.Mapping[str, t.Any]) -> str:
    """One line on the canary rollout: the waves run, and where and why it stopped."""
    waves = rollout.get("waves") or []
    started = [w for w in waves if w.get("started")]
    head = f"{len(started)} of {len(waves)} waves run"
    return f"{head}; {rollout['stopped']}" if rollout.get("stopped") else f"{head}; the rollout was not stopped"


def render_junit(report: t.Mapping[str, t.Any]) -> str:
    """One test case per host: noncompliant/unsupported are failures, unreachable/failed are errors."""
    hosts = report["hosts"]
    failures = sum(1 for h in hosts if h["status"] in ("noncompliant", "unsupported"))
    errors = sum(1 for h in hosts if h["status"] in ERROR_STATUSES and h["status"] != "not_started")
    skipped = sum(1 for h in hosts if h["status"] == "not_started")
    suite = ET.Element("testsuite", name=f"tlsready.{report['mode']}", tests=str(len(hosts)),
                       failures=str(failures), errors=str(errors), skipped=str(skipped),
                       timestamp=xml_text(report["generated_at"]))
    if report.get("rollout"):
        suite_props = ET.SubElement(suite, "properties")
        ET.SubElement(suite_props, "property", name="rollout", value=xml_text(rollout_line(report["rollout"])))
    for host in hosts:
        case = ET.SubElement(suite, "testcase", classname=f"tlsready.{report['profile']}", name=xml_text(host["host"]))
        release = host.get("release") or {}
        props = ET.SubElement(case, "properties")
        for key in ("name", "build", "architecture"):
            ET.SubElement(props, "property", name=f"release.{key}", value=xml_text(release.get(key) or ""))
        out = []
        if host.get("drift"):
            ET.SubElement(props, "property", name="drift", value=xml_text(drift_line(host)))
            out.append("Changed since the previous report: " + drift_line(host))
        if host.get("setting_states") is not None:
            ET.SubElement(props, "property", name="effective", value=xml_text(host.get("effective")))
            ET.SubElement(props, "property", name="pending", value=xml_text(host.get("pending")))
            for state in host["setting_states"]:
                ET.SubElement(props, "property", name=xml_text(f"setting.{state.get('id')}"), value=xml_text(
                    f"configured={state.get('configured')} pending={state.get('pending') or 'none'} "
                    f"effective={state.get('effective')}"))
            out.append("Settings (configured / pending / effective):\n" + "\n".join(
                setting_line(state) for state in host["setting_states"]))
        if out:
            ET.SubElement(case, "system-out").text = xml_text("\n".join(out))
        findings = [f for f in host.get("findings") or [] if f.get("severity") == "error"]
        if host["status"] in ("noncompliant", "unsupported"):
            failure = ET.SubElement(case, "failure", message=count_of(len(findings), "finding"), type=host["status"])
            failure.text = xml_text("\n".join(_finding_line(f) for f in findings))
        elif host["status"] == "not_started":
            ET.SubElement(case, "skipped", message=xml_text(host.get("error") or "not started"))
        elif host["status"] in ERROR_STATUSES:
            error = ET.SubElement(case, "error", message=xml_text(host.get("error") or host["status"]), type=host["status"])
            error.text = xml_text(host.get("error") or "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _cell(value: t.Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula (after a tab or CR too); a leading quote keeps them text.
    return "'" + text if text.startswith(_FORMULA_START) else text


SETTING_COLUMNS = ("setting", "label", "registry", "configured", "pending", "effective", "observed_by", "effective_detail")


def render_csv(report: t.Mapping[str, t.Any]) -> str:
    """One row per host and finding, then one per host and setting state; a host without either gets one row.

    Finding rows leave the setting columns empty, setting rows the finding columns (docs/reports.md).
    """
    out = io.StringIO()
    # Every cell quoted: a spreadsheet that splits on ';' (many locales) or ',' keeps each cell whole.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["host", "status", "release", "build", "architecture", "finding_id", "severity", "message",
                     "remediation", "missing_hotfixes", "reboot_required", "group_policy", "drift", "host_effective",
                     *SETTING_COLUMNS])
    for host in report["hosts"]:
        release = host.get("release") or {}
        base = [host["host"], host["status"], release.get("name"), release.get("build"), release.get("architecture")]
        tail = [" ".join(host.get("missing_hotfixes") or []), host.get("reboot_required")]
        drift = drift_line(host)
        findings = host.get("findings") or []
        if host.get("error"):
            # A lost host's fix is the command that restores it from its console.
            fix = (host.get("post_check") or {}).get("restore_command") or ""
            findings = [{"id": host["status"], "severity": "error", "message": host["error"], "remediation": fix}]
        states = host.get("setting_states") or []
        effective = host.get("effective") or ""
        for finding in findings or ([] if states else [{}]):
            row = base + [finding.get("id"), finding.get("severity"), finding.get("message"), finding.get("remediation")]
            writer.writerow([_cell(v) for v in row + tail + [finding.get("group_policy"), drift, effective]
                             + [""] * len(SETTING_COLUMNS)])
        for state in states:
            row = base + ["", "", "", ""] + tail + ["", drift, effective]
            state_id = state.get("id")
            writer.writerow([_cell(v) for v in row + [state_id] + [state.get(c) for c in SETTING_COLUMNS[1:]]])
    return out.getvalue()

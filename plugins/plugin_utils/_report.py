# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet reports: report.json, report.xml (JUnit), report.csv and report.html (internal use only).

Hosts that were unreachable or failed appear in every format as such, never as compliant.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
import typing as t
import xml.etree.ElementTree as ET

from ._errors import InputError

REPORT_SCHEMA_VERSION = 1
FORMATS = {"json": "report.json", "xml": "report.xml", "csv": "report.csv", "html": "report.html"}
STATUSES = ("compliant", "noncompliant", "unsupported", "unreachable", "failed")


NO_RESULT = "no tlsready result recorded: the host failed or was not reached"


def count_of(number: int, noun: str) -> str:
    """Return ``1 finding``, ``2 findings``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def host_result(name: str, found: t.Any, var: str = "result") -> tuple[dict[str, t.Any] | None, tuple[str, str] | None]:
    """Turn what a host recorded in ``var`` into a report result, or a failure (status, message).

    ``found`` is either a result fact (the ``tls12`` role's ``tls12_result``: an evaluation
    with ``host``, marked ``failed`` when the run failed part way), or the registered result of
    M(tlsready.windows.tls_facts) (the ``audit`` role's ``audit_facts``): its ``evaluation`` and
    ``state.source`` when it read the host, ``unreachable`` or ``failed`` with its message
    otherwise. Anything else is a failure: a host is never reported compliant without an evaluation.
    """
    if not isinstance(found, t.Mapping):
        return None, ("failed", NO_RESULT)
    if found.get("unreachable"):
        return {"host": name, "unreachable": True, "error": str(found.get("error") or found.get("msg") or "unreachable")}, None
    if found.get("failed") and "compliant" not in found:
        return None, ("failed", str(found.get("msg") or "the tlsready task failed on this host"))
    if found.get("skipped"):
        return None, ("failed", "the tlsready task was skipped on this host: " + str(found.get("skip_reason") or "no result"))
    evaluation = found.get("evaluation")
    if isinstance(evaluation, t.Mapping):
        source = (found.get("state") or {}).get("source")
        found = {**evaluation, "source": source}
    elif "state" in found or "invocation" in found:
        return None, ("failed", NO_RESULT)
    problem = result_problem(found)
    if problem is not None:
        return None, ("failed", f"{var} of this host is not a tlsready result: {problem}")
    return {**found, "host": name}, None


def status_fact(evaluation: t.Mapping[str, t.Any], state: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Return the fact ``tlsready_status``: the verdict in a few fields, small enough to cache per host.

    It is what an AWX smart inventory or a fact-cache query filters on; the full state and
    evaluation stay in the task result.
    """
    release = evaluation.get("release") or {}
    return {
        "profile": evaluation.get("profile"),
        "status": host_status(evaluation),
        "compliant": bool(evaluation.get("compliant")),
        "release": release.get("name"),
        "build": release.get("build"),
        "missing_hotfixes": list(evaluation.get("missing_hotfixes") or []),
        "findings": sorted({f["id"] for f in evaluation.get("findings") or [] if f.get("severity") == "error"}),
        "reboot_pending": bool(state.get("reboot_pending")),
        "reboot_required": bool(evaluation.get("reboot_required")),
        "source": state.get("source"),
    }


def host_status(result: t.Mapping[str, t.Any]) -> str:
    """Return the status of one host result."""
    if result.get("unreachable"):
        return "unreachable"
    if result.get("failed"):
        # The run failed part way (a restart that timed out, a write that failed): never compliant.
        return "failed"
    if not (result.get("release") or {}).get("supported", False):
        return "unsupported"
    return "compliant" if result.get("compliant") else "noncompliant"


def result_problem(result: t.Mapping[str, t.Any]) -> str | None:
    """Return why ``result`` is not a host result the report can show, or None when it is one.

    A host result is the ``tls12`` role's ``tls12_result`` fact or the evaluation of a registered
    tls_facts result; ``tls_report`` may be pointed (``result_var``) at any host variable, and one that
    is not such a result is reported as a failure.
    """
    if not result.get("unreachable") and "compliant" not in result:
        return "it has no 'compliant' key"
    release = result.get("release")
    if release is not None and not isinstance(release, t.Mapping):
        return "'release' is not a dictionary"
    if release is not None and not isinstance(release.get("name"), (str, type(None))):
        return "'release.name' is not a string"
    for key in ("findings", "changes", "applied"):
        items = result.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, t.Mapping) for i in items)):
            return f"'{key}' is not a list of dictionaries"
    hotfixes = result.get("missing_hotfixes")
    if hotfixes is not None and (not isinstance(hotfixes, list) or not all(isinstance(h, str) for h in hotfixes)):
        return "'missing_hotfixes' is not a list of update ids"
    return None


def build_report(
    results: t.Sequence[t.Mapping[str, t.Any]],
    failures: t.Mapping[str, tuple[str, str]],
    mode: str,
    profile: str,
    generated_at: str,
) -> dict[str, t.Any]:
    """Return the report document: per-host entries sorted by host, and the fleet summary.

    Args:
        results: per-host results (the role's ``tls12_result`` / ``audit_result`` facts).
        failures: host -> (``unreachable`` or ``failed``, message) for hosts without a result.
    """
    hosts: list[dict[str, t.Any]] = []
    for result in results:
        status = host_status(result)
        entry = {"findings": [], "missing_hotfixes": [], "changes": [], "release": None, "compliant": False,
                 "reboot_required": False, "error": None, **dict(result), "status": status}
        if status in ("unreachable", "failed"):
            entry["compliant"] = False
            if not isinstance(entry.get("error"), str):
                entry["error"] = f"the host {status}; see the play output"
        hosts.append(entry)
    for name, (status, message) in failures.items():
        hosts.append({"host": name, "status": status, "compliant": False, "release": None, "findings": [],
                      "missing_hotfixes": [], "changes": [], "reboot_required": False, "error": message})
    hosts.sort(key=lambda h: str(h["host"]))
    summary: dict[str, t.Any] = {"hosts": len(hosts), **{s: 0 for s in STATUSES}, "reboot_required": 0,
                                 "by_release": {}}
    for entry in hosts:
        summary[entry["status"]] += 1
        summary["reboot_required"] += 1 if entry.get("reboot_required") else 0
        release = (entry.get("release") or {}).get("name") or "unknown"
        counts = summary["by_release"].setdefault(release, {"hosts": 0, "compliant": 0})
        counts["hosts"] += 1
        counts["compliant"] += 1 if entry["status"] == "compliant" else 0
    return {"schema_version": REPORT_SCHEMA_VERSION, "generated_at": generated_at, "mode": mode,
            "profile": profile, "summary": summary, "hosts": hosts}


def host_reason(entry: t.Mapping[str, t.Any]) -> str:
    """Return one line saying why a report entry is not compliant (empty for a compliant host)."""
    status = entry["status"]
    if status == "compliant":
        return ""
    if entry.get("error"):
        return f"{status}: {entry['error']}"
    ids = sorted({str(f.get("id")) for f in entry.get("findings") or [] if f.get("severity") == "error"})
    hotfixes = list(entry.get("missing_hotfixes") or [])
    parts = ([", ".join(ids)] if ids else []) + ([f"missing {' '.join(hotfixes)}"] if hotfixes else [])
    return f"{status}: {'; '.join(parts)}" if parts else status


def render_json(report: t.Mapping[str, t.Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"


def _finding_line(finding: t.Mapping[str, t.Any]) -> str:
    return f"{finding.get('id')}: {finding.get('message')} -> {finding.get('remediation')}"


def render_junit(report: t.Mapping[str, t.Any]) -> str:
    """One test case per host: noncompliant/unsupported are failures, unreachable/failed are errors."""
    hosts = report["hosts"]
    failures = sum(1 for h in hosts if h["status"] in ("noncompliant", "unsupported"))
    errors = sum(1 for h in hosts if h["status"] in ("unreachable", "failed"))
    suite = ET.Element("testsuite", name=f"tlsready.{report['mode']}", tests=str(len(hosts)),
                       failures=str(failures), errors=str(errors), skipped="0", timestamp=report["generated_at"])
    for host in hosts:
        case = ET.SubElement(suite, "testcase", classname=f"tlsready.{report['profile']}", name=str(host["host"]))
        release = host.get("release") or {}
        props = ET.SubElement(case, "properties")
        for key in ("name", "build", "architecture"):
            ET.SubElement(props, "property", name=f"release.{key}", value=str(release.get(key) or ""))
        findings = [f for f in host.get("findings") or [] if f.get("severity") == "error"]
        if host["status"] in ("noncompliant", "unsupported"):
            failure = ET.SubElement(case, "failure", message=count_of(len(findings), "finding"), type=host["status"])
            failure.text = "\n".join(_finding_line(f) for f in findings)
        elif host["status"] in ("unreachable", "failed"):
            error = ET.SubElement(case, "error", message=str(host.get("error") or host["status"]), type=host["status"])
            error.text = str(host.get("error") or "")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _cell(value: t.Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like a formula; a leading quote keeps them text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_csv(report: t.Mapping[str, t.Any]) -> str:
    """One row per host and finding; a host without findings gets one row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["host", "status", "release", "build", "architecture", "finding_id", "severity", "message",
                     "remediation", "missing_hotfixes", "reboot_required"])
    for host in report["hosts"]:
        release = host.get("release") or {}
        base = [host["host"], host["status"], release.get("name"), release.get("build"), release.get("architecture")]
        tail = [" ".join(host.get("missing_hotfixes") or []), host.get("reboot_required")]
        findings = host.get("findings") or []
        if host.get("error"):
            findings = [{"id": host["status"], "severity": "error", "message": host["error"], "remediation": ""}]
        for finding in findings or [{}]:
            row = base + [finding.get("id"), finding.get("severity"), finding.get("message"), finding.get("remediation")]
            writer.writerow([_cell(v) for v in row + tail])
    return out.getvalue()


_CSS = """body{font-family:Segoe UI,Arial,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}.cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1.2em;min-width:8em}
.card b{display:block;font-size:1.8em}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
.compliant{color:#176317}.noncompliant,.failed{color:#a11}.unsupported,.unreachable{color:#8a5a00}
details{margin:.2em 0}code{font-size:.9em}.hidden{display:none}"""

_JS = """function f(){var q=document.getElementById('q').value.toLowerCase();
var rel=document.getElementById('rel').value,fid=document.getElementById('fid').value.toLowerCase();
var on={};document.querySelectorAll('.st').forEach(function(c){on[c.value]=c.checked});
var shown=0;document.querySelectorAll('tr.host').forEach(function(r){
var show=r.dataset.host.indexOf(q)>=0&&on[r.dataset.status]&&(!rel||r.dataset.release===rel)
&&(!fid||r.dataset.findings.indexOf(fid)>=0);r.classList.toggle('hidden',!show);if(show)shown++});
document.getElementById('shown').textContent=shown}
function h(){var p={};location.hash.slice(1).split('&').forEach(function(kv){var i=kv.indexOf('=');
if(i>0)p[kv.slice(0,i)]=decodeURIComponent(kv.slice(i+1))});
if(p.q)document.getElementById('q').value=p.q;if(p.release)document.getElementById('rel').value=p.release;
if(p.finding)document.getElementById('fid').value=p.finding;
if(p.status){var w=p.status.split(',');document.querySelectorAll('.st').forEach(function(c){c.checked=w.indexOf(c.value)>=0})}
f()}
document.addEventListener('DOMContentLoaded',h);window.addEventListener('hashchange',h);"""


def render_html(report: t.Mapping[str, t.Any]) -> str:
    """One self-contained page: summary cards, by-release table, hosts with findings and remediation, filters."""
    e = html.escape
    summary = report["summary"]
    cards = "".join(f'<div class="card {s}">{s}<b id="count-{s}">{summary[s]}</b></div>' for s in STATUSES)
    releases = "".join(f"<tr><td>{e(name)}</td><td>{c['hosts']}</td><td>{c['compliant']}</td></tr>"
                       for name, c in sorted(summary["by_release"].items()))
    rows = []
    for host in report["hosts"]:
        release = host.get("release") or {}
        details = "".join(
            f"<li><code>{e(str(f.get('id')))}</code> ({e(str(f.get('severity')))}): {e(str(f.get('message')))}"
            f"<br>Fix: {e(str(f.get('remediation')))}</li>" for f in host.get("findings") or [])
        changes = "".join(
            f"<li><code>{e(str(c.get('path')))}\\{e(str(c.get('name')))}</code> {e(str(c.get('type')))}: "
            f"{e(str(c.get('current')))} &rarr; {e(str(c.get('desired')))}</li>" for c in host.get("changes") or [])
        body = (f"<ul>{details}</ul>" if details else "") + (f"<p>Registry changes:</p><ul>{changes}</ul>" if changes else "")
        if host.get("error"):
            body = f"<p>{e(str(host['error']))}</p>"
        cell = f"<details><summary>{count_of(len(host.get('findings') or []), 'finding')}</summary>{body}</details>" if body else ""
        finding_ids = " ".join(str(f.get("id")).lower() for f in host.get("findings") or [])
        rows.append(
            f'<tr class="host" data-host="{e(str(host["host"]).lower())}" data-status="{host["status"]}" '
            f'data-release="{e(str(release.get("name") or "unknown"))}" data-findings="{e(finding_ids)}">'
            f'<td>{e(str(host["host"]))}</td><td class="{host["status"]}">{host["status"]}</td>'
            f'<td>{e(str(release.get("name") or ""))}</td><td>{e(str(release.get("build") or ""))}</td>'
            f'<td>{e(" ".join(host.get("missing_hotfixes") or []))}</td>'
            f'<td>{"yes" if host.get("reboot_required") else ""}</td><td>{cell}</td></tr>')
    options = "".join(f'<option value="{e(name)}">{e(name)}</option>' for name in sorted(summary["by_release"]))
    boxes = "".join(f'<label><input type="checkbox" class="st" value="{s}" checked onchange="f()"> {s}</label> '
                    for s in STATUSES)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>tlsready {e(report['mode'])} "
            f"report</title><style>{_CSS}</style></head><body><h1>TLS 1.2 readiness: {e(report['mode'])}, profile "
            f"{e(report['profile'])}</h1><p>Generated {e(report['generated_at'])}; {summary['hosts']} hosts.</p>"
            f"<div class=\"cards\">{cards}</div><h2>By release</h2><table><tr><th>Release</th><th>Hosts</th>"
            f"<th>Compliant</th></tr>{releases}</table><h2>Hosts</h2><p><label>Host name <input id=\"q\" "
            f"oninput=\"f()\"></label> <label>Release <select id=\"rel\" onchange=\"f()\"><option value=\"\">all"
            f"</option>{options}</select></label> <label>Finding id <input id=\"fid\" oninput=\"f()\" "
            f"placeholder=\"e.g. winhttp\"></label> {boxes}</p><p><span id=\"shown\">{summary['hosts']}</span> of "
            f"<span id=\"count-hosts\">{summary['hosts']}</span> hosts shown.</p><table><tr><th>Host</th><th>Status</th><th>Release</th>"
            f"<th>Build</th><th>Missing updates</th><th>Restart</th><th>Findings and remediation</th></tr>"
            f"{''.join(rows)}</table><script>{_JS}</script></body></html>\n")


_RENDERERS: dict[str, t.Callable[[t.Mapping[str, t.Any]], str]] = {
    "json": render_json, "xml": render_junit, "csv": render_csv, "html": render_html,
}


def check_formats(formats: t.Sequence[str]) -> None:
    """Refuse a format name that is not one of FORMATS, naming the option."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError("formats", f"must be any of {', '.join(FORMATS)}; got {unknown[0]!r}")


def write_reports(report: t.Mapping[str, t.Any], dest: str, formats: t.Sequence[str] = tuple(FORMATS)) -> list[str]:
    """Write the chosen formats into ``dest`` atomically; return the paths written."""
    check_formats(formats)
    os.makedirs(dest, exist_ok=True)
    written = []
    for fmt in formats:
        path = os.path.join(dest, FORMATS[fmt])
        handle, temp = tempfile.mkstemp(prefix=".tlsready-", dir=dest)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(_RENDERERS[fmt](report))
        os.replace(temp, path)
        written.append(path)
    return written

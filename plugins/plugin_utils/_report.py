# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet reports: report.json, report.xml (JUnit), report.csv and report.html (internal use only).

Hosts that were unreachable or failed appear in every format as such, never as compliant.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
import re
import tempfile
import typing as t
import xml.etree.ElementTree as ET

import jinja2

from ._errors import InputError
from ._report_drift import mark_group_policy
from ._report_html import STATUSES, render_html
from ._setting_states import effective_summary, pending_summary

# Statuses of hosts without a verdict of their own: the entry's error says why.
ERROR_STATUSES = ("unreachable", "failed", "reverted", "lost", "not_started")

REPORT_SCHEMA_VERSION = 1
FORMATS = {"json": "report.json", "xml": "report.xml", "csv": "report.csv", "html": "report.html"}


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
    # The three states of each setting (tls_facts and tls_converge return them beside the evaluation).
    states = found.get("setting_states")
    converge = found.get("converge")
    if isinstance(converge, t.Mapping) and isinstance(found.get("evaluation"), t.Mapping):
        # A registered tls_converge result: the verdict after the run and what the run did.
        found = {**found["evaluation"], "source": (found.get("state") or {}).get("source"), **converge}
    if found.get("failed") and "compliant" not in found:
        return None, ("failed", str(found.get("msg") or "the tlsready task failed on this host"))
    if found.get("skipped"):
        return None, ("failed", "the tlsready task was skipped on this host: " + str(found.get("skip_reason") or "no result"))
    evaluation = found.get("evaluation")
    if isinstance(evaluation, t.Mapping):
        state = found.get("state") or {}
        found = {**evaluation, "source": state.get("source")}
        if isinstance(state.get("provenance"), t.Mapping):
            # Passthrough only: which export each fact came from, and the updates list's counts.
            found["provenance"] = dict(state["provenance"])
    elif "state" in found or "invocation" in found:
        return None, ("failed", NO_RESULT)
    if states is not None:
        found = {**found, "setting_states": states}
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
    post_check = result.get("post_check")
    if isinstance(post_check, t.Mapping) and post_check.get("outcome") in ("reverted", "lost"):
        # The canary post-check failed after the change (tls_converge post_check).
        return str(post_check["outcome"])
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
    for key in ("findings", "changes", "applied", "setting_states"):
        items = result.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, t.Mapping) for i in items)):
            return f"'{key}' is not a list of dictionaries"
    hotfixes = result.get("missing_hotfixes")
    if hotfixes is not None and (not isinstance(hotfixes, list) or not all(isinstance(h, str) for h in hotfixes)):
        return "'missing_hotfixes' is not a list of update ids"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters XML 1.0 does not allow, even escaped: C0 controls but tab, LF, CR; U+FFFE, U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    # A byte that was not UTF-8 in a file name (os.fsdecode's surrogateescape) shows as \xNN.
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def clean_text(value: t.Any) -> t.Any:
    """Return ``value`` with every string made encodable: undecodable bytes shown as ``\\xNN`` escapes."""
    if isinstance(value, str):
        return _SURROGATE.sub(_escape_surrogate, value)
    if isinstance(value, t.Mapping):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_text(v) for v in value]
    return value


def xml_text(value: t.Any) -> str:
    """Text XML 1.0 can hold: characters it forbids (a control character in a host name) as ``\\xNN``."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                        "" if value is None else str(value))


def _host_entry(result: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    status = host_status(result)
    entry = {"findings": [], "missing_hotfixes": [], "changes": [], "release": None, "compliant": False,
             "reboot_required": False, "error": None, **dict(result), "status": status}
    if status in ERROR_STATUSES:
        entry["compliant"] = False
        if not isinstance(entry.get("error"), str):
            entry["error"] = f"the host {status}; see the play output"
    entry["findings"] = [dict(f) for f in entry.get("findings") or []]
    entry["changes"] = [dict(c) for c in entry.get("changes") or []]
    if entry.get("setting_states") is not None:
        entry["setting_states"] = [dict(s) for s in entry["setting_states"]]
        # The host's effective state and what waits for a restart, in a few words, for every format.
        entry["effective"] = effective_summary(entry["setting_states"])
        entry["pending"] = pending_summary(entry["setting_states"])
    mark_group_policy(entry)
    return entry


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
        try:
            hosts.append(clean_text(_host_entry(result)))
        except (AttributeError, TypeError, ValueError) as err:
            # One host's malformed result is that host's failure, never the end of the others' rows.
            failures = {**failures, str(result.get("host")): ("failed", f"its result could not be reported: {err}")}
    for name, (status, message) in failures.items():
        hosts.append(clean_text({"host": name, "status": status, "compliant": False, "release": None, "findings": [],
                                 "missing_hotfixes": [], "changes": [], "reboot_required": False, "error": message}))
    return assemble_report(hosts, mode, profile, generated_at)


def assemble_report(hosts: list[dict[str, t.Any]], mode: str, profile: str, generated_at: str) -> dict[str, t.Any]:
    """Return the report document of finished host entries (each with its status): sorted, summarised."""
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


_RENDERERS: dict[str, t.Callable[[t.Mapping[str, t.Any]], str]] = {
    "json": render_json, "xml": render_junit, "csv": render_csv, "html": render_html,
}


def check_formats(formats: t.Sequence[str]) -> None:
    """Refuse a format name that is not one of FORMATS, naming the option."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError("formats", f"must be any of {', '.join(FORMATS)}; got {unknown[0]!r}")


MANIFEST = "report-manifest.json"
LOCK = ".tlsready-report.lock"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_reports(report: t.Mapping[str, t.Any], dest: str, formats: t.Sequence[str] = tuple(FORMATS),
                  html_template: str | None = None) -> list[str]:
    """Write the chosen formats into ``dest`` as one set; return the paths written.

    Every file is rendered first, then written to a temporary file and renamed over the old one,
    and ``report-manifest.json`` (the set's time and each file's SHA-256) last. A lock on
    ``dest/.tlsready-report.lock`` holds other writers off for the whole set, so two runs writing
    to one folder never leave files of both. Files get the permissions the umask gives (not 0600).
    """
    check_formats(formats)
    rendered = {fmt: render_page(report, fmt, html_template).encode("utf-8") for fmt in formats}
    os.makedirs(dest, exist_ok=True)
    mode = 0o666 & ~_umask()
    written = []
    lock = os.open(os.path.join(dest, LOCK), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, mode)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for fmt in formats:
            written.append(_write_atomic(os.path.join(dest, FORMATS[fmt]), rendered[fmt], mode))
        manifest = {"generated_at": report.get("generated_at"), "mode": report.get("mode"),
                    "files": {FORMATS[f]: hashlib.sha256(rendered[f]).hexdigest() for f in formats}}
        _write_atomic(os.path.join(dest, MANIFEST), (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(), mode)
    finally:
        os.close(lock)
    return written


def _write_atomic(path: str, data: bytes, mode: int) -> str:
    handle, temp = tempfile.mkstemp(prefix=".tlsready-", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return path


def render_page(report: t.Mapping[str, t.Any], fmt: str, html_template: str | None = None) -> str:
    """Render one format; a user's HTML template that is missing or broken fails naming html_template."""
    if fmt != "html":
        return _RENDERERS[fmt](report)
    if html_template and not os.path.isfile(html_template):
        raise InputError("html_template", f"{html_template} is not a file (a Jinja2 template for report.html)")
    try:
        return render_html(report, html_template)
    except jinja2.TemplateError as err:
        raise InputError("html_template", f"{html_template or 'the default template'} does not render: {err}") from None

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report document: one entry per host, sorted, and the fleet summary (internal use only).
"""

from __future__ import annotations

import re
import typing as t

from .drift import mark_group_policy
from .setting_states import effective_summary, pending_summary
from .status import ERROR_STATUSES, host_status, STATUSES


REPORT_SCHEMA_VERSION = 1


_SURROGATE = re.compile("[\ud800-\udfff]")


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

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.html: the fleet view (top findings, compliance by release) and a paginated host table (internal use only).

The page is rendered from a Jinja2 template (``templates/report.html.j2`` by default; tls_report's
``html_template`` option names another one). Host data is embedded once, as compact JSON with every
finding text and registry change stored once and referenced by index, and the browser renders
one page of the host table at a time, so the page stays small and fast at 10,000 hosts.
"""

from __future__ import annotations

import json
import os
import typing as t

import jinja2
from markupsafe import Markup

from .status import ROLLOUT_STATUSES, STATUSES

DEFAULT_TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "report.html.j2")
TOP_FINDINGS = 15


class Interner:
    """Give each distinct value one index, in order of first use."""

    def __init__(self) -> None:
        self.items: list[t.Any] = []
        self._index: dict[t.Any, int] = {}

    def __call__(self, value: t.Any) -> int:
        key = json.dumps(value, sort_keys=True, default=str)
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(value)
        return self._index[key]


def top_findings(hosts: t.Sequence[t.Mapping[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Error findings across the fleet, most hosts first: id, hosts, message and the fixes.

    ``fixes`` lists each distinct remediation with its host count, most hosts first: one finding
    can need a different fix per release (the update's file name differs).
    """
    found: dict[str, dict[str, t.Any]] = {}
    for host in hosts:
        for finding in host.get("findings") or []:
            if finding.get("severity") != "error":
                continue
            entry = found.setdefault(str(finding.get("id")), {
                "id": str(finding.get("id")), "hosts": 0, "message": str(finding.get("message") or ""), "fixes": {},
                "group_policy": str(finding.get("group_policy") or "")})
            entry["hosts"] += 1
            fix = str(finding.get("remediation") or "")
            entry["fixes"][fix] = entry["fixes"].get(fix, 0) + 1
    for entry in found.values():
        entry["fixes"] = [{"remediation": fix, "hosts": n}
                          for fix, n in sorted(entry["fixes"].items(), key=lambda item: (-item[1], item[0]))]
    return sorted(found.values(), key=lambda f: (-f["hosts"], f["id"]))


def releases(summary: t.Mapping[str, t.Any]) -> list[dict[str, t.Any]]:
    """Compliance by release, most hosts first, with the compliant share in percent."""
    rows = [{"name": name, "hosts": c["hosts"], "compliant": c["compliant"],
             "percent": round(100 * c["compliant"] / c["hosts"]) if c["hosts"] else 0}
            for name, c in summary["by_release"].items()]
    return sorted(rows, key=lambda r: (-r["hosts"], r["name"]))


def table_data(report: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The host table as compact JSON: texts stored once (f, c, r, s, v), one short array per host (h).

    h: [name, status, release, build, missing updates, restart, [finding], [change], error,
    drift moves or 0, settings?]; f: [id, severity, message, remediation, GPO setting]; a drift
    move is [what, before, after, GPO setting]. Settings index v, the distinct per-host lists of
    setting states: [effective in a few words, pending in a few words, [index into s]]; s holds
    each distinct state once: [label, registry, configured, pending, effective, observed by,
    effective detail, id]. Hosts alike share one v entry, so 5,000 hosts cost a number each.
    """
    findings, changes, names, states, vectors = Interner(), Interner(), Interner(), Interner(), Interner()
    rows = []
    for host in report["hosts"]:
        release = host.get("release") or {}
        settings = host.get("setting_states")
        tail: list[t.Any] = [host["drift"]["moved"]] if host.get("drift") else []
        if settings is not None:
            tail = (tail or [0]) + [vectors([str(host.get("effective") or ""), str(host.get("pending") or ""), [
                states([str(s.get(k) if s.get(k) is not None else "") for k in
                        ("label", "registry", "configured", "pending", "effective", "observed_by", "effective_detail", "id")])
                for s in settings]])]
        rows.append([
            str(host["host"]), host["status"], names(str(release.get("name") or "unknown")),
            str(release.get("build") or ""), " ".join(host.get("missing_hotfixes") or []),
            1 if host.get("reboot_required") else 0,
            [findings([str(f.get("id")), str(f.get("severity")), str(f.get("message")), str(f.get("remediation")),
                       str(f.get("group_policy") or "")])
             for f in host.get("findings") or []],
            [changes([str(c.get("path")), str(c.get("name")), str(c.get("type")), str(c.get("current")),
                      str(c.get("desired"))]) for c in host.get("changes") or []],
            str(host["error"]) if host.get("error") else "",
        ] + tail)
    return {"f": findings.items, "c": changes.items, "r": names.items, "s": states.items, "v": vectors.items, "h": rows}


def script_json(value: t.Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' left to end it or start a comment."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(report: t.Mapping[str, t.Any], template: str | None = None) -> str:
    """Render ``report`` with the Jinja2 template at ``template`` (default: the collection's own)."""
    path = template or DEFAULT_TEMPLATE
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.dirname(os.path.abspath(path))),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    page = environment.get_template(os.path.basename(path))
    return page.render(
        report=report, summary=report["summary"], statuses=STATUSES,
        top_findings=top_findings(report["hosts"]), top_count=TOP_FINDINGS, releases=releases(report["summary"]),
        drift=report.get("drift"), rollout=report.get("rollout"), rollout_statuses=ROLLOUT_STATUSES,
        table_json=Markup(script_json(table_data(report))))

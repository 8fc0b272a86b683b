# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Merge the report.json of runs over disjoint host sets (AWX job slices) into one fleet report (internal use only)."""

from __future__ import annotations

import glob
import json
import os
import typing as t

from .._errors import InputError
from .build import assemble_report, REPORT_SCHEMA_VERSION
from .status import STATUSES

MAX_REPORT_BYTES = 512 * 1024 * 1024


def report_file(path: str) -> str:
    """``path`` itself, or ``path``/report.json when it is a report folder."""
    return os.path.join(path, "report.json") if os.path.isdir(path) else path


def load_report(path: str) -> dict[str, t.Any]:
    """Read one report.json written by tls_report, refusing anything else with the file named."""
    name = report_file(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as err:
        raise InputError("merge_reports", f"cannot read {name}: {err.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        if not os.path.isfile(name) or os.fstat(handle.fileno()).st_size > MAX_REPORT_BYTES:
            raise InputError("merge_reports", f"{name} is not a regular report.json of at most 512 MB")
        try:
            document = json.loads(handle.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise InputError("merge_reports", f"{name} is not JSON: {err}") from None
    if not isinstance(document, dict) or document.get("schema_version") != REPORT_SCHEMA_VERSION \
            or not isinstance(document.get("hosts"), list):
        raise InputError("merge_reports", f"{name} is not a tlsready report.json (schema_version {REPORT_SCHEMA_VERSION})")
    for entry in document["hosts"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("host"), str) or entry.get("status") not in STATUSES:
            raise InputError("merge_reports", f"{name} has a host entry without a host name or a known status")
    return document


def merge_reports(paths: t.Sequence[str], generated_at: str) -> dict[str, t.Any]:
    """One report of every host of the reports at ``paths``, which must cover disjoint hosts in one mode and profile."""
    if not paths:
        raise InputError("merge_reports", "must list at least one report.json or report folder")
    expanded: list[str] = []
    for pattern in paths:
        if glob.has_magic(pattern):
            matches = sorted(glob.glob(pattern))
            if not matches:
                raise InputError("merge_reports", f"{pattern} matches no report")
            expanded.extend(matches)
        else:
            expanded.append(pattern)
    paths = expanded
    seen: dict[str, str] = {}
    hosts: list[dict[str, t.Any]] = []
    kinds: set[tuple[str, str]] = set()
    for path in paths:
        document = load_report(path)
        kinds.add((str(document.get("mode")), str(document.get("profile"))))
        for entry in document["hosts"]:
            if entry["host"] in seen:
                raise InputError("merge_reports", f"{entry['host']} is in both {seen[entry['host']]} and "
                                                  f"{report_file(path)}: slices must cover disjoint hosts")
            seen[entry["host"]] = report_file(path)
            hosts.append(entry)
    if len(kinds) > 1:
        raise InputError("merge_reports", "the reports differ in mode or profile: "
                                          + ", ".join(f"{m}/{p}" for m, p in sorted(kinds)))
    mode, profile = kinds.pop()
    return assemble_report(hosts, mode, profile, generated_at)

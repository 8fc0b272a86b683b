# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What changed since the previous report, and which values Group Policy sets (internal use only).

A host *regressed* when it was compliant in the previous report and is not now, and was *fixed*
the other way round. Per host, the values that moved are the registry values the report lists
(``changes``: a value that is right is not listed, shown as ``as required``) and the error
findings that appeared or went away. A value under a policy key (``HKLM\\SOFTWARE\\Policies``) or
a finding about one is marked with the Group Policy setting that owns it: a converge does not
write it (Group Policy would put it back); change the GPO instead.
"""

from __future__ import annotations

import typing as t

from .._policy.group_policy import policy_setting

AS_REQUIRED = "as required"


def finding_setting(finding: t.Mapping[str, t.Any]) -> str:
    """The GPO setting that owns what a finding is about (the evaluator's ``group_policy``), or ""."""
    return str(finding.get("group_policy") or "")


def mark_group_policy(entry: dict[str, t.Any]) -> None:
    """Add ``group_policy`` (the GPO setting) to each change of ``entry`` under a policy key.

    Findings carry it from the evaluator. tlsready plans no change under a policy key; a result
    from elsewhere (``tls_report`` reads any host variable) that has one is marked all the same.
    """
    for change in entry.get("changes") or []:
        setting = policy_setting(str(change.get("path") or ""))
        if setting:
            change["group_policy"] = setting


def _values(entry: t.Mapping[str, t.Any]) -> dict[str, tuple[str, str]]:
    values = {}
    for change in entry.get("changes") or []:
        key = f"{change.get('path')}\\{change.get('name')}"
        values[key] = (str(change.get("current")), policy_setting(str(change.get("path") or "")))
    return values


def _findings(entry: t.Mapping[str, t.Any]) -> dict[str, str]:
    return {str(f.get("id")): finding_setting(f) for f in entry.get("findings") or [] if f.get("severity") == "error"}


def host_moves(before: t.Mapping[str, t.Any], after: t.Mapping[str, t.Any]) -> list[list[str]]:
    """[what, before, after, GPO setting or ""] for each registry value and error finding that moved."""
    moves = []
    old, new = _values(before), _values(after)
    for key in sorted(set(old) | set(new)):
        was, now = old.get(key, (AS_REQUIRED, "")), new.get(key, (AS_REQUIRED, ""))
        if was[0] != now[0]:
            moves.append([key, was[0], now[0], now[1] or was[1]])
    old_f, new_f = _findings(before), _findings(after)
    for finding in sorted(set(old_f) ^ set(new_f)):
        gone = finding in old_f
        moves.append([f"finding {finding}", "present" if gone else "absent", "absent" if gone else "present",
                      (old_f if gone else new_f)[finding]])
    return moves


def apply_drift(report: dict[str, t.Any], previous: t.Mapping[str, t.Any]) -> None:
    """Add ``drift`` to ``report`` (and to each host that moved) against the ``previous`` report."""
    earlier = {str(h.get("host")): h for h in previous.get("hosts") or [] if isinstance(h, t.Mapping)}
    regressed, fixed, changed = [], [], []
    for entry in report["hosts"]:
        before = earlier.get(str(entry["host"]))
        if before is None:
            continue
        was_ok, is_ok = before.get("status") == "compliant", entry["status"] == "compliant"
        if was_ok and not is_ok:
            regressed.append(entry["host"])
        elif is_ok and not was_ok:
            fixed.append(entry["host"])
        moves = host_moves(before, entry)
        if moves or was_ok != is_ok:
            entry["drift"] = {"before": str(before.get("status")), "after": entry["status"], "moved": moves}
            changed.append(entry["host"])
    report["drift"] = {"previous_generated_at": str(previous.get("generated_at")), "regressed": regressed,
                       "fixed": fixed, "changed": changed}

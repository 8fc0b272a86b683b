# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning planned changes into diffs, win_tls_write arguments and per-value results (internal use only)."""

from __future__ import annotations

import typing as t

from .._policy.findings import Change
from .._sources.state import RegValue

APPLIED, FAILED, NOT_ATTEMPTED, WOULD_CHANGE, UNCHANGED = "changed", "failed", "not_attempted", "would_change", "unchanged"


def _show(value: t.Any, reg_type: str | None) -> str:
    if value is None:
        return "(absent)"
    if reg_type in (None, "dword") and isinstance(value, int):
        return f"dword:0x{value:08x} ({value})"
    return f"{reg_type}:{value!r}"


def change_diff(changes: t.Sequence[Change]) -> dict[str, str]:
    """Return an Ansible diff: one line per value, before and after."""
    before = "".join(f"{c.path}\\{c.name} = {_show(c.current, c.current_type)}\n" for c in changes)
    after = "".join(f"{c.path}\\{c.name} = {_show(c.desired, 'dword')}\n" for c in changes)
    return {"before": before, "after": after, "before_header": "registry (before)", "after_header": "registry (after)"}


def change_result(change: Change, result: str, error: str | None = None) -> dict[str, t.Any]:
    """Return one value's outcome: the change with ``before``/``after`` and ``result``."""
    entry = change.to_dict()
    entry.update(before=change.current, after=change.desired, result=result)
    if error:
        entry["error"] = error
    return entry


def reg_value(change: Change) -> RegValue:
    """Return the registry value a change writes (tlsready writes REG_DWORD only)."""
    return RegValue("dword", change.desired)


WRITE_MODULE = "tlsready.windows.win_tls_write"


def write_module_args(changes: t.Sequence[Change]) -> dict[str, t.Any]:
    """Return the win_tls_write arguments that write every change in one call, in plan order."""
    return {"values": [{"path": c.path, "name": c.name, "type": "dword", "data": c.desired, "state": "present"}
                       for c in changes]}


def outcomes_from_write(changes: t.Sequence[Change], written: t.Mapping[str, t.Any] | None,
                        error: str | None = None) -> list[dict[str, t.Any]]:
    """Return one outcome per change from the win_tls_write result (its ``values`` list, in order).

    A value the module reports ``changed`` or ``failed`` is that; one it did not reach is
    ``not_attempted``. ``written`` None (the connection was lost) makes the first value ``failed``
    with ``error``: whether it was written is unknown, and the next read tells.
    """
    reported = list((written or {}).get("values") or [])
    # The failure is the value the module says failed; when none says so, the first one not reached.
    reported_failure = any(isinstance(i, t.Mapping) and i.get("result") == FAILED for i in reported)
    outcomes = []
    for index, change in enumerate(changes):
        item = reported[index] if index < len(reported) and isinstance(reported[index], t.Mapping) else None
        if item is None:
            first_unreached = index == len(reported)
            failed_here = first_unreached and not reported_failure and (written is None or bool(written.get("failed")))
            if failed_here:
                outcomes.append(change_result(change, FAILED, error or str((written or {}).get("msg") or "not written")))
            else:
                outcomes.append(change_result(change, NOT_ATTEMPTED))
            continue
        result = str(item.get("result", UNCHANGED))
        if result not in (APPLIED, UNCHANGED, FAILED):
            result = FAILED
        outcomes.append(change_result(change, result, str(written.get("msg")) if result == FAILED and written else None))
    return outcomes

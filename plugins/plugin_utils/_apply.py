# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning planned changes into diffs, registry writes and per-value results (internal use only)."""

from __future__ import annotations

import typing as t

from ._evaluate import Change
from ._state import RegValue

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


def regedit_args(change: Change) -> dict[str, t.Any]:
    """Return ansible.windows.win_regedit arguments for one change."""
    hive, rest = change.path.split("\\", 1)
    return {"path": f"{hive}:\\{rest}", "name": change.name, "data": change.desired, "type": "dword", "state": "present"}

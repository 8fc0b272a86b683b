# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Putting saved values back: the batched write that does it and what it did (internal use only).

tls_restore runs it, and tls_converge when a host fails its canary post-check
(docs/canary-rollout.md); ``_action.restore`` runs it on the host or in the offline folder.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .backup import BackupEntry


@dataclasses.dataclass
class RestoreOutcome:
    """What a restore did.

    Attributes:
        restored: the entries (``BackupEntry.to_dict``) put back, in backup order.
        files: offline bundle files rewritten.
        error: why it stopped part way (None when every value was put back).
        lost: the host could not be reached (a lost connection): whether anything was put back is unknown.
        changed: a value was changed.
    """

    restored: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    lost: bool = False
    changed: bool = False


def restore_write_args(entries: t.Sequence[BackupEntry]) -> dict[str, t.Any]:
    """Return win_tls_write arguments putting back saved values (:class:`BackupEntry`) in one call.

    An absent value is deleted; every type is written as saved, an empty REG_MULTI_SZ included
    (win_regedit leaves one unwritten).
    """
    values = []
    for entry in entries:
        if entry.value is None:
            values.append({"path": entry.path, "name": entry.name, "state": "absent"})
        else:
            values.append({"path": entry.path, "name": entry.name, "state": "present", **entry.value.to_dict()})
    return {"values": values}


def restore_outcome(entries: t.Sequence[BackupEntry], written: t.Mapping[str, t.Any] | None,
                    lost: str | None) -> RestoreOutcome:
    """What the write of :func:`restore_write_args` did: the entries it reached, and why it stopped.

    ``written`` None means the connection was lost (``lost`` says how): nothing is known to be restored.
    """
    result: t.Mapping[str, t.Any] = written if written is not None else {"failed": True, "values": [], "msg": lost}
    reached = [v for v in result.get("values") or [] if isinstance(v, t.Mapping)]
    done = [e.to_dict() for e, v in zip(entries, reached) if v.get("result") in ("changed", "unchanged")]
    changed = any(v.get("result") == "changed" for v in reached)
    if result.get("failed"):
        return RestoreOutcome(done, error=f"Restoring failed: {result.get('msg')}. {len(done)} of {len(entries)} "
                                          "values were restored before it; run again to finish.",
                              lost=written is None, changed=changed)
    return RestoreOutcome(done, changed=changed)

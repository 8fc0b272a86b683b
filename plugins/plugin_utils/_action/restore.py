# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Putting back the values of a backup, on a live host or an offline folder (internal use only).

The one restore of the collection: tls_restore runs it, and tls_converge runs it when a host
fails its canary post-check (docs/canary-rollout.md).
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure

from .._apply.backup import BackupEntry
from .._apply.bundle import commit_offline
from .._apply.record import load_offline_folder
from .._apply.restore import RestoreOutcome, restore_outcome, restore_write_args
from .._errors import InputError
from .._policy.catalogue import identify_release, Release
from .._rollout.simulate import active_condition, lost_message
from .base import TlsActionBase


class RestoreMixin(TlsActionBase):
    """``_restore_entries``: one batched write on a live host, the record and bundle of an offline one."""

    def _restore_entries(self, entries: t.Sequence[BackupEntry], task_vars: dict[str, t.Any]) -> RestoreOutcome:
        folder = self._tls_offline_folder()
        if folder is not None:
            return self._restore_offline(folder, entries)
        return self._restore_live(entries, task_vars)

    @staticmethod
    def _restore_offline(folder: str, entries: t.Sequence[BackupEntry]) -> RestoreOutcome:
        condition = active_condition(folder)
        if condition == "unreachable":
            raise AnsibleConnectionFailure(lost_message(folder, condition, "restore it"))
        # The bundle is rebuilt with the record: deployed, it now puts the saved values back.
        state = load_offline_folder(folder).state
        release = identify_release(state)
        if not isinstance(release, Release):
            raise InputError("backup", f"cannot rebuild the bundle of {folder}: its Windows release is not one "
                                       "tlsready knows; nothing was restored")
        files = commit_offline(folder, state.hostname, release, state.architecture,
                               [(e.path, e.name, e.value) for e in entries])
        return RestoreOutcome([e.to_dict() for e in entries], files, changed=bool(entries))

    def _restore_live(self, entries: t.Sequence[BackupEntry], task_vars: dict[str, t.Any]) -> RestoreOutcome:
        # One call of the batched writer: it stops at the first failure and lists the values it reached.
        written, lost = self._write_batch(restore_write_args(entries), task_vars, "the values were restored")
        return restore_outcome(entries, written, lost)

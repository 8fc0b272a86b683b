# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.plugin_utils._action import TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply import WRITE_MODULE, restore_write_args
from ansible_collections.tlsready.windows.plugins.plugin_utils._backup import (
    BackupEntry,
    check_backup_path,
    load_backup,
    restore_diff,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._offline import record_applied


class ActionModule(TlsActionBase):
    """Put back the values saved by tls_settings before its first change."""

    ARGUMENT_SPEC = {"backup": {"type": "path", "required": True}}

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        path = args["backup"]
        if not path:
            raise InputError("backup", "must be the path of the .reg backup file tls_settings wrote; got an empty path")
        check_backup_path(path, must_exist=True)
        entries = load_backup(path)
        result: dict[str, t.Any] = {"changed": bool(entries), "diff": restore_diff(entries), "backup": path,
                                    "restored": [e.to_dict() for e in entries]}
        if not entries or self._task.check_mode:
            return result
        folder = self._tls_offline_folder()
        if folder is not None:
            record_applied(folder, [(e.path, e.name, e.value) for e in entries], [])
            return result
        return {**result, **self._restore_live(entries, task_vars)}

    def _restore_live(self, entries: list[BackupEntry], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # One call of the batched writer: it stops at the first failure and lists the values it reached.
        try:
            written = self._execute_module(module_name=WRITE_MODULE, module_args=restore_write_args(entries),
                                           task_vars=task_vars)
        except AnsibleConnectionFailure as err:
            written = {"failed": True, "values": [],
                       "msg": f"the connection to the host was lost ({err}); whether the values were restored is unknown"}
        reached = [v for v in written.get("values") or [] if isinstance(v, t.Mapping)]
        done = [e.to_dict() for e, v in zip(entries, reached) if v.get("result") in ("changed", "unchanged")]
        if written.get("failed"):
            return {"failed": True, "changed": any(v.get("result") == "changed" for v in reached), "restored": done,
                    "msg": f"Restoring failed: {written.get('msg')}. "
                           f"{len(done)} of {len(entries)} values were restored before it; run again to finish."}
        return {"restored": done}

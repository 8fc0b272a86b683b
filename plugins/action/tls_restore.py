# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.plugin_utils._action import TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply import WRITE_MODULE, restore_write_args
from ansible_collections.tlsready.windows.plugins.plugin_utils._backup import (
    BackupEntry,
    backup_file,
    check_backup_path,
    load_backup,
    restore_diff,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._bundle import commit_offline
from ansible_collections.tlsready.windows.plugins.plugin_utils._catalogue import Release, identify_release
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._offline import load_offline_folder


class ActionModule(TlsActionBase):
    """Put back the values saved by tls_settings before its first change."""

    ARGUMENT_SPEC = {"backup": {"type": "path"}, "backup_dir": {"type": "path"}}

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        path = backup_file(args["backup"], args["backup_dir"], str(task_vars.get("inventory_hostname", "")))
        if not path:
            raise InputError("backup", "must be the path of the .reg backup file tls_settings wrote (or set "
                                       "backup_dir); got an empty path")
        check_backup_path(path, must_exist=True)
        entries = load_backup(path)
        result: dict[str, t.Any] = {"changed": bool(entries), "diff": restore_diff(entries), "backup": path,
                                    "restored": [e.to_dict() for e in entries]}
        if not entries or self._task.check_mode:
            return result
        folder = self._tls_offline_folder()
        if folder is not None:
            # The bundle is rebuilt with the record: deployed, it now puts the saved values back.
            state = load_offline_folder(folder).state
            release = identify_release(state)
            if not isinstance(release, Release):
                raise InputError("backup", f"cannot rebuild the bundle of {folder}: its Windows release is not one "
                                           "tlsready knows; nothing was restored")
            files = commit_offline(folder, state.hostname, release, state.architecture,
                                   [(e.path, e.name, e.value) for e in entries])
            return {**result, "files": files}
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

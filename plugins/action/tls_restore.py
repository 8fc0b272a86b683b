# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.restore import RestoreMixin
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import (
    backup_file,
    check_backup_path,
    load_backup,
    restore_diff,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError


class ActionModule(RestoreMixin):
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
        outcome = self._restore_entries(entries, task_vars)
        result.update(restored=outcome.restored)
        if outcome.files:
            result["files"] = outcome.files
        if outcome.error:
            result.update(failed=True, changed=outcome.changed, msg=outcome.error)
        return result

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import (
    POLICY_SPEC,
    STATE_SPEC,
    TlsActionBase,
    unreadable_message,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import (
    backup_file,
    check_backup_path,
    save_backup,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import commit_offline
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import (
    APPLIED,
    change_diff,
    change_result,
    FAILED,
    outcomes_from_write,
    reg_value,
    WOULD_CHANGE,
    write_module_args,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import Change, Evaluation
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState


class ActionModule(TlsActionBase):
    """Write the registry values a profile needs; nothing else."""

    ARGUMENT_SPEC = {**POLICY_SPEC, **STATE_SPEC, "backup": {"type": "path"}, "backup_dir": {"type": "path"}}

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        args["backup"] = backup_file(args["backup"], args["backup_dir"], str(task_vars.get("inventory_hostname", "")))
        if args["backup"]:
            # Checked first, in check mode too: a run that could not save the previous values must not start.
            check_backup_path(args["backup"])
        state = self._tls_state(args, task_vars)
        evaluation = self._tls_evaluate(state, args)
        if not evaluation.release["supported"]:
            return {"failed": True, "changed": False, "msg": evaluation.findings[0].message,
                    "changes": [], "reboot_required": False, "evaluation": evaluation.to_dict()}
        if evaluation.blocked:
            guards = [f.message for f in evaluation.findings if f.id in {f"guard.{g}" for g in evaluation.blocked}]
            return {"failed": True, "changed": False, "changes": [], "reboot_required": False,
                    "blocked": evaluation.blocked, "evaluation": evaluation.to_dict(),
                    "msg": "Nothing was changed. " + " ".join(guards)}
        changes = evaluation.changes
        if changes and state.problems:
            return {"failed": True, "changed": False, "changes": [], "reboot_required": False,
                    "evaluation": evaluation.to_dict(), "msg": unreadable_message(state)}
        result: dict[str, t.Any] = {"changed": bool(changes), "diff": change_diff(changes),
                                    "evaluation": evaluation.to_dict()}
        if not changes:
            result.update(changes=[], reboot_required=False)
        elif self._task.check_mode:
            result.update(changes=[change_result(c, WOULD_CHANGE) for c in changes],
                          reboot_required=any(c.reboot for c in changes))
        else:
            if args["backup"]:
                # Saved before the first write, so a failure half way can still be undone.
                save_backup(args["backup"], state, changes)
                result["backup_file"] = args["backup"]
            folder = self._tls_offline_folder()
            if folder is not None:
                result.update(self._apply_offline(folder, state, evaluation))
            else:
                result.update(self._apply_live(changes, task_vars))
        return result

    def _apply_offline(self, folder: str, state: HostState, evaluation: Evaluation) -> dict[str, t.Any]:
        changes = evaluation.changes
        release = t.cast(Release, evaluation.catalogue_release)
        files = commit_offline(folder, state.hostname, release, state.architecture,
                               [(c.path, c.name, reg_value(c)) for c in changes])
        return {"changes": [change_result(c, APPLIED) for c in changes],
                "reboot_required": any(c.reboot for c in changes), "files": files}

    def _apply_live(self, changes: list[Change], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # Every value in one call of the batched writer (the same one tls_converge uses); it stops at the
        # first failure and says which values it changed, so the result says exactly what changed.
        written, lost = self._write_batch(write_module_args(changes), task_vars, "the values were written")
        outcomes = outcomes_from_write(changes, written, lost)
        done = [o for o in outcomes if o["result"] == APPLIED]
        result = {"changed": bool(done), "changes": outcomes, "reboot_required": any(o["reboot"] for o in done)}
        failed = next((o for o in outcomes if o["result"] == FAILED), None)
        if failed is not None:
            result.update(failed=True, msg=(f"Writing {failed['path']}\\{failed['name']} failed: {failed.get('error')}. "
                                            f"{len(done)} of {len(changes)} values were changed before it (see changes); "
                                            "run again to finish."))
        return result

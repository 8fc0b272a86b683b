# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action import (
    POLICY_SPEC,
    STATE_SPEC,
    TlsActionBase,
    unreadable_message,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._bundle import check_msu_source, write_bundle
from ansible_collections.tlsready.windows.plugins.plugin_utils._catalogue import RELEASES_BY_ID, Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._hotfixes import HotfixVerdict
from ansible_collections.tlsready.windows.plugins.plugin_utils._offline import read_recorded_hotfixes, record_applied
from ansible_collections.tlsready.windows.plugins.plugin_utils._state import HostState

FIND, HOTFIX, UPDATES = "ansible.windows.win_find", "ansible.windows.win_hotfix", "ansible.windows.win_updates"


class ActionModule(TlsActionBase):
    """Check each needed update (supersedence-aware) and install the missing ones."""

    ARGUMENT_SPEC = {
        **POLICY_SPEC,
        **STATE_SPEC,
        # A URL may carry a token, a share a user:password@: never shown (see TlsActionBase.run).
        "source": {"type": "str", "no_log": True},
        "method": {"type": "str", "choices": ["msu", "windows_update"], "default": "msu"},
        "install": {"type": "bool", "default": True},
    }

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        state = self._tls_state(args, task_vars)
        evaluation = self._tls_evaluate(state, args)
        if not evaluation.release["supported"]:
            return {"failed": True, "changed": False, "msg": evaluation.findings[0].message,
                    "hotfixes": [], "installed": [], "missing": [], "reboot_required": False}
        release = RELEASES_BY_ID[evaluation.release["id"]]
        # An update absent from a cut updates list is not proven missing: never installed on that ground.
        missing = [v for v in evaluation.hotfixes if not v.present and v.absence_proven]
        result: dict[str, t.Any] = {"changed": False, "hotfixes": [v.to_dict() for v in evaluation.hotfixes],
                                    "installed": [], "missing": [v.hotfix.kb for v in missing],
                                    "reboot_required": False}
        if not missing or not args["install"]:
            return result
        if state.problems:
            return {**result, "failed": True, "msg": unreadable_message(state)}
        folder = self._tls_offline_folder()
        if folder is None and args["method"] == "msu" and not args["source"]:
            raise InputError("source", "is required to install updates with method=msu on a live host "
                             f"(a folder or UNC share holding {', '.join(v.hotfix.kb for v in missing)})")
        kbs = [v.hotfix.kb for v in missing]
        if folder is not None and args["source"]:
            # Before anything is recorded: a source without the files must leave the folder as it was.
            check_msu_source(args["source"], release, state.architecture,
                             list(dict.fromkeys(read_recorded_hotfixes(folder) + kbs)))
        if self._task.check_mode:
            result.update(changed=True, installed=kbs, missing=[], reboot_required=True)
        elif folder is not None:
            record_applied(folder, [], kbs)
            files = write_bundle(folder, state.hostname, release, state.architecture, msu_source=args["source"])
            result.update(changed=True, installed=kbs, missing=[], reboot_required=True, files=files)
        elif args["method"] == "msu":
            result.update(self._install_msu(missing, release, state, args["source"], task_vars))
        else:
            result.update(self._install_windows_update(kbs, task_vars))
        return result

    def _install_msu(
        self, missing: list[HotfixVerdict], release: Release, state: HostState, source: str,
        task_vars: dict[str, t.Any],
    ) -> dict[str, t.Any]:
        installed: list[str] = []
        reboot = False
        for verdict in missing:
            kb = verdict.hotfix.kb
            pattern = verdict.hotfix.msu_pattern(release, state.architecture)
            found = self._execute_module(module_name=FIND, task_vars=task_vars,
                                         module_args={"paths": [source], "patterns": [pattern]})
            files = found.get("files") or []
            if found.get("failed") or not files:
                why = found.get("msg") or f"no file matching {pattern}"
                return self._partial(installed, missing, reboot, f"Cannot install {kb} from {source}: {why}.")
            done = self._execute_module(module_name=HOTFIX, task_vars=task_vars,
                                        module_args={"hotfix_kb": kb, "source": files[0]["path"], "state": "present"})
            if done.get("failed"):
                return self._partial(installed, missing, reboot, f"Installing {kb} failed: {done.get('msg')}.")
            installed.append(kb)
            reboot = reboot or bool(done.get("reboot_required"))
        return {"changed": bool(installed), "installed": installed, "missing": [], "reboot_required": reboot}

    def _install_windows_update(self, kbs: list[str], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # win_updates is itself an action plugin (it polls the host), so run it through the action loader.
        task = self._task.copy()
        task.args = {"accept_list": kbs, "category_names": ["*"], "reboot": False}
        action = self._shared_loader_obj.action_loader.get(
            UPDATES, task=task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj,
        )
        done = action.run(task_vars=task_vars)
        names = " ".join(str(u.get("title", "")) for u in (done.get("updates") or {}).values()).upper()
        installed = [kb for kb in kbs if kb in names]
        missing = [kb for kb in kbs if kb not in installed]
        result = {"changed": bool(installed), "installed": installed, "missing": missing,
                  "reboot_required": bool(done.get("reboot_required"))}
        if done.get("failed") or missing:
            result.update(failed=True, msg=f"Windows Update did not install {', '.join(missing) or 'all updates'}: "
                          f"{done.get('msg', 'not offered by the update server (WSUS approval?)')}")
        return result

    @staticmethod
    def _partial(installed: list[str], missing: list[HotfixVerdict], reboot: bool, msg: str) -> dict[str, t.Any]:
        left = [v.hotfix.kb for v in missing if v.hotfix.kb not in installed]
        done = f" Installed before the failure: {', '.join(installed)}." if installed else " Nothing was installed."
        return {"failed": True, "changed": bool(installed), "installed": installed, "missing": left,
                "reboot_required": reboot, "msg": msg + done}

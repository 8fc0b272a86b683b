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
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import check_msu_source, commit_offline
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import read_recorded_hotfixes
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.updates import (
    install_msu,
    judge_windows_update,
    UpdateOutcome,
    UPDATES,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.hotfixes import HotfixVerdict
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState


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
        release = t.cast(Release, evaluation.catalogue_release)
        # Neither an unconfirmed update nor one absent from a cut updates list is installed (HotfixVerdict.missing).
        missing = [v for v in evaluation.hotfixes if v.missing]
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
            files = commit_offline(folder, state.hostname, release, state.architecture, hotfixes=kbs,
                                   msu_source=args["source"])
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
        return self._outcome(install_msu(self._quiet_runner(task_vars), missing, release, state.architecture, source))

    def _install_windows_update(self, kbs: list[str], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # win_updates is itself an action plugin (it polls the host), so it runs through the action loader.
        done = self._run_action(UPDATES, {"accept_list": kbs, "category_names": ["*"], "reboot": False}, task_vars)
        return self._outcome(judge_windows_update(kbs, done))

    @staticmethod
    def _outcome(outcome: UpdateOutcome) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"changed": bool(outcome.installed), "installed": outcome.installed,
                                    "missing": outcome.missing, "reboot_required": outcome.reboot_required}
        if outcome.warnings:
            result["warnings"] = outcome.warnings
        if outcome.failed:
            done = (f" Installed before the failure: {', '.join(outcome.installed)}." if outcome.installed
                    else " Nothing was installed.")
            error = outcome.error or "installing the updates failed"
            result.update(failed=True, msg=f"{error[0].upper()}{error[1:]}.{done}")
        return result

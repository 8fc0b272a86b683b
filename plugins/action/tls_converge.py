# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import dataclasses
import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import POLICY_SPEC, unreadable_message
from ansible_collections.tlsready.windows.plugins.plugin_utils._action.converge import ConvergeSteps
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import save_backup
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import check_msu_source
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import APPLIED, WOULD_CHANGE, change_diff, change_result
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import read_recorded_hotfixes
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.result import HostResult
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.live import blocking_problems

UPDATE_SPEC: dict[str, dict[str, t.Any]] = {
    "install_updates": {"type": "bool", "default": True},
    "update_method": {"type": "str", "choices": ["msu", "windows_update"], "default": "msu"},
    # A URL may carry a token, a share a user:password@: never shown (see TlsActionBase.run).
    "update_source": {"type": "str", "no_log": True},
}


class ActionModule(ConvergeSteps):
    """Converge a host in one task: read, judge, guard, back up, install, write, restart, verify.

    With ``post_check`` the verify is the canary post-check (docs/canary-rollout.md): a fresh
    connection, a read and optionally the handshake probe; a host that fails it is restored
    from its backup (the same restore as tls_restore).
    """

    ARGUMENT_SPEC = {
        **POLICY_SPEC,
        **UPDATE_SPEC,
        "backup": {"type": "path"},
        "backup_dir": {"type": "path"},
        "reboot": {"type": "bool", "default": False},
        "reboot_timeout": {"type": "int", "default": 1800},
        "fail_noncompliant": {"type": "bool", "default": False},
        "post_check": {"type": "bool", "default": False},
        "post_check_probe": {"type": "bool", "default": False},
        "probe_endpoints": {"type": "list", "elements": "str", "default": []},
        "probe_timeout": {"type": "int", "default": 10},
    }

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        endpoints = self._check_options(args, task_vars)
        folder = self._tls_offline_folder()
        state = self._tls_state(args, task_vars)
        before = self._tls_evaluate(state, args)
        host = HostResult(state, before, converged=True)
        if not before.release["supported"]:
            return self._finish(host, args)
        if before.blocked:
            guards = {f"guard.{g}" for g in before.blocked}
            host.error = f"Nothing was changed on {state.hostname or 'the host'}: " + " ".join(
                f.message for f in before.findings if f.id in guards)
            return host.to_result()
        changes = before.changes
        missing = self._to_install(before, args, folder)
        blocking = blocking_problems(state.problems, [(c.path, c.name) for c in changes])
        if (changes or missing) and blocking:
            host.error = unreadable_message(dataclasses.replace(state, problems=blocking))
            return host.to_result()
        # The catalogue entry the verdict used: a built-in release or one of extra_releases.
        release = t.cast(Release, before.catalogue_release)
        kbs = [v.hotfix.kb for v in missing]
        if folder is not None and args["update_source"] and kbs:
            # Before anything is recorded: a source without the files must leave the folder as it was.
            check_msu_source(args["update_source"], release, state.architecture,
                             list(dict.fromkeys(read_recorded_hotfixes(folder) + kbs)))
        host.diff = change_diff(changes) if changes else None
        if self._task.check_mode:
            host.changes = [change_result(c, WOULD_CHANGE) for c in changes]
            host.installed_hotfixes = kbs
            host.restart_pending = bool(kbs) or any(c.reboot for c in changes)
            return self._finish(host, args)
        if not changes and not kbs:
            return self._finish(host, args)
        if changes and args["backup"]:
            # Saved before the first change, so a failure half way can still be undone.
            save_backup(args["backup"], state, changes)
        if folder is not None:
            self._apply_offline(host, folder, release, changes, kbs, args["update_source"])
        else:
            self._apply_live(host, release, changes, missing, args, task_vars)
        needs_restart = bool(host.installed_hotfixes) and self._updates_need_restart or any(
            c["result"] == APPLIED and c["reboot"] for c in host.changes)
        if needs_restart and args["reboot"] and folder is None and not host.failed:
            self._restart(host, args, task_vars)
        host.restart_pending = needs_restart and not host.rebooted
        if args["post_check"] and host.changed:
            # Also after a failed restart: the check finds out whether the host can still be managed.
            self._post_check(host, state, before, args, endpoints, task_vars)
        elif host.changed and not host.failed:
            self._verify(host, args, task_vars)
        return self._finish(host, args)

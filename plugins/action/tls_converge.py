# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import dataclasses
import typing as t

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import POLICY_SPEC, unreadable_message
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import (
    APPLIED,
    change_diff,
    change_result,
    outcomes_from_write,
    reg_value,
    WOULD_CHANGE,
    WRITE_MODULE,
    write_module_args,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import (
    backup_file,
    BackupEntry,
    check_backup_path,
    save_backup,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import check_msu_source, commit_offline
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.canary import (
    console_restore_command,
    LOST,
    PASSED,
    PostCheck,
    REVERTED,
    uninstall_command,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import Release
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError, TlsReadyError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import Change, Evaluation
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.hotfixes import HotfixVerdict
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.live import blocking_problems
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import read_recorded_hotfixes
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    probe_endpoints,
    probe_findings,
    probe_module_args,
    ProbeRun,
    run_from_module_result,
    STACKS,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._action.restore import RestoreMixin
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.result import HostResult
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.simulate import active_condition, failing_probe
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.updates import (
    install_msu,
    judge_windows_update,
    UpdateOutcome,
    UPDATES,
)

REBOOT = "ansible.windows.win_reboot"
PROBE_MODULE = "tlsready.windows.win_tls_probe"
UPDATE_SPEC: dict[str, dict[str, t.Any]] = {
    "install_updates": {"type": "bool", "default": True},
    "update_method": {"type": "str", "choices": ["msu", "windows_update"], "default": "msu"},
    # A URL may carry a token, a share a user:password@: never shown (see TlsActionBase.run).
    "update_source": {"type": "str", "no_log": True},
}


class ActionModule(RestoreMixin):
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
    # Whether the updates installed in this run need a restart (set by the install step).
    _updates_need_restart = False

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        # <backup_dir>/<inventory_hostname>.reg, refused when the host name would leave the folder.
        args["backup"] = backup_file(args["backup"], args["backup_dir"], str(task_vars.get("inventory_hostname", "")))
        if args["backup"]:
            # Checked first, in check mode too: a run that could not save the previous values must not start.
            check_backup_path(args["backup"])
        if args["reboot_timeout"] <= 0:
            raise InputError("reboot_timeout", f"must be a positive number of seconds; got {args['reboot_timeout']}")
        if args["post_check"] and not args["backup"]:
            raise InputError("post_check", "needs a backup to restore a host that fails the check: set backup_dir "
                                           "(or backup)")
        if args["post_check_probe"] and not args["post_check"]:
            raise InputError("post_check_probe", "probes as part of the post-change check: set post_check too")
        # Checked before any change: a bad endpoint must not be found after the host was changed.
        try:
            endpoints = probe_endpoints(args["probe_endpoints"], None) if args["post_check_probe"] else []
        except InputError as err:
            raise InputError("probe_endpoints", err.detail) from None
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

    def _to_install(self, evaluation: Evaluation, args: dict[str, t.Any], folder: str | None) -> list[HotfixVerdict]:
        """The missing updates this run installs; none on a live host asked for msu without a source."""
        if not args["install_updates"]:
            return []
        if folder is None and args["update_method"] == "msu" and not args["update_source"]:
            return []
        return [v for v in evaluation.hotfixes if v.missing]

    def _apply_offline(self, host: HostResult, folder: str, release: Release, changes: list[Change],
                       kbs: list[str], source: str | None) -> None:
        # One crash-consistent commit: the bundle is rendered from the validated record, the record
        # is written last (_bundle.commit_offline). The .msu files are copied only along with updates
        # recorded now (their source was checked first).
        host.files = commit_offline(folder, host.state.hostname, release, host.state.architecture,
                                    [(c.path, c.name, reg_value(c)) for c in changes], kbs,
                                    msu_source=source if kbs else None)
        host.installed_hotfixes = list(kbs)
        host.changes = [change_result(c, APPLIED) for c in changes]
        self._updates_need_restart = bool(kbs)

    def _apply_live(self, host: HostResult, release: Release, changes: list[Change], missing: list[HotfixVerdict],
                    args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> None:
        if missing:
            outcome = self._install_updates(release, host.state, missing, args, task_vars)
            host.installed_hotfixes = outcome.installed
            host.warnings.extend(outcome.warnings)
            self._updates_need_restart = outcome.reboot_required
            if outcome.failed:
                host.changes = [change_result(c, "not_attempted") for c in changes]
                host.error = self._failure(host, f"Installing the updates failed: {outcome.error}.")
                return
        if not changes:
            return
        try:
            written: dict[str, t.Any] | None = self._execute_module(
                module_name=WRITE_MODULE, module_args=write_module_args(changes), task_vars=task_vars)
            lost = None
        except AnsibleConnectionFailure as err:
            written, lost = None, f"the connection to the host was lost ({err}); whether the values were written is unknown"
        host.changes = outcomes_from_write(changes, written, lost)
        if written is None or written.get("failed"):
            why = lost or str(written.get("msg") if written else "")
            host.error = self._failure(host, f"Writing the registry values failed: {why}.")

    def _install_updates(self, release: Release, state: HostState, missing: list[HotfixVerdict],
                         args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> UpdateOutcome:
        def run(module: str, module_args: dict[str, t.Any]) -> dict[str, t.Any]:
            try:
                return self._quiet_module(module, module_args, task_vars)
            except AnsibleConnectionFailure as err:
                # A failure, not unreachable, so the list of what was installed before it is kept.
                return {"failed": True, "msg": f"the connection to the host was lost ({err}); whether it finished is unknown"}

        if args["update_method"] == "msu":
            return install_msu(run, missing, release, state.architecture, args["update_source"])
        kbs = [v.hotfix.kb for v in missing]
        done = self._run_action(UPDATES, {"accept_list": kbs, "category_names": ["*"], "reboot": False}, task_vars)
        return judge_windows_update(kbs, done)

    def _quiet_module(self, module: str, module_args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run a module with no_log on the host, so the update source is not in its event log ("Invoked with")."""
        no_log = self._task.no_log
        self._task.no_log = True
        try:
            return t.cast(t.Dict[str, t.Any], self._execute_module(module_name=module, module_args=module_args,
                                                                   task_vars=task_vars))
        finally:
            self._task.no_log = no_log

    def _run_action(self, name: str, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run another action plugin (win_reboot, win_updates) through the action loader, as a task would."""
        task = self._task.copy()
        task.args = args
        action = self._shared_loader_obj.action_loader.get(
            name, task=task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj,
        )
        return t.cast(t.Dict[str, t.Any], action.run(task_vars=task_vars))

    def _restart(self, host: HostResult, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> None:
        done = self._run_action(REBOOT, {"reboot_timeout": args["reboot_timeout"],
                                         "msg": "Restarting to apply TLS 1.2 changes (tlsready.windows)"}, task_vars)
        if done.get("failed"):
            host.error = self._failure(host, f"Restart for the TLS changes failed: {done.get('msg', 'no message')}.")
        else:
            host.rebooted = True

    def _verify(self, host: HostResult, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> None:
        try:
            state = self._tls_state({}, task_vars)
        except (AnsibleConnectionFailure, TlsReadyError) as err:
            host.error = self._failure(host, f"Reading the host again to verify failed: {err}.")
            return
        host.before, host.state = host.evaluation, state
        host.evaluation = self._tls_evaluate(state, args)

    def _post_check(self, host: HostResult, original: HostState, before: Evaluation, args: dict[str, t.Any],
                    endpoints: list[t.Any], task_vars: dict[str, t.Any]) -> None:
        """A fresh connection, a read and (``post_check_probe``) the probe; restore the backup on failure."""
        reason = self._management_problem(host, args, task_vars)
        probed = False
        if reason is None and args["post_check_probe"]:
            probed, reason, host.probe = self._probe_problem(endpoints, args, task_vars)
        if reason is None:
            host.post_check = PostCheck(PASSED, probed=probed)
            if host.restart_pending:
                # Schannel and WinHTTP read the values at start: the check saw the host as it was.
                host.warnings.append(
                    "The post-change check ran before the restart these changes need (reboot is false), so it could "
                    "not see their effect on Schannel and WinHTTP: restart the host and converge it again (or set "
                    "tlsready_reboot) before trusting the next wave.")
            return
        check = PostCheck(REVERTED, reason, probed=probed)
        name = str(task_vars.get("inventory_hostname") or host.state.hostname)
        # This run's changes only, each back to the value this run read before it: an earlier
        # run's values, also in the backup file (which keeps the first saved value), stay.
        entries = [BackupEntry(c["path"], c["name"], original.get(c["path"], c["name"]))
                   for c in host.changes if c["result"] == APPLIED]
        kept = (f" The updates this run installed ({', '.join(host.installed_hotfixes)}) stay installed: tlsready "
                "does not uninstall updates." if host.installed_hotfixes else "")
        if not entries:
            # Only updates were installed: nothing tlsready can put back.
            check.outcome, check.reason = LOST, f"{reason} This run changed no registry value.{kept}"
            check.restore_command = uninstall_command(host.installed_hotfixes)
            host.post_check, host.error = check, check.describe(name)
            return
        try:
            restored = self._restore_entries(entries, task_vars)
            lost, error = restored.lost, restored.error
        except AnsibleConnectionFailure as err:
            restored, lost, error = None, True, f"the connection to the host was lost ({err})"
        except TlsReadyError as err:
            restored, lost, error = None, False, str(err)
        if restored is not None:
            check.restored = restored.restored
        if not (lost or error) and host.rebooted:
            # The restored Schannel values take effect after a restart, as the change did.
            host.error = None
            self._restart(host, args, task_vars)
            if host.error:
                lost, error = True, f"the restart after the restore failed: {host.error}"
                host.restart_pending = True
        if lost or error:
            check.outcome = LOST
            check.reason = f"{reason} Restoring the values failed: {error}{kept}"
            check.restore_command = console_restore_command(
                name, t.cast(str, args["backup"]), self._tls_offline_folder() is not None, args["backup_dir"])
        else:
            check.reason = f"{reason}{kept}"
        host.post_check = check
        if check.outcome == REVERTED:
            # The values are back as they were: the state and verdict are the ones before the change.
            # The probe observed the change that was undone: it says nothing about the host now.
            host.state, host.evaluation, host.before, host.probe = original, before, None, None
        host.error = check.describe(str(task_vars.get("inventory_hostname") or host.state.hostname))

    def _management_problem(self, host: HostResult, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> str | None:
        """Why the host cannot be managed over a fresh connection, or None after a successful read."""
        try:
            # A new session, as the next job opens: one already open may have outlived the change.
            self._connection.reset()
            state = self._tls_state({}, task_vars)
        except (AnsibleConnectionFailure, TlsReadyError) as err:
            return f"Management failed after the change: a fresh connection and read of the host failed ({err})."
        host.before, host.state = host.evaluation, state
        host.evaluation = self._tls_evaluate(state, args)
        return None

    def _probe_problem(self, endpoints: list[t.Any], args: dict[str, t.Any],
                       task_vars: dict[str, t.Any]) -> tuple[bool, str | None, ProbeRun | None]:
        """Whether the probe ran, why it failed after the change (a TLS-class failure) or None, and what it observed.

        The observation becomes the host's effective state (setting_states).
        """
        folder = self._tls_offline_folder()
        try:
            if folder is not None:
                # An offline host is not changed until its bundle is deployed: its probe.json was recorded
                # before, so only simulate.yml (fail_probe) gives an observation after the change.
                if active_condition(folder) != "fail_probe":
                    return False, None, None
                run = run_from_module_result(failing_probe([str(e) for e in endpoints]), "offline")
            else:
                module_args = probe_module_args(endpoints, list(STACKS), args["probe_timeout"])
                result = self._execute_module(module_name=PROBE_MODULE, module_args=module_args, task_vars=task_vars)
                if result.get("failed") or result.get("unreachable"):
                    return True, f"The handshake probe could not run after the change: {result.get('msg', 'no message')}.", None
                run = run_from_module_result(result, "live")
        except (AnsibleConnectionFailure, TlsReadyError) as err:
            return True, f"The handshake probe could not run after the change: {err}.", None
        failed = [f for f in probe_findings(run) if f.severity == "error"]
        if not failed:
            return True, None, run
        return True, "The handshake probe failed after the change: " + " ".join(f.message for f in failed), run

    @staticmethod
    def _failure(host: HostResult, what: str) -> str:
        values = host.changed_values()
        done = f" Changed before the failure: {', '.join(values) if values else 'no registry value'}"
        if host.installed_hotfixes:
            done += f"; updates installed: {', '.join(host.installed_hotfixes)}"
        return (f"{what}{done}. Restart the host if it did not restart, then run the converge again to finish: "
                "values already right are not written again.")

    def _finish(self, host: HostResult, args: dict[str, t.Any]) -> dict[str, t.Any]:
        verdict = host.evaluation
        # Said in the task output too: a value Group Policy owns is left alone, the GPO is the fix.
        host.warnings.extend(f"{host.state.hostname or 'The host'}: {f.id}: Group Policy owns this value, so the "
                             f"converge does not write it; change the GPO setting {f.group_policy}."
                             for f in verdict.group_policy_findings)
        result = host.to_result()
        if (args["fail_noncompliant"] and not host.failed and not self._task.check_mode
                and not verdict.compliant and not host.restart_pending):
            errors = " | ".join(f.message + (f" (set by Group Policy: change {f.group_policy})" if f.group_policy else "")
                                for f in verdict.findings if f.severity == "error")
            result.update(failed=True, msg=f"{host.state.hostname or 'The host'} is not compliant with profile "
                                           f"{verdict.profile}: {errors}")
        return result

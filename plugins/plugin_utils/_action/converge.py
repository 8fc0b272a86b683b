# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of tls_converge: check the options, change the host, restart, verify, finish (internal use only).

``action/tls_converge.py`` runs them in order; each step fills the one :class:`HostResult`.
A step that fails part way says exactly what was changed before it (:meth:`ConvergeSteps._failure`).
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure

from .._apply.backup import BackupEntry, backup_file, check_backup_path
from .._apply.bundle import commit_offline
from .._apply.changes import APPLIED, NOT_ATTEMPTED, change_result, outcomes_from_write, reg_value, write_module_args
from .._apply.restore import RestoreOutcome
from .._apply.updates import UPDATES, UpdateOutcome, install_msu, judge_windows_update
from .._errors import InputError, TlsReadyError
from .._policy.catalogue import Release
from .._policy.findings import Change, Evaluation
from .._policy.hotfixes import HotfixVerdict
from .._report.result import HostResult
from .._rollout.post_check import PROBE_MODULE, ChangedHost, post_check
from .._rollout.probe import Endpoint, probe_endpoints
from .._sources.state import HostState
from .restore import RestoreMixin

REBOOT = "ansible.windows.win_reboot"


class ConvergeSteps(RestoreMixin):
    """The steps tls_converge runs; ``_updates_need_restart`` is set by the install step."""

    _updates_need_restart = False

    def _check_options(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> list[Endpoint]:
        """Refuse bad options before anything is read; return the endpoints the post-check probes."""
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
            return probe_endpoints(args["probe_endpoints"], None) if args["post_check_probe"] else []
        except InputError as err:
            raise InputError("probe_endpoints", err.detail) from None

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
        # is written last (_apply.bundle.commit_offline). The .msu files are copied only along with
        # updates recorded now (their source was checked first).
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
                host.changes = [change_result(c, NOT_ATTEMPTED) for c in changes]
                host.error = self._failure(host, f"Installing the updates failed: {outcome.error}.")
                return
        if not changes:
            return
        written, lost = self._write_batch(write_module_args(changes), task_vars, "the values were written")
        host.changes = outcomes_from_write(changes, written, lost)
        if written is None or written.get("failed"):
            why = lost or str(written.get("msg") if written else "")
            host.error = self._failure(host, f"Writing the registry values failed: {why}.")

    def _install_updates(self, release: Release, state: HostState, missing: list[HotfixVerdict],
                         args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> UpdateOutcome:
        if args["update_method"] == "msu":
            return install_msu(self._quiet_runner(task_vars), missing, release, state.architecture,
                               args["update_source"])
        kbs = [v.hotfix.kb for v in missing]
        done = self._run_action(UPDATES, {"accept_list": kbs, "category_names": ["*"], "reboot": False}, task_vars)
        return judge_windows_update(kbs, done)

    def _restart(self, host: HostResult, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> str | None:
        """Restart the host; on failure set and return ``host.error``."""
        done = self._run_action(REBOOT, {"reboot_timeout": args["reboot_timeout"],
                                         "msg": "Restarting to apply TLS 1.2 changes (tlsready.windows)"}, task_vars)
        if done.get("failed"):
            host.error = self._failure(host, f"Restart for the TLS changes failed: {done.get('msg', 'no message')}.")
            return host.error
        host.rebooted = True
        return None

    def _verify(self, host: HostResult, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> None:
        try:
            state = self._tls_state({}, task_vars)
        except (AnsibleConnectionFailure, TlsReadyError) as err:
            host.error = self._failure(host, f"Reading the host again to verify failed: {err}.")
            return
        host.before, host.state = host.evaluation, state
        host.evaluation = self._tls_evaluate(state, args)

    def _post_check(self, host: HostResult, original: HostState, before: Evaluation, args: dict[str, t.Any],
                    endpoints: list[Endpoint], task_vars: dict[str, t.Any]) -> None:
        """The canary post-check (``_rollout.post_check``); a host that fails it is restored from its backup."""
        changed = ChangedHost(
            name=str(task_vars.get("inventory_hostname") or host.state.hostname), original=original, before=before,
            applied=[(c["path"], c["name"]) for c in host.changes if c["result"] == APPLIED],
            installed_hotfixes=list(host.installed_hotfixes), rebooted=host.rebooted,
            restart_pending=host.restart_pending, backup=t.cast(str, args["backup"]), backup_dir=args["backup_dir"])
        access = _ConvergeAccess(self, host, args, task_vars)
        outcome = post_check(access, changed, endpoints if args["post_check_probe"] else None, args["probe_timeout"])
        host.take_post_check(outcome, changed)

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


class _ConvergeAccess:
    """The host as the post-check reaches it (``_rollout.post_check.HostAccess``), through the converge action."""

    def __init__(self, action: ConvergeSteps, host: HostResult, args: dict[str, t.Any],
                 task_vars: dict[str, t.Any]) -> None:
        self._action, self._host, self._args, self._task_vars = action, host, args, task_vars

    def fresh_read(self) -> HostState:
        # A new session, as the next job opens: one already open may have outlived the change.
        self._action._connection.reset()
        return self._action._tls_state({}, self._task_vars)

    def judge(self, state: HostState) -> Evaluation:
        return self._action._tls_evaluate(state, self._args)

    def offline_folder(self) -> str | None:
        return self._action._tls_offline_folder()

    def run_probe(self, module_args: dict[str, t.Any]) -> dict[str, t.Any]:
        return t.cast(t.Dict[str, t.Any], self._action._execute_module(
            module_name=PROBE_MODULE, module_args=module_args, task_vars=self._task_vars))

    def restore(self, entries: t.Sequence[BackupEntry]) -> RestoreOutcome:
        return self._action._restore_entries(entries, self._task_vars)

    def restart(self) -> str | None:
        # The failure message says what this run changed; the host's error is the check's in the end.
        self._host.error = None
        return self._action._restart(self._host, self._args, self._task_vars)

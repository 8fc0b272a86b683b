# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary post-check of a host a converge has just changed (internal use only).

A fresh connection and a read of the host, optionally the handshake probe; a host that fails is
restored from its backup, and one the restore cannot reach is *lost* (docs/canary-rollout.md).
The check reaches the host only through :class:`HostAccess`, which tls_converge provides, and
returns one :class:`PostCheckOutcome`; ``HostResult.take_post_check`` applies it.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ansible.errors import AnsibleConnectionFailure

from .._apply.backup import BackupEntry
from .._apply.restore import RestoreOutcome
from .._errors import TlsReadyError
from .._policy.findings import Evaluation
from .._sources.state import HostState
from .canary import LOST, PASSED, REVERTED, PostCheck, console_restore_command, uninstall_command
from .probe import STACKS, Endpoint, ProbeRun, probe_findings, probe_module_args, run_from_module_result
from .simulate import active_condition, failing_probe

PROBE_MODULE = "tlsready.windows.win_tls_probe"
# Schannel and WinHTTP read the values at start: a check before the restart saw the host as it was.
BEFORE_RESTART_WARNING = (
    "The post-change check ran before the restart these changes need (reboot is false), so it could "
    "not see their effect on Schannel and WinHTTP: restart the host and converge it again (or set "
    "tlsready_reboot) before trusting the next wave.")


class HostAccess(t.Protocol):
    """What the post-check needs of the host; each call may raise AnsibleConnectionFailure or TlsReadyError."""

    def fresh_read(self) -> HostState:
        """Read the host over a new connection (a session already open may have outlived the change)."""

    def judge(self, state: HostState) -> Evaluation:
        """The verdict on ``state`` with the task's profile and options."""

    def offline_folder(self) -> str | None:
        """The offline host's folder, or None for a live host."""

    def run_probe(self, module_args: dict[str, t.Any]) -> dict[str, t.Any]:
        """The result of the probe module on the live host."""

    def restore(self, entries: t.Sequence[BackupEntry]) -> RestoreOutcome:
        """Put the saved values back (one batched write, or the offline record and bundle)."""

    def restart(self) -> str | None:
        """Restart the host; the reason it failed, or None."""


@dataclasses.dataclass
class ChangedHost:
    """What the converge did to the host, as the post-check needs it.

    Attributes:
        name: the inventory name (the report and the console command use it).
        original: the state read before the change; ``before`` its verdict.
        applied: the values this run changed (path, name), in plan order.
        installed_hotfixes: the updates this run installed (tlsready never uninstalls them).
        rebooted: whether this run restarted the host; ``restart_pending``: a restart is still needed.
        backup, backup_dir: the backup file this run saved to, and the folder option it came from.
    """

    name: str
    original: HostState
    before: Evaluation
    applied: list[tuple[str, str]]
    installed_hotfixes: list[str]
    rebooted: bool
    restart_pending: bool
    backup: str
    backup_dir: str | None


@dataclasses.dataclass
class PostCheckOutcome:
    """What the post-check found and did.

    Attributes:
        check: the outcome (passed, reverted, lost) with its reason and what was put back.
        read: the fresh read after the change and its verdict, when it succeeded.
        probe: what the handshake probe observed after the change (the effective state), or None.
        warning: a warning for the task output, or None.
        restart_failed: the restart after the restore failed (the host still needs one).
    """

    check: PostCheck
    read: tuple[HostState, Evaluation] | None = None
    probe: ProbeRun | None = None
    warning: str | None = None
    restart_failed: bool = False


def post_check(access: HostAccess, host: ChangedHost, endpoints: t.Sequence[Endpoint] | None,
               probe_timeout: int) -> PostCheckOutcome:
    """Check ``host`` after its change: a fresh read and, with ``endpoints`` (not None), the handshake probe.

    A host that fails is restored to the values this run read before it (an earlier run's values,
    also in the backup file, stay); without a registry change to put back it is lost.
    """
    outcome = PostCheckOutcome(PostCheck(PASSED))
    reason = _management_problem(access, outcome)
    probed = False
    if reason is None and endpoints is not None:
        probed, reason, outcome.probe = _probe_problem(access, endpoints, probe_timeout)
    if reason is None:
        outcome.check = PostCheck(PASSED, probed=probed)
        if host.restart_pending:
            outcome.warning = BEFORE_RESTART_WARNING
        return outcome
    check = outcome.check = PostCheck(REVERTED, reason, probed=probed)
    entries = [BackupEntry(path, name, host.original.get(path, name)) for path, name in host.applied]
    kept = (f" The updates this run installed ({', '.join(host.installed_hotfixes)}) stay installed: tlsready "
            "does not uninstall updates." if host.installed_hotfixes else "")
    if not entries:
        # Only updates were installed: nothing tlsready can put back.
        check.outcome, check.reason = LOST, f"{reason} This run changed no registry value.{kept}"
        check.restore_command = uninstall_command(host.installed_hotfixes)
        return outcome
    restored, error = _restore(access, entries)
    if restored is not None:
        check.restored = restored.restored
    lost = restored is None or restored.lost
    if not (lost or error) and host.rebooted:
        # The restored Schannel values take effect after a restart, as the change did.
        failure = access.restart()
        if failure:
            lost, error = True, f"the restart after the restore failed: {failure}"
            outcome.restart_failed = True
    if lost or error:
        check.outcome = LOST
        check.reason = f"{reason} Restoring the values failed: {error}{kept}"
        check.restore_command = console_restore_command(host.name, host.backup, access.offline_folder() is not None,
                                                        host.backup_dir)
    else:
        check.reason = f"{reason}{kept}"
    return outcome


def _management_problem(access: HostAccess, outcome: PostCheckOutcome) -> str | None:
    """Why the host cannot be managed over a fresh connection, or None after a successful read."""
    try:
        state = access.fresh_read()
    except (AnsibleConnectionFailure, TlsReadyError) as err:
        return f"Management failed after the change: a fresh connection and read of the host failed ({err})."
    outcome.read = (state, access.judge(state))
    return None


def _probe_problem(access: HostAccess, endpoints: t.Sequence[Endpoint],
                   timeout: int) -> tuple[bool, str | None, ProbeRun | None]:
    """Whether the probe ran, why it failed after the change (a TLS-class failure) or None, and what it observed."""
    folder = access.offline_folder()
    try:
        if folder is not None:
            # An offline host is not changed until its bundle is deployed: its probe.json was recorded
            # before, so only simulate.yml (fail_probe) gives an observation after the change.
            if active_condition(folder) != "fail_probe":
                return False, None, None
            run = run_from_module_result(failing_probe([str(e) for e in endpoints]), "offline")
        else:
            result = access.run_probe(probe_module_args(endpoints, list(STACKS), timeout))
            if result.get("failed") or result.get("unreachable"):
                return True, f"The handshake probe could not run after the change: {result.get('msg', 'no message')}.", None
            run = run_from_module_result(result, "live")
    except (AnsibleConnectionFailure, TlsReadyError) as err:
        return True, f"The handshake probe could not run after the change: {err}.", None
    failed = [f for f in probe_findings(run) if f.severity == "error"]
    if not failed:
        return True, None, run
    return True, "The handshake probe failed after the change: " + " ".join(f.message for f in failed), run


def _restore(access: HostAccess, entries: t.Sequence[BackupEntry]) -> tuple[RestoreOutcome | None, str | None]:
    """The restore's outcome (None when the host could not be reached at all) and its error, if any."""
    try:
        restored = access.restore(entries)
    except AnsibleConnectionFailure as err:
        return None, f"the connection to the host was lost ({err})"
    except TlsReadyError as err:
        return RestoreOutcome(), str(err)
    return restored, restored.error

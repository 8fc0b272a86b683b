# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one result of reading (tls_facts) or converging (tls_converge) a host (internal use only).

Both action plugins return :meth:`HostResult.to_result`; ``tls_report`` reads the registered
result as it is (``evaluation``, ``state.source``, ``setting_states`` and, after a converge,
``converge``), so the host state never goes through Jinja between the plugins.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._apply.changes import APPLIED
from .._policy.findings import Evaluation
from .._rollout.canary import REVERTED, PostCheck
from .._rollout.post_check import ChangedHost, PostCheckOutcome
from .._rollout.probe import ProbeRun
from .._sources.state import HostState
from .setting_states import setting_states, written_values
from .status import status_fact


@dataclasses.dataclass
class HostResult:
    """One host's verdict and, after a converge, what was done to get there.

    Attributes:
        state: the last state read (after the changes when they were verified).
        evaluation: the verdict on ``state``.
        before: the verdict before any change, when a converge changed something (else None).
        converged: whether this is a converge result (it then carries the ``converge`` summary).
        changes: one outcome per planned value (``result``: changed, unchanged, would_change,
            failed, not_attempted), in plan order.
        installed_hotfixes: updates installed (or, in check mode, that would be).
        restart_pending: a change needs a restart that did not happen.
        rebooted: the host was restarted by this run.
        error: why the run failed part way; everything above is still exact.
        diff: the Ansible diff of the registry values.
        files: offline remediation files written.
        warnings: warnings from the modules run (a share win_find could not open), and the values left to
            Group Policy (each finding with a GPO setting).
        probe: the tls_probe observation of the host (the effective state), or None.
        post_check: the canary post-check after the change (tls_converge ``post_check``), or None.
    """

    state: HostState
    evaluation: Evaluation
    before: Evaluation | None = None
    converged: bool = False
    changes: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    installed_hotfixes: list[str] = dataclasses.field(default_factory=list)
    restart_pending: bool = False
    rebooted: bool = False
    error: str | None = None
    diff: dict[str, str] | None = None
    files: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    probe: ProbeRun | None = None
    post_check: PostCheck | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def changed(self) -> bool:
        return bool(self.installed_hotfixes) or self.rebooted or any(
            c["result"] in (APPLIED, "would_change") for c in self.changes)

    def changed_values(self) -> list[str]:
        """``path\\name`` of every value this run changed."""
        return [f"{c['path']}\\{c['name']}" for c in self.changes if c["result"] == APPLIED]

    def waiting_values(self) -> frozenset[tuple[str, str]]:
        """The values this run wrote that wait for a restart: all it wrote, unless the host restarted since
        or the post-check put the previous values back (nothing this run wrote is left to take effect;
        a lost host may still hold them)."""
        if self.rebooted or (self.post_check is not None and self.post_check.outcome == REVERTED):
            return frozenset()
        return written_values(self.changes, APPLIED)

    def take_post_check(self, outcome: PostCheckOutcome, changed: ChangedHost) -> None:
        """Take what the canary post-check found (``_rollout.post_check``) into the result."""
        if outcome.read is not None:
            # The fresh read after the change is the host's state now.
            self.before, self.state = self.evaluation, outcome.read[0]
            self.evaluation = outcome.read[1]
        self.probe = outcome.probe
        if outcome.warning:
            self.warnings.append(outcome.warning)
        if outcome.restart_failed:
            self.restart_pending = True
        self.post_check = outcome.check
        if outcome.check.outcome == REVERTED:
            # The values are back as they were: the state and verdict are the ones before the change.
            # The probe observed the change that was undone: it says nothing about the host now.
            self.state, self.evaluation, self.before, self.probe = changed.original, changed.before, None, None
        if outcome.check.failed:
            self.error = outcome.check.describe(changed.name)

    def summary(self) -> dict[str, t.Any]:
        """What a converge adds to the verdict in the report: the work done and whether it failed."""
        summary: dict[str, t.Any] = {
            "applied": self.changes,
            "installed_hotfixes": list(self.installed_hotfixes),
            "reboot_required": self.restart_pending,
            "rebooted": self.rebooted,
        }
        if self.post_check is not None:
            summary["post_check"] = self.post_check.to_dict()
        if self.failed:
            summary.update(failed=True, compliant=False, error=self.error)
        return summary

    def to_result(self) -> dict[str, t.Any]:
        """Return the task result."""
        state, verdict = self.state.to_dict(), self.evaluation.to_dict()
        result: dict[str, t.Any] = {
            "changed": self.changed,
            "state": state,
            "evaluation": verdict,
            # The verdict, not the raw state: a few hundred bytes per host in the fact cache.
            "ansible_facts": {"tlsready_status": status_fact(verdict, state)},
            # Computed once here, read as they are by tls_report (docs/reference/setting-states.md).
            "setting_states": [s.to_dict() for s in
                               setting_states(self.state, self.evaluation, self.probe, self.waiting_values())],
        }
        if not self.converged:
            return result
        result.update(changes=self.changes, installed_hotfixes=list(self.installed_hotfixes),
                      reboot_required=self.restart_pending, rebooted=self.rebooted, converge=self.summary())
        if self.before is not None:
            result["before"] = self.before.to_dict()
        if self.diff:
            result["diff"] = self.diff
        if self.files:
            result["files"] = self.files
        if self.warnings:
            result["warnings"] = list(self.warnings)
        if self.post_check is not None:
            result["post_check"] = self.post_check.to_dict()
        if self.failed:
            result.update(failed=True, msg=self.error)
        return result

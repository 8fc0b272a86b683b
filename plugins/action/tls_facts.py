# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import POLICY_SPEC, TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.result import HostResult
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    probe_findings,
    run_from_task_result,
)


class ActionModule(TlsActionBase):
    """Read a host's TLS state in one round trip (or from its offline folder) and judge it."""

    ARGUMENT_SPEC = {**POLICY_SPEC, "probe": {"type": "dict"}}

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        state = self._tls_state(args, task_vars)
        evaluation = self._tls_evaluate(state, args)
        run = None
        if args.get("probe") is not None:
            # The probe's findings join the verdict; each setting's effective state comes from it.
            run = run_from_task_result(args["probe"])
            evaluation.findings.extend(probe_findings(run))
        # The verdict in ansible_facts, not the raw state: a few hundred bytes per host in the fact
        # cache, and the result is not twice the state (at fleet scale Ansible's cost grows with its size).
        return HostResult(state, evaluation, probe=run).to_result()

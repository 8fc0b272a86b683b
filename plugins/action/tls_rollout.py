# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._action.hostvars import recorded
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.status import host_result, host_status
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.waves import (
    check_percentage,
    decide_wave,
    decision_of,
    UNCHANGED_FAILURE,
    WaveHost,
)


class ActionModule(TlsActionBase):
    """Decide on the controller whether this wave of the canary rollout starts (docs/canary-rollout.md)."""

    TRANSFERS_FILES = False
    ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
        "max_fail_percentage": {"type": "raw", "default": 0},
        "result_var": {"type": "str", "default": "tls12_result"},
        "decision_var": {"type": "str", "default": "tlsready_wave"},
    }

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        threshold = check_percentage(args["max_fail_percentage"])
        batch = set(task_vars.get("ansible_play_batch") or [])
        hostvars = task_vars.get("hostvars", {})
        previous = []
        for name in task_vars.get("ansible_play_hosts_all") or []:
            if name in batch:
                continue
            decision = decision_of(recorded(hostvars, name, args["decision_var"]))
            if decision is None:
                continue  # not in a wave yet
            status = "not_started"
            if decision.start:
                found = recorded(hostvars, name, args["result_var"])
                entry, failure = host_result(name, found, args["result_var"])
                status = host_status(entry) if entry is not None else (failure or ("failed", ""))[0]
                if status == "failed" and not (isinstance(found, t.Mapping) and found.get("changed")):
                    # Stopped before any change (a safety guard, a read that failed): it says nothing
                    # about the change, like a host unreachable before it.
                    status = UNCHANGED_FAILURE
            previous.append(WaveHost(name, decision.wave, decision.start, status, decision.reason))
        decision = decide_wave(previous, threshold)
        result: dict[str, t.Any] = {"changed": False, **decision.to_dict(), "hosts": sorted(batch)}
        if decision.start:
            result["msg"] = f"wave {decision.wave}: {len(batch)} hosts start"
        else:
            result["msg"] = f"wave {decision.wave} is not started: {decision.reason}"
            result["warnings"] = [result["msg"]]
        return result

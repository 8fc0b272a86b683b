# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import LiveReadError, TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    load_recorded,
    probe_endpoints,
    probe_findings,
    probe_module_args,
    run_from_module_result,
    STACKS,
)

PROBE_MODULE = "tlsready.windows.win_tls_probe"


class ActionModule(TlsActionBase):
    """Try TLS from the host through WinHTTP, .NET Framework and Schannel (or replay an offline probe.json)."""

    ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
        "endpoints": {"type": "list", "elements": "str", "default": []},
        "sharepoint_tenant": {"type": "str"},
        "stacks": {"type": "list", "elements": "str", "default": list(STACKS), "choices": list(STACKS)},
        "timeout": {"type": "int", "default": 10},
    }

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        endpoints = probe_endpoints(args["endpoints"], args["sharepoint_tenant"])
        module_args = probe_module_args(endpoints, args["stacks"], args["timeout"])
        folder = self._tls_offline_folder()
        if folder is not None:
            run = load_recorded(folder)
        else:
            result = self._execute_module(module_name=PROBE_MODULE, module_args=module_args, task_vars=task_vars)
            if result.get("failed") or result.get("unreachable"):
                raise LiveReadError(f"The handshake probe failed: {result.get('msg', 'the probe module failed without a message')}")
            run = run_from_module_result(result, "live")
        return {"changed": False, "probe": run.to_dict(), "findings": [f.to_dict() for f in probe_findings(run)]}

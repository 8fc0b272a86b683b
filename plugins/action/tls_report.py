# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import typing as t

from ansible.plugins.action import ActionBase

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import TlsReadyError
from ansible_collections.tlsready.windows.plugins.plugin_utils._report import build_report, write_reports


class ActionModule(ActionBase):
    """Collect each host's result from hostvars and write the fleet report on the controller."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
        "dest": {"type": "path", "required": True},
        "mode": {"type": "str", "choices": ["audit", "converge"], "default": "audit"},
        "profile": {"type": "str", "default": "m365_client"},
        "formats": {"type": "list", "elements": "str", "default": ["json", "xml", "csv", "html"]},
        "fail_on_noncompliant": {"type": "bool", "default": False},
        "result_var": {"type": "str", "default": "tlsready_result"},
        "hosts": {"type": "list", "elements": "str"},
    }

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)[1]
        names = args["hosts"] if args["hosts"] is not None else list(task_vars.get("ansible_play_hosts_all", []))
        alive = set(task_vars.get("ansible_play_hosts", names))
        hostvars = task_vars.get("hostvars", {})
        results, failures = [], {}
        for name in names:
            found = (hostvars.get(name) or {}).get(args["result_var"])
            if isinstance(found, t.Mapping):
                results.append({**found, "host": name})
            elif args["hosts"] is None and name not in alive:
                failures[name] = ("failed", "the host failed or was unreachable earlier in this play; see the play output")
            else:
                failures[name] = ("failed", "no tlsready result recorded: the host failed or was not reached")
        generated = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        report = build_report(results, failures, args["mode"], args["profile"], generated)
        try:
            files = write_reports(report, args["dest"], args["formats"])
        except TlsReadyError as err:
            return {**result, "failed": True, "msg": str(err)}
        except OSError as err:
            return {**result, "failed": True, "msg": f"cannot write the report in {args['dest']}: {err.strerror}"}
        summary = report["summary"]
        result.update(changed=False, files=files, summary=summary, report_dir=args["dest"])
        bad = summary["hosts"] - summary["compliant"]
        if args["fail_on_noncompliant"] and bad:
            result.update(failed=True, msg=f"{bad} of {summary['hosts']} hosts are not compliant "
                                           f"(see {args['dest']}/report.html)")
        return result

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import os
import typing as t

from ansible_collections.tlsready.windows.plugins.plugin_utils._action.base import TlsActionBase
from ansible_collections.tlsready.windows.plugins.plugin_utils._action.hostvars import recorded
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.settings import PROFILES
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report, host_reason
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.drift import apply_drift
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.merge import (
    load_report,
    merge_reports,
    report_file,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.status import host_result
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.write import check_formats, write_reports
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.waves import (
    apply_rollout,
    decision_of,
    not_started_message,
    WaveDecision,
)


class ActionModule(TlsActionBase):
    """Collect each host's result from hostvars and write the fleet report on the controller."""

    TRANSFERS_FILES = False
    ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
        "dest": {"type": "path", "default": ""},
        "mode": {"type": "str", "choices": ["audit", "converge"], "default": "audit"},
        "profile": {"type": "str", "choices": list(PROFILES), "default": "m365_client"},
        "formats": {"type": "list", "elements": "str", "default": ["json", "xml", "csv", "html"]},
        "fail_on_noncompliant": {"type": "bool", "default": False},
        "result_var": {"type": "str", "default": "tlsready_result"},
        "hosts": {"type": "list", "elements": "str"},
        "html_template": {"type": "path"},
        "merge_reports": {"type": "list", "elements": "path"},
        "previous_report": {"type": "path"},
        "rollout_var": {"type": "str", "default": ""},
    }

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        check_formats(args["formats"])
        generated = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        if args["merge_reports"] is not None:
            report = merge_reports(args["merge_reports"], generated)
        else:
            report = self._play_report(args, task_vars, generated)
        warnings = []
        previous = args["previous_report"]
        if not previous and args["dest"] and os.path.isfile(report_file(args["dest"])):
            previous = args["dest"]  # the last report in the folder, about to be replaced
        if previous:
            try:
                apply_drift(report, load_report(previous))
            except InputError as err:
                if args["previous_report"]:
                    raise InputError("previous_report", err.detail) from None
                warnings.append(f"no drift shown: the previous report cannot be used ({err})")
        files: list[str] = []
        if args["dest"]:
            try:
                files = write_reports(report, args["dest"], args["formats"], args["html_template"])
            except OSError as err:
                raise InputError("dest", f"cannot write the report in {args['dest']}: {err.strerror}") from None
        summary = report["summary"]
        host_status = {str(h["host"]): h["status"] for h in report["hosts"]}
        reasons = {str(h["host"]): host_reason(h) for h in report["hosts"] if h["status"] != "compliant"}
        result: dict[str, t.Any] = {"changed": False, "files": files, "summary": summary, "report_dir": args["dest"],
                                    "host_status": host_status, "host_reasons": reasons}
        if "drift" in report:
            result["drift"] = report["drift"]
        if warnings:
            result["warnings"] = warnings
        bad = summary["hosts"] - summary["compliant"]
        if args["fail_on_noncompliant"] and bad:
            where = f"see {args['dest']}/report.html" if args["dest"] else "no report folder was given (dest)"
            result.update(failed=True, msg=f"{bad} of {summary['hosts']} hosts are not compliant ({where})")
        return result

    @staticmethod
    def _play_report(args: dict[str, t.Any], task_vars: dict[str, t.Any], generated: str) -> dict[str, t.Any]:
        """The report of this play's hosts, from what each recorded in ``result_var``."""
        names = args["hosts"] if args["hosts"] is not None else list(task_vars.get("ansible_play_hosts_all", []))
        alive = set(task_vars.get("ansible_play_hosts", names))
        hostvars = task_vars.get("hostvars", {})
        results, failures = [], {}
        # The canary rollout (tls_rollout's decisions): each host's wave, not_started for waves not run.
        decisions: dict[str, WaveDecision] = {}
        for name in names if args["rollout_var"] else []:
            decision = decision_of(recorded(hostvars, name, args["rollout_var"]))
            if decision is not None:
                decisions[name] = decision
        for name in names:
            if name in decisions and not decisions[name].start:
                failures[name] = ("not_started", not_started_message(decisions[name]))
                continue
            found = recorded(hostvars, name, args["result_var"])
            if not isinstance(found, t.Mapping) and args["hosts"] is None and name not in alive:
                failures[name] = ("failed", "the host failed or was unreachable earlier in this play; see the play output")
                continue
            entry, failure = host_result(name, found, args["result_var"])
            if entry is not None:
                results.append(entry)
            elif failure is not None:
                failures[name] = failure
        report = build_report(results, failures, args["mode"], args["profile"], generated)
        apply_rollout(report, decisions)
        return report

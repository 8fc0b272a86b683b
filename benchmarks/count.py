# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remote module invocations and payload bytes per host: tlsready against the usual way.

tlsready is counted by running its real action plugins (tls_facts for the audit, tls_converge for
the converge) on their live path, as the audit and converge playbooks run them, with
:class:`SimulatedHost` standing in for ``_execute_module``: it counts every call and answers with a
recorded ``win_tls_read`` result (tests/unit/fixtures/live/lab/<host>.json) that it updates as
win_tls_write writes and win_hotfix / dism.exe (win_command) install.

The usual way is counted from ``benchmarks/reference_usual.yml``: the module tasks it runs in a
mode, times their loop items (the registry values it lists, the updates the host's release needs).

Payload bytes are those of the module Ansible would send for each call, built by
``ansible.executor.module_common.modify_module`` (for a PowerShell module: the exec wrapper with
the module, its module_utils and arguments; no pwsh is needed). No Windows host is involved.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
import typing as t
from unittest.mock import MagicMock

import yaml
from ansible.playbook.task import Task

from ansible_collections.tlsready.windows.plugins.action import tls_converge, tls_facts
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.settings import (
    profile_requirements,
    SETTINGS_BY_ID,
)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REFERENCE = os.path.join(HERE, "reference_usual.yml")
LIVE_READS = os.path.join(ROOT, "tests", "unit", "fixtures", "live", "lab")

READ, REGEDIT, REG_STAT = "tlsready.windows.win_tls_read", "ansible.windows.win_regedit", "ansible.windows.win_reg_stat"
FIND, HOTFIX, COMMAND = "ansible.windows.win_find", "ansible.windows.win_hotfix", "ansible.windows.win_command"
WRITE = "tlsready.windows.win_tls_write"
HOTFIX_SOURCE = "\\\\fileserver\\updates"
PROFILE = "m365_client"
# The runs compared: audit, the first converge of the lab, and a converge of a compliant host.
RUNS = ("audit", "first_converge", "compliant_converge")

Call = t.Tuple[str, t.Dict[str, t.Any]]


class SimulatedHost:
    """Stands in for ``ActionBase._execute_module`` on one live host; counts and records every call.

    It answers win_tls_read with the recorded read, updated by what win_regedit wrote and
    win_hotfix installed; win_find finds the update's file under the source folder.
    """

    def __init__(self, read: t.Mapping[str, t.Any]) -> None:
        self.read = copy.deepcopy(dict(read))
        self.calls: list[Call] = []

    def __call__(self, module_name: str, module_args: dict[str, t.Any], task_vars: t.Any = None, **_: t.Any) -> dict[str, t.Any]:
        self.calls.append((module_name, copy.deepcopy(module_args)))
        if module_name == READ:
            return copy.deepcopy(self.read)
        if module_name == REGEDIT:
            return self._set(module_args["path"].replace(":\\", "\\", 1), module_args["name"], module_args["data"])
        if module_name == WRITE:
            values = [{"path": v["path"], "name": v["name"], "result": "changed" if self._set(v["path"], v["name"], v["data"])["changed"] else "unchanged"}
                      for v in module_args["values"]]
            return {"changed": any(v["result"] == "changed" for v in values), "values": values}
        if module_name == FIND:
            files = [{"path": module_args["paths"][0] + "\\" + p.replace("*", "")} for p in module_args["patterns"]]
            return {"changed": False, "matched": len(files), "files": files}
        if module_name == HOTFIX:
            return self._install(module_args["hotfix_kb"])
        if module_name == COMMAND:
            kb = re.search(r"tlsready-(KB\d+)", module_args["cmd"])
            assert kb, module_args
            return {**self._install(kb.group(1)), "rc": 3010, "stdout": "", "stderr": ""}
        raise AssertionError(f"unexpected module {module_name}")

    def _install(self, kb: str) -> dict[str, t.Any]:
        if kb not in self.read["hotfixes"]:
            self.read["hotfixes"].append(kb)
        return {"changed": True, "reboot_required": True}

    def _set(self, path: str, name: str, data: t.Any) -> dict[str, t.Any]:
        for item in self.read["registry"]:
            if item["path"].lower() == path.lower() and item["name"].lower() == name.lower():
                changed = (item["type"], item["data"]) != ("dword", data)
                item.update(type="dword", data=data)
                return {"changed": changed}
        self.read["registry"].append({"path": path, "name": name, "type": "dword", "data": data})
        return {"changed": True}


def live_read(lab_host: str) -> dict[str, t.Any]:
    """The recorded win_tls_read result of a lab host (a fleet copy ``<lab host>-0042`` uses its lab host's)."""
    with open(os.path.join(LIVE_READS, f"{lab_host}.json"), encoding="utf-8") as handle:
        return t.cast(t.Dict[str, t.Any], json.load(handle))


def lab_host_of(name: str) -> str:
    """``win7-fresh-0042`` -> ``win7-fresh`` (lab/generate.py --copies); a lab host name is returned as it is."""
    if os.path.exists(os.path.join(LIVE_READS, f"{name}.json")):
        return name
    base, _sep, number = name.rpartition("-")
    if base and number.isdigit() and os.path.exists(os.path.join(LIVE_READS, f"{base}.json")):
        return base
    raise ValueError(f"{name} is neither a lab host nor a copy of one (no recorded read in {LIVE_READS})")


def run_action(module: t.Any, args: dict[str, t.Any], host: SimulatedHost) -> dict[str, t.Any]:
    """Run one tlsready action plugin on its live path (WinRM over HTTP 5985) against ``host``."""
    task = MagicMock(Task)
    task.args = args
    task.check_mode = False
    task.async_val = 0
    task.action = module.__name__.rsplit(".", 1)[-1]
    connection = MagicMock()
    connection.tlsready_offline = False
    connection.transport = "winrm"
    connection._shell.tmpdir = None
    connection.get_option.side_effect = {"scheme": "http", "port": 5985}.get
    plugin = module.ActionModule(task, connection, MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    plugin._execute_module = host
    return t.cast(t.Dict[str, t.Any], plugin.run(task_vars={}))


def audit(host: SimulatedHost) -> dict[str, t.Any]:
    """The audit role on one host: tls_facts, registered; the report is written on the controller."""
    return run_action(tls_facts, {"profile": PROFILE}, host)


def converge(host: SimulatedHost, backup_dir: str) -> dict[str, t.Any]:
    """The converge playbook's one task on one host: tls_converge, updates from a share, a backup."""
    backup = os.path.join(backup_dir, f"{id(host)}.reg")
    return run_action(tls_converge, {"profile": PROFILE, "update_source": HOTFIX_SOURCE, "backup": backup}, host)


def tlsready_calls(lab_host: str, backup_dir: str) -> dict[str, t.Any]:
    """The module calls tlsready makes on one host in each run, and the host's verdicts."""
    read = live_read(lab_host)
    host = SimulatedHost(read)
    result = audit(host)
    calls: dict[str, list[Call]] = {"audit": host.calls}
    host = SimulatedHost(read)
    converge(host, backup_dir)
    calls["first_converge"] = host.calls
    converged = host.read
    host = SimulatedHost(converged)
    after = converge(host, backup_dir)
    calls["compliant_converge"] = host.calls
    evaluation = result.get("evaluation") or {}
    return {
        "calls": calls,
        "compliant_before": bool(evaluation.get("compliant")),
        "compliant_after": bool((after.get("evaluation") or {}).get("compliant")),
        "hotfixes": [v["kb"] for v in evaluation.get("hotfixes") or []],
    }


# ------------------------------------------------------------------------------------- the usual way

_EXPR = re.compile(r"\{\{\s*([a-z_.]+)\s*\}\}")


def load_reference(path: str = REFERENCE) -> dict[str, t.Any]:
    """The reference play: its module tasks (module, mode, loop, args) and its vars."""
    with open(path, encoding="utf-8") as handle:
        plays = yaml.safe_load(handle)
    if len(plays) != 1:
        raise ValueError(f"{path}: expected one play")
    play = plays[0]
    tasks = []
    for task in play["tasks"]:
        module = next(k for k in task if k.startswith("ansible.windows."))
        mode = re.fullmatch(r"reference_mode == '(audit|converge)'", task.get("when", ""))
        loop = _EXPR.fullmatch(task.get("loop", ""))
        if mode is None or loop is None or loop.group(1) not in ("reference_values", "reference_hotfixes"):
            raise ValueError(f"{path}: task {task['name']!r}: count.py understands `when: reference_mode == ...` "
                             "and `loop: reference_values|reference_hotfixes` only")
        tasks.append({"module": module, "mode": mode.group(1), "loop": loop.group(1), "args": task[module]})
    return {"tasks": tasks, "vars": play["vars"]}


def _render(value: t.Any, item: t.Any, play_vars: t.Mapping[str, t.Any]) -> t.Any:
    if not isinstance(value, str):
        return value

    def lookup(expr: str) -> t.Any:
        if expr == "item":
            return item
        if expr.startswith("item."):
            return item[expr[5:]]
        return play_vars[expr]

    whole = _EXPR.fullmatch(value)
    if whole:
        return lookup(whole.group(1))
    return _EXPR.sub(lambda m: str(lookup(m.group(1))), value)


def reference_calls(reference: t.Mapping[str, t.Any], mode: str, hotfixes: t.Sequence[str]) -> list[Call]:
    """The module calls the reference play makes on one host in ``mode`` (audit or converge)."""
    play_vars = dict(reference["vars"], reference_hotfixes=list(hotfixes))
    calls: list[Call] = []
    for task in reference["tasks"]:
        if task["mode"] != mode:
            continue
        for item in play_vars[task["loop"]]:
            calls.append((task["module"], {k: _render(v, item, play_vars) for k, v in task["args"].items()}))
    return calls


def profile_values(profile: str = PROFILE) -> set[tuple[str, str]]:
    """(path, name) of every registry value ``profile`` judges, on any release."""
    values = set()
    for release in RELEASES:
        for setting_id in profile_requirements(profile, release):
            for loc in SETTINGS_BY_ID[setting_id].locations:
                values.add((loc.path.lower(), loc.name.lower()))
    return values


def check_reference_values(reference: t.Mapping[str, t.Any]) -> None:
    """The reference must read and set the same values the profile judges, no more, no fewer."""
    listed = {(v["path"].replace(":\\", "\\", 1).lower(), v["name"].lower()) for v in reference["vars"]["reference_values"]}
    wanted = profile_values()
    if listed != wanted:
        raise ValueError(f"{REFERENCE}: reference_values differ from the {PROFILE} profile's values: "
                         f"missing {sorted(wanted - listed)}, extra {sorted(listed - wanted)}")


# ------------------------------------------------------------------------------------- per host

def count_hosts(names: t.Sequence[str]) -> dict[str, t.Any]:
    """Calls per host and run for tlsready and the reference, over the hosts ``names``."""
    reference = load_reference()
    check_reference_values(reference)
    per_lab: dict[str, dict[str, t.Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tlsready-bench-") as backups:
        for name in sorted({lab_host_of(n) for n in names}):
            per_lab[name] = tlsready_calls(name, backups)
    hosts = []
    for name in names:
        ours = per_lab[lab_host_of(name)]
        usual = {run: reference_calls(reference, "audit" if run == "audit" else "converge", ours["hotfixes"])
                 for run in RUNS}
        hosts.append({"host": name, "tlsready": ours["calls"], "usual": usual,
                      "compliant_before": ours["compliant_before"], "compliant_after": ours["compliant_after"]})
    return {"hosts": hosts}


class Payloads:
    """Bytes of the module payload Ansible builds for a call (cached by module and arguments)."""

    def __init__(self) -> None:
        # The plugin loader must have been set up with the collections path before this module was
        # imported (bench.py does): Ansible's collection finder then resolves tlsready.windows.
        from ansible.executor.module_common import modify_module
        from ansible.parsing.dataloader import DataLoader
        from ansible.plugins.loader import module_loader
        from ansible.template import Templar

        self._modify, self._loader = modify_module, module_loader
        self._templar = Templar(loader=DataLoader())
        self._cache: dict[str, int] = {}

    def size(self, module: str, args: t.Mapping[str, t.Any]) -> int:
        key = module + json.dumps(args, sort_keys=True)
        if key not in self._cache:
            found = self._loader.find_plugin_with_context(module, mod_type=".ps1")
            if not found.resolved:
                raise ValueError(f"module {module} not found")
            built = self._modify(module_name=module, module_path=found.plugin_resolved_path, module_args=dict(args),
                                 templar=self._templar, task_vars={})
            self._cache[key] = len(built.b_module_data)
        return self._cache[key]

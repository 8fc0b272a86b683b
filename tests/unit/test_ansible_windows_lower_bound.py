# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible.windows lower bound is the first version with every module and option tlsready calls.

The calls are the real ones: every lab host converged through tls_converge on its live path
(benchmarks/count.py's simulated host), plus the win_updates and win_reboot arguments the action
passes through the action loader. The options per version are recorded facts
(tests/unit/fixtures/ansible_windows/options-2.6.0.json).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1].parent
RECORDED = json.loads((ROOT / "tests" / "unit" / "fixtures" / "ansible_windows" / "options-2.6.0.json").read_text())
LOWER_BOUND = "2.6.0"


def converge_calls() -> dict[str, set[str]]:
    spec = importlib.util.spec_from_file_location("tlsready_bench_count_lb", ROOT / "benchmarks" / "count.py")
    assert spec and spec.loader
    count = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = count
    spec.loader.exec_module(count)
    used: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory() as backups:
        for host in sorted(p.name for p in (ROOT / "lab" / "hosts").iterdir()):
            for module, args in count.tlsready_calls(host, backups)["calls"]["first_converge"]:
                if module.startswith("ansible.windows."):
                    used.setdefault(module, set()).update(args)
    return used


def test_every_module_and_option_called_exists_in_the_lower_bound() -> None:
    used = converge_calls()
    assert {"ansible.windows.win_find", "ansible.windows.win_command", "ansible.windows.win_hotfix"} <= set(used)
    from ansible_collections.tlsready.windows.plugins.plugin_utils._action import converge
    # The converge's steps pass these to win_reboot and win_updates through the action loader.
    source = (ROOT / "plugins" / "plugin_utils" / "_action" / "converge.py").read_text()
    used.setdefault(converge.REBOOT, set()).update({"reboot_timeout", "msg"})
    used.setdefault("ansible.windows.win_updates", set()).update({"accept_list", "category_names", "reboot"})
    assert all(f'"{o}"' in source for o in ("reboot_timeout", "accept_list", "category_names"))
    for module, options in used.items():
        assert module in RECORDED[LOWER_BOUND], module
        assert options <= set(RECORDED[LOWER_BOUND][module]), (module, options - set(RECORDED[LOWER_BOUND][module]))


def test_the_version_before_lacks_win_hotfix() -> None:
    assert "win_hotfix" not in RECORDED["2.5.0_modules"]


def test_galaxy_and_requirements_declare_the_lower_bound() -> None:
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert re.fullmatch(rf">={re.escape(LOWER_BOUND)}(,<\d+\.\d+\.\d+)?", galaxy["dependencies"]["ansible.windows"])
    requirements = yaml.safe_load((ROOT / "requirements.yml").read_text())
    (windows,) = [c for c in requirements["collections"] if c["name"] == "ansible.windows"]
    assert windows["version"].startswith(f">={LOWER_BOUND},")

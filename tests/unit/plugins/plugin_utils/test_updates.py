# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judging update installs: dism.exe exit codes through win_command, and win_updates entries."""

from __future__ import annotations

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.updates import (
    dism_command,
    judge_dism,
    judge_windows_update,
    package_cab,
    uses_dism_exe,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID


@pytest.mark.parametrize(("rc", "expected"), [
    (0, (True, False, None)),
    (3010, (True, True, None)),
    (0x00240006, (True, False, None)),
    (-2146498530 & 0xFFFFFFFF, (False, False, "not applicable")),
    (-2146498530, (False, False, "not applicable")),  # .NET reports the exit code signed
    (2, (False, False, "0x00000002")),
])
def test_dism_exit_codes(rc: int, expected: tuple) -> None:
    ok, reboot, error = judge_dism({"rc": rc, "stdout": "", "stderr": ""})
    assert (ok, reboot) == expected[:2]
    assert (error is None) == (expected[2] is None) and (expected[2] is None or expected[2] in str(error))


def test_already_installed_message_is_success_whatever_the_code() -> None:
    assert judge_dism({"rc": 1, "stdout": "Package_for_KB3140245 is already installed.", "stderr": ""}) == (True, False, None)


def test_no_exit_code_is_a_failure_with_the_module_message() -> None:
    assert judge_dism({"failed": True, "msg": "boom"}) == (False, False, "boom")


def test_dism_exe_only_where_the_dism_module_is_missing() -> None:
    assert uses_dism_exe(RELEASES_BY_ID["win7sp1"])
    assert not uses_dism_exe(RELEASES_BY_ID["win81"])


def test_dism_command_expands_then_adds_the_package_cab() -> None:
    assert package_cab("windows6.1-kb3140245-x64*.msu") == "windows6.1-kb3140245-x64.cab"
    cmd = dism_command("KB3140245", r"\\srv\u\windows6.1-kb3140245-x64.msu", "windows6.1-kb3140245-x64*.msu")["cmd"]
    assert cmd.index("expand.exe -F:*") < cmd.index("dism.exe /Online /Add-Package") and "&&" in cmd


def test_windows_update_counts_only_installed_entries() -> None:
    done = {"changed": True, "reboot_required": True, "updates": {
        "a": {"title": "Security update", "kb": ["3140245"], "installed": True},
        "b": {"title": "Update for Windows 7 (KB3042058)", "kb": ["3042058"], "installed": False,
              "failure_hresult_code": -2145124329, "failure_msg": "not applicable"},
    }}
    outcome = judge_windows_update(["KB3140245", "KB3042058"], done)
    assert outcome.installed == ["KB3140245"] and outcome.missing == ["KB3042058"]
    assert outcome.failed and "HRESULT 0x80240017" in str(outcome.error) and outcome.reboot_required


def test_windows_update_not_offered() -> None:
    outcome = judge_windows_update(["KB3140245"], {"changed": False, "updates": {}})
    assert outcome.failed and "not offered" in str(outcome.error)

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_tls_write.ps1 against its documentation and the controller, read as text (no PowerShell here)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ansible_collections.tlsready.windows.plugins.modules import win_tls_write
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import WRITE_MODULE, write_module_args
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.findings import Change
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import REG_TYPES

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = (ROOT / "plugins" / "modules" / "win_tls_write.ps1").read_text(encoding="utf-8")
DOCS = yaml.safe_load(win_tls_write.DOCUMENTATION)
VALUE_OPTIONS = DOCS["options"]["values"]["suboptions"]


def test_the_module_name_and_types_match_the_controller() -> None:
    assert WRITE_MODULE == "tlsready.windows.win_tls_write"
    assert set(VALUE_OPTIONS["type"]["choices"]) == set(REG_TYPES)
    choices = re.search(r"type = @\{ type = 'str'; default = 'dword'; choices = ([^}]*)\}", SCRIPT)
    assert choices and set(re.findall(r"'(\w+)'", choices.group(1))) == set(REG_TYPES)


def test_the_controller_sends_only_documented_suboptions() -> None:
    change = Change("schannel.tls1_2.client", r"HKLM\SYSTEM\X", "Enabled", "dword", None, 1, True)
    args = write_module_args([change])
    assert set(args) == set(DOCS["options"])
    assert set(args["values"][0]) <= set(VALUE_OPTIONS)
    for option in VALUE_OPTIONS:
        assert re.search(rf"\b{option} = @\{{", SCRIPT), option


def test_a_32_bit_powershell_on_64_bit_windows_is_refused_before_any_write() -> None:
    refusal = SCRIPT.index("-not [Environment]::Is64BitProcess")
    assert refusal < SCRIPT.index("OpenBaseKey(") < SCRIPT.index("SetValue(")
    assert "FailJson('Nothing was changed: this is a 32-bit PowerShell" in SCRIPT[refusal:refusal + 300]


def test_writes_use_the_64_bit_view_and_honour_check_mode() -> None:
    assert "[Microsoft.Win32.RegistryView]::Registry64" in SCRIPT
    assert "supports_check_mode = $true" in SCRIPT
    guarded = SCRIPT[SCRIPT.index("if (-not $module.CheckMode) {"):]
    for writer in ("DeleteValue(", "SetValue(", "CreateSubKey("):
        assert writer in guarded[:guarded.index("\n            }\n        }")], writer
        assert SCRIPT.count(writer) == 1, writer


def test_each_value_outcome_is_returned_and_the_first_failure_stops() -> None:
    assert "$module.Result['values'].Add($outcome)" in SCRIPT
    # .values on a dictionary is its Values property: the result key is only ever used through the indexer.
    assert "Result.values" not in SCRIPT
    catch = SCRIPT[SCRIPT.index("    catch {"):]
    assert catch.index("$outcome.result = 'failed'") < catch.index("$module.FailJson(")


def test_an_empty_multi_string_is_written_not_skipped() -> None:
    # @() of no strings is still a [string[]]; SetValue writes an empty REG_MULTI_SZ.
    assert "'multi_sz' { return , [string[]]@($Data | Where-Object { $null -ne $_ }) }" in SCRIPT

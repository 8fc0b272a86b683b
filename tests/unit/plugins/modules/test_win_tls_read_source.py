# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_tls_read.ps1 against its documentation, read as text.

No PowerShell runs on our machines (pslint and the validate-modules argument-spec check
are skipped there), so these tests check what reading can check: the argument spec in the
.ps1 equals the documented options, every result key is documented and the other way
round, the recorded results have that shape, and the script avoids what Windows
PowerShell 3.0 lacks. They do not prove the script runs.
"""

from __future__ import annotations

import ast
import json
import re
import typing as t
from pathlib import Path

import pytest
import yaml

from ansible_collections.tlsready.windows.plugins.modules import win_tls_read
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.live import (
    read_module_args,
    state_from_read_result,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import REG_TYPES

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = (ROOT / "plugins" / "modules" / "win_tls_read.ps1").read_text(encoding="utf-8")
DOCS = yaml.safe_load(win_tls_read.DOCUMENTATION)
RETURNED = yaml.safe_load(win_tls_read.RETURN)
RECORDED = sorted((ROOT / "tests" / "unit" / "fixtures" / "live").rglob("*.json"))


def code_lines() -> list[str]:
    """The script without comment lines and trailing comments."""
    lines = []
    for line in SCRIPT.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            continue
        lines.append(line.split(" # ")[0])
    return lines


def block(name: str) -> str:
    """The text of the ``name = @{ ... }`` hashtable literal, braces balanced."""
    start = SCRIPT.index(name)
    opening = SCRIPT.index("@{", start) + 1
    depth = 0
    for index in range(opening, len(SCRIPT)):
        depth += {"{": 1, "}": -1}.get(SCRIPT[index], 0)
        if depth == 0:
            return SCRIPT[opening + 1:index]
    raise AssertionError(f"unbalanced {name}")


def powershell_hashtable(text: str) -> t.Any:
    """Evaluate a hashtable literal made only of strings, booleans, @() and nested @{}."""
    text = re.sub(r"(\w+) = ", r"'\1': ", text)
    text = text.replace("@{", "{").replace("@()", "[]").replace("$true", "True").replace("$false", "False")
    text = re.sub(r"([}\]'\w])[ \t]*\n", r"\1,\n", text.replace(";", ","))
    return ast.literal_eval("{" + text + "}")


def documented(options: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    return {name: {k: v for k, v in spec.items() if k in ("type", "elements", "default", "required")}
            for name, spec in options.items()}


def test_argument_spec_equals_the_documented_options() -> None:
    spec = powershell_hashtable(block("$spec ="))
    assert spec["supports_check_mode"] is True and DOCS["attributes"]["check_mode"]["support"] == "full"
    options = spec["options"]
    suboptions = options["keys"].pop("options")
    assert documented(DOCS["options"]) == options
    assert documented(DOCS["options"]["keys"]["suboptions"]) == suboptions


def test_the_controller_sends_only_documented_arguments() -> None:
    args = read_module_args()
    assert set(args) == set(DOCS["options"])
    for key in args["keys"]:
        assert set(key) == set(DOCS["options"]["keys"]["suboptions"])
        assert key["path"].startswith("HKLM\\")


def test_every_result_key_is_documented_and_set() -> None:
    set_keys = set(re.findall(r"^\$module\.Result\.(\w+) =", SCRIPT, re.MULTILINE))
    assert set_keys == set(RETURNED)


def test_os_and_registry_entries_match_their_documentation() -> None:
    os_keys = set(re.findall(r"^\s+(\w+) = ", block("$module.Result.os ="), re.MULTILINE))
    assert os_keys == set(RETURNED["os"]["contains"])
    entry = re.search(r"\$registry\.Add\(@\{ (.*) \}\)", SCRIPT)
    assert entry is not None
    assert set(re.findall(r"(\w+) = ", entry.group(1))) == set(RETURNED["registry"]["contains"])


def test_value_types_are_the_ones_the_controller_knows() -> None:
    types = set(re.findall(r"\$type = '(\w+)'", SCRIPT))
    assert types == set(REG_TYPES)


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_recorded_results_have_the_documented_shape(path: Path) -> None:
    result = json.loads(path.read_text(encoding="utf-8"))
    assert set(result) - {"changed", "invocation"} == set(RETURNED)
    assert set(result["os"]) == set(RETURNED["os"]["contains"])
    for entry in result["registry"]:
        assert set(entry) == set(RETURNED["registry"]["contains"]) and entry["type"] in REG_TYPES
        assert entry["path"].startswith("HKLM\\")
    assert state_from_read_result(result).source == "live"


# Constructs Windows PowerShell 3.0 (WMF 3, Windows 7 / 2008 R2) does not have, or that behave
# differently between 5.1 and 7.
PS3_UNSAFE = {
    r"::new\(": "::new() needs PowerShell 5",
    r"^\s*class\s": "classes need PowerShell 5",
    r"^\s*using\s": "using statements need PowerShell 5",
    r"\?\?|\?\.": "null operators need PowerShell 7",
    r"ConvertTo-Json|ConvertFrom-Json": "JSON cmdlets truncate at -Depth 2 by default; Ansible.Basic serialises the result",
    r"Get-ItemProperty(Value)?\b": "the registry provider expands REG_EXPAND_SZ and follows WOW64 redirection",
    r"\$env:PROCESSOR_ARCHITECTURE": "the process architecture, not the machine's",
}


@pytest.mark.parametrize("pattern", sorted(PS3_UNSAFE))
def test_script_avoids_what_powershell_3_lacks(pattern: str) -> None:
    offending = [line for line in code_lines() if re.search(pattern, line, re.IGNORECASE)]
    assert not offending, f"{PS3_UNSAFE[pattern]}: {offending}"


def test_cim_has_a_wmi_fallback_and_errors_stop() -> None:
    assert "Get-CimInstance" in SCRIPT and "Get-WmiObject" in SCRIPT
    assert "Set-StrictMode -Version 2.0" in SCRIPT and "$ErrorActionPreference = 'Stop'" in SCRIPT
    assert SCRIPT.startswith("#!powershell") and "#AnsibleRequires -CSharpUtil Ansible.Basic" in SCRIPT


def test_script_is_read_only() -> None:
    writers = r"Set-ItemProperty|New-Item|Remove-Item|SetValue|CreateSubKey|DeleteValue|DeleteSubKey|Set-Content|Out-File"
    offending = [line for line in code_lines() if re.search(writers, line)]
    assert not offending
    opened = [line for line in code_lines() if "OpenSubKey(" in line]
    assert opened and all(line.count("OpenSubKey(") == len(re.findall(r"OpenSubKey\(.*?, \$false\)", line))
                          for line in opened), "every key is opened read-only"


def test_script_is_short_and_balanced() -> None:
    assert len(SCRIPT.splitlines()) <= 200, "keep it readable in one sitting"
    code = "\n".join(code_lines())
    code = re.sub(r"'[^'\n]*'", "''", code)
    for opening, closing in ("{}", "()", "[]"):
        assert code.count(opening) == code.count(closing), opening + closing


# ---------------------------------------------------------------------------- faults the read survives


def function_body(name: str) -> str:
    start = SCRIPT.index(f"Function {name}")
    return SCRIPT[start:SCRIPT.index("\n}\n", start)]


def test_a_dword_or_qword_of_another_size_is_reported_not_cast() -> None:
    # .NET returns such a value as another type; [int32]/[int64] of it would throw and fail the whole read.
    for kind, dotnet, cast in (("DWord", "[int]", "[int32]$data"), ("QWord", "[long]", "[int64]$data")):
        branch = SCRIPT[SCRIPT.index(f"'{kind}' {{"):]
        assert branch.index(f"$data -isnot {dotnet}") < branch.index(cast), kind
        assert f"REG_{kind.upper()} of unusual size" in branch.split("\n", 1)[0]


def test_an_unknown_value_kind_is_named_as_such_not_as_access_denied() -> None:
    default = SCRIPT[SCRIPT.index("        default {"):]
    default = default[:default.index("\n        }")]
    assert "unknown value kind $kind" in default and "access" not in default.lower()


@pytest.mark.parametrize("name", ["Get-MachineValue", "Test-MachineKey"])
def test_the_small_readers_catch_access_errors(name: str) -> None:
    body = function_body(name)
    assert body.index("catch [System.Security.SecurityException]") > body.index("try { $key = $hklm.OpenSubKey(")
    assert "(access denied)" in body


def test_the_update_list_has_a_wmi_timeout() -> None:
    assert re.search(r"Get-CimInstance -ClassName Win32_QuickFixEngineering -OperationTimeoutSec \d+", SCRIPT)


def test_value_problems_are_understood_by_the_controller() -> None:
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.live import value_problem

    for suffix in ("unknown value kind Unknown, not read", "REG_DWORD of unusual size", "REG_QWORD of unusual size"):
        assert suffix in SCRIPT.replace("$kind", "Unknown")
        assert value_problem(rf"HKLM\SOFTWARE\X\Name ({suffix})") == (r"HKLM\SOFTWARE\X", "name")
    assert value_problem(r"HKLM\SOFTWARE\X (access denied)") is None

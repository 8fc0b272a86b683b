# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""win_tls_probe.ps1 against its documentation and the controller, read as text.

No PowerShell runs here, so this checks what reading can check: the argument spec equals the
documented options and what the controller sends, every result key is documented and set, the
recorded probe fixtures have the documented shape, the statuses the script sets itself are ones
the controller classifies, and the script stays read-only and avoids what PowerShell 3.0 lacks.
It does not prove the script runs (tests/integration/targets/tls_probe does, on a real host).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.tlsready.windows.plugins.modules import win_tls_probe
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.probe import (
    Endpoint,
    probe_module_args,
    SOCKET_STATUSES,
    STACKS,
)

from .test_win_tls_read_source import PS3_UNSAFE, documented, powershell_hashtable

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = (ROOT / "plugins" / "modules" / "win_tls_probe.ps1").read_text(encoding="utf-8")
DOCS = yaml.safe_load(win_tls_probe.DOCUMENTATION)
RETURNED = yaml.safe_load(win_tls_probe.RETURN)
RECORDED = sorted((ROOT / "tests" / "unit" / "fixtures" / "probe").glob("*.json"))


def code_lines() -> list[str]:
    return [line.split(" # ")[0] for line in SCRIPT.splitlines() if not line.strip().startswith("#")]


def block(name: str) -> str:
    start = SCRIPT.index(name)
    opening = SCRIPT.index("@{", start) + 1
    depth = 0
    for index in range(opening, len(SCRIPT)):
        depth += {"{": 1, "}": -1}.get(SCRIPT[index], 0)
        if depth == 0:
            return SCRIPT[opening + 1:index]
    raise AssertionError(f"unbalanced {name}")


def test_argument_spec_equals_the_documented_options() -> None:
    # @('a', 'b') array literals become Python lists for the shared hashtable reader.
    text = re.sub(r"@\(('[^)]*')\)", r"[\1]", block("$spec ="))
    spec = powershell_hashtable(text)
    assert spec["supports_check_mode"] is True and DOCS["attributes"]["check_mode"]["support"] == "full"
    options = spec["options"]
    suboptions = options["endpoints"].pop("options")
    choices = options["stacks"].pop("choices")
    assert choices == DOCS["options"]["stacks"]["choices"] == list(STACKS)
    assert documented(DOCS["options"]) == options
    assert documented(DOCS["options"]["endpoints"]["suboptions"]) == suboptions


def test_the_controller_sends_only_documented_arguments() -> None:
    args = probe_module_args([Endpoint("login.microsoftonline.com", 443)], list(STACKS), 10)
    assert set(args) == set(DOCS["options"])
    assert set(args["endpoints"][0]) == set(DOCS["options"]["endpoints"]["suboptions"])
    assert args["timeout_ms"] == DOCS["options"]["timeout_ms"]["default"]


def test_every_result_key_is_documented_and_set() -> None:
    assert set(re.findall(r"^\$module\.Result\.(\w+) =", SCRIPT, re.MULTILINE)) == set(RETURNED)
    runtime = set(re.findall(r"^\s+(\w+) = ", block("$module.Result.runtime ="), re.MULTILINE))
    assert runtime == set(RETURNED["runtime"]["contains"])
    entry = set(re.findall(r"(\w+) = ", block("Function New-ProbeResult")))
    assert entry == set(RETURNED["results"]["contains"])


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_probe_fixtures_have_the_documented_shape(path: Path) -> None:
    result = json.loads(path.read_text(encoding="utf-8"))
    assert set(result) - {"changed"} == set(RETURNED)
    assert set(result["runtime"]) == set(RETURNED["runtime"]["contains"])
    for entry in result["results"]:
        assert set(entry) == set(RETURNED["results"]["contains"]) and entry["stack"] in STACKS


def test_statuses_the_script_sets_are_classified() -> None:
    set_here = set(re.findall(r"error_status = '(\w+)'", SCRIPT)) | set(re.findall(r"\$status = '(\w+)'", SCRIPT))
    assert set_here == {"TimedOut", "NotNetFramework", "AuthenticationException", "IOException"}
    assert set_here <= set(SOCKET_STATUSES)


def test_each_stack_is_probed_the_documented_way() -> None:
    assert "New-Object -ComObject 'WinHttp.WinHttpRequest.5.1'" in SCRIPT
    assert "[System.Net.WebRequest]::Create(" in SCRIPT
    assert "[System.Security.Authentication.SslProtocols]::Tls12" in SCRIPT
    # The defaults under test are never changed by the probe itself.
    for line in code_lines():
        assert not re.search(r"ServicePointManager\]::\w+\s*=", line), line
        assert not re.search(r"\.Option\(\d+\)\s*=", line), line
        assert "ServerCertificateValidationCallback" not in line, line


@pytest.mark.parametrize("pattern", sorted(PS3_UNSAFE))
def test_script_avoids_what_powershell_3_lacks(pattern: str) -> None:
    offending = [line for line in code_lines() if re.search(pattern, line, re.IGNORECASE)]
    assert not offending, f"{PS3_UNSAFE[pattern]}: {offending}"


def test_script_is_read_only_short_and_balanced() -> None:
    writers = r"Set-ItemProperty|New-Item|Remove-Item|SetValue|CreateSubKey|Set-Content|Out-File|Add-Type"
    assert not [line for line in code_lines() if re.search(writers, line)]
    assert SCRIPT.startswith("#!powershell") and "#AnsibleRequires -CSharpUtil Ansible.Basic" in SCRIPT
    assert "Set-StrictMode -Version 2.0" in SCRIPT and "$ErrorActionPreference = 'Stop'" in SCRIPT
    assert len(SCRIPT.splitlines()) <= 220
    code = re.sub(r"'[^'\n]*'", "''", "\n".join(code_lines()))
    code = re.sub(r'"[^"\n]*"', '""', code)
    for opening, closing in ("{}", "()", "[]"):
        assert code.count(opening) == code.count(closing), opening + closing

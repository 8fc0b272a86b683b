# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""files/collect.cmd exports what tlsready reads, and the offline lab is what lab/generate.py makes.

* collect.cmd exports every key of ``_sources.READ_KEYS`` (same path text, 64-bit-only keys
  only on 64-bit Windows) and reads every file of ``READ_FILES``, into the file names the lab
  generator uses; it keeps the CRLF line endings cmd.exe expects.
* lab/generate.py is deterministic, and the committed ``lab/`` equals a fresh generation, so
  nobody edits generated host folders by hand (regenerate with ``python3 lab/generate.py``).
* lab/expected.yml, the lab's expected verdicts, names exactly the hosts the generator makes.
"""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.keys import READ_FILES, READ_KEYS

ROOT = Path(__file__).resolve().parents[2]
COLLECT_CMD = ROOT / "files" / "collect.cmd"
GENERATOR = ROOT / "lab" / "generate.py"
LAB = ROOT / "lab"

# The generator's package, lab/labgen, is imported from lab/ (it is no plugin of the collection).
if str(LAB) not in sys.path:
    sys.path.insert(0, str(LAB))
from labgen.hosts import lab_hosts  # noqa: E402
from labgen.model import EXPORTS, FILES  # noqa: E402

# call :export "KEY" file.reg all|x64
_EXPORT = re.compile(r'^call :export "(?P<key>[^"]+)" (?P<file>\S+) (?P<scope>all|x64)$', re.IGNORECASE)
# call :version "PATH"
_VERSION = re.compile(r'^call :version "(?P<path>[^"]+)"$', re.IGNORECASE)
# Root keys as reg.exe accepts them in a key path.
_REG_HIVES = ("HKLM", "HKCU", "HKCR", "HKU", "HKCC")


@pytest.fixture(scope="module")
def cmd_text() -> str:
    return COLLECT_CMD.read_bytes().decode("ascii")


@pytest.fixture(scope="module")
def cmd_lines(cmd_text: str) -> list[str]:
    return [line.strip() for line in cmd_text.split("\r\n")]


def _exports(cmd_lines: list[str]) -> list[re.Match[str]]:
    return [m for m in (_EXPORT.match(line) for line in cmd_lines) if m]


# ---------------------------------------------------------------------------- collect.cmd


def test_collect_cmd_uses_crlf_line_endings_and_ascii() -> None:
    data = COLLECT_CMD.read_bytes()
    data.decode("ascii")  # cmd.exe reads batch files in the OEM code page: keep to ASCII
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n"), "every line must end with CRLF"
    assert b"\r\r" not in data


def test_collect_cmd_exports_every_read_key(cmd_lines: list[str]) -> None:
    exports = {m["key"]: m for m in _exports(cmd_lines)}
    for source in READ_KEYS:
        assert source.path in exports, f"collect.cmd does not export {source.path}"
        scope = exports[source.path]["scope"].lower()
        assert scope == ("x64" if source.x64_only else "all"), (source.path, scope)
    assert set(exports) == {s.path for s in READ_KEYS}, "collect.cmd exports keys tlsready does not read"


def test_collect_cmd_key_paths_are_what_reg_exe_accepts(cmd_lines: list[str]) -> None:
    for match in _exports(cmd_lines):
        key = match["key"]
        assert key.split("\\", 1)[0] in _REG_HIVES, key
        assert "/" not in key and not key.endswith("\\") and "\\\\" not in key, key


def test_collect_cmd_writes_one_file_per_key_as_the_lab_does(cmd_lines: list[str]) -> None:
    files = [m["file"] for m in _exports(cmd_lines)]
    assert len(files) == len(set(f.lower() for f in files)), "two keys would overwrite the same file"
    assert all(f.endswith(".reg") for f in files)
    from_cmd = [(m["key"], m["file"], m["scope"].lower() == "x64") for m in _exports(cmd_lines)]
    from_lab = [(e.key, e.file, e.x64_only) for e in EXPORTS]
    assert from_cmd == from_lab, "lab/labgen/model.py EXPORTS and collect.cmd disagree"


def test_collect_cmd_reads_every_file_version(cmd_lines: list[str]) -> None:
    paths = [m["path"] for m in (_VERSION.match(line) for line in cmd_lines) if m]
    assert paths == list(READ_FILES)
    expanded = [p.replace("%SystemRoot%", "C:\\Windows") for p in READ_FILES]
    assert list(FILES) == expanded


def test_collect_cmd_runs_the_documented_commands(cmd_text: str) -> None:
    assert re.search(r'systeminfo\.exe" /fo csv >"%OUT%\\systeminfo\.csv"', cmd_text)
    assert '"%REG%" export "%~1" "%OUT%\\%~2" /y' in cmd_text
    # WQL needs doubled backslashes in the where clause.
    assert 'set "VQ=%VF:\\=\\\\%"' in cmd_text
    assert "datafile where \"name='%VQ%'\" get Name,Version /format:csv" in cmd_text
    # 64-bit tools from a 32-bit cmd.exe, and no delayed expansion.
    assert r'if exist "%SystemRoot%\Sysnative\reg.exe" set "TOOLS=%SystemRoot%\Sysnative"' in cmd_text
    assert "PROCESSOR_ARCHITEW6432" in cmd_text
    assert "setlocal EnableExtensions DisableDelayedExpansion" in cmd_text
    # Language-independent sources first; systeminfo only as the last resort.
    assert '"%WMIC%" qfe get HotFixID,InstalledOn /format:csv' in cmd_text
    assert "Get-CimInstance -ClassName Win32_QuickFixEngineering" in cmd_text and "Get-HotFix" in cmd_text
    assert "[Diagnostics.FileVersionInfo]::GetVersionInfo($p)" in cmd_text
    assert 'if not "%NEED_SYSTEMINFO%"=="1" goto :systeminfo_done' in cmd_text
    # An empty output counts as a failure, not only an exit code.
    assert 'if "%SIZE%"=="0" goto :systeminfo_empty' in cmd_text
    assert cmd_text.count('call :has_header "HotFixID"') == 3 and cmd_text.count('call :has_header "Node,"') == 3
    # Wine's cmd.exe always runs the right side of "||": collect.cmd never uses it.
    assert "||" not in cmd_text


def test_collect_cmd_queries_every_identity_value(cmd_lines: list[str]) -> None:
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.osidentity import IDENTITY_VALUES

    pattern = re.compile(r'^call :identity "(?P<key>[^"]+)" (?P<name>\S+)$')
    queried = [(m["key"], m["name"]) for m in (pattern.match(line) for line in cmd_lines) if m]
    assert queried == list(IDENTITY_VALUES)


def test_collect_cmd_log_lines_match_the_lab(cmd_text: str) -> None:
    # The lab's collect.log files are written with the same wording as collect.cmd.
    for text in ("echo exported %~1 to %~2", "echo skipped %~1: key not found",
                 "echo skipped %~1: no 32-bit registry view on 32-bit Windows",
                 "echo read the version of %VF%", "echo skipped %VF%: file not found",
                 "echo wrote systeminfo.csv", "echo done", "echo wrote osidentity.txt",
                 "echo wrote hotfixes.csv with wmic qfe",
                 "echo tlsready collect.cmd on %COMPUTERNAME%, %ARCH%, %DATE% %TIME%"):
        assert text in cmd_text, text


# ---------------------------------------------------------------------------- lab generator


def _generate(out: Path, *extra: str) -> None:
    done = subprocess.run([sys.executable, str(GENERATOR), "--out", str(out), *extra],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _compare(left: Path, right: Path) -> list[str]:
    """Relative paths that differ between two trees (missing on one side or different bytes)."""
    a, b = _tree(left), _tree(right)
    return sorted(name for name in set(a) | set(b) if a.get(name) != b.get(name))


def test_generator_is_deterministic(tmp_path: Path) -> None:
    _generate(tmp_path / "one")
    _generate(tmp_path / "two")
    assert _tree(tmp_path / "one"), "the generator wrote nothing"
    assert _compare(tmp_path / "one", tmp_path / "two") == []


def test_committed_lab_equals_a_fresh_generation(tmp_path: Path) -> None:
    _generate(tmp_path)
    differ = _compare(tmp_path / "hosts", LAB / "hosts")
    assert filecmp.cmp(tmp_path / "inventory.yml", LAB / "inventory.yml", shallow=False), \
        "lab/inventory.yml differs from lab/generate.py output: run python3 lab/generate.py"
    assert differ == [], f"lab/hosts differs from lab/generate.py output (run python3 lab/generate.py): {differ[:10]}"


def test_every_lab_host_loads() -> None:
    hosts = lab_hosts()
    assert sorted(p.name for p in (LAB / "hosts").iterdir()) == sorted(h.name for h in hosts)
    for host in hosts:
        loaded = load_offline_folder(str(LAB / "hosts" / host.name))
        assert loaded.state.hostname == host.hostname
        assert loaded.state.problems == []
        assert loaded.state.architecture == ("x64" if host.x64 else "x86")
        listed = host.hotfixes if host.hotfixes_listed is None else host.hotfixes[:host.hotfixes_listed]
        assert set(loaded.state.hotfixes) == set(listed)


# "compliant", or a finding id such as dotnet4.version_too_old (lab/expected.yml, after_converge).
_FINDING_ID = re.compile(r"^[a-z0-9_]+(\.[A-Za-z0-9_]+)+$")


def test_expected_verdicts_name_every_lab_host() -> None:
    # The lab tests and molecule's verify read lab/expected.yml by host name: a host missing from it
    # (or a stale name) would go unjudged or fail for the wrong reason.
    expected = yaml.safe_load((LAB / "expected.yml").read_text(encoding="utf-8"))["hosts"]
    hosts = lab_hosts()
    assert list(expected) == [h.name for h in hosts], "lab/expected.yml lists the hosts of lab_hosts(), in its order"
    for name, verdict in expected.items():
        assert set(verdict) == {"as_collected", "after_converge"}, name
        assert verdict["as_collected"] in ("compliant", "noncompliant", "unsupported"), name
        assert verdict["after_converge"] == "compliant" or _FINDING_ID.match(verdict["after_converge"]), name
    # A host that loses management after its change is reverted by its converge: never compliant after it.
    assert all(expected[h.name]["after_converge"] != "compliant" for h in hosts if h.after_change)


def test_copies_cycle_through_the_lab(tmp_path: Path) -> None:
    count = len(lab_hosts()) + 2
    _generate(tmp_path, "--copies", str(count))
    names = sorted(p.name for p in (tmp_path / "hosts").iterdir())
    assert len(names) == count
    first = lab_hosts()[0].name
    assert f"{first}-0001" in names and f"{first}-{len(lab_hosts()) + 1:04d}" in names
    inventory = (tmp_path / "inventory.yml").read_text(encoding="utf-8")
    assert inventory.count("tlsready_offline_path:") == count
    loaded = load_offline_folder(str(tmp_path / "hosts" / f"{first}-0001"))
    assert loaded.state.hostname == f"{first}-0001".upper()


def test_copies_need_an_output_folder() -> None:
    done = subprocess.run([sys.executable, str(GENERATOR), "--copies", "3"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0 and "--out" in done.stderr
    assert os.path.isdir(LAB / "hosts")

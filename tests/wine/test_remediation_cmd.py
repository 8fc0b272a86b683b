# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""remediation.cmd run by Wine's cmd.exe, reg.exe and wusa.exe (no Windows host exists here).

Each test writes a bundle the way a converge does (``commit_offline``) into a folder whose
path has spaces and parentheses, runs ``remediation.cmd`` with Wine and checks its exit
code, its log line and the registry Wine's reg.exe imported. Where Wine's cmd.exe differs
from Windows' (it accepts ``cd /d \\\\server\\share``, which Windows refuses), the test
says so and checks the script against Windows' documented behaviour instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import LAB, Wine, windows_path

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import (
    commit_offline,
    EXIT_IMPORT_FAILED,
    EXIT_REG_MISSING,
    EXIT_UPDATE_FAILED,
    render_cmd,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import RegValue

WIN7 = RELEASES_BY_ID["win7sp1"]
TLS12_CLIENT = src.SCHANNEL + r"\Protocols\TLS 1.2\Client"
VALUES = [(TLS12_CLIENT, "Enabled", RegValue("dword", 1)), (TLS12_CLIENT, "DisabledByDefault", RegValue("dword", 0))]


def bundle(tmp_path: Path, host: str = "PC-0042", kbs: tuple[str, ...] = ()) -> Path:
    """A host folder under a path with spaces and parentheses; return its remediation folder."""
    # The folder is named by the inventory, not by the name the host reports (which is what is hostile here).
    folder = tmp_path / "Group Policy (SYSVOL) copy" / "pc-0042"
    folder.mkdir(parents=True)
    commit_offline(str(folder), host, WIN7, "x64", VALUES, kbs)
    return folder / "remediation"


@pytest.fixture()
def clean(wine: Wine) -> Wine:
    wine.reg_delete(src.SCHANNEL)
    yield wine
    wine.reg_delete(src.SCHANNEL)


def run(wine: Wine, script: Path, start_in: Path) -> "subprocess.CompletedProcess[str]":
    """Run ``script`` by its quoted full path from ``start_in``, as Group Policy or SCCM start it.

    A small launcher does the quoting as ``cmd /?`` documents it (``cmd /c ""<path>""``: with
    spaces and parentheses, cmd strips the outer pair). Not ``call``: Wine 8's ``call`` of a batch
    file loses its ``exit /b`` code (always 1), where Windows keeps it.
    """
    launcher = start_in / "launch.cmd"
    launcher.write_bytes(f'@cmd /c ""{windows_path(script)}""\r\n@exit /b %errorlevel%\r\n'.encode("ascii"))
    return wine.cmd(launcher, cwd=start_in)


def imported(wine: Wine) -> str:
    return wine.reg("query", TLS12_CLIENT).stdout


def test_runs_from_a_path_with_spaces_and_parentheses_and_exits_0(clean: Wine, tmp_path: Path) -> None:
    folder = bundle(tmp_path)
    # Started from another folder, as Group Policy starts it: the script finds its files itself.
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tlsready: done." in result.stdout
    assert "0x1" in imported(clean) and "Enabled" in imported(clean)


def test_a_missing_reg_file_exits_2_and_imports_nothing(clean: Wine, tmp_path: Path) -> None:
    folder = bundle(tmp_path)
    (folder / "remediation.reg").unlink()
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == EXIT_REG_MISSING == 2
    assert "remediation.reg is missing" in result.stdout and "done." not in result.stdout
    assert "Enabled" not in imported(clean)


def test_a_failed_import_exits_3(clean: Wine, tmp_path: Path) -> None:
    folder = bundle(tmp_path)
    (folder / "remediation.reg").write_bytes(b"not a registry file\r\n")
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == EXIT_IMPORT_FAILED == 3, result.stdout
    assert "reg import remediation.reg failed" in result.stdout and "done." not in result.stdout


def test_a_missing_update_file_exits_1_and_still_imports(clean: Wine, tmp_path: Path) -> None:
    folder = bundle(tmp_path, kbs=("KB3140245",))
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == EXIT_UPDATE_FAILED == 1
    assert "KB3140245 not installed: no file matching windows6.1-kb3140245-x64*.msu" in result.stdout
    assert "Enabled" in imported(clean)


def test_an_update_wusa_refuses_exits_1_naming_its_exit_code(clean: Wine, tmp_path: Path) -> None:
    # Wine's wusa.exe exits 1 for a file that is not a real update package.
    folder = bundle(tmp_path, kbs=("KB3140245",))
    (folder / "windows6.1-kb3140245-x64_0000.msu").write_bytes(b"not a cabinet")
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == EXIT_UPDATE_FAILED
    assert "KB3140245 failed: wusa exit code 1" in result.stdout
    assert "Enabled" in imported(clean)


@pytest.mark.parametrize("host", ["PC-MÜLLER", "pc%~dp0x", "a&echo INJECTED&b", "x^y!z!", 'q"uote<>|'])
def test_a_hostile_host_name_cannot_abort_or_inject(clean: Wine, tmp_path: Path, host: str) -> None:
    folder = bundle(tmp_path, host=host)
    data = (folder / "remediation.cmd").read_bytes()
    data.decode("ascii")  # cmd.exe reads the OEM code page: the file is ASCII whatever the host name
    result = run(clean, folder / "remediation.cmd", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INJECTED" not in result.stdout and "tlsready: done." in result.stdout


def test_a_lab_host_bundle_from_a_converge_runs(clean: Wine, tmp_path: Path) -> None:
    host = tmp_path / "lab copy (1)" / "win7-fresh"
    shutil.copytree(LAB / "win7-fresh", host)
    commit_offline(str(host), "WIN7-FRESH", WIN7, "x64", VALUES)
    result = run(clean, host / "remediation" / "remediation.cmd", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_unc_start_uses_pushd_as_windows_documents() -> None:
    """Not runnable here: Wine's cmd.exe accepts ``cd /d \\\\server\\share``, Windows' refuses it.

    Windows' ``cd /?``: "CHDIR command does not treat spaces as delimiters" and CMD cannot use a
    UNC path as the current directory; ``pushd /?``: "If Command Extensions are enabled the PUSHD
    command accepts network paths in addition to the normal drive letter and path. If a network
    path is specified, PUSHD will create a temporary drive letter that points to that specified
    network resource". So the script must enter its folder with pushd (extensions enabled), check
    that it worked, and leave with popd (which deletes the temporary drive letter).
    """
    lines = render_cmd("pc1", WIN7, "x64", []).split("\r\n")
    assert "setlocal EnableExtensions DisableDelayedExpansion" in lines
    assert 'pushd "%~dp0"' in lines and not any(line.lower().startswith("cd ") for line in lines)
    assert lines[lines.index('pushd "%~dp0"') + 1] == "if errorlevel 1 goto :no_folder"
    assert lines.count("popd") >= 2  # after the work and on the missing-.reg exit


def test_no_construct_wine_and_windows_run_differently() -> None:
    # Wine 8 always runs the right side of ||, and does not expand a quoted wildcard in a for set.
    text = render_cmd("pc1", WIN7, "x64", ["KB3042058"])
    assert "||" not in text and "&&" not in text
    assert 'in ("' not in text and "for %%F in (%2)" in text
    assert os.linesep == "\n" and "\n" not in text.replace("\r\n", "")

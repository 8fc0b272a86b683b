# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Wine peer itself: its programs run, and reg.exe round-trips a lab export."""

from __future__ import annotations

from pathlib import Path

from conftest import LAB, Wine

SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"


def test_wine_cmd_runs_a_batch_file_and_reports_its_exit_code(wine: Wine, tmp_path: Path) -> None:
    script = tmp_path / "exit7.cmd"
    script.write_bytes(b"@echo off\r\necho from cmd\r\nexit /b 7\r\n")
    result = wine.cmd(script)
    assert "from cmd" in result.stdout
    assert result.returncode == 7


def test_wine_reg_imports_a_lab_export_and_exports_utf16(wine: Wine, tmp_path: Path) -> None:
    wine.reg_delete(SCHANNEL)
    imported = wine.reg_import(LAB / "win7-patched" / "schannel.reg")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "schannel.reg"
    exported = wine.reg_export(SCHANNEL, out)
    assert exported.returncode == 0, exported.stderr
    data = out.read_bytes()
    assert data.startswith(b"\xff\xfe"), "reg export writes UTF-16 LE with a BOM"
    text = data.decode("utf-16")
    assert "TLS 1.2\\Client]" in text
    wine.reg_delete(SCHANNEL)

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backups keep the first saved values and restore exactly; the bundle scripts what was recorded."""

from __future__ import annotations

import os

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import load_backup, save_backup
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import render_cmd, write_bundle
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import record_applied
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import apply_operations, parse_reg
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

WIN7 = RELEASES_BY_ID["win7sp1"]


def win7() -> HostState:
    state = HostState("pc1", WIN7.name, WIN7.version, 1, "client", "x64")
    state.set(src.WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0xA0))
    state.set(src.DOTNET4, "SchUseStrongCrypto", RegValue("sz", "1"))
    # .NET 3.5 installed: its v2.0.50727 flags are judged (and written) too.
    state.set(src.NDP_SETUP + r"\v3.5", "Install", RegValue("dword", 1))
    return state


def test_backup_saves_previous_values_and_deletions(tmp_path: os.PathLike[str]) -> None:
    state = win7()
    changes = evaluate(state).changes
    path = os.path.join(str(tmp_path), "backups", "pc1.reg")
    assert save_backup(path, state, changes)
    with open(path, "rb") as handle:
        assert handle.read(2) == b"\xff\xfe"  # UTF-16 LE as reg.exe writes it, so `reg import` takes it
    saved = {(e.path.upper(), e.name.lower()): e.value for e in load_backup(path)}
    assert saved[(src.WINHTTP.upper(), "defaultsecureprotocols")] == RegValue("dword", 0xA0)
    assert saved[(src.DOTNET4.upper(), "schusestrongcrypto")] == RegValue("sz", "1")
    assert saved[(src.DOTNET2.upper(), "schusestrongcrypto")] is None
    assert len(saved) == len(changes)


def test_backup_keeps_the_first_saved_value(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "pc1.reg")
    state = win7()
    save_backup(path, state, evaluate(state).changes)
    changed = win7()
    changed.set(src.WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0x800))
    assert not save_backup(path, changed, evaluate(changed, overrides={"winhttp.default_secure_protocols": 0xA00}).changes)
    [entry] = [e for e in load_backup(path) if e.name == "DefaultSecureProtocols" and "WOW6432" not in e.path.upper()]
    assert entry.value == RegValue("dword", 0xA0)


def test_restoring_the_backup_gives_back_the_exact_values(tmp_path: os.PathLike[str]) -> None:
    original = win7()
    changes = evaluate(original).changes
    path = os.path.join(str(tmp_path), "pc1.reg")
    save_backup(path, original, changes)
    broken = win7()
    for change in changes:
        broken.set(change.path, change.name, RegValue("dword", change.desired))
    with open(path, "rb") as handle:
        apply_operations(broken, parse_reg(handle.read(), path))  # what `reg import` does
    assert broken.registry == original.registry


def test_unreadable_backup_is_refused_clearly(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(str(tmp_path), "pc1.reg")
    with open(path, "wb") as handle:
        handle.write(b"not a reg file")
    with pytest.raises(InputError, match=r"^backup: the existing backup cannot be read: .*pc1.reg"):
        save_backup(path, win7(), evaluate(win7()).changes)


class TestBundle:
    def test_cmd_installs_each_update_then_imports(self) -> None:
        cmd = render_cmd("pc1", WIN7, "x64", ["KB3042058", "KB3140245"])
        assert "\r\n" in cmd and "\n" not in cmd.replace("\r\n", "")
        lines = cmd.split("\r\n")
        install = [line for line in lines if line.startswith("call :install")]
        # Unquoted: Wine's cmd.exe does not expand a quoted wildcard in a for set.
        assert install == ["call :install KB3042058 windows6.1-kb3042058-x64*.msu",
                           "call :install KB3140245 windows6.1-kb3140245-x64*.msu"]
        assert lines.index(install[-1]) < next(i for i, line in enumerate(lines) if 'import "remediation.reg"' in line)
        assert '"%SYS%\\wusa.exe" "%MSU%" /quiet /norestart' in lines
        assert 'if "%WC%"=="3010" goto :eof' in lines

    def test_unknown_update_in_the_record_is_refused(self) -> None:
        with pytest.raises(InputError, match="KB1 is not an update tlsready knows"):
            render_cmd("pc1", WIN7, "x64", ["KB1"])

    def test_bundle_follows_the_record(self, tmp_path: os.PathLike[str]) -> None:
        folder = str(tmp_path)
        record_applied(folder, [(src.WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0xA80))], ["KB3140245"])
        files = write_bundle(folder, "pc1", WIN7, "x64")
        assert [os.path.basename(f) for f in files] == ["remediation.reg", "remediation.cmd"]
        with open(files[0], "rb") as handle, open(os.path.join(folder, "tlsready-applied.reg"), "rb") as applied:
            assert handle.read() == applied.read()

    def test_msu_files_are_copied_from_the_source(self, tmp_path: os.PathLike[str]) -> None:
        folder, source = os.path.join(str(tmp_path), "host"), os.path.join(str(tmp_path), "msu")
        os.makedirs(folder)
        os.makedirs(source)
        msu = "windows6.1-kb3140245-x64_5b067ffb69a94a6e5f9da89ce88c658e52a0dec0.msu"
        with open(os.path.join(source, msu), "wb") as handle:
            handle.write(b"msu")
        record_applied(folder, [], ["KB3140245"])
        assert os.path.basename(write_bundle(folder, "pc1", WIN7, "x64", msu_source=source)[-1]) == msu
        record_applied(folder, [], ["KB3042058"])
        with pytest.raises(InputError, match=r"^source: no file matching windows6.1-kb3042058-x64\*.msu"):
            write_bundle(folder, "pc1", WIN7, "x64", msu_source=source)

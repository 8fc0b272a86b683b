# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loading an offline host's folder and recording planned changes in it."""

from __future__ import annotations

import os
import shutil

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import write_bundle
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder, record_applied
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError, InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.exports import (
    OFFLINE_APPLIED_HOTFIXES,
    OFFLINE_APPLIED_REG,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import parse_reg
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import RegValue

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")
SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
TLS12_SERVER = SCHANNEL + r"\Protocols\TLS 1.2\Server"
TLS10_SERVER = SCHANNEL + r"\Protocols\TLS 1.0\Server"
CIPHER_LOCAL = r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
WINHTTP = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"


def reg(body: str) -> bytes:
    text = "Windows Registry Editor Version 5.00\n\n" + body
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def write(folder: str, name: str, data: bytes) -> str:
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


@pytest.fixture(name="host_folder")
def host_folder_fixture(tmp_path: os.PathLike[str]) -> str:
    """A Windows 7 SP1 folder as collect.cmd writes it."""
    folder = os.path.join(str(tmp_path), "pc-0042")
    os.mkdir(folder)
    for source, target in [("systeminfo-win7sp1.csv", "systeminfo.csv"), ("schannel-win7sp1.reg", "schannel.reg"),
                           ("cipher-order-win7sp1.reg", "cipher-local.reg"),
                           ("fileversions-win7sp1.csv", "fileversions.csv")]:
        shutil.copyfile(os.path.join(FIXTURES, source), os.path.join(folder, target))
    return folder


def bundled(folder: str) -> str:
    """Render the bundle (and its manifest) from the record, as a converge does: only then is the record applied."""
    write_bundle(folder, "PC-0042", RELEASES_BY_ID["win7sp1"], "x64")
    return folder


def error(folder: str) -> ExportFormatError:
    with pytest.raises(ExportFormatError) as info:
        load_offline_folder(folder)
    return info.value


class TestLoad:
    def test_windows_7_folder(self, host_folder: str) -> None:
        host = load_offline_folder(host_folder)
        state = host.state
        assert (state.hostname, state.version, state.service_pack, state.product_type, state.architecture) == (
            "PC-0042", (6, 1, 7601), 1, "client", "x64")
        assert state.source == f"offline:{host_folder}"
        assert "KB3140245" in state.hotfixes and len(state.hotfixes) == 104
        assert state.get(TLS12_SERVER, "enabled") == RegValue("dword", 0xFFFFFFFF)
        functions = state.get(CIPHER_LOCAL, "Functions")
        assert functions is not None and functions.type == "multi_sz" and len(functions.data) == 14  # type: ignore[arg-type]
        assert state.file_version(r"C:\Windows\System32\schannel.dll") == (6, 1, 7601, 23845)
        assert host.recorded_hotfixes == frozenset()
        assert [os.path.basename(p) for p in host.files_read] == [
            "systeminfo.csv", "cipher-local.reg", "schannel.reg", "fileversions.csv"]

    def test_reg_files_in_name_order_and_applied_file_last(self, host_folder: str) -> None:
        write(host_folder, "a-first.REG", reg(f'[{TLS12_SERVER}]\n"Enabled"=dword:00000005\n"Extra"=dword:00000001\n'))
        write(host_folder, "z-last.reg", reg(f'[{TLS12_SERVER}]\n"Enabled"=dword:00000006\n'))
        write(host_folder, OFFLINE_APPLIED_REG, reg(f'[{TLS12_SERVER}]\n"Enabled"=dword:00000001\n'
                                                    '"DisabledByDefault"=-\n'))
        host = load_offline_folder(bundled(host_folder))
        assert [os.path.basename(p) for p in host.files_read][1:-1] == [
            "a-first.REG", "cipher-local.reg", "schannel.reg", "z-last.reg", OFFLINE_APPLIED_REG]
        assert host.state.get(TLS12_SERVER, "Enabled") == RegValue("dword", 1)
        assert host.state.get(TLS12_SERVER, "DisabledByDefault") is None

    def test_remediation_subfolder_is_not_read(self, host_folder: str) -> None:
        os.mkdir(os.path.join(host_folder, "remediation"))
        write(os.path.join(host_folder, "remediation"), "remediation.reg", b"not a reg file")
        os.mkdir(os.path.join(host_folder, "old.reg"))  # a folder, even with a .reg name, is no export
        assert len(load_offline_folder(host_folder).files_read) == 4

    def test_folder_without_reg_files_means_all_values_absent(self, host_folder: str) -> None:
        for name in ("schannel.reg", "cipher-local.reg", "fileversions.csv"):
            os.remove(os.path.join(host_folder, name))
        host = load_offline_folder(host_folder)
        assert host.state.registry == {} and host.state.file_versions == {}

    def test_list_format_systeminfo(self, host_folder: str) -> None:
        os.remove(os.path.join(host_folder, "systeminfo.csv"))
        shutil.copyfile(os.path.join(FIXTURES, "systeminfo-win7sp1.txt"), os.path.join(host_folder, "SystemInfo.txt"))
        host = load_offline_folder(host_folder)
        assert host.state.hostname == "PC-0042"
        assert os.path.basename(host.files_read[0]) == "SystemInfo.txt"

    def test_csv_wins_over_txt(self, host_folder: str) -> None:
        write(host_folder, "systeminfo.txt", b"garbage")
        assert os.path.basename(load_offline_folder(host_folder).files_read[0]) == "systeminfo.csv"

    def test_recorded_hotfixes(self, host_folder: str) -> None:
        write(host_folder, OFFLINE_APPLIED_HOTFIXES, b"# planned by tlsready\nKB3042058\n\nkb4019276  # comment\n")
        host = load_offline_folder(bundled(host_folder))
        assert host.recorded_hotfixes == frozenset({"KB3042058", "KB4019276"})
        assert {"KB3042058", "KB4019276", "KB3140245"} <= host.state.hotfixes
        assert os.path.basename(host.files_read[-1]) == OFFLINE_APPLIED_HOTFIXES


class TestLoadErrors:
    def test_missing_folder(self, tmp_path: os.PathLike[str]) -> None:
        folder = os.path.join(str(tmp_path), "nope")
        err = error(folder)
        assert str(err) == (f"{folder}: no such folder; expected a folder of Windows exports (systeminfo.csv, *.reg, "
                            "fileversions.csv)")

    def test_no_systeminfo_lists_what_was_found(self, host_folder: str) -> None:
        os.remove(os.path.join(host_folder, "systeminfo.csv"))
        err = error(host_folder)
        assert err.detail == ("expected osidentity.txt and hotfixes.csv (files/collect.cmd), or systeminfo.csv "
                              "(systeminfo /fo csv) or systeminfo.txt in the folder; found "
                              "cipher-local.reg, fileversions.csv, schannel.reg")

    def test_empty_folder(self, tmp_path: os.PathLike[str]) -> None:
        assert error(str(tmp_path)).detail.endswith("in the folder; found no files")

    def test_bad_reg_file_is_named(self, host_folder: str) -> None:
        path = write(host_folder, "wsus.reg", reg('"A"=dword:00000001\n'))
        err = error(host_folder)
        assert (err.path, err.line) == (path, 3)

    def test_bad_hotfix_line(self, host_folder: str) -> None:
        path = write(host_folder, OFFLINE_APPLIED_HOTFIXES, b"KB3042058\nKB 4019276\n")
        err = error(host_folder)
        assert str(err) == f"{path}, line 2: expected one update id such as KB3140245 per line, got 'KB 4019276'"

    def test_bad_systeminfo_is_named(self, host_folder: str) -> None:
        path = write(host_folder, "systeminfo.csv", b'"Hostname"\r\n"PC"\r\n')
        assert error(host_folder).path == path


class TestRecordApplied:
    def test_first_record_writes_utf16_reg_sorted_by_key(self, host_folder: str) -> None:
        written = record_applied(host_folder, [
            (TLS12_SERVER, "Enabled", RegValue("dword", 1)),
            (WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0xA80)),
            (TLS12_SERVER, "DisabledByDefault", RegValue("dword", 0)),
        ], [])
        path = os.path.join(host_folder, OFFLINE_APPLIED_REG)
        assert written == [path]
        with open(path, "rb") as handle:
            data = handle.read()
        assert data.startswith(b"\xff\xfeW\x00i\x00")
        assert [(op.key, op.name, op.value) for op in parse_reg(data, path)] == [
            ("HKEY_LOCAL_MACHINE" + WINHTTP[4:], "DefaultSecureProtocols", RegValue("dword", 0xA80)),
            ("HKEY_LOCAL_MACHINE" + TLS12_SERVER[4:], "DisabledByDefault", RegValue("dword", 0)),
            ("HKEY_LOCAL_MACHINE" + TLS12_SERVER[4:], "Enabled", RegValue("dword", 1)),
        ]

    def test_merges_with_the_existing_record(self, host_folder: str) -> None:
        record_applied(host_folder, [(TLS12_SERVER, "Enabled", RegValue("dword", 1)),
                                     (TLS10_SERVER, "Enabled", RegValue("dword", 0))], [])
        record_applied(host_folder, [(TLS12_SERVER.upper(), "ENABLED", RegValue("dword", 7)),
                                     (TLS10_SERVER, "Enabled", None)], [])
        path = os.path.join(host_folder, OFFLINE_APPLIED_REG)
        with open(path, "rb") as handle:
            ops = parse_reg(handle.read(), path)
        assert [(op.kind, op.key, op.name, op.value) for op in ops] == [
            ("delete_value", "HKEY_LOCAL_MACHINE" + TLS10_SERVER[4:], "Enabled", None),
            ("set", "HKEY_LOCAL_MACHINE" + TLS12_SERVER[4:].upper(), "ENABLED", RegValue("dword", 7)),
        ]
        state = load_offline_folder(bundled(host_folder)).state
        assert state.get(TLS12_SERVER, "Enabled") == RegValue("dword", 7)
        assert state.get(TLS10_SERVER, "Enabled") is None

    def test_recorded_values_override_the_exports(self, host_folder: str) -> None:
        record_applied(host_folder, [(TLS12_SERVER, "Enabled", RegValue("dword", 1))], [])
        assert load_offline_folder(bundled(host_folder)).state.get(TLS12_SERVER, "Enabled") == RegValue("dword", 1)

    def test_same_record_twice_writes_nothing(self, host_folder: str) -> None:
        values = [(TLS12_SERVER, "Enabled", RegValue("dword", 1))]
        assert record_applied(host_folder, values, ["KB3140245"]) != []
        assert record_applied(host_folder, values, ["kb3140245"]) == []

    def test_hotfixes_are_merged_sorted_and_unique(self, host_folder: str) -> None:
        path = os.path.join(host_folder, OFFLINE_APPLIED_HOTFIXES)
        assert record_applied(host_folder, [], ["KB4019276", "KB3140245"]) == [path]
        record_applied(host_folder, [], ["KB3140245", "KB3042058"])
        with open(path, encoding="ascii") as handle:
            lines = handle.read().splitlines()
        assert lines[0].startswith("# ")
        assert lines[1:] == ["KB3042058", "KB3140245", "KB4019276"]
        assert load_offline_folder(bundled(host_folder)).recorded_hotfixes == frozenset(
            {"KB3042058", "KB3140245", "KB4019276"})

    def test_nothing_to_record_touches_nothing(self, host_folder: str) -> None:
        before = sorted(os.listdir(host_folder))
        assert record_applied(host_folder, [], []) == []
        assert sorted(os.listdir(host_folder)) == before

    def test_no_temporary_files_are_left(self, host_folder: str) -> None:
        before = set(os.listdir(host_folder))
        record_applied(host_folder, [(TLS12_SERVER, "Enabled", RegValue("dword", 1))], ["KB3140245"])
        assert set(os.listdir(host_folder)) - before == {OFFLINE_APPLIED_REG, OFFLINE_APPLIED_HOTFIXES}

    def test_bad_update_id(self, host_folder: str) -> None:
        with pytest.raises(InputError, match="'3140245' is not an update id such as KB3140245"):
            record_applied(host_folder, [], ["3140245"])

    def test_bad_value_is_an_input_error_and_writes_nothing(self, host_folder: str) -> None:
        with pytest.raises(InputError, match="is not valid data for type 'dword'"):
            record_applied(host_folder, [(TLS12_SERVER, "Enabled", RegValue("dword", -1))], [])
        assert not os.path.exists(os.path.join(host_folder, OFFLINE_APPLIED_REG))

    def test_missing_folder(self, tmp_path: os.PathLike[str]) -> None:
        with pytest.raises(ExportFormatError, match="no such folder"):
            record_applied(os.path.join(str(tmp_path), "nope"), [], ["KB3140245"])

    def test_existing_record_with_a_key_deletion_is_refused(self, host_folder: str) -> None:
        path = write(host_folder, OFFLINE_APPLIED_REG, reg(f"[-{SCHANNEL}]\n"))
        with pytest.raises(ExportFormatError) as info:
            record_applied(host_folder, [(TLS12_SERVER, "Enabled", RegValue("dword", 1))], [])
        assert (info.value.path, info.value.line) == (path, 3)
        assert "holds a key deletion" in info.value.detail

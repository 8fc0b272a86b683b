# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and damaged inputs: planted records, links, special files, huge files, hostile names, crashes.

Each test plants what an attacker or an unlucky operator would leave in a folder and checks
that nothing of it reaches the bundle, a controller file or an error message, that nothing
hangs, and that after a crash at any write the next converge repairs the folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import typing as t

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils import _safefile
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import (
    backup_file,
    load_backup,
    render_backup,
    save_backup,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import (
    check_msu_source,
    commit_offline,
    render_cmd,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError, InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.exports import (
    OFFLINE_APPLIED_HOTFIXES,
    OFFLINE_APPLIED_REG,
    RECORD_FILES,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.manifest import MANIFEST, stale_files
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")
WIN7 = RELEASES_BY_ID["win7sp1"]
TLS12_CLIENT = src.SCHANNEL + r"\Protocols\TLS 1.2\Client"
# The fixture exports hold no WinHTTP value: seeing it in the state means the record was applied.
VALUES = [(TLS12_CLIENT, "Enabled", RegValue("dword", 1)), (src.WINHTTP, "DefaultSecureProtocols", RegValue("dword", 0xA80))]
IFEO = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\sethc.exe"
RUN = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run"
CONTROLLER_SECRET = "root:$6$PLANTEDHASH:19000:0:99999:7:::"


def reg(body: str) -> bytes:
    text = "Windows Registry Editor Version 5.00\n\n" + body
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


@pytest.fixture(name="folder")
def folder_fixture(tmp_path: t.Any) -> str:
    """A Windows 7 SP1 host folder as collect.cmd writes it."""
    folder = os.path.join(str(tmp_path), "pc-0042")
    os.mkdir(folder)
    for source, target in [("systeminfo-win7sp1.csv", "systeminfo.csv"), ("schannel-win7sp1.reg", "schannel.reg")]:
        shutil.copyfile(os.path.join(FIXTURES, source), os.path.join(folder, target))
    return folder


@pytest.fixture(name="controller_file")
def controller_file_fixture(tmp_path: t.Any) -> str:
    """A controller file an attacker wants read or overwritten (a password hash as its first line)."""
    path = os.path.join(str(tmp_path), "shadow")
    with open(path, "w", encoding="ascii") as handle:
        handle.write(CONTROLLER_SECRET + "\n")
    return path


@pytest.fixture(autouse=True)
def no_hang() -> t.Iterator[None]:
    """A test that would block (a FIFO opened for reading) fails instead of hanging the run."""
    def timeout(_signum: int, _frame: t.Any) -> None:
        raise TimeoutError("blocked: a special file was opened as if regular")
    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def commit(folder: str, values: t.Any = None, kbs: t.Sequence[str] = ()) -> list[str]:
    return commit_offline(folder, "PC-0042", WIN7, "x64", VALUES if values is None else values, kbs)


def bundle_bytes(folder: str) -> bytes:
    with open(os.path.join(folder, "remediation", "remediation.reg"), "rb") as handle:
        return handle.read()


class TestPlantedRecord:
    @pytest.mark.parametrize("planted", [
        f'[{IFEO}]\n"Debugger"="cmd.exe"\n',
        f'[{RUN}]\n"evil"="C:\\\\evil.exe"\n',
        f"[-{src.SCHANNEL.replace('HKLM', 'HKEY_LOCAL_MACHINE')}]\n",
        '[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\n"SecureProtocols"=dword:00000a80\n',
    ], ids=["ifeo-debugger", "run-key", "key-deletion", "hkcu-value"])
    def test_is_refused_and_never_reaches_the_bundle(self, folder: str, planted: str) -> None:
        record = reg(f'[{TLS12_CLIENT.replace("HKLM", "HKEY_LOCAL_MACHINE")}]\n"Enabled"=dword:00000001\n' + planted)
        with open(os.path.join(folder, OFFLINE_APPLIED_REG), "wb") as handle:
            handle.write(record)
        with pytest.raises(ExportFormatError, match="refused whole|never writes"):
            load_offline_folder(folder)
        with pytest.raises(ExportFormatError, match=OFFLINE_APPLIED_REG):
            commit(folder)
        assert not os.path.exists(os.path.join(folder, "remediation"))

    def test_a_planted_hotfix_record_with_an_unknown_update_is_refused(self, folder: str) -> None:
        with open(os.path.join(folder, OFFLINE_APPLIED_HOTFIXES), "w", encoding="ascii") as handle:
            handle.write("KB3140245\nKB9999999\n")
        with pytest.raises(ExportFormatError, match="KB9999999.*refused whole"):
            load_offline_folder(folder)

    def test_the_bundle_is_rendered_from_values_never_copied(self, folder: str) -> None:
        # A record with a comment and odd spelling, but only managed values: accepted, and re-rendered.
        record = reg(f'; planted comment\n[{TLS12_CLIENT.replace("HKLM", "hklm")}]\n"Enabled"=hex(4):01,00,00,00\n')
        with open(os.path.join(folder, OFFLINE_APPLIED_REG), "wb") as handle:
            handle.write(record)
        commit(folder, [])
        rendered = bundle_bytes(folder).decode("utf-16")
        assert "planted comment" not in rendered and '"Enabled"=dword:00000001' in rendered

    def test_a_record_without_a_matching_bundle_is_not_applied(self, folder: str) -> None:
        commit(folder)
        assert load_offline_folder(folder).stale == []
        os.remove(os.path.join(folder, "remediation", "remediation.cmd"))
        host = load_offline_folder(folder)
        assert host.stale == ["remediation/remediation.cmd: missing"]
        assert host.state.get(src.WINHTTP, "DefaultSecureProtocols") is None  # judged as exported: the converge runs again


class TestLinks:
    @pytest.mark.parametrize("name", ["remediation.cmd", "remediation.reg"])
    def test_a_symlinked_bundle_file_is_refused_and_its_target_untouched(
            self, folder: str, controller_file: str, name: str) -> None:
        os.mkdir(os.path.join(folder, "remediation"))
        os.symlink(controller_file, os.path.join(folder, "remediation", name))
        with pytest.raises(ExportFormatError, match="symbolic link"):
            commit(folder)
        with open(controller_file, encoding="ascii") as handle:
            assert handle.read() == CONTROLLER_SECRET + "\n"
        assert not os.path.exists(os.path.join(folder, OFFLINE_APPLIED_REG))

    def test_a_symlinked_remediation_folder_is_refused(self, folder: str, tmp_path: t.Any) -> None:
        elsewhere = os.path.join(str(tmp_path), "elsewhere")
        os.mkdir(elsewhere)
        os.symlink(elsewhere, os.path.join(folder, "remediation"))
        with pytest.raises(ExportFormatError, match="symbolic link"):
            commit(folder)
        assert os.listdir(elsewhere) == []

    def test_a_symlinked_export_does_not_leak_its_first_line(self, folder: str, controller_file: str) -> None:
        os.symlink(controller_file, os.path.join(folder, "zz.reg"))
        with pytest.raises(ExportFormatError) as info:
            load_offline_folder(folder)
        assert "symbolic link" in str(info.value) and "PLANTEDHASH" not in str(info.value)

    def test_a_non_reg_file_named_reg_does_not_leak_its_first_line(self, folder: str, controller_file: str) -> None:
        shutil.copyfile(controller_file, os.path.join(folder, "zz.reg"))
        with pytest.raises(ExportFormatError) as info:
            load_offline_folder(folder)
        assert "header" in str(info.value) and "PLANTEDHASH" not in str(info.value) and "99999" not in str(info.value)

    def test_a_symlinked_record_is_refused(self, folder: str, controller_file: str) -> None:
        os.symlink(controller_file, os.path.join(folder, OFFLINE_APPLIED_HOTFIXES))
        with pytest.raises(ExportFormatError, match="symbolic link"):
            load_offline_folder(folder)

    def test_a_symlink_named_like_an_update_in_the_source_is_refused(self, tmp_path: t.Any, controller_file: str) -> None:
        source = os.path.join(str(tmp_path), "msu")
        os.mkdir(source)
        os.symlink(controller_file, os.path.join(source, "windows6.1-kb3140245-x64_0.msu"))
        with pytest.raises(InputError, match="link or a special file"):
            check_msu_source(source, WIN7, "x64", ["KB3140245"])


class TestSpecialFiles:
    def test_a_fifo_as_an_export_is_refused_at_once(self, folder: str) -> None:
        os.mkfifo(os.path.join(folder, "pipe.reg"))
        with pytest.raises(ExportFormatError, match="named pipe"):
            load_offline_folder(folder)

    def test_a_fifo_as_a_backup_is_refused_at_once(self, tmp_path: t.Any) -> None:
        path = os.path.join(str(tmp_path), "pc.reg")
        os.mkfifo(path)
        with pytest.raises(InputError, match="named pipe"):
            load_backup(path)

    def test_dev_zero_is_refused_without_reading(self) -> None:
        with pytest.raises(ExportFormatError, match="character device"):
            _safefile.read_regular("/dev/zero")

    def test_a_huge_export_is_refused_by_its_size_without_reading_it(self, folder: str) -> None:
        huge = os.path.join(folder, "huge.reg")
        with open(huge, "wb") as handle:
            handle.truncate(1024 * 1024 * 1024)  # sparse: 1 GiB that costs no disk and must cost no memory
        with pytest.raises(ExportFormatError, match=r"1024\.0 MiB, more than the 64 MiB"):
            load_offline_folder(folder)


class TestBackups:
    def saved(self, tmp_path: t.Any) -> tuple[str, bytes]:
        state = HostState("pc1", WIN7.name, WIN7.version, 1, "client", "x64")
        path = os.path.join(str(tmp_path), "pc1.reg")
        save_backup(path, state, evaluate(state).changes)
        with open(path, "rb") as handle:
            return path, handle.read()

    def test_a_backup_truncated_at_a_line_boundary_is_refused(self, tmp_path: t.Any) -> None:
        path, data = self.saved(tmp_path)
        lines = data.split("\r\n".encode("utf-16-le"))
        with open(path, "wb") as handle:
            handle.write("\r\n".encode("utf-16-le").join(lines[:6]) + "\r\n".encode("utf-16-le"))
        with pytest.raises(InputError, match="cut short"):
            load_backup(path)

    def test_an_edited_backup_is_refused(self, tmp_path: t.Any) -> None:
        path, data = self.saved(tmp_path)
        with open(path, "wb") as handle:
            handle.write(data.replace('"=-'.encode("utf-16-le"), '"=dword:00000001'.encode("utf-16-le"), 1))
        with pytest.raises(InputError, match="does not match its end line"):
            load_backup(path)

    @pytest.mark.parametrize("planted", [(RUN, "evil", RegValue("sz", "C:\\evil.exe")),
                                         (r"HKCU\Software\x", "SecureProtocols", RegValue("dword", 0))])
    def test_a_backup_with_a_foreign_value_is_refused_even_with_a_right_hash(
            self, tmp_path: t.Any, planted: tuple[str, str, RegValue]) -> None:
        path = os.path.join(str(tmp_path), "pc1.reg")
        values = {("a", "b"): (TLS12_CLIENT, "Enabled", None), ("c", "d"): planted}
        with open(path, "wb") as handle:
            handle.write(render_backup(values))
        with pytest.raises(InputError, match="does not manage"):
            load_backup(path)

    def test_a_symlinked_backup_is_not_written_through(self, tmp_path: t.Any, controller_file: str) -> None:
        path = os.path.join(str(tmp_path), "pc1.reg")
        os.symlink(controller_file, path)
        state = HostState("pc1", WIN7.name, WIN7.version, 1, "client", "x64")
        with pytest.raises(InputError, match="symbolic link"):
            save_backup(path, state, evaluate(state).changes)
        with open(controller_file, encoding="ascii") as handle:
            assert handle.read() == CONTROLLER_SECRET + "\n"

    @pytest.mark.parametrize("host", ["../../etc/cron.d/x", "..", "a/b", "a\\b", ".hidden", ""])
    def test_a_host_name_cannot_leave_the_backup_folder(self, tmp_path: t.Any, host: str) -> None:
        with pytest.raises(InputError, match="^inventory_hostname: "):
            backup_file(None, str(tmp_path), host)

    def test_an_ordinary_host_name_names_its_backup(self, tmp_path: t.Any) -> None:
        expected = os.path.join(str(tmp_path), "web01.example.com.reg")
        assert backup_file(None, str(tmp_path), "web01.example.com") == expected


class TestCrashConsistency:
    @pytest.mark.parametrize("kbs", [(), ("KB3042058",)])
    def test_a_kill_at_any_write_leaves_a_folder_the_next_converge_repairs(
            self, folder: str, monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any, kbs: tuple[str, ...]) -> None:
        source = os.path.join(str(tmp_path), "msu")
        os.mkdir(source)
        with open(os.path.join(source, "windows6.1-kb3042058-x64_0.msu"), "wb") as handle:
            handle.write(b"M" * 1000)
        real_write, real_copy = _safefile.write_atomic, _safefile.copy_verified
        point = 0
        while True:
            shutil.rmtree(folder)
            os.mkdir(folder)
            shutil.copyfile(os.path.join(FIXTURES, "systeminfo-win7sp1.csv"), os.path.join(folder, "systeminfo.csv"))
            count = {"n": 0}

            def dies(real: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
                def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
                    if count["n"] == point:
                        raise KeyboardInterrupt("killed")  # as SIGKILL would: before the write completes
                    count["n"] += 1
                    return real(*args, **kwargs)
                return wrapper
            monkeypatch.setattr(_safefile, "write_atomic", dies(real_write))
            monkeypatch.setattr(_safefile, "copy_verified", dies(real_copy))
            try:
                commit_offline(folder, "PC-0042", WIN7, "x64", VALUES, kbs, msu_source=source if kbs else None)
                finished = True
            except KeyboardInterrupt:
                finished = False
            monkeypatch.undo()
            host = load_offline_folder(folder)
            if not finished:
                # Interrupted: either nothing is recorded, or the record is not applied and says why.
                assert host.state.get(src.WINHTTP, "DefaultSecureProtocols") is None
                assert host.recorded_hotfixes == frozenset()
                commit_offline(folder, "PC-0042", WIN7, "x64", VALUES, kbs, msu_source=source if kbs else None)
                host = load_offline_folder(folder)
            assert host.stale == [] and stale_files(folder, RECORD_FILES) == []
            assert host.state.get(src.WINHTTP, "DefaultSecureProtocols") == RegValue("dword", 0xA80)
            assert host.recorded_hotfixes == frozenset(kbs)
            leftovers = [n for n in os.listdir(folder) + os.listdir(os.path.join(folder, "remediation"))
                         if n.endswith(".tmp")]
            assert leftovers == []
            if finished:
                break
            point += 1
        assert point >= 4  # the .msu, remediation.reg, remediation.cmd, the manifest, the record

    def test_a_damaged_manifest_makes_the_record_stale(self, folder: str) -> None:
        commit(folder)
        with open(os.path.join(folder, MANIFEST), "wb") as handle:
            handle.write(b"{not json")
        assert "not a bundle manifest" in load_offline_folder(folder).stale[0]


class TestCmdText:
    @pytest.mark.parametrize("host", ["PC-MÜLLER", "pc%~dp0", "a&b|c", "x^y!z", 'q"<>', "tab\there", "nl\r\nx"])
    def test_a_host_name_is_reduced_to_plain_ascii(self, host: str) -> None:
        text = render_cmd(host, WIN7, "x64", [])
        text.encode("ascii")
        first = text.split("\r\n")[1]
        assert first.startswith("rem Generated by tlsready.windows for ")
        assert not set(first[len("rem Generated by tlsready.windows for "):]) & set('%!^&|<>"\r\n\t')

    def test_an_unknown_architecture_is_refused(self) -> None:
        with pytest.raises(InputError, match="^architecture: "):
            render_cmd("pc", WIN7, "x64&calc", [])

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline hosts in any display language, with cut update lists, and collected by the new collect.cmd.

Every host here is a copy of the lab's English win7-patched (compliant): it must be identified
and judged exactly like it. The localised systeminfo outputs come from the lab generator (lab/labgen), whose
label strings are taken from real Windows outputs and kept apart from the parser's own table.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import typing as t
from pathlib import Path

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder
from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.osidentity import identity_from, parse_reg_query
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.qfe import parse_qfe

ROOT = Path(__file__).resolve().parents[4]
LAB = ROOT / "lab" / "hosts"
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "exports"

# The lab generator's package, lab/labgen, is imported from lab/ (it is no plugin of the collection).
if str(ROOT / "lab") not in sys.path:
    sys.path.insert(0, str(ROOT / "lab"))
from labgen.exports import render_qfe  # noqa: E402
from labgen.hosts import lab_hosts  # noqa: E402
from labgen.systeminfo import render_systeminfo_csv, render_systeminfo_list  # noqa: E402


def verdict(folder: str | os.PathLike[str]) -> dict[str, t.Any]:
    """What the audit says about a host, without what names it."""
    state = load_offline_folder(str(folder)).state
    result = evaluate(state).to_dict()
    identity = (state.version, state.service_pack, state.product_type, state.architecture)
    # Which evidence proved an update may differ (the cut list vs the file versions); the verdict may not.
    result["hotfixes"] = [{k: v for k, v in h.items() if k != "evidence"} for h in result["hotfixes"]]
    return {"identity": identity, **result}


@pytest.fixture(scope="module")
def english() -> dict[str, t.Any]:
    found = verdict(LAB / "win7-patched")
    # The reference is judged (not refused as unsupported); whether it is compliant is the lab's business.
    assert found["release"]["supported"], "the English reference host must be judged"
    return found


@pytest.mark.parametrize("name", ["win7-de", "win7-fr", "win7-ru", "win7-zh", "win7-collected"])
def test_lab_host_is_judged_like_the_english_one(name: str, english: dict[str, t.Any]) -> None:
    assert verdict(LAB / name) == english


def test_a_cut_update_list_leaves_updates_not_proven_never_missing(english: dict[str, t.Any]) -> None:
    """win7-truncated is win7-patched whose systeminfo lists only the updates before KB3140245.

    KB3140245 is still proven (file versions); an update beyond the cut that nothing else proves
    (KB3154518, .NET 3.5) is "not proven", never "missing"; everything else is judged alike.
    """
    cut = verdict(LAB / "win7-truncated")
    by_kb = {h["kb"]: h for h in english["hotfixes"]}
    unproven = set()
    for entry in cut["hotfixes"]:
        if entry != by_kb[entry["kb"]]:
            assert by_kb[entry["kb"]]["present"] and not entry["present"] and entry["absence_proven"] is False, entry
            unproven.add(entry["kb"])
    assert "KB3140245" not in unproven and next(h for h in cut["hotfixes"] if h["kb"] == "KB3140245")["present"]
    assert cut["missing_hotfixes"] == english["missing_hotfixes"] == []
    ids = {f["id"] for f in cut["findings"]}
    assert {f"hotfix.{kb}.not_proven" for kb in unproven} <= ids
    assert not any(i.endswith(".missing") for i in ids)
    rest = {k: v for k, v in cut.items() if k not in ("hotfixes", "findings")}
    assert rest == {k: v for k, v in english.items() if k not in ("hotfixes", "findings")}
    assert [f for f in cut["findings"] if not f["id"].endswith(".not_proven")] == english["findings"]


LANGUAGES = ["German", "French", "Russian", "Chinese (Simplified)"]
# Console code page of each language, and the other encodings Windows tools write.
CODE_PAGES = {"German": "cp850", "French": "cp850", "Russian": "cp866", "Chinese (Simplified)": "gbk"}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("list_format", [True, False], ids=["list", "csv"])
@pytest.mark.parametrize("encoding", ["console", "utf-16", "utf-8", "ansi"])
def test_every_language_form_and_encoding(tmp_path: Path, english: dict[str, t.Any],
                                          language: str, list_format: bool, encoding: str) -> None:
    codec = {"console": CODE_PAGES[language], "utf-16": "utf-16", "utf-8": "utf-8",
             "ansi": {"Russian": "cp1251", "Chinese (Simplified)": "gbk"}.get(language, "cp1252")}[encoding]
    base = next(h for h in lab_hosts() if h.name == "win7-patched")
    host = dataclasses.replace(base, language=language, list_format=list_format, encoding=codec)
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-patched", folder)
    for name in ("systeminfo.csv", "systeminfo.txt"):
        (folder / name).unlink(missing_ok=True)
    if list_format:
        (folder / "systeminfo.txt").write_bytes(render_systeminfo_list(host, "PC-0212"))
    else:
        (folder / "systeminfo.csv").write_bytes(render_systeminfo_csv(host, "PC-0212"))
    loaded = load_offline_folder(str(folder)).state
    assert loaded.provenance.os_identity.endswith(f", {language})")
    assert verdict(folder) == english


def test_truncated_list_marks_the_absent_update_not_proven(tmp_path: Path) -> None:
    # The cut list lacks KB3140245 and the file versions do not prove it: "not proven", never "missing".
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-truncated", folder)
    (folder / "fileversions.csv").unlink()
    state = load_offline_folder(str(folder)).state
    assert "KB3140245" not in state.hotfixes
    assert state.hotfix_list_incomplete
    declared = len(next(h for h in lab_hosts() if h.name == "win7-truncated").hotfixes)
    assert state.provenance.hotfixes_declared == declared
    assert state.provenance.hotfixes_listed == len(state.hotfixes) < declared
    evaluation = evaluate(state)
    assert evaluation.missing_hotfixes == []
    ids = {f.id: f for f in evaluation.findings}
    assert "hotfix.KB3140245.missing" not in ids
    finding = ids["hotfix.KB3140245.not_proven"]
    assert f"declares {declared} updates but lists only {state.provenance.hotfixes_listed}" in finding.message
    assert "collect.cmd" in finding.remediation
    assert not evaluation.reboot_required


def test_complete_list_still_says_missing(tmp_path: Path) -> None:
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-fresh", folder)
    evaluation = evaluate(load_offline_folder(str(folder)).state)
    assert "KB3140245" in evaluation.missing_hotfixes


def test_qfe_wins_over_a_cut_systeminfo(tmp_path: Path) -> None:
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-truncated", folder)
    host = next(h for h in lab_hosts() if h.name == "win7-truncated")
    (folder / "hotfixes.csv").write_bytes(render_qfe(host, "PC-0213"))
    (folder / "fileversions.csv").unlink()
    state = load_offline_folder(str(folder)).state
    assert "KB3140245" in state.hotfixes and not state.hotfix_list_incomplete
    assert state.provenance.hotfixes == "wmic qfe (hotfixes.csv)"
    assert state.provenance.os_identity.startswith("systeminfo (systeminfo.txt")


def test_collected_host_needs_no_systeminfo_and_says_where_facts_came_from() -> None:
    state = load_offline_folder(str(LAB / "win7-collected")).state
    assert (state.hostname, state.version, state.service_pack, state.product_type, state.architecture) == (
        "PC-0214", (6, 1, 7601), 1, "client", "x64")
    assert state.provenance.os_identity == "registry (osidentity.txt, reg query)"
    assert state.provenance.hotfixes == "wmic qfe (hotfixes.csv)"
    assert state.provenance.file_versions.startswith("fileversions.csv")
    assert state.to_dict()["provenance"]["hotfixes_complete"] is True


def test_registry_identity_wins_over_an_unreadable_systeminfo(tmp_path: Path) -> None:
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-collected", folder)
    (folder / "systeminfo.csv").write_bytes(b'"X1","X2"\r\n"a","b"\r\n')
    assert load_offline_folder(str(folder)).state.hostname == "PC-0214"


def test_incomplete_identity_names_the_missing_values(tmp_path: Path) -> None:
    folder = tmp_path / "host"
    shutil.copytree(LAB / "win7-collected", folder)
    text = (folder / "osidentity.txt").read_bytes().replace(b"ProductType", b"ProductTypo")
    (folder / "osidentity.txt").write_bytes(text)
    with pytest.raises(ExportFormatError) as info:
        load_offline_folder(str(folder))
    assert "osidentity.txt lacks ProductType (WinNT, ServerNT or LanmanNt)" in info.value.detail


class TestQfe:
    def test_powershell_convertto_csv(self) -> None:
        text = ('#TYPE Selected.System.Management.ManagementObject\r\n"CSName","Description","HotFixID",'
                '"InstalledBy","InstalledOn"\r\n"PC-1","Update","KB3140245","NT AUTHORITY\\SYSTEM","3/9/2016"\r\n'
                '"PC-1","Update","File 1","",""\r\n')
        found = parse_qfe(b"\xff\xfe" + text.encode("utf-16-le"), "hotfixes.csv")
        assert (found.hotfixes, found.rows, found.tool) == (frozenset({"KB3140245"}), 2, "PowerShell")

    def test_no_header_is_an_error(self) -> None:
        with pytest.raises(ExportFormatError) as info:
            parse_qfe(b"No Instance(s) Available.\r\n", "hotfixes.csv")
        assert "expected a header row naming HotFixID" in info.value.detail

    def test_row_before_header(self) -> None:
        with pytest.raises(ExportFormatError) as info:
            parse_qfe(b"PC-1,KB1\r\nNode,HotFixID\r\n", "hotfixes.csv")
        assert info.value.line == 1


class TestRegQuery:
    def test_windows_10_numbers_win_over_the_legacy_current_version(self) -> None:
        text = ("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\r\n"
                "    ProductName    REG_SZ    Windows 10 Pro\r\n    CurrentVersion    REG_SZ    6.3\r\n"
                "    CurrentMajorVersionNumber    REG_DWORD    0xa\r\n    CurrentMinorVersionNumber    REG_DWORD    0x0\r\n"
                "    CurrentBuildNumber    REG_SZ    19045\r\n\r\n"
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions\r\n"
                "    ProductType    REG_SZ    ServerNT\r\n\r\n"
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment\r\n"
                "    PROCESSOR_ARCHITECTURE    REG_SZ    ARM64\r\n"
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName\r\n"
                "    ComputerName    REG_SZ    SRV 1\r\n")
        values = parse_reg_query(text.encode("ascii"), "osidentity.txt")
        identity, missing = identity_from(lambda key, name: values.get((key.upper(), name.lower())))
        assert missing == []
        assert identity is not None
        assert (identity.hostname, identity.os_name, identity.version, identity.product_type,
                identity.architecture) == ("SRV 1", "Microsoft Windows 10 Pro", (10, 0, 19045), "server", "arm64")

    def test_malformed_line(self) -> None:
        with pytest.raises(ExportFormatError) as info:
            parse_reg_query(b"HKEY_LOCAL_MACHINE\\X\r\nProductName REG_SZ x\r\n", "osidentity.txt")
        assert info.value.line == 2

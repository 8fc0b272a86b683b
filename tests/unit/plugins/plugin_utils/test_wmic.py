# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading file versions from appended wmic datafile runs."""

from __future__ import annotations

import os

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.wmic import parse_file_versions

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def run(*lines: str) -> bytes:
    """One wmic run redirected to a file: its own BOM, a blank first line, \\r\\r\\n line ends."""
    return b"\xff\xfe" + "".join(line + "\r\r\n" for line in ("", *lines)).encode("utf-16-le")


def error(data: bytes, path: str = "fileversions.csv") -> ExportFormatError:
    with pytest.raises(ExportFormatError) as info:
        parse_file_versions(data, path)
    assert info.value.path == path
    return info.value


class TestParse:
    def test_windows_7_fixture_with_four_appended_runs(self) -> None:
        data = fixture("fileversions-win7sp1.csv")
        assert data.count(b"\xff\xfe") == 4 and b"\r\x00\r\x00\n\x00" in data
        assert parse_file_versions(data, "fileversions.csv") == {
            "c:\\windows\\system32\\winhttp.dll": (6, 1, 7601, 23375),
            "c:\\windows\\system32\\webio.dll": (6, 1, 7601, 23375),
            "c:\\windows\\system32\\schannel.dll": (6, 1, 7601, 23845),
            "c:\\windows\\syswow64\\winhttp.dll": (6, 1, 7601, 23375),
        }

    def test_paths_are_lower_cased(self) -> None:
        data = run("Node,Name,Version", r"PC-0042,C:\Windows\System32\WinHttp.dll,10.0.17763.1")
        assert parse_file_versions(data, "f.csv") == {r"c:\windows\system32\winhttp.dll": (10, 0, 17763, 1)}

    def test_columns_in_another_order(self) -> None:
        data = run("Node,Version,Name", r"PC-0042,6.1.7601.23375,c:\windows\system32\webio.dll")
        assert parse_file_versions(data, "f.csv") == {r"c:\windows\system32\webio.dll": (6, 1, 7601, 23375)}

    def test_missing_file_run_is_tolerated(self) -> None:
        data = run("No Instance(s) Available.") + run("Node,Name,Version", r"PC,c:\a.dll,1.2.3.4")
        assert parse_file_versions(data, "f.csv") == {r"c:\a.dll": (1, 2, 3, 4)}

    def test_file_without_version_resource_is_left_out(self) -> None:
        assert parse_file_versions(run("Node,Name,Version", r"PC,c:\notes.txt,"), "f.csv") == {}

    def test_path_holding_a_comma(self) -> None:
        data = run("Node,Name,Version", r"PC,c:\program files\a,b\x.dll,2.0")
        assert parse_file_versions(data, "f.csv") == {r"c:\program files\a,b\x.dll": (2, 0)}

    def test_utf8_with_lf_and_empty_file(self) -> None:
        data = b"Node,Name,Version\nPC,c:\\x.dll,1.0\n"
        assert parse_file_versions(data, "f.csv") == {"c:\\x.dll": (1, 0)}
        assert parse_file_versions(b"", "f.csv") == {}

    def test_utf16_that_lost_its_bom(self) -> None:
        data = run("Node,Name,Version", r"PC,c:\x.dll,1.0")[2:]
        assert parse_file_versions(data, "f.csv") == {"c:\\x.dll": (1, 0)}

    def test_later_run_wins(self) -> None:
        data = run("Node,Name,Version", r"PC,c:\x.dll,1.0") + run("Node,Name,Version", r"PC,c:\X.dll,1.1")
        assert parse_file_versions(data, "f.csv") == {"c:\\x.dll": (1, 1)}


class TestErrors:
    def test_data_before_header(self) -> None:
        err = error(run(r"PC,c:\x.dll,1.0"))
        assert str(err) == ("fileversions.csv, line 2: expected a 'Node,Name,Version' header row before the data, "
                            "got 'PC,c:\\\\x.dll,1.0'")

    def test_bad_version_names_the_line(self) -> None:
        err = error(run("Node,Name,Version", r"PC,c:\a.dll,1.0", r"PC,c:\b.dll,6.1.x"))
        assert (err.line, err.detail) == (4, "expected a version such as 6.1.7601.23375 for c:\\b.dll, got '6.1.x'")

    def test_too_few_fields(self) -> None:
        err = error(run("Node,Name,Version", "PC,1.0"))
        assert (err.line, err.detail) == (3, "expected 3 comma-separated fields as in the header, got 2")

    def test_header_without_version(self) -> None:
        err = error(run("Node,Name"))
        assert err.detail.startswith("expected a 'Node,Name,Version' header row (wmic ... get Name,Version")

    def test_empty_name(self) -> None:
        err = error(run("Node,Name,Version", "PC,,1.0"))
        assert err.detail == "expected a file path in the Name column, got nothing"

    def test_wmic_error_text(self) -> None:
        err = error(run("Node,Name,Version", "ERROR:", "Description = Invalid query"))
        assert (err.line, err.detail) == (3, "expected 3 comma-separated fields as in the header, got 1")

    def test_broken_utf16(self) -> None:
        assert error(run("Node,Name,Version") + b"\x00").detail.startswith("not valid UTF-16 LE text")

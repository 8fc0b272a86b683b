# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release catalogue must say what the reference's table 1a says, row by row."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._catalogue import (
    RELEASES,
    RELEASES_BY_ID,
    Release,
    UnknownRelease,
    identify_release,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._state import HostState

REFERENCE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "docs", "reference", "tls-facts.md")

# Table 1a row label (its start) -> catalogue ids the row speaks for.
ROWS = {
    "Windows Server 2008 SP2": ["win2008sp2"],
    "Windows 7 SP1": ["win7sp1"],
    "Windows Server 2008 R2 SP1": ["win2008r2sp1"],
    "Windows 8 (": ["win8"],
    "Windows Server 2012 (": ["win2012"],
    "Windows 8.1 / Server 2012 R2": ["win81", "win2012r2"],
    "Windows 10 1507/1511": ["win10_1507", "win10_1511"],
    "Windows 10 1607+ / Server 2016": ["win10_1607", "win10_1703", "win10_1709", "win10_1803", "win2016"],
    "Windows Server 2019 / Win10 1809": [
        "win2019", "win10_1809", "win10_1903", "win10_1909", "win10_2004", "win10_20h2", "win10_21h1",
        "win10_21h2", "win10_22h2",
    ],
    "Windows Server 2022": ["win2022"],
    "Windows 11 21H2": ["win11_21h2", "win11_22h2", "win11_23h2", "win11_24h2"],
    "Windows Server 2025": ["win2025"],
}
COLUMNS = ("tls1_0", "tls1_1", "tls1_2", "tls1_3", "ssl3_0", "ssl2_0")
_STATE_WORDS = {"En": "enabled", "Dis": "disabled"}
_WINHTTP_TEXT = {
    "SSL3 + TLS1.0 only": 0xA0,
    "SSL3, TLS1.0, TLS1.1, TLS1.2": 0xAA0,
    "SSL3, TLS1.0–1.2": 0xAA0,
    "TLS 1.2 + TLS 1.3 only": 0x2800,
}


def _table_1a() -> dict[str, list[str]]:
    with open(REFERENCE, encoding="utf-8") as handle:
        text = handle.read()
    section = text.split("### 1a.")[1].split("### 1b.")[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| Windows"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def _row(label: str) -> list[str]:
    matches = [cells for name, cells in _table_1a().items() if name.startswith(label)]
    assert len(matches) == 1, f"reference row {label!r} not found exactly once"
    return matches[0]


def _side_states(cell: str) -> tuple[str, str]:
    cell = cell.replace("*", "")
    if cell.startswith("not supported"):
        return "unsupported", "unsupported"
    if cell.startswith("removed"):
        return "removed", "removed"
    client, server = re.match(r"(En|Dis)/(En|Dis)", cell).groups()  # type: ignore[union-attr]
    return _STATE_WORDS[client], _STATE_WORDS[server]


def _winhttp(cell: str) -> int | None:
    first = cell.split(";")[0].split("(")[0].strip()
    if "UNCERTAIN" in cell.split(";")[0] or first.startswith("not "):
        return None
    return _WINHTTP_TEXT[first.replace(" per [S2]", "")]


def test_every_release_is_covered_by_a_reference_row() -> None:
    covered = {rid for ids in ROWS.values() for rid in ids}
    assert covered == set(RELEASES_BY_ID)


@pytest.mark.parametrize("label, release_id", [(label, rid) for label, ids in ROWS.items() for rid in ids])
def test_protocol_defaults_match_table_1a(label: str, release_id: str) -> None:
    cells = _row(label)
    release = RELEASES_BY_ID[release_id]
    for column, cell in zip(COLUMNS, cells):
        client, server = _side_states(cell)
        assert (release.protocols[column]["client"], release.protocols[column]["server"]) == (client, server), column


@pytest.mark.parametrize("label, release_id", [(label, rid) for label, ids in ROWS.items() for rid in ids])
def test_winhttp_default_matches_table_1a(label: str, release_id: str) -> None:
    assert RELEASES_BY_ID[release_id].winhttp_default == _winhttp(_row(label)[6])


def test_tls13_only_where_the_reference_has_it() -> None:
    assert {r.id for r in RELEASES if r.tls13} == {
        "win2022", "win2025", "win11_21h2", "win11_22h2", "win11_23h2", "win11_24h2",
    }


def _state(version: tuple[int, int, int], product: str, sp: int = 0, name: str = "Microsoft Windows") -> HostState:
    return HostState("h", name, version, sp, product, "x64")


@pytest.mark.parametrize("release", RELEASES, ids=lambda r: r.id)
def test_identify_finds_each_release_from_its_version(release: Release) -> None:
    found = identify_release(_state(release.version, release.product_type, release.min_service_pack))
    # Windows 11 24H2 and Server 2025 share build 26100; the product type tells them apart.
    assert found == release


def test_windows_7_without_sp1_is_unsupported_with_advice() -> None:
    found = identify_release(_state((6, 1, 7600), "client", 0, "Microsoft Windows 7 Professional"))
    assert isinstance(found, UnknownRelease)
    assert "Service Pack 1" in found.reason
    assert found.remediation == "Install Service Pack 1, then run tlsready again."


def test_unknown_build_is_never_guessed() -> None:
    found = identify_release(_state((10, 0, 26200), "client", 0, "Microsoft Windows 11 Pro"))
    assert isinstance(found, UnknownRelease)
    assert "not in the tlsready catalogue" in found.reason
    assert "10.0.26200" in found.name


def test_vista_is_not_taken_for_server_2008() -> None:
    assert isinstance(identify_release(_state((6, 0, 6002), "client", 2)), UnknownRelease)


def test_hotfix_file_table_in_docs_matches_the_catalogue() -> None:
    """docs/hotfix-files.md lists exactly the .msu names tls_hotfix looks for."""
    from pathlib import Path

    from ansible_collections.tlsready.windows.plugins.plugin_utils._hotfixes import hotfixes_for

    doc = (Path(__file__).resolve().parents[4] / "docs" / "hotfix-files.md").read_text(encoding="utf-8")
    rows = [line for line in doc.splitlines() if line.startswith("| ") and ".msu" in line]
    expected = []
    for release in RELEASES:
        for hotfix in hotfixes_for(release):
            x64 = hotfix.msu_pattern(release, "x64")
            x86 = "(no 32-bit edition)" if release.product_type == "server" and release.family != "6.0" \
                else f"`{hotfix.msu_pattern(release, 'x86')}`"
            expected.append(f"| {release.name} | {hotfix.kb} | `{x64}` | {x86} |")
    assert rows == expected

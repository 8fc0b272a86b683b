# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release catalogue (releases.yml) must say what the reference's table 1a says, row by row."""

from __future__ import annotations

import os
import re

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import (
    build_catalogue,
    DATA_FILE,
    identify_release,
    Release,
    RELEASES,
    RELEASES_BY_ID,
    UnknownRelease,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState

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
    "Windows 11 25H2": ["win11_25h2", "win11_26h2", "win11_26h1"],
    "Windows Server 2025": ["win2025"],
}
COLUMNS = ("tls1_0", "tls1_1", "tls1_2", "tls1_3", "ssl3_0", "ssl2_0")
_STATE_WORDS = {"En": "enabled", "Dis": "disabled"}
# The cell's text for each documented WinHTTP default set (table 1a, last-but-one column).
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


def _side_states(cell: str, column: str) -> tuple[str, str]:
    cell = cell.replace("*", "")
    if cell.startswith("supported"):
        return "enabled", "enabled"
    if cell == "same" and column == "tls1_2":
        # Windows 11 25H2+: correction 6 gives these releases the Windows 11 family's defaults and marks
        # only TLS 1.0/1.1 UNCERTAIN; Microsoft 365 itself needs TLS 1.2 there.
        return "enabled", "enabled"
    if "UNCERTAIN" in cell or cell == "same":
        # "read the registry, do not assume": the catalogue records the default as unknown.
        return "unknown", "unknown"
    if cell.startswith("not supported"):
        return "unsupported", "unsupported"
    if cell.startswith("removed"):
        return "removed", "removed"
    client, server = re.match(r"(En|Dis)/(En|Dis)", cell).groups()  # type: ignore[union-attr]
    return _STATE_WORDS[client], _STATE_WORDS[server]


def _winhttp(cell: str, product_type: str, major: int) -> tuple[int | None, bool]:
    """The documented default bits for the product type (None: not documented) and whether TLS 1.2 is native."""
    parts = {}
    for part in cell.split(";"):
        label, _colon, text = part.partition(": ")
        if label.strip() in ("Windows 10", "Server 2016") and text:
            parts["client" if label.strip() == "Windows 10" else "server"] = text
    first = parts.get(product_type, cell.split(";")[0]).split("(")[0].split("[")[0].strip()
    first = first.replace(" per", "").strip()
    native = "native" in cell
    if product_type == "server" and major == 10 and "native" in cell:
        # Correction 1: Server 2016+ support TLS 1.2 over WinHTTP natively; their bitmasks are not documented.
        return None, True
    if "UNCERTAIN" in cell.split(";")[0] or first.startswith("not "):
        return None, native
    value = _WINHTTP_TEXT[first]
    return value, native or bool(value & 0x800)


def test_every_release_is_covered_by_a_reference_row() -> None:
    covered = {rid for ids in ROWS.values() for rid in ids}
    assert covered == set(RELEASES_BY_ID)


@pytest.mark.parametrize("label, release_id", [(label, rid) for label, ids in ROWS.items() for rid in ids])
def test_protocol_defaults_match_table_1a(label: str, release_id: str) -> None:
    cells = _row(label)
    release = RELEASES_BY_ID[release_id]
    for column, cell in zip(COLUMNS, cells):
        client, server = _side_states(cell, column)
        assert (release.protocols[column]["client"], release.protocols[column]["server"]) == (client, server), column


@pytest.mark.parametrize("label, release_id", [(label, rid) for label, ids in ROWS.items() for rid in ids])
def test_winhttp_default_matches_table_1a(label: str, release_id: str) -> None:
    release = RELEASES_BY_ID[release_id]
    assert (release.winhttp_default, release.winhttp_tls12_native) == _winhttp(_row(label)[6], release.product_type, release.version[0])


def test_tls13_only_where_the_reference_has_it() -> None:
    assert {r.id for r in RELEASES if r.tls13} == {
        "win2022", "win2025", "win11_21h2", "win11_22h2", "win11_23h2", "win11_24h2", "win11_25h2", "win11_26h2",
        "win11_26h1",
    }


def test_releases_current_today_are_in_the_data_file() -> None:
    """Reference 1a notes: Windows 11 25H2 (26200), 26H2 (26300), 26H1 (28000); Server 2025 is the newest server."""
    assert {r.id: r.build for r in RELEASES if r.version[2] > 26100} == {
        "win11_25h2": "10.0.26200", "win11_26h2": "10.0.26300", "win11_26h1": "10.0.28000",
    }
    assert max((r for r in RELEASES if r.product_type == "server"), key=lambda r: r.version).id == "win2025"
    assert os.path.basename(DATA_FILE) == "releases.yml"
    assert all(r.sources for r in RELEASES)


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
    # An Insider / pre-release build between two known ones is not mapped onto a neighbour.
    found = identify_release(_state((10, 0, 26220), "client", 0, "Microsoft Windows 11 Pro Insider Preview"))
    assert isinstance(found, UnknownRelease)
    assert "not in the tlsready catalogue" in found.reason
    assert "10.0.26220" in found.name
    assert "extra_releases" in found.remediation


def test_windows_11_25h2_is_judged() -> None:
    found = identify_release(_state((10, 0, 26200), "client", 0, "Microsoft Windows 11 Pro"))
    assert found == RELEASES_BY_ID["win11_25h2"]
    # Reference 1a / 8.7: TLS 1.0/1.1 defaults are UNCERTAIN on 25H2: unknown, never guessed.
    assert found.protocols["tls1_0"] == {"client": "unknown", "server": "unknown"}
    assert found.protocols["tls1_2"]["client"] == "enabled" and found.winhttp_default == 0x2800


EXTRA = {"id": "win11_27h2", "name": "Windows 11 27H2", "version": "10.0.26400", "product_type": "client",
         "like": "win11_25h2"}


def test_an_added_release_is_judged_and_a_build_in_neither_is_unsupported() -> None:
    catalogue = build_catalogue([EXTRA])
    added = identify_release(_state((10, 0, 26400), "client"), catalogue)
    assert isinstance(added, Release) and added.name == "Windows 11 27H2"
    assert added.protocols == RELEASES_BY_ID["win11_25h2"].protocols
    assert added.winhttp_default == 0x2800 and added.tls13
    assert isinstance(identify_release(_state((10, 0, 26400), "client")), UnknownRelease)
    assert isinstance(identify_release(_state((10, 0, 26500), "client"), catalogue), UnknownRelease)
    evaluation = evaluate(_state((10, 0, 26400), "client"), extra_releases=[EXTRA])
    assert evaluation.release == {"id": "win11_27h2", "name": "Windows 11 27H2", "build": "10.0.26400",
                                  "architecture": "x64", "supported": True}
    assert evaluation.catalogue_release == added


def test_an_added_release_may_take_another_documented_set() -> None:
    entry = dict(EXTRA, id="win2025_next", name="Windows Server vNext", product_type="server", like="win2025",
                 protocols="tls13_legacy_unknown", winhttp_default=None, afd_suites="tls13")
    added = build_catalogue([entry])[-1]
    assert added.protocols["tls1_1"]["server"] == "unknown" and added.winhttp_tls12_native


@pytest.mark.parametrize("change, message", [
    ({"like": None}, r"^extra_releases\[0\]\.like: must name a known release id such as win11_25h2; got None$"),
    ({"like": "win99"}, r"^extra_releases\[0\]\.like: must name a known release id"),
    ({"version": "10.0"}, r"^extra_releases\[0\]\.version: must be a Windows version major\.minor\.build"),
    ({"version": "10.0.26200"}, r"^extra_releases\[0\]\.version: 10\.0\.26200 \(client\) is already the "
                                r"catalogue's win11_25h2$"),
    ({"id": "win11_25h2"}, r"^extra_releases\[0\]\.id: 'win11_25h2' is already in the catalogue$"),
    ({"id": "Win 11"}, r"^extra_releases\[0\]\.id: must be lower-case letters"),
    ({"product_type": "desktop"}, r"^extra_releases\[0\]\.product_type: must be one of client, server"),
    ({"protocols": "bogus"}, r"^extra_releases\[0\]\.protocols: must be one of vista_7, "),
    ({"afd_suites": "bogus"}, r"^extra_releases\[0\]\.afd_suites: must be one of none, "),
    ({"winhttp_default": "0x10000"}, r"^extra_releases\[0\]\.winhttp_default: must be null or a sum"),
    ({"family": "6.1"}, r"^extra_releases\[0\]\.family: unknown field; allowed fields are id, name, "),
    ({"winhttp_tls12_native": "yes"}, r"^extra_releases\[0\]\.winhttp_tls12_native: must be true or false$"),
])
def test_a_bad_added_release_names_the_field(change: dict, message: str) -> None:
    entry = {k: v for k, v in dict(EXTRA, **change).items() if v is not None or k != "like"}
    if change.get("like", "") is None:
        entry.pop("like", None)
        message = r"^extra_releases\[0\]\.like: is required"
    with pytest.raises(InputError, match=message):
        build_catalogue([entry])


@pytest.mark.parametrize("value, message", [
    ("win11_27h2", r"^extra_releases: must be a list of releases; got str$"),
    (["win11_27h2"], r"^extra_releases\[0\]: must be a dictionary"),
])
def test_extra_releases_must_be_a_list_of_dictionaries(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        build_catalogue(value)


def test_vista_is_not_taken_for_server_2008() -> None:
    assert isinstance(identify_release(_state((6, 0, 6002), "client", 2)), UnknownRelease)


def test_hotfix_file_table_in_docs_matches_the_catalogue() -> None:
    """docs/hotfix-files.md lists exactly the .msu names tls_hotfix looks for."""
    from pathlib import Path

    from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.hotfixes import hotfixes_for

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

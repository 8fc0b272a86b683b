# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property tests: export parsers fail only with ExportFormatError, and .reg rendering round-trips."""

from __future__ import annotations

import os
import typing as t

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import parse_reg, render_reg
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import RegValue
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.systeminfo import parse_systeminfo
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.wmic import parse_file_versions

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")
# Fixed examples (derandomize, no example database) so that CI runs the same 3 x 700 + 300 every time.
FUZZ = settings(max_examples=700, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# Characters that steer the parsers into their branches when inserted.
SPECIALS = '"\\[]=,:@;-\r\n \t()0123456789abcdefxKB\x00\ufeff'


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def codec_of(data: bytes) -> tuple[str, bytes]:
    if data.startswith(b"\xff\xfe"):
        return "utf-16-le", b"\xff\xfe"
    return "cp437", b""


@st.composite
def mutated(draw: st.DrawFn, samples: t.Sequence[bytes]) -> bytes:
    """A real-looking export with a few edits, on its text (as a person might) or its bytes."""
    data = draw(st.sampled_from(samples))
    codec, bom = codec_of(data)
    if draw(st.booleans()):
        text = data[len(bom):].decode(codec)
        for _edit in range(draw(st.integers(1, 4))):
            text = _edit_text(draw, text)
        return bom + text.encode(codec, errors="replace")
    for _edit in range(draw(st.integers(1, 4))):
        data = _edit_bytes(draw, data)
    return data


def _edit_text(draw: st.DrawFn, text: str) -> str:
    lines = text.split("\n")
    index = draw(st.integers(0, max(len(lines) - 1, 0)))
    action = draw(st.sampled_from(["insert", "delete", "duplicate", "drop", "truncate", "swap"]))
    line = lines[index]
    if action == "insert":
        at = draw(st.integers(0, len(line)))
        lines[index] = line[:at] + draw(st.text(alphabet=SPECIALS, min_size=1, max_size=4)) + line[at:]
    elif action == "delete" and line:
        at = draw(st.integers(0, len(line) - 1))
        lines[index] = line[:at] + line[at + draw(st.integers(1, 8)):]
    elif action == "duplicate":
        lines.insert(index, line)
    elif action == "drop":
        del lines[index]
    elif action == "truncate":
        lines = lines[:index + 1]
        lines[index] = line[:draw(st.integers(0, len(line)))]
    elif action == "swap" and len(lines) > 1:
        other = draw(st.integers(0, len(lines) - 1))
        lines[index], lines[other] = lines[other], lines[index]
    return "\n".join(lines)


def _edit_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    at = draw(st.integers(0, len(data)))
    action = draw(st.sampled_from(["insert", "delete", "flip", "truncate"]))
    if action == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if action == "delete":
        return data[:at] + data[at + draw(st.integers(1, 16)):]
    if action == "flip" and at < len(data):
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    return data[:at]


def inputs(*samples: bytes) -> st.SearchStrategy[bytes]:
    prefixes = sorted({s[:2] for s in samples} | {b"\xef\xbb\xbf"})
    random_bytes = st.builds(lambda p, b: p + b, st.sampled_from([b""] + [bytes(p) for p in prefixes]), st.binary())
    return st.one_of(random_bytes, mutated(list(samples)))


def check(parser: t.Callable[[bytes, str], object], data: bytes, path: str) -> None:
    try:
        parser(data, path)
    except ExportFormatError as err:
        assert path in str(err)
        assert err.path == path
        assert "Traceback" not in str(err)


REG_SAMPLES = (fixture("schannel-win7sp1.reg"), fixture("cipher-order-win7sp1.reg"),
               b'REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\S]\r\n"A"=hex(2):41,00\r\n@="x"\r\n"B"=-\r\n[-HKEY_USERS\\X]\r\n')
SYSTEMINFO_SAMPLES = (fixture("systeminfo-win7sp1.csv"), fixture("systeminfo-win7sp1.txt"))
WMIC_SAMPLES = (fixture("fileversions-win7sp1.csv"),)


@FUZZ
@given(inputs(*REG_SAMPLES))
def test_parse_reg_fails_only_with_export_format_error(data: bytes) -> None:
    check(parse_reg, data, "pc-0042-schannel.reg")


@FUZZ
@given(inputs(*SYSTEMINFO_SAMPLES))
def test_parse_systeminfo_fails_only_with_export_format_error(data: bytes) -> None:
    check(parse_systeminfo, data, "pc-0042-systeminfo.csv")


@FUZZ
@given(inputs(*WMIC_SAMPLES))
def test_parse_file_versions_fails_only_with_export_format_error(data: bytes) -> None:
    check(parse_file_versions, data, "pc-0042-fileversions.csv")


# ------------------------------------------------------------------ render/parse round trip

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20)
LINE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=20)
SEGMENT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n\\"), min_size=1,
                  max_size=12)

VALUES = st.one_of(
    st.builds(RegValue, st.just("dword"), st.integers(0, 2**32 - 1)),
    st.builds(RegValue, st.just("qword"), st.integers(0, 2**64 - 1)),
    st.builds(RegValue, st.just("sz"), TEXT),
    st.builds(RegValue, st.just("expand_sz"), TEXT),
    st.builds(RegValue, st.just("multi_sz"), st.lists(TEXT.filter(bool), max_size=5).map(tuple)),
    st.builds(RegValue, st.just("binary"), st.binary(max_size=70)),
    st.builds(RegValue, st.just("none"), st.binary(max_size=10)),
)
KEYS = st.lists(
    st.tuples(
        st.tuples(st.sampled_from(["HKLM", "HKEY_LOCAL_MACHINE", "HKCU", "HKU"]), st.lists(SEGMENT, max_size=4)),
        st.lists(st.tuples(LINE_TEXT, st.one_of(st.none(), VALUES)), max_size=5),
    ),
    max_size=4,
)
FULL_HIVE = {"HKLM": "HKEY_LOCAL_MACHINE", "HKEY_LOCAL_MACHINE": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER",
             "HKU": "HKEY_USERS"}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(KEYS, st.sampled_from(["utf-16", "utf-8"]))
def test_render_then_parse_gives_back_every_value(
        keys: list[tuple[tuple[str, list[str]], list[tuple[str, RegValue | None]]]], encoding: str) -> None:
    given_keys = [("\\".join([hive, *segments]), values) for (hive, segments), values in keys]
    ops = parse_reg(render_reg(given_keys, encoding), "roundtrip.reg")
    expected = [
        ("\\".join([FULL_HIVE[hive], *segments]), name, value)
        for (hive, segments), values in keys for name, value in values
    ]
    assert [(op.key, op.name, op.value) for op in ops] == expected
    assert [op.kind for op in ops] == ["delete_value" if value is None else "set" for _k, _n, value in expected]

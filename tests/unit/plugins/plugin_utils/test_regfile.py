# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and writing .reg files as reg.exe and regedit do."""

from __future__ import annotations

import os

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import (
    apply_operations,
    full_key_path,
    parse_reg,
    RegOperation,
    render_reg,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "exports")
SCHANNEL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
CIPHER_LOCAL = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
WIN7_SUITES = (
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
)


def fixture(name: str) -> bytes:
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read()


def reg(text: str) -> bytes:
    """A file as reg.exe writes it: UTF-16 LE with a BOM and CRLF line ends."""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def v5(body: str) -> bytes:
    return reg("Windows Registry Editor Version 5.00\n\n" + body)


def one_value(body: str) -> RegValue | None:
    [op] = parse_reg(v5("[HKEY_LOCAL_MACHINE\\SOFTWARE\\T]\n" + body + "\n"), "t.reg")
    return op.value


def error(data: bytes, path: str = "bad.reg") -> ExportFormatError:
    with pytest.raises(ExportFormatError) as info:
        parse_reg(data, path)
    assert info.value.path == path
    return info.value


SCHANNEL_KEYS: list[tuple[str, list[tuple[str, RegValue | None]]]] = [
    (SCHANNEL, [("EventLogging", RegValue("dword", 1))]),
    (SCHANNEL + r"\Ciphers", []),
    (SCHANNEL + r"\CipherSuites", []),
    (SCHANNEL + r"\Hashes", []),
    (SCHANNEL + r"\KeyExchangeAlgorithms", []),
    (SCHANNEL + r"\Protocols", []),
    (SCHANNEL + r"\Protocols\SSL 2.0", []),
    (SCHANNEL + r"\Protocols\SSL 2.0\Client", [("DisabledByDefault", RegValue("dword", 1))]),
    (SCHANNEL + r"\Protocols\TLS 1.1", []),
    (SCHANNEL + r"\Protocols\TLS 1.1\Client",
     [("DisabledByDefault", RegValue("dword", 0)), ("Enabled", RegValue("dword", 1))]),
    (SCHANNEL + r"\Protocols\TLS 1.2", []),
    (SCHANNEL + r"\Protocols\TLS 1.2\Client",
     [("DisabledByDefault", RegValue("dword", 0)), ("Enabled", RegValue("dword", 1))]),
    (SCHANNEL + r"\Protocols\TLS 1.2\Server",
     [("DisabledByDefault", RegValue("dword", 0)), ("Enabled", RegValue("dword", 0xFFFFFFFF))]),
]


class TestWindowsExports:
    def test_schannel_export_of_a_windows_7_host(self) -> None:
        ops = parse_reg(fixture("schannel-win7sp1.reg"), "schannel.reg")
        assert ops == [
            RegOperation("set", key, name, value, line)
            for (key, name, value), line in zip(
                [(k, n, v) for k, values in SCHANNEL_KEYS for n, v in values], [4, 19, 24, 25, 30, 31, 34, 35])
        ]

    def test_hex7_functions_list_with_continuation_lines(self) -> None:
        data = fixture("cipher-order-win7sp1.reg")
        text = data[2:].decode("utf-16-le")
        assert text.count("\\\r\n  ") > 20  # the value really spans many continuation lines
        assert [op.value for op in parse_reg(data, "ciphers.reg")] == [RegValue("multi_sz", WIN7_SUITES)]

    def test_render_reproduces_the_schannel_export_byte_for_byte(self) -> None:
        assert render_reg(SCHANNEL_KEYS) == fixture("schannel-win7sp1.reg")

    def test_render_reproduces_regedit_hex_wrapping_byte_for_byte(self) -> None:
        rendered = render_reg([(CIPHER_LOCAL, [("Functions", RegValue("multi_sz", WIN7_SUITES))])])
        assert rendered == fixture("cipher-order-win7sp1.reg")

    def test_rendered_hex_lines_are_at_most_80_characters(self) -> None:
        text = render_reg([(CIPHER_LOCAL, [("Functions", RegValue("multi_sz", WIN7_SUITES))])])[2:]
        lines = text.decode("utf-16-le").split("\r\n")
        assert max(len(line) for line in lines if not line.startswith("[")) == 80
        assert all(line.startswith("  ") for line in lines[4:-2])


class TestDecoding:
    def test_utf8_without_bom_and_with_lf(self) -> None:
        ops = parse_reg(b'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\S]\n"A"="\xc3\xa9"\n', "u.reg")
        assert ops == [RegOperation("set", "HKEY_LOCAL_MACHINE\\S", "A", RegValue("sz", "\u00e9"), 4)]

    def test_utf8_with_bom(self) -> None:
        data = (b"\xef\xbb\xbfWindows Registry Editor Version 5.00\r\n\r\n"
                b"[HKEY_LOCAL_MACHINE\\S]\r\n@=dword:0000000a\r\n")
        assert parse_reg(data, "u.reg")[0].value == RegValue("dword", 10)

    def test_regedit4_is_ansi_and_stores_strings_as_ansi_bytes(self) -> None:
        data = (b"REGEDIT4\r\n\r\n[HKEY_LOCAL_MACHINE\\S]\r\n\"Owner\"=\"J\xfcrgen\"\r\n"
                b"\"Path\"=hex(2):25,53,79,73,74,65,6d,52,6f,6f,74,25,00\r\n\"L\"=hex(7):61,00,62,00,00\r\n")
        assert [op.value for op in parse_reg(data, "old.reg")] == [
            RegValue("sz", "J\u00fcrgen"), RegValue("expand_sz", "%SystemRoot%"), RegValue("multi_sz", ("a", "b"))]

    def test_no_header(self) -> None:
        err = error(b"[HKEY_LOCAL_MACHINE\\S]\r\n", "x.reg")
        # The line is not quoted: a planted non-.reg file must not show its content through the error.
        assert str(err) == ("x.reg, line 1: expected a 'Windows Registry Editor Version 5.00' or 'REGEDIT4' header, "
                            "got a first line of 22 characters that is not one")

    def test_empty_file(self) -> None:
        assert "header, got an empty file" in str(error(b""))

    def test_utf16_without_bom(self) -> None:
        data = "Windows Registry Editor Version 5.00\r\n".encode("utf-16-le")
        assert "looks like UTF-16 without a byte order mark" in str(error(data))

    def test_broken_utf16_gives_the_offset_in_the_file(self) -> None:
        data = v5("[HKEY_LOCAL_MACHINE\\S]\n") + b"\x00"
        assert error(data).detail == (f"not valid UTF-16 LE text at byte {len(data) - 1}; "
                                      "expected a file as reg.exe writes it")

    def test_broken_utf8(self) -> None:
        err = error(b"Windows Registry Editor Version 5.00\n\xff\n")
        assert str(err) == "bad.reg: not valid UTF-8 text at byte 37; expected a file as reg.exe writes it"


class TestLines:
    def test_comments_blank_lines_and_lf_only(self) -> None:
        data = ("Windows Registry Editor Version 5.00\n\n; exported by hand\n\n[HKEY_LOCAL_MACHINE\\S]\n"
                "  ; indented comment\n\"A\"=dword:00000001\n\n\n").encode("utf-8")
        assert parse_reg(data, "c.reg") == [RegOperation("set", "HKEY_LOCAL_MACHINE\\S", "A", RegValue("dword", 1), 7)]

    def test_crlf_and_lf_give_the_same_operations(self) -> None:
        body = '[HKEY_LOCAL_MACHINE\\S]\n"A"=hex:01,02,\\\n  03\n"B"="x"\n'
        crlf = v5(body)
        lf = b"\xff\xfe" + ("Windows Registry Editor Version 5.00\n\n" + body).encode("utf-16-le")
        assert parse_reg(crlf, "a.reg") == parse_reg(lf, "a.reg")

    def test_quoted_names_with_escapes(self) -> None:
        [op] = parse_reg(v5('[HKEY_LOCAL_MACHINE\\S]\n"C:\\\\Temp\\\\\\"x\\""="v"\n'), "n.reg")
        assert op.name == 'C:\\Temp\\"x"'

    def test_default_value(self) -> None:
        [op] = parse_reg(v5('[HKEY_LOCAL_MACHINE\\S]\n@="default"\n'), "d.reg")
        assert (op.name, op.value) == ("", RegValue("sz", "default"))

    def test_deletions(self) -> None:
        ops = parse_reg(v5('[-HKEY_LOCAL_MACHINE\\S\\Old]\n\n[HKEY_LOCAL_MACHINE\\S]\n"Gone"=-\n@=-\n'), "del.reg")
        assert ops == [
            RegOperation("delete_key", "HKEY_LOCAL_MACHINE\\S\\Old", line=3),
            RegOperation("delete_value", "HKEY_LOCAL_MACHINE\\S", "Gone", line=6),
            RegOperation("delete_value", "HKEY_LOCAL_MACHINE\\S", "", line=7),
        ]

    def test_short_hive_names_are_accepted_as_written(self) -> None:
        assert parse_reg(v5('[HKLM\\S]\n"A"=dword:00000000\n'), "s.reg")[0].key == "HKLM\\S"


class TestValueTypes:
    def test_dword(self) -> None:
        assert one_value('"A"=dword:DeadBeef') == RegValue("dword", 0xDEADBEEF)

    def test_qword_is_eight_little_endian_bytes(self) -> None:
        assert one_value('"A"=hex(b):01,00,00,00,02,00,00,00') == RegValue("qword", 0x200000001)

    def test_string_escapes(self) -> None:
        assert one_value('"A"="C:\\\\Program Files\\\\\\"x\\""') == RegValue("sz", 'C:\\Program Files\\"x"')

    def test_unknown_backslash_escapes_are_kept_literally(self) -> None:
        assert one_value('"A"="a\\nb"') == RegValue("sz", "a\\nb")

    def test_empty_string(self) -> None:
        assert one_value('"A"=""') == RegValue("sz", "")

    def test_expand_sz(self) -> None:
        data = ",".join(f"{b:02x}" for b in "%SystemRoot%\\x\x00".encode("utf-16-le"))
        assert one_value(f'"A"=hex(2):{data}') == RegValue("expand_sz", "%SystemRoot%\\x")

    def test_multi_sz_stops_at_the_double_nul(self) -> None:
        data = ",".join(f"{b:02x}" for b in "a\x00bc\x00\x00junk".encode("utf-16-le"))
        assert one_value(f'"A"=hex(7):{data}') == RegValue("multi_sz", ("a", "bc"))

    def test_empty_multi_sz(self) -> None:
        assert one_value('"A"=hex(7):00,00') == RegValue("multi_sz", ())

    def test_binary_and_none(self) -> None:
        assert one_value('"A"=hex:00,ff,1') == RegValue("binary", b"\x00\xff\x01")
        assert one_value('"A"=hex:') == RegValue("binary", b"")
        assert one_value('"A"=hex(0):05') == RegValue("none", b"\x05")

    def test_hex4_is_a_dword_and_hex1_a_string(self) -> None:
        assert one_value('"A"=hex(4):02,01,00,00') == RegValue("dword", 0x102)
        assert one_value('"A"=hex(1):68,00,69,00,00,00') == RegValue("sz", "hi")

    def test_other_hex_types_are_kept_as_binary(self) -> None:
        assert one_value('"A"=HEX(5):00,00,01,00') == RegValue("binary", b"\x00\x00\x01\x00")
        assert one_value('"A"=hex(8):aa') == RegValue("binary", b"\xaa")


class TestErrors:
    def test_value_before_any_key(self) -> None:
        err = error(v5('"A"=dword:00000001\n'))
        assert (err.line, err.detail) == (3, "value line before any [KEY] line; expected a [HKEY_...] line first")

    def test_unterminated_string(self) -> None:
        err = error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"="abc\\"\n'))
        assert str(err) == "bad.reg, line 4: unterminated string: expected a closing '\"' before the end of the line"

    def test_unterminated_name(self) -> None:
        assert "unterminated value name" in str(error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A=dword:00000001\n')))

    @pytest.mark.parametrize("digits", ["0000001", "000000001", "0000000g", ""])
    def test_bad_dword(self, digits: str) -> None:
        err = error(v5(f'[HKEY_LOCAL_MACHINE\\S]\n"A"=dword:{digits}\n'))
        assert err.line == 4
        assert err.detail.startswith("expected dword:xxxxxxxx with exactly 8 hex digits")

    @pytest.mark.parametrize("data", ["hex:0g", "hex:01,,02", "hex:123", "hex(7):01 02"])
    def test_bad_hex(self, data: str) -> None:
        err = error(v5(f'[HKEY_LOCAL_MACHINE\\S]\n"A"={data}\n'))
        assert err.line == 4
        assert "expected comma-separated hex bytes such as 01,00,ff" in err.detail

    def test_bad_hex_on_a_continuation_line_reports_the_value_line(self) -> None:
        err = error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"=hex:01,\\\n  zz\n'))
        assert (err.line, err.detail) == (4, "bad hex byte 'zz'; expected comma-separated hex bytes such as 01,00,ff")

    def test_qword_must_be_eight_bytes(self) -> None:
        err = error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"=hex(b):01,00\n'))
        assert err.detail == "expected exactly 8 bytes for hex(b) (qword), got 2"

    def test_continuation_without_a_next_line(self) -> None:
        err = error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"=hex:01,\\\n\n'))
        assert err.line == 4
        assert err.detail.startswith("hex data ends with '\\' but the next line does not continue it")

    def test_unknown_data_form(self) -> None:
        err = error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"=str(2):"x"\n'))
        assert err.detail == "expected a quoted string, dword:, hex:, hex(N): or - (delete), got 'str(2):\"x\"'"

    def test_missing_equals(self) -> None:
        assert "expected '=' after the value name" in str(error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A" dword:1\n')))

    def test_text_after_a_string(self) -> None:
        assert "unexpected text after the closing quote" in str(error(v5('[HKEY_LOCAL_MACHINE\\S]\n"A"="x" y\n')))

    def test_junk_line(self) -> None:
        err = error(v5("[HKEY_LOCAL_MACHINE\\S]\nEnabled=1\n"))
        assert err.line == 4
        assert err.detail.startswith("expected a [KEY] line, a value line")

    def test_unknown_hive(self) -> None:
        err = error(v5("[HKEY_NOWHERE\\S]\n"))
        assert err.line == 3
        assert "expected a key under HKEY_LOCAL_MACHINE" in err.detail

    def test_unclosed_key_line(self) -> None:
        assert "expected a key line such as" in str(error(v5("[HKEY_LOCAL_MACHINE\\S\n")))

    def test_value_under_a_deleted_key(self) -> None:
        err = error(v5('[-HKEY_LOCAL_MACHINE\\S]\n"A"=dword:00000001\n'))
        assert err.line == 4
        assert "value line under the deleted key" in err.detail


class TestRender:
    def test_empty_file_is_header_and_blank_line(self) -> None:
        assert render_reg([]) == b"\xff\xfe" + "Windows Registry Editor Version 5.00\r\n\r\n".encode("utf-16-le")

    def test_utf8_has_no_bom(self) -> None:
        data = render_reg([(r"HKLM\SOFTWARE\X", [("", RegValue("sz", "d")), ("Old", None)])], encoding="utf-8")
        assert data == (b"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"
                        b"@=\"d\"\r\n\"Old\"=-\r\n\r\n")

    def test_each_type_is_written_as_regedit_does(self) -> None:
        values = [
            ("D", RegValue("dword", 0xFFFFFFFF)),
            ("Q", RegValue("qword", 1)),
            ("S", RegValue("sz", 'a\\"b')),
            ("E", RegValue("expand_sz", "%a%")),
            ("M", RegValue("multi_sz", ("x", "", "y"))),
            ("B", RegValue("binary", b"\x01\xff")),
            ("N", RegValue("none", b"")),
            ("L", RegValue("sz", "two\r\nlines")),
        ]
        lines = render_reg([("HKLM:\\S\\", values)], encoding="utf-8").decode("utf-8").split("\r\n")
        assert lines[2:-2] == [
            "[HKEY_LOCAL_MACHINE\\S]",
            '"D"=dword:ffffffff',
            '"Q"=hex(b):01,00,00,00,00,00,00,00',
            '"S"="a\\\\\\"b"',
            '"E"=hex(2):25,00,61,00,25,00,00,00',
            '"M"=hex(7):78,00,00,00,79,00,00,00,00,00',
            '"B"=hex:01,ff',
            '"N"=hex(0):',
            '"L"=hex(1):74,00,77,00,6f,00,0d,00,0a,00,6c,00,69,00,6e,00,65,00,73,00,00,00',
        ]

    def test_long_name_wraps_after_the_first_byte(self) -> None:
        name = "N" * 80
        lines = render_reg([(r"HKLM\S", [(name, RegValue("binary", b"\x01\x02"))])], "utf-8").decode().split("\r\n")
        assert lines[3:5] == [f'"{name}"=hex:01,\\', "  02"]

    @pytest.mark.parametrize("key, value, message", [
        (r"HKXX\S", RegValue("dword", 1), "is not under a known hive"),
        (r"HKLM\S", RegValue("dword", 1 << 32), "is not valid data for type 'dword'"),
        (r"HKLM\S", RegValue("dword", True), "is not valid data for type 'dword'"),
        (r"HKLM\S", RegValue("sz", "a\x00b"), "holds a NUL character"),
        (r"HKLM\S", RegValue("multi_sz", ["a"]), "is not valid data for type 'multi_sz'"),  # type: ignore[arg-type]
        (r"HKLM\S", RegValue("text", "a"), "is not valid data for type 'text'"),
    ])
    def test_bad_input_is_a_value_error(self, key: str, value: RegValue, message: str) -> None:
        with pytest.raises(ValueError, match=message.replace("(", r"\(")):
            render_reg([(key, [("A", value)])])

    def test_unknown_encoding(self) -> None:
        with pytest.raises(ValueError, match="encoding must be utf-16 or utf-8"):
            render_reg([], encoding="cp1252")

    def test_full_key_path(self) -> None:
        assert full_key_path(r"hkcu\Software\\X\\") == r"HKEY_CURRENT_USER\Software\X"


class TestApply:
    def test_operations_apply_in_order(self) -> None:
        state = HostState("h", "Windows", (6, 1, 7601), 1, "client", "x64")
        state.set(r"HKLM\S\Old\Sub", "x", RegValue("dword", 1))
        state.set(r"HKLM\S", "keep", RegValue("dword", 1))
        data = v5('[-HKEY_LOCAL_MACHINE\\S\\Old]\n\n[HKEY_LOCAL_MACHINE\\S]\n"Keep"=-\n"New"=dword:00000002\n'
                  '@="d"\n"New"=dword:00000003\n')
        apply_operations(state, parse_reg(data, "a.reg"))
        assert state.registry == {
            ("HKLM\\S", "new"): RegValue("dword", 3),
            ("HKLM\\S", ""): RegValue("sz", "d"),
        }


def test_a_long_malformed_line_shows_its_end_where_the_fault_is() -> None:
    from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import ExportFormatError
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import parse_reg

    key = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"
    data = ("Windows Registry Editor Version 5.00\r\n\r\n" + key + "\r\n").encode("utf-8")
    try:
        parse_reg(data, "schannel.reg")
    except ExportFormatError as err:
        assert "TLS 1.2\\\\Client'" in err.detail, err.detail  # the end, where the "]" is missing
        assert "[HKEY_LOCAL_MACHINE" in err.detail
    else:
        raise AssertionError("a key line without ']' was accepted")

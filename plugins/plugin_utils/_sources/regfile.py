# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read and write ``.reg`` files as ``reg.exe export`` and regedit make them (internal use only).

Reading accepts what Windows writes: UTF-16 LE with a byte order mark and the
``Windows Registry Editor Version 5.00`` header (``reg export``), the same in
UTF-8 (with or without a BOM), and the older ANSI ``REGEDIT4`` format.

Value data forms: ``"string"``, ``dword:xxxxxxxx``, ``hex:`` (binary),
``hex(N):`` for the other types and ``-`` (delete). ``hex(0)`` is ``none``,
``hex(1)``/``hex(2)``/``hex(7)`` are the string types, ``hex(4)`` a dword and
``hex(b)`` a qword. Any other ``hex(N)`` (``REG_DWORD_BIG_ENDIAN``, resource
lists, links...) is kept as ``binary`` with its bytes: tlsready never reads
such values, and refusing a whole export because of one of them would stop
an audit for nothing. Rewriting one would store it as ``REG_BINARY``.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from .._errors import ExportFormatError
from .state import HostState, RegValue

HEADER_V5 = "Windows Registry Editor Version 5.00"
HEADER_V4 = "REGEDIT4"

SET = "set"
DELETE_VALUE = "delete_value"
DELETE_KEY = "delete_key"

_HIVES = {
    "HKEY_LOCAL_MACHINE": "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER": "HKEY_CURRENT_USER",
    "HKEY_USERS": "HKEY_USERS",
    "HKEY_CLASSES_ROOT": "HKEY_CLASSES_ROOT",
    "HKEY_CURRENT_CONFIG": "HKEY_CURRENT_CONFIG",
    "HKLM": "HKEY_LOCAL_MACHINE",
    "HKCU": "HKEY_CURRENT_USER",
    "HKU": "HKEY_USERS",
    "HKCR": "HKEY_CLASSES_ROOT",
    "HKCC": "HKEY_CURRENT_CONFIG",
}

# hex(N) type numbers that map onto one of tlsready's value types.
_REG_NONE, _REG_SZ, _REG_EXPAND_SZ, _REG_BINARY, _REG_DWORD, _REG_MULTI_SZ, _REG_QWORD = 0, 1, 2, 3, 4, 7, 11

# regedit wraps hex data once a line reaches this column (80 characters with the trailing backslash).
_WRAP_COLUMN = 77

_DATA_FORMS = "a quoted string, dword:, hex:, hex(N): or - (delete)"
_HEX_FORM = "comma-separated hex bytes such as 01,00,ff"


@dataclasses.dataclass(frozen=True)
class RegOperation:
    """One change a ``.reg`` file makes, in file order.

    Attributes:
        kind: ``set``, ``delete_value`` or ``delete_key``.
        key: the key path as written in the file.
        name: the value name, ``''`` for the default value (``@``) and for ``delete_key``.
        value: the data for ``set``; None otherwise.
        line: the 1-based line the operation starts on.
    """

    kind: str
    key: str
    name: str = ""
    value: RegValue | None = None
    line: int = 0


class _Lines:
    """The decoded lines of one file, numbered from 1; continuation lines are taken from the same iterator."""

    def __init__(self, text: str) -> None:
        # Split on LF only: a lone CR or other Unicode line breaks may be part of a name.
        self.lines = [line.rstrip("\r") for line in text.split("\n")]
        self.index = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> tuple[int, str]:
        if self.index >= len(self.lines):
            raise StopIteration
        self.index += 1
        return self.index, self.lines[self.index - 1]


# ---------------------------------------------------------------------------- parsing


def parse_reg(data: bytes, path: str) -> list[RegOperation]:
    """Parse the bytes of a ``.reg`` file into its operations, in file order.

    Args:
        data: the file content.
        path: the file name, used in error messages.

    Raises:
        ExportFormatError: naming the file, the line and what was expected.
    """
    text = _decode(data, path)
    # REGEDIT4 stores string types as ANSI bytes, version 5 as UTF-16 LE.
    string_codec = "cp1252" if text.startswith(HEADER_V4) else "utf-16-le"
    lines = _Lines(text)
    next(lines)  # the header, checked by _decode
    operations: list[RegOperation] = []
    key: str | None = None
    key_deleted = False
    for number, line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        if stripped.startswith("["):
            key, key_deleted = _parse_key_line(stripped, path, number)
            if key_deleted:
                operations.append(RegOperation(DELETE_KEY, key, line=number))
            continue
        _check_value_line(stripped, key, key_deleted, path, number)
        operations.append(_parse_value_line(stripped, lines, t.cast(str, key), string_codec, path, number))
    return operations


def _check_value_line(line: str, key: str | None, key_deleted: bool, path: str, number: int) -> None:
    if not line.startswith(("@", '"')):
        raise ExportFormatError(
            path, f"expected a [KEY] line, a value line (\"Name\"=... or @=...) or a ; comment, got {_show(line)}",
            number)
    if key is None:
        raise ExportFormatError(path, "value line before any [KEY] line; expected a [HKEY_...] line first", number)
    if key_deleted:
        raise ExportFormatError(path, f"value line under the deleted key [-{key}]; expected a [KEY] line first",
                                number)


def _decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xff\xfe"):
        text = _decode_strict(data, 2, "utf-16-le", path)
    elif data.startswith(b"\xef\xbb\xbf"):
        text = _decode_strict(data, 3, "utf-8", path)
    elif data.startswith(HEADER_V4.encode("ascii")):
        text = _decode_ansi(data)
    elif b"\x00" in data[:8]:
        raise ExportFormatError(path, "looks like UTF-16 without a byte order mark; expected UTF-16 LE with a BOM "
                                      "(as reg.exe writes) or UTF-8")
    else:
        text = _decode_strict(data, 0, "utf-8", path)
    first = text.split("\n", 1)[0].rstrip("\r").rstrip()
    if first not in (HEADER_V5, HEADER_V4):
        # The line itself is not quoted: a file that is no .reg file (a password file behind a
        # planted name) must not reach reports through this message.
        what = "an empty file" if not text.strip() else f"a first line of {len(first)} characters that is not one"
        raise ExportFormatError(path, f"expected a '{HEADER_V5}' or '{HEADER_V4}' header, got {what}", 1)
    return text


def _decode_strict(data: bytes, skip: int, codec: str, path: str) -> str:
    """Decode ``data`` after its ``skip``-byte BOM; errors give the offset in the file."""
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as err:
        name = "UTF-16 LE" if codec == "utf-16-le" else "UTF-8"
        raise ExportFormatError(
            path, f"not valid {name} text at byte {err.start + skip}; expected a file as reg.exe writes it") from None


def _decode_ansi(data: bytes) -> str:
    # REGEDIT4 files are in the host's ANSI code page, which the controller cannot know;
    # UTF-8 is tried first because hand-made files often are, Windows-1252 never fails.
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _show(text: str, limit: int = 40) -> str:
    """Quote a piece of the file for an error message, shortened.

    Both ends are kept: the fault of a malformed line is as often at its end (a missing
    ``]`` or closing quote) as at its start.
    """
    if len(text) <= limit:
        return repr(text)
    half = limit // 2
    return f"{text[:half]!r}...{text[-half:]!r} ({len(text)} characters)"


def _parse_key_line(line: str, path: str, number: int) -> tuple[str, bool]:
    if not line.endswith("]"):
        raise ExportFormatError(path, f"expected a key line such as [HKEY_LOCAL_MACHINE\\SOFTWARE], got {_show(line)}",
                                number)
    key = line[1:-1]
    deleted = key.startswith("-")
    if deleted:
        key = key[1:]
    hive = key.split("\\", 1)[0].upper()
    if hive not in _HIVES:
        raise ExportFormatError(
            path, f"expected a key under HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER, HKEY_USERS, HKEY_CLASSES_ROOT or "
                  f"HKEY_CURRENT_CONFIG, got {_show(line)}", number)
    return key, deleted


def _parse_value_line(line: str, lines: _Lines, key: str, codec: str, path: str, number: int) -> RegOperation:
    if line.startswith("@"):
        name, rest = "", line[1:]
    else:
        name, end = _read_quoted(line, 0, path, number, "value name")
        rest = line[end:]
    rest = rest.lstrip()
    if not rest.startswith("="):
        raise ExportFormatError(path, f"expected '=' after the value name, got {_show(rest) if rest else 'nothing'}",
                                number)
    data = rest[1:].strip()
    if data == "-":
        return RegOperation(DELETE_VALUE, key, name, line=number)
    if data.lower().startswith("hex"):
        data = _join_continuations(data, lines, path, number)
    return RegOperation(SET, key, name, _parse_data(data, codec, path, number), number)


def _read_quoted(text: str, start: int, path: str, number: int, what: str) -> tuple[str, int]:
    """Read the quoted string that starts at ``text[start]``; return it unescaped and the index after it."""
    out: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == '"':
            return "".join(out), index + 1
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '\\"':
            out.append(text[index + 1])
            index += 2
            continue
        # regedit escapes only \\ and \"; any other backslash is taken literally, as Windows does.
        out.append(char)
        index += 1
    raise ExportFormatError(path, f"unterminated {what}: expected a closing '\"' before the end of the line", number)


def _join_continuations(data: str, lines: _Lines, path: str, number: int) -> str:
    while data.endswith("\\"):
        item = next(lines, None)
        following = item[1].strip() if item is not None else ""
        if not following or following.startswith((";", "[", '"', "@")):
            raise ExportFormatError(
                path, "hex data ends with '\\' but the next line does not continue it; expected an indented line "
                      "of hex bytes", number)
        data = data[:-1].rstrip() + following
    return data


def _parse_data(data: str, codec: str, path: str, number: int) -> RegValue:
    if data.startswith('"'):
        text, end = _read_quoted(data, 0, path, number, "string")
        if data[end:].strip():
            raise ExportFormatError(path, f"unexpected text after the closing quote: {_show(data[end:].strip())}",
                                    number)
        return RegValue("sz", text)
    lowered = data.lower()
    if lowered.startswith("dword:"):
        return RegValue("dword", _parse_dword(data[6:].strip(), path, number))
    match = re.match(r"hex(?:\(([0-9a-f]{1,8})\))?:", lowered)
    if match is None:
        raise ExportFormatError(path, f"expected {_DATA_FORMS}, got {_show(data)}", number)
    type_number = int(match.group(1), 16) if match.group(1) is not None else _REG_BINARY
    raw = _parse_hex_bytes(data[match.end():], path, number)
    return _typed_value(type_number, raw, codec, path, number)


def _parse_dword(digits: str, path: str, number: int) -> int:
    if not re.fullmatch(r"[0-9a-fA-F]{8}", digits):
        raise ExportFormatError(path, f"expected dword:xxxxxxxx with exactly 8 hex digits, got dword:{_show(digits)}",
                                number)
    return int(digits, 16)


_HEX_BYTE = re.compile(r"[0-9a-fA-F]{1,2}")
# Comma-separated two-digit bytes with optional spaces around the commas (the common case).
_HEX_PAIRS = re.compile(r"[0-9a-fA-F]{2}(?: *, *[0-9a-fA-F]{2})*")


def _parse_hex_bytes(text: str, path: str, number: int) -> bytes:
    text = text.strip()
    if not text:
        return b""
    if _HEX_PAIRS.fullmatch(text):
        # reg.exe's own form (two digits per byte): one C-level conversion, not a regex per byte.
        return bytes.fromhex(text.replace(",", " "))
    tokens = [token.strip() for token in text.split(",")]
    bad = next((token for token in tokens if not _HEX_BYTE.fullmatch(token)), None)
    if bad is not None:
        raise ExportFormatError(path, f"bad hex byte {_show(bad)}; expected {_HEX_FORM}", number)
    return bytes(int(token, 16) for token in tokens)


def _typed_value(type_number: int, raw: bytes, codec: str, path: str, number: int) -> RegValue:
    if type_number == _REG_NONE:
        return RegValue("none", raw)
    if type_number in (_REG_SZ, _REG_EXPAND_SZ):
        text = _decode_strings(raw, codec)
        return RegValue("sz" if type_number == _REG_SZ else "expand_sz", text[0] if text else "")
    if type_number == _REG_MULTI_SZ:
        return RegValue("multi_sz", tuple(_decode_strings(raw, codec)))
    if type_number in (_REG_DWORD, _REG_QWORD):
        size = 4 if type_number == _REG_DWORD else 8
        if len(raw) != size:
            raise ExportFormatError(
                path, f"expected exactly {size} bytes for hex({type_number:x}) ({'dword' if size == 4 else 'qword'}), "
                      f"got {len(raw)}", number)
        return RegValue("dword" if size == 4 else "qword", int.from_bytes(raw, "little"))
    return RegValue("binary", raw)


def _decode_strings(raw: bytes, codec: str) -> list[str]:
    """Split NUL-terminated strings; the first empty one ends the list, as it does for Windows."""
    width = 2 if codec == "utf-16-le" else 1
    # A trailing odd byte cannot be part of a UTF-16 character; Windows ignores it too.
    raw = raw[: len(raw) - len(raw) % width]
    text = raw.decode(codec, errors="replace")
    strings: list[str] = []
    for part in text.split("\x00"):
        if not part:
            break
        strings.append(part)
    return strings


def apply_operations(state: HostState, ops: t.Iterable[RegOperation]) -> None:
    """Apply parsed ``.reg`` operations to ``state``, in order, as ``reg import`` would."""
    for op in ops:
        if op.kind == SET and op.value is not None:
            state.set(op.key, op.name, op.value)
        elif op.kind == DELETE_VALUE:
            state.delete(op.key, op.name)
        elif op.kind == DELETE_KEY:
            state.delete_key(op.key)


# ---------------------------------------------------------------------------- rendering

RegKeyValues = t.Sequence[t.Tuple[str, t.Sequence[t.Tuple[str, t.Optional[RegValue]]]]]


def render_reg(keys: RegKeyValues, encoding: str = "utf-16") -> bytes:
    """Render keys and their values as ``reg export`` writes them.

    Args:
        keys: ``(key path, [(value name, value or None to delete)])`` in output order;
            ``HKLM\\...`` is written ``HKEY_LOCAL_MACHINE\\...``; ``''`` is the default value.
        encoding: ``utf-16`` (UTF-16 LE with a BOM, what reg.exe writes) or ``utf-8`` (no BOM).

    Raises:
        ValueError: for an unknown encoding, a key outside the known hives or data
            that does not fit its type (a bug in the caller, not in a file).
    """
    if encoding not in ("utf-16", "utf-8"):
        raise ValueError(f"encoding must be utf-16 or utf-8, not {encoding!r}")
    out = [HEADER_V5, ""]
    for key, values in keys:
        out.append(f"[{full_key_path(key)}]")
        for name, value in values:
            out.extend(_render_value(name, value))
        out.append("")
    text = "\r\n".join(out) + "\r\n"
    if encoding == "utf-8":
        return text.encode("utf-8")
    return b"\xff\xfe" + text.encode("utf-16-le")


def full_key_path(key: str) -> str:
    """Return ``key`` with its hive spelled out (``HKLM\\X`` becomes ``HKEY_LOCAL_MACHINE\\X``).

    Raises:
        ValueError: when the key is not under a known hive or holds a line break.
    """
    parts = [part for part in key.split("\\") if part]
    hive = parts[0].rstrip(":").upper() if parts else ""
    if hive not in _HIVES:
        raise ValueError(f"registry key {key!r} is not under a known hive (HKEY_LOCAL_MACHINE, HKLM, ...)")
    if any(char in key for char in "\r\n"):
        raise ValueError(f"registry key {key!r} holds a line break, which a .reg file cannot carry")
    return "\\".join([_HIVES[hive]] + parts[1:])


def _render_value(name: str, value: RegValue | None) -> list[str]:
    if any(char in name for char in "\r\n"):
        raise ValueError(f"value name {name!r} holds a line break, which a .reg file cannot carry")
    prefix = "@=" if name == "" else f"{_quote(name)}="
    if value is None:
        return [prefix + "-"]
    kind, data = value.type, value.data
    if kind == "dword" and _is_int(data, 32):
        return [f"{prefix}dword:{t.cast(int, data):08x}"]
    if kind == "qword" and _is_int(data, 64):
        return _wrap_hex(prefix + "hex(b):", t.cast(int, data).to_bytes(8, "little"))
    if kind in ("sz", "expand_sz") and isinstance(data, str):
        _check_no_nul(name, data)
        if kind == "sz" and not any(char in data for char in "\r\n"):
            return [prefix + _quote(data)]
        # A string with a line break cannot be quoted on one line; regedit also falls back to hex(1).
        code = "1" if kind == "sz" else "2"
        return _wrap_hex(f"{prefix}hex({code}):", (data + "\x00").encode("utf-16-le"))
    if kind == "multi_sz" and isinstance(data, tuple) and all(isinstance(s, str) for s in data):
        for item in data:
            _check_no_nul(name, item)
        # REG_MULTI_SZ cannot hold an empty string (it would end the list); regedit drops them as well.
        joined = "".join(item + "\x00" for item in data if item) + "\x00"
        return _wrap_hex(prefix + "hex(7):", joined.encode("utf-16-le"))
    if kind in ("binary", "none") and isinstance(data, (bytes, type(None))):
        return _wrap_hex(prefix + ("hex:" if kind == "binary" else "hex(0):"), data or b"")
    raise ValueError(f"value {name!r}: {data!r} is not valid data for type {kind!r}")


def _is_int(data: object, bits: int) -> bool:
    return isinstance(data, int) and not isinstance(data, bool) and 0 <= data < (1 << bits)


def _check_no_nul(name: str, text: str) -> None:
    if "\x00" in text:
        raise ValueError(f"value {name!r} holds a NUL character, which ends a registry string")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap_hex(prefix: str, raw: bytes) -> list[str]:
    """Write ``raw`` as regedit does: ``xx,`` pairs, wrapped with ``,\\`` once a line reaches column 77."""
    lines: list[str] = []
    line = prefix
    for index, byte in enumerate(raw):
        line += f"{byte:02x}"
        if index == len(raw) - 1:
            break
        line += ","
        if len(line) >= _WRAP_COLUMN:
            lines.append(line + "\\")
            line = "  "
    lines.append(line)
    return lines

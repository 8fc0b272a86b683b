# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read file versions from ``wmic datafile ... get Name,Version /format:csv`` output (internal use only).

``collect.cmd`` appends one wmic run per file, so the header row repeats and
each run starts with its own byte order mark and a blank line. wmic ends its
lines with ``\\r\\r\\n`` when redirected. A run for a file that does not exist
prints ``No Instance(s) Available.``; such files are simply absent from the result.
"""

from __future__ import annotations

import re
import typing as t

from .._errors import ExportFormatError
from .state import parse_version

_NO_INSTANCES = "no instance(s) available."
_EXPECTED_HEADER = "a 'Node,Name,Version' header row"


class _Columns(t.NamedTuple):
    """Where the header put each column."""

    fields: int
    name: int
    version: int


def parse_file_versions(data: bytes, path: str) -> dict[str, tuple[int, ...]]:
    """Parse appended wmic CSV runs into ``{lower-case full path: version}``.

    A file listed with an empty Version (it has no version resource) is left out.

    Args:
        data: the file content (usually UTF-16 LE with a BOM).
        path: the file name, used in error messages.

    Raises:
        ExportFormatError: naming the file, the line and what was expected.
    """
    versions: dict[str, tuple[int, ...]] = {}
    columns: _Columns | None = None
    for number, line in enumerate(_decode(data, path).split("\n"), start=1):
        # Each appended run brings its own BOM; wmic's \r\r\n leaves extra \r behind.
        line = line.replace("\ufeff", "").strip()
        if not line or line.lower() == _NO_INSTANCES:
            continue
        fields = line.split(",")
        if _is_header(fields):
            columns = _header_columns(fields, path, number)
            continue
        if columns is None:
            raise ExportFormatError(path, f"expected {_EXPECTED_HEADER} before the data, got {_show(line)}", number)
        name, version = _row(fields, columns, path, number)
        if version is not None:
            versions[name] = version
    return versions


def _decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xff\xfe"):
        return _decode_with(data, 2, "utf-16-le", path)
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode_with(data, 3, "utf-8", path)
    if len(data) % 2 == 0 and data[1:2] == b"\x00" and data[:1] != b"\x00":
        # UTF-16 LE that lost its BOM (copied through a tool that strips it).
        return _decode_with(data, 0, "utf-16-le", path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Redirected through "more" or a console pipe, wmic writes the OEM code page.
        return data.decode("cp437")


def _decode_with(data: bytes, skip: int, codec: str, path: str) -> str:
    """Decode ``data`` after its ``skip``-byte BOM; errors give the offset in the file."""
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as err:
        name = "UTF-16 LE" if codec == "utf-16-le" else "UTF-8"
        raise ExportFormatError(path, f"not valid {name} text at byte {err.start + skip}; expected wmic "
                                      f"/format:csv output") from None


def _show(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _is_header(fields: list[str]) -> bool:
    names = {field.strip().lower() for field in fields}
    return "node" in names and ("name" in names or "version" in names)


def _header_columns(fields: list[str], path: str, number: int) -> _Columns:
    names = [field.strip().lower() for field in fields]
    if "name" not in names or "version" not in names or len(set(names)) != len(names):
        raise ExportFormatError(path, f"expected {_EXPECTED_HEADER} (wmic ... get Name,Version /format:csv), got "
                                      f"{_show(','.join(fields))}", number)
    return _Columns(len(names), names.index("name"), names.index("version"))


def _row(fields: list[str], columns: _Columns, path: str, number: int) -> tuple[str, tuple[int, ...] | None]:
    if len(fields) < columns.fields:
        raise ExportFormatError(path, f"expected {columns.fields} comma-separated fields as in the header, got "
                                      f"{len(fields)}", number)
    # A path may hold commas; the other columns (host name, version) cannot, so extra fields belong to the name.
    extra = len(fields) - columns.fields
    at = columns.name
    fields = fields[:at] + [",".join(fields[at:at + extra + 1])] + fields[at + extra + 1:]
    name = fields[at].strip()
    version_text = fields[columns.version].strip()
    if not name:
        raise ExportFormatError(path, "expected a file path in the Name column, got nothing", number)
    if not version_text:
        return name.lower(), None
    if not re.fullmatch(r"\d+(?:\.\d+)*", version_text, re.ASCII):
        raise ExportFormatError(path, f"expected a version such as 6.1.7601.23375 for {name}, got "
                                      f"{_show(version_text)}", number)
    return name.lower(), parse_version(version_text)

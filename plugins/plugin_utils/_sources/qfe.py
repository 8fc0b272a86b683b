# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the installed updates list from ``wmic qfe ... /format:csv`` or PowerShell CSV (internal use only).

Both read ``Win32_QuickFixEngineering``. Their property names (``HotFixID``) are never
translated and the list is never cut, unlike systeminfo's. Accepted forms:

* ``wmic qfe get HotFixID,InstalledOn /format:csv``: UTF-16 LE with a BOM, a blank first line,
  lines ending ``\\r\\r\\n``, unquoted fields, a ``Node`` column;
* PowerShell ``Get-HotFix`` / ``Get-CimInstance Win32_QuickFixEngineering`` piped to
  ``ConvertTo-Csv -NoTypeInformation`` or ``Export-Csv`` (quoted fields, maybe a ``#TYPE`` line).
"""

from __future__ import annotations

import csv
import dataclasses
import re

from .._errors import ExportFormatError

_KB = re.compile(r"(?:KB)?(\d+)", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class QfeList:
    """The updates a qfe export lists."""

    hotfixes: frozenset[str]
    rows: int
    tool: str  # "wmic qfe" or "PowerShell"


def parse_qfe(data: bytes, path: str) -> QfeList:
    """Parse a qfe CSV export.

    Raises:
        ExportFormatError: naming the file, the line and what was expected.
    """
    text = _decode(data, path)
    lines = [line.replace("\ufeff", "").strip("\r") for line in text.split("\n")]
    column: int | None = None
    quoted = False
    found: set[str] = set()
    rows = 0
    reader = csv.reader(lines)
    try:
        for fields in reader:
            if not fields or not any(field.strip() for field in fields) or fields[0].startswith("#TYPE"):
                continue
            names = [field.strip().lower() for field in fields]
            if "hotfixid" in names:
                column = names.index("hotfixid")
                quoted = '"' in lines[reader.line_num - 1]
                continue
            if column is None:
                raise ExportFormatError(path, f"expected a header row naming HotFixID (wmic qfe get HotFixID "
                                              f"/format:csv, or Get-HotFix | ConvertTo-Csv), got {fields[0][:60]!r}",
                                        reader.line_num)
            if len(fields) <= column:
                raise ExportFormatError(path, f"expected a HotFixID in column {column + 1}, got {len(fields)} fields",
                                        reader.line_num)
            rows += 1
            match = _KB.fullmatch(fields[column].strip())
            # "File 1" and "Q147222" (Windows XP / 2003) name no KB.
            if match:
                found.add("KB" + match.group(1))
    except csv.Error as err:
        raise ExportFormatError(path, f"not valid CSV ({err})", reader.line_num) from None
    if column is None:
        raise ExportFormatError(path, "found no header row naming HotFixID; expected the output of 'wmic qfe get "
                                      "HotFixID,InstalledOn /format:csv' or of Get-HotFix | ConvertTo-Csv")
    return QfeList(frozenset(found), rows, "PowerShell" if quoted else "wmic qfe")


def _decode(data: bytes, path: str) -> str:
    if data.startswith(b"\xff\xfe"):
        codec, skip = "utf-16-le", 2
    elif data.startswith(b"\xef\xbb\xbf"):
        codec, skip = "utf-8", 3
    elif len(data) >= 2 and data[1:2] == b"\x00":
        codec, skip = "utf-16-le", 0
    else:
        codec, skip = "utf-8", 0
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError:
        if codec == "utf-8":
            # Property names and KB ids are ASCII; other columns may be in the console code page.
            return data[skip:].decode("cp437")
        raise ExportFormatError(path, "not valid UTF-16 text; expected wmic or PowerShell CSV output") from None

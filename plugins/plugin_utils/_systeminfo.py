# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the output of ``systeminfo`` (internal use only).

Both formats are read: ``systeminfo /fo csv`` (a header row and a data row of
quoted fields) and the default list (``Label:   value`` lines, with lists such
as the installed updates continued on indented lines). systeminfo translates
its labels, so only output from an English display language can be read;
anything else fails naming the English labels that were not found.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import typing as t

from ._errors import ExportFormatError
from ._state import parse_version

HOST_NAME = "Host Name"
OS_NAME = "OS Name"
OS_VERSION = "OS Version"
OS_CONFIGURATION = "OS Configuration"
SYSTEM_TYPE = "System Type"
HOTFIXES = "Hotfix(s)"

REQUIRED_LABELS = (HOST_NAME, OS_NAME, OS_VERSION, SYSTEM_TYPE, HOTFIXES)

# Every label English systeminfo prints (Windows XP to 11), so that a list line is split
# at the right colon even when the label holds one ("Virtual Memory: Max Size:").
_KNOWN_LABELS = tuple(sorted((
    HOST_NAME, OS_NAME, OS_VERSION, "OS Manufacturer", OS_CONFIGURATION, "OS Build Type",
    "Registered Owner", "Registered Organization", "Product ID", "Original Install Date",
    "System Boot Time", "System Up Time", "System Manufacturer", "System Model", SYSTEM_TYPE,
    "Processor(s)", "BIOS Version", "Windows Directory", "System Directory", "Boot Device",
    "System Locale", "Input Locale", "Time Zone", "Total Physical Memory", "Available Physical Memory",
    "Virtual Memory: Max Size", "Virtual Memory: Available", "Virtual Memory: In Use",
    "Page File Location(s)", "Domain", "Logon Server", HOTFIXES, "Network Card(s)", "Hyper-V Requirements",
), key=len, reverse=True))

_ARCHITECTURES = (("x64-based", "x64"), ("x86-based", "x86"), ("arm64-based", "arm64"))


@dataclasses.dataclass(frozen=True)
class SystemInfo:
    """The facts tlsready takes from systeminfo.

    Attributes:
        hostname: ``Host Name``.
        os_name: ``OS Name`` without the trailing space Windows 7 prints.
        version: major, minor and build from ``OS Version``.
        service_pack: the service pack number from ``OS Version`` (0 when none).
        product_type: ``client`` or ``server``.
        architecture: ``x64``, ``x86`` or ``arm64``.
        hotfixes: installed update ids, upper case (``KB3140245``).
    """

    hostname: str
    os_name: str
    version: tuple[int, int, int]
    service_pack: int
    product_type: str
    architecture: str
    hotfixes: frozenset[str]


def parse_systeminfo(data: bytes, path: str) -> SystemInfo:
    """Parse ``systeminfo`` or ``systeminfo /fo csv`` output.

    Args:
        data: the file content (UTF-16 with a BOM, UTF-8 or the OEM code page).
        path: the file name, used in error messages.

    Raises:
        ExportFormatError: naming the file, the line when there is one, and what was expected.
    """
    text = _decode(data, path)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise ExportFormatError(path, "the file is empty; expected the output of 'systeminfo /fo csv' or 'systeminfo'")
    if first.startswith('"'):
        fields, extras = _read_csv(lines, path), "column"
    else:
        fields, extras = _read_list(lines), "label"
    _require_labels(fields, extras, path)
    return _build(fields, path)


def _decode(data: bytes, path: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data[:1] == b"\xff" else "utf-16-be"
        try:
            return data[2:].decode(codec)
        except UnicodeDecodeError as err:
            raise ExportFormatError(path, f"not valid UTF-16 text at byte {err.start + 2}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif b"\x00" in data[:64]:
        raise ExportFormatError(path, "looks like UTF-16 without a byte order mark; expected UTF-16 with a BOM, "
                                      "UTF-8 or the OEM code page")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cmd.exe redirection writes the OEM code page; 437 decodes every byte, and the
        # labels and values tlsready reads are ASCII anyway.
        return data.decode("cp437")


def _read_csv(lines: list[str], path: str) -> dict[str, list[str]]:
    reader = csv.reader(lines)
    header: list[str] | None = None
    row: list[str] | None = None
    try:
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            if header is None:
                header = [field.strip() for field in fields]
            elif [field.strip() for field in fields] != header:
                if len(fields) != len(header):
                    raise ExportFormatError(
                        path, f"expected {len(header)} fields like the header row, got {len(fields)}", reader.line_num)
                # Appended runs repeat the header; the last data row is the newest.
                row = fields
    except csv.Error as err:
        raise ExportFormatError(path, f"not valid CSV ({err})", reader.line_num) from None
    if header is None or row is None:
        raise ExportFormatError(path, "expected a header row and a data row, as 'systeminfo /fo csv' writes")
    result: dict[str, list[str]] = {}
    for name, value in zip(header, row):
        # Multi-line lists (updates, processors, network cards) are one comma-joined field.
        result.setdefault(name, value.split(","))
    return result


def _read_list(lines: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if not line.strip():
            continue
        if line[0] in " \t":
            if current is not None:
                current.append(line.strip())
            continue
        label, value = _split_label(line)
        if label is None:
            current = None
            continue
        current = [value]
        result.setdefault(label, current)
    return result


def _split_label(line: str) -> tuple[str | None, str]:
    for label in _KNOWN_LABELS:
        if line.startswith(label + ":"):
            return label, line[len(label) + 1:].strip()
    # An unknown label still starts a new entry, so its indented lines are not
    # taken as part of the previous (known) one.
    label, sep, value = line.partition(":")
    return (label.strip(), value.strip()) if sep else (None, "")


def _require_labels(fields: t.Mapping[str, list[str]], kind: str, path: str) -> None:
    missing = [label for label in REQUIRED_LABELS if label not in fields]
    if not missing:
        return
    names = ", ".join(f"'{label}'" for label in missing)
    if len(missing) == len(REQUIRED_LABELS):
        raise ExportFormatError(path, f"expected the output of 'systeminfo /fo csv' or 'systeminfo' with English "
                                      f"labels; found none of {names} (tlsready reads English systeminfo only)")
    raise ExportFormatError(path, f"missing the English {kind}(s) {names} (tlsready reads English systeminfo only)")


def _first(fields: t.Mapping[str, list[str]], label: str) -> str:
    values = fields.get(label) or [""]
    return values[0].strip()


def _build(fields: t.Mapping[str, list[str]], path: str) -> SystemInfo:
    hostname = _first(fields, HOST_NAME)
    if not hostname:
        raise ExportFormatError(path, f"'{HOST_NAME}' is empty; expected the computer name")
    os_name = _first(fields, OS_NAME)
    version_text = _first(fields, OS_VERSION)
    return SystemInfo(
        hostname=hostname,
        os_name=os_name,
        version=_version(version_text, path),
        service_pack=_service_pack(version_text),
        product_type=_product_type(_first(fields, OS_CONFIGURATION), os_name),
        architecture=_architecture(_first(fields, SYSTEM_TYPE), path),
        hotfixes=_hotfixes(fields.get(HOTFIXES, [])),
    )


def _version(text: str, path: str) -> tuple[int, int, int]:
    try:
        version = parse_version(text)
    except ValueError:
        version = ()
    if len(version) < 3:
        raise ExportFormatError(
            path, f"expected '{OS_VERSION}' like '6.1.7601 Service Pack 1 Build 7601', got {text!r}")
    return version[0], version[1], version[2]


def _service_pack(text: str) -> int:
    match = re.search(r"Service Pack (\d+)", text, re.IGNORECASE)
    return int(match.group(1)) if match else 0


def _product_type(configuration: str, os_name: str) -> str:
    lowered = configuration.lower()
    if "workstation" in lowered:
        return "client"
    if "server" in lowered or "domain controller" in lowered:
        return "server"
    # Without a recognised OS Configuration, the product name tells ("Windows Server 2008 R2").
    return "server" if "server" in os_name.lower() else "client"


def _architecture(text: str, path: str) -> str:
    lowered = text.lower()
    for prefix, architecture in _ARCHITECTURES:
        if lowered.startswith(prefix):
            return architecture
    raise ExportFormatError(
        path, f"expected '{SYSTEM_TYPE}' to be x64-based PC, X86-based PC or ARM64-based PC, got {text!r}")


def _hotfixes(entries: t.Iterable[str]) -> frozenset[str]:
    found = set()
    for entry in entries:
        # Entries read "[01]: KB2479943"; "File 1", "Q147222" and "N/A" name no KB and are skipped.
        match = re.match(r"\s*(?:\[\d+\]:)?\s*(KB\d+)", entry, re.IGNORECASE)
        if match:
            found.add(match.group(1).upper())
    return frozenset(found)

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The OS identity from registry values, in any display language (internal use only).

``files/collect.cmd`` writes ``osidentity.txt``: ``reg query <key> /v <value>`` for each value
below, appended. reg.exe prints the key, then ``    Name    REG_TYPE    data`` lines; none of
that is translated (only its error messages are, and they go to the log). The same values
read from ``.reg`` exports of these keys count too.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from .._errors import ExportFormatError
from .state import normalize_key, RegValue

CURRENT_VERSION = r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion"
PRODUCT_OPTIONS = r"HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions"
ENVIRONMENT = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
COMPUTER_NAME = r"HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName"

# (key, value) that collect.cmd queries; tests/unit/test_collect_cmd.py keeps the two in step.
IDENTITY_VALUES: tuple[tuple[str, str], ...] = (
    (COMPUTER_NAME, "ComputerName"),
    (CURRENT_VERSION, "ProductName"),
    (CURRENT_VERSION, "CurrentVersion"),
    (CURRENT_VERSION, "CurrentMajorVersionNumber"),
    (CURRENT_VERSION, "CurrentMinorVersionNumber"),
    (CURRENT_VERSION, "CurrentBuildNumber"),
    (CURRENT_VERSION, "CSDVersion"),
    (PRODUCT_OPTIONS, "ProductType"),
    (ENVIRONMENT, "PROCESSOR_ARCHITECTURE"),
)

_TYPES = {"REG_SZ": "sz", "REG_EXPAND_SZ": "expand_sz", "REG_DWORD": "dword", "REG_QWORD": "qword",
          "REG_MULTI_SZ": "multi_sz", "REG_BINARY": "binary", "REG_NONE": "none"}
_VALUE_LINE = re.compile(r" {2,}(.*?) {2,}(REG_[A-Z_]+)(?: {2,}(.*))?$")
_ARCHITECTURES = {"amd64": "x64", "x86": "x86", "arm64": "arm64"}
_PRODUCT_TYPES = {"winnt": "client", "servernt": "server", "lanmannt": "server"}

Values = t.Dict[t.Tuple[str, str], RegValue]


@dataclasses.dataclass(frozen=True)
class OsIdentity:
    """Who the host is, from the registry."""

    hostname: str
    os_name: str
    version: tuple[int, int, int]
    service_pack: int
    product_type: str
    architecture: str


def parse_reg_query(data: bytes, path: str) -> Values:
    """Parse appended ``reg query`` outputs into ``{(normalized key, lower-case name): value}``.

    Raises:
        ExportFormatError: naming the file and line of a value line that cannot be read.
    """
    text = _decode(data)
    values: Values = {}
    key: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.replace("\ufeff", "").rstrip("\r")
        if not line.strip():
            continue
        if line.startswith("HKEY_"):
            key = line.strip()
            continue
        match = _VALUE_LINE.match(line)
        if match is None or key is None:
            raise ExportFormatError(path, f"expected a key line (HKEY_...) or a value line '    Name    REG_SZ    "
                                          f"data' as reg query prints them, got {line.strip()[:60]!r}", number)
        name, kind, data_text = match.group(1), match.group(2), match.group(3) or ""
        if kind not in _TYPES:
            raise ExportFormatError(path, f"unknown registry type {kind}", number)
        values[(normalize_key(key), name.lower())] = _value(_TYPES[kind], data_text, path, number)
    return values


def _decode(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp437")


def _value(kind: str, text: str, path: str, number: int) -> RegValue:
    try:
        if kind in ("dword", "qword"):
            return RegValue(kind, int(text.strip(), 16))
        if kind == "multi_sz":
            return RegValue(kind, tuple(text.split("\\0")) if text else ())
        if kind in ("binary", "none"):
            return RegValue(kind, bytes.fromhex(text.strip()))
    except ValueError:
        raise ExportFormatError(path, f"expected {kind} data as reg query prints it, got {text[:40]!r}", number) from None
    return RegValue(kind, text)


def identity_from(values: t.Callable[[str, str], RegValue | None]) -> tuple[OsIdentity | None, list[str]]:
    """Build the identity from ``values(key, name)``; return (identity or None, the values missing)."""
    def text(key: str, name: str) -> str | None:
        value = values(key, name)
        return str(value.data).strip() if value is not None and value.type in ("sz", "expand_sz") else None

    def number(key: str, name: str) -> int | None:
        value = values(key, name)
        return int(t.cast(int, value.data)) if value is not None and value.type == "dword" else None

    missing: list[str] = []
    hostname = text(COMPUTER_NAME, "ComputerName")
    product = text(CURRENT_VERSION, "ProductName")
    major = number(CURRENT_VERSION, "CurrentMajorVersionNumber")
    minor = number(CURRENT_VERSION, "CurrentMinorVersionNumber")
    if major is None or minor is None:
        # Windows 10 and later keep CurrentVersion at "6.3" for old programs; the numbers above win there.
        legacy = re.fullmatch(r"(\d+)\.(\d+)", text(CURRENT_VERSION, "CurrentVersion") or "")
        major, minor = (int(legacy.group(1)), int(legacy.group(2))) if legacy else (None, None)
    build_text = text(CURRENT_VERSION, "CurrentBuildNumber") or ""
    product_type = _PRODUCT_TYPES.get((text(PRODUCT_OPTIONS, "ProductType") or "").lower())
    architecture = _ARCHITECTURES.get((text(ENVIRONMENT, "PROCESSOR_ARCHITECTURE") or "").lower())
    for present, what in ((hostname, "ComputerName"), (product, "ProductName"),
                          (major, "CurrentMajorVersionNumber or CurrentVersion"),
                          (build_text.isdigit() or None, "CurrentBuildNumber"),
                          (product_type, "ProductType (WinNT, ServerNT or LanmanNt)"),
                          (architecture, "PROCESSOR_ARCHITECTURE (AMD64, x86 or ARM64)")):
        if not present:
            missing.append(what)
    if missing:
        return None, missing
    csd = re.search(r"(\d+)", text(CURRENT_VERSION, "CSDVersion") or "")
    return OsIdentity(
        hostname=t.cast(str, hostname),
        # WMI's Caption (what systeminfo prints) is "Microsoft " + ProductName.
        os_name=t.cast(str, product) if t.cast(str, product).startswith("Microsoft") else f"Microsoft {product}",
        version=(t.cast(int, major), t.cast(int, minor), int(build_text)),
        service_pack=int(csd.group(1)) if csd else 0,
        product_type=t.cast(str, product_type),
        architecture=t.cast(str, architecture),
    ), []

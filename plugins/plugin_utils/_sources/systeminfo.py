# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read the output of ``systeminfo`` in any supported display language (internal use only).

Both formats are read: ``systeminfo /fo csv`` (a header row and a data row of
quoted fields) and the default list (``Label:   value`` lines, with lists such
as the installed updates continued on indented lines). systeminfo translates
its labels into the display language and writes the console code page when
redirected from cmd.exe, so the file is decoded as UTF-16, UTF-8 or the code
page whose decoding finds the most known labels, and labels are matched
case-insensitively against the table in ``_systeminfo_labels``.

systeminfo also declares how many updates are installed ("273 Hotfix(s)
Installed.") and may list fewer; the declared and listed counts are kept so
that an update missing from a cut list is never taken as absent.
"""

from __future__ import annotations

import csv
import dataclasses
import re
import typing as t
import unicodedata

from .._errors import ExportFormatError
from .state import parse_version
from .systeminfo_labels import (
    FIELDS,
    HOST_NAME,
    HOTFIXES,
    Language,
    LANGUAGES,
    OS_CONFIGURATION,
    OS_NAME,
    OS_VERSION,
    REQUIRED_FIELDS,
    SERVER_WORDS,
    SYSTEM_TYPE,
    WORKSTATION_WORDS,
)

# Console code pages (OEM) of the supported languages first, then the ANSI pages an editor
# may have re-saved the file in; multi-byte pages last, since they refuse more byte strings.
CODE_PAGES = ("cp850", "cp437", "cp852", "cp866", "cp857", "cp860", "cp1252", "cp1250", "cp1251", "cp1254",
              "gbk", "cp932", "cp949")

_ENTRY = re.compile(r"\s*\[(\d+)\]\s*:\s*(.*)")


@dataclasses.dataclass(frozen=True)
class SystemInfo:
    """The facts tlsready takes from systeminfo.

    Attributes:
        hostname: the host name.
        os_name: the OS name without the trailing space Windows 7 prints.
        version: major, minor and build from the OS version.
        service_pack: the service pack number from the OS version (0 when none).
        product_type: ``client`` or ``server``.
        architecture: ``x64``, ``x86`` or ``arm64``.
        hotfixes: installed update ids, upper case (``KB3140245``).
        hotfixes_declared: how many updates systeminfo says are installed (None when it does not say).
        hotfixes_listed: how many update entries it lists.
        language: the display language the labels are in.
    """

    hostname: str
    os_name: str
    version: tuple[int, int, int]
    service_pack: int
    product_type: str
    architecture: str
    hotfixes: frozenset[str]
    hotfixes_declared: int | None = None
    hotfixes_listed: int = 0
    language: str = "English"

    @property
    def hotfixes_complete(self) -> bool:
        """False when systeminfo declares more updates than it lists (the list was cut)."""
        return self.hotfixes_declared is None or self.hotfixes_listed >= self.hotfixes_declared


def normalize_label(label: str) -> str:
    """Compare labels as Windows versions vary them: case, width, apostrophes, spacing."""
    text = unicodedata.normalize("NFKC", label).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


_BY_LABEL: dict[str, list[tuple[str, Language]]] = {}
for _language in LANGUAGES:
    for _field in FIELDS:
        _BY_LABEL.setdefault(normalize_label(_language.label(_field)), []).append((_field, _language))


def parse_systeminfo(data: bytes, path: str) -> SystemInfo:
    """Parse ``systeminfo`` or ``systeminfo /fo csv`` output.

    Args:
        data: the file content (UTF-16, UTF-8 or a console/ANSI code page).
        path: the file name, used in error messages.

    Raises:
        ExportFormatError: naming the file, the line when there is one, and what was expected.
    """
    raw, language = _decode(data, path)
    fields = _recognise(raw, language, path)
    return _build(fields, language, path)


def _decode(data: bytes, path: str) -> tuple[dict[str, list[str]], Language | None]:
    """Return the label/value table and its language, trying the code pages when not UTF."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if data[:1] == b"\xff" else "utf-16-be"
        try:
            return _table_and_language(data[2:].decode(codec), path)
        except UnicodeDecodeError as err:
            raise ExportFormatError(path, f"not valid UTF-16 text at byte {err.start + 2}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif b"\x00" in data[:64]:
        raise ExportFormatError(path, "looks like UTF-16 without a byte order mark; expected UTF-16 with a BOM, "
                                      "UTF-8 or the console code page")
    try:
        return _table_and_language(data.decode("utf-8"), path)
    except UnicodeDecodeError:
        pass
    best: tuple[int, dict[str, list[str]], Language | None] | None = None
    for codec in CODE_PAGES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        table, language = _table_and_language(text, path)
        score = _score(table, language)
        if best is None or score > best[0]:
            best = (score, table, language)
        if score == len(FIELDS):
            break  # every label found: a later code page cannot do better
    if best is None:  # pragma: no cover - cp850 decodes every byte
        raise ExportFormatError(path, "cannot decode the file in any console code page")
    return best[1], best[2]


def _table_and_language(text: str, path: str) -> tuple[dict[str, list[str]], Language | None]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((line.strip() for line in lines if line.strip()), "")
    if not first:
        raise ExportFormatError(path, "the file is empty; expected the output of 'systeminfo /fo csv' or 'systeminfo'")
    table = _read_csv(lines, path) if first.startswith('"') else _read_list(lines)
    return table, _language_of(table)


def _language_of(table: t.Mapping[str, list[str]]) -> Language | None:
    """The language most of the known labels belong to."""
    votes: dict[str, int] = {}
    by_name = {language.name: language for language in LANGUAGES}
    for label in table:
        for _field, language in _BY_LABEL.get(normalize_label(label), ()):
            votes[language.name] = votes.get(language.name, 0) + 1
    if not votes:
        return None
    # Ties (labels shared by languages, such as "Hotfix(es)") go to the first in LANGUAGES.
    order = [language.name for language in LANGUAGES]
    name = max(votes, key=lambda n: (votes[n], -order.index(n)))
    return by_name[name]


def _score(table: t.Mapping[str, list[str]], language: Language | None) -> int:
    if language is None:
        return 0
    labels = {normalize_label(label) for label in table}
    return sum(normalize_label(language.label(field)) in labels for field in FIELDS)


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
        if line[0] in " \t\u3000":
            if current is not None:
                current.append(line.strip())
            continue
        # The first colon ends the label: none of the labels read holds one, and a label that
        # does ("Virtual Memory: Max Size") is not read. Fullwidth colons are taken too.
        match = re.match(r"([^:\uff1a]*)[:\uff1a](.*)", line)
        if match is None:
            current = None
            continue
        current = [match.group(2).strip()]
        result.setdefault(match.group(1).strip(), current)
    return result


def _recognise(table: t.Mapping[str, list[str]], language: Language | None, path: str) -> dict[str, list[str]]:
    """Map the file's labels to FIELDS, or fail saying what was found and what to do instead."""
    if language is None:
        found = list(table)
        shown = ", ".join(repr(label) for label in found[:6]) + (", ..." if len(found) > 6 else "")
        languages = ", ".join(language.name for language in LANGUAGES)
        raise ExportFormatError(
            path, f"found the labels {shown or 'nothing'} ({len(found)} in all), none of which is a systeminfo label "
                  f"tlsready knows (it reads systeminfo in {languages}). Collect this host with files/collect.cmd "
                  f"instead: it reads the OS from the registry and the updates from wmic qfe or PowerShell, which "
                  f"do not depend on the display language")
    wanted = {normalize_label(language.label(field)): field for field in FIELDS}
    # Another language's label for the same field counts too (a partly translated Windows).
    fields: dict[str, list[str]] = {}
    for label, values in table.items():
        norm = normalize_label(label)
        field = wanted.get(norm) or next((f for f, _lang in _BY_LABEL.get(norm, ())), None)
        if field is not None:
            fields.setdefault(field, values)
    missing = [field for field in REQUIRED_FIELDS if field not in fields]
    if missing:
        names = ", ".join(f"'{language.label(field)}' ({field})" for field in missing)
        raise ExportFormatError(
            path, f"read as {language.name} systeminfo output, but missing {names}; expected the complete output of "
                  f"'systeminfo /fo csv' or 'systeminfo' (or collect the host with files/collect.cmd)")
    return fields


def _first(fields: t.Mapping[str, list[str]], field: str) -> str:
    values = fields.get(field) or [""]
    return values[0].strip()


def _build(fields: t.Mapping[str, list[str]], language: Language | None, path: str) -> SystemInfo:
    if language is None:  # _recognise has refused the file already
        raise ExportFormatError(path, "no systeminfo labels found")
    hostname = _first(fields, HOST_NAME)
    if not hostname:
        raise ExportFormatError(path, f"'{language.label(HOST_NAME)}' is empty; expected the computer name")
    os_name = _first(fields, OS_NAME)
    version_text = _first(fields, OS_VERSION)
    hotfixes, declared, listed = read_hotfix_entries(fields.get(HOTFIXES, []))
    return SystemInfo(
        hostname=hostname,
        os_name=os_name,
        version=_version(version_text, language, path),
        service_pack=_service_pack(version_text),
        product_type=product_type(_first(fields, OS_CONFIGURATION), os_name),
        architecture=_architecture(_first(fields, SYSTEM_TYPE), language, path),
        hotfixes=hotfixes,
        hotfixes_declared=declared,
        hotfixes_listed=listed,
        language=language.name,
    )


def _version(text: str, language: Language, path: str) -> tuple[int, int, int]:
    try:
        version = parse_version(text)
    except ValueError:
        version = ()
    if len(version) < 3:
        raise ExportFormatError(
            path, f"expected '{language.label(OS_VERSION)}' like '6.1.7601 Service Pack 1 Build 7601', got {text!r}")
    return version[0], version[1], version[2]


def _service_pack(text: str) -> int:
    # The service pack comes from CSDVersion, which Windows keeps in English in every language.
    match = re.search(r"Service\s*Pack\s*(\d+)", text, re.IGNORECASE)
    return int(match.group(1)) if match else 0


def product_type(configuration: str, os_name: str) -> str:
    """``client`` or ``server`` from the OS configuration words, else from the product name."""
    # Turkish "İ" case-folds to "i" plus a combining dot above: drop the dot.
    lowered = configuration.casefold().replace("\u0307", "")
    if any(word in lowered for word in WORKSTATION_WORDS):
        return "client"
    if any(word in lowered for word in SERVER_WORDS):
        return "server"
    return "server" if "server" in os_name.casefold() else "client"


def _architecture(text: str, language: Language, path: str) -> str:
    # "x64-based PC" in most languages, "x64-basierter PC" or "x64 기반 PC" in others: the
    # processor token is the same everywhere.
    lowered = text.casefold()
    if "arm64" in lowered:
        return "arm64"
    if re.search(r"x64|amd64", lowered):
        return "x64"
    if re.search(r"x86|\bi[3-6]86\b", lowered):
        return "x86"
    raise ExportFormatError(
        path, f"expected '{language.label(SYSTEM_TYPE)}' to be x64-based PC, X86-based PC or ARM64-based PC, "
              f"got {text!r}")


def read_hotfix_entries(entries: t.Sequence[str]) -> tuple[frozenset[str], int | None, int]:
    """Return (update ids, declared count, listed entry count) from the hotfix field.

    The first line declares the count in the display language ("273 Hotfix(s) Installed.",
    "Число установленных исправлений - 7.", "安装了 1 个修补程序。"); entries read "[01]: KB2479943"
    or, for old updates, a bare number ("[02]: 982861", read as KB982861). "File 1", "Q147222"
    and "N/A" name no KB and are skipped (they still count as listed entries).
    """
    found: set[str] = set()
    declared: int | None = None
    listed = 0
    for index, entry in enumerate(entries):
        match = _ENTRY.match(entry)
        if match is None:
            if index == 0:
                number = re.search(r"\d+", entry)
                declared = int(number.group(0)) if number else None
            continue
        listed += 1
        kb = re.match(r"(?:KB)?(\d+)\b", match.group(2).strip(), re.IGNORECASE)
        if kb:
            found.add("KB" + kb.group(1))
    return frozenset(found), declared, listed

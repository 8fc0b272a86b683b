# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load an offline host from its folder of Windows exports, and record planned changes in it (internal use only).

The folder holds ``systeminfo.csv`` (or ``systeminfo.txt``), any number of
``.reg`` exports and optionally ``fileversions.csv``. Converging an offline
host cannot change the machine, so tlsready records what it would set in
``tlsready-applied.reg`` and ``tlsready-applied-hotfixes.txt``; loading
applies those last, so the next audit judges the host as it will be once the
remediation bundle is deployed.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import typing as t

from ._errors import ExportFormatError, InputError
from ._regfile import DELETE_KEY, DELETE_VALUE, SET, apply_operations, full_key_path, parse_reg, render_reg
from ._state import HostState, RegValue, normalize_key
from ._systeminfo import parse_systeminfo
from ._wmic import parse_file_versions

OFFLINE_APPLIED_REG = "tlsready-applied.reg"
OFFLINE_APPLIED_HOTFIXES = "tlsready-applied-hotfixes.txt"

SYSTEMINFO_FILES = ("systeminfo.csv", "systeminfo.txt")
FILE_VERSIONS = "fileversions.csv"

_HOTFIXES_HEADER = "# Updates tlsready.windows planned for this host (one per line); read by every later audit.\n"
_KB = re.compile(r"KB\d+", re.IGNORECASE)


@dataclasses.dataclass
class OfflineHost:
    """An offline host as read from its folder.

    Attributes:
        folder: the folder given.
        state: the facts, with the recorded changes applied.
        recorded_hotfixes: updates recorded as planned by an earlier converge.
        files_read: the files read, in the order they were applied.
    """

    folder: str
    state: HostState
    recorded_hotfixes: frozenset[str]
    files_read: list[str]


def load_offline_folder(folder: str) -> OfflineHost:
    """Read an offline host's folder into a :class:`HostState`.

    ``.reg`` files are applied in name order, ``tlsready-applied.reg`` last;
    the ``remediation`` subfolder (the generated bundle) is not read.

    Raises:
        ExportFormatError: naming the folder or file that is missing or malformed.
    """
    names = _list_files(folder)
    by_lower = {name.lower(): name for name in names}
    systeminfo_name = next((by_lower[n] for n in SYSTEMINFO_FILES if n in by_lower), None)
    if systeminfo_name is None:
        found = ", ".join(sorted(names)) or "no files"
        raise ExportFormatError(folder, f"expected systeminfo.csv (systeminfo /fo csv) or systeminfo.txt in the "
                                        f"folder; found {found}")
    files_read: list[str] = []
    info_path = os.path.join(folder, systeminfo_name)
    info = parse_systeminfo(_read(info_path), info_path)
    files_read.append(info_path)
    state = HostState(
        hostname=info.hostname, os_name=info.os_name, version=info.version, service_pack=info.service_pack,
        product_type=info.product_type, architecture=info.architecture, hotfixes=info.hotfixes,
        source=f"offline:{folder}",
    )
    for path in _reg_files(folder, names):
        apply_operations(state, parse_reg(_read(path), path))
        files_read.append(path)
    if FILE_VERSIONS in by_lower:
        path = os.path.join(folder, by_lower[FILE_VERSIONS])
        state.file_versions.update(parse_file_versions(_read(path), path))
        files_read.append(path)
    recorded: frozenset[str] = frozenset()
    if OFFLINE_APPLIED_HOTFIXES in names:
        path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
        recorded = frozenset(parse_hotfix_list(_read(path), path))
        state.hotfixes = state.hotfixes | recorded
        files_read.append(path)
    return OfflineHost(folder=folder, state=state, recorded_hotfixes=recorded, files_read=files_read)


def read_recorded_hotfixes(folder: str) -> list[str]:
    """Return the updates recorded in the folder's tlsready-applied-hotfixes.txt, in install order."""
    path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
    return parse_hotfix_list(_read(path), path) if os.path.exists(path) else []


def _list_files(folder: str) -> list[str]:
    if not os.path.isdir(folder):
        raise ExportFormatError(folder, "no such folder; expected a folder of Windows exports (systeminfo.csv, "
                                        "*.reg, fileversions.csv)")
    try:
        entries = os.listdir(folder)
    except OSError as err:
        raise ExportFormatError(folder, f"cannot list the folder: {err.strerror}") from None
    # Only plain files count: the "remediation" bundle and any other subfolder are not exports.
    return [name for name in entries if os.path.isfile(os.path.join(folder, name))]


def _reg_files(folder: str, names: t.Iterable[str]) -> list[str]:
    exports = sorted((n for n in names if n.lower().endswith(".reg") and n != OFFLINE_APPLIED_REG),
                     key=lambda n: (n.lower(), n))
    if OFFLINE_APPLIED_REG in names:
        exports.append(OFFLINE_APPLIED_REG)
    return [os.path.join(folder, name) for name in exports]


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise ExportFormatError(path, f"cannot read the file: {err.strerror}") from None


def parse_hotfix_list(data: bytes, path: str) -> list[str]:
    """Parse one update id per line; blank lines and ``#`` comments are allowed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ExportFormatError(path, f"not valid UTF-8 text at byte {err.start}") from None
    kbs: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if not _KB.fullmatch(entry):
            raise ExportFormatError(path, f"expected one update id such as KB3140245 per line, got {entry[:40]!r}",
                                    number)
        kbs.append(entry.upper())
    return kbs


def record_applied(
    folder: str,
    values: t.Sequence[tuple[str, str, RegValue | None]],
    hotfixes: t.Iterable[str],
) -> list[str]:
    """Record planned changes in an offline host's folder; return the files written.

    Values are merged into ``tlsready-applied.reg`` (a later value for the same
    key and name replaces the earlier one; None records a deletion), rewritten
    as UTF-16 with keys in sorted order. New update ids are merged into
    ``tlsready-applied-hotfixes.txt``. Each file is replaced atomically, and
    only when its content changes.

    Raises:
        ExportFormatError: when the folder is missing or a recorded file is malformed.
        InputError: when an update id is not of the form ``KB1234567``.
    """
    if not os.path.isdir(folder):
        raise ExportFormatError(folder, "no such folder; expected the offline host's folder of exports")
    kbs = [kb.strip().upper() for kb in hotfixes]
    for kb in kbs:
        if not _KB.fullmatch(kb):
            raise InputError("hotfixes", f"{kb!r} is not an update id such as KB3140245")
    written = []
    if values:
        reg_path = os.path.join(folder, OFFLINE_APPLIED_REG)
        merged = _merge_values(read_recorded_values(reg_path), values)
        try:
            content = render_reg(group_by_key(merged))
        except ValueError as err:
            raise InputError("values", str(err)) from None
        if write_if_changed(reg_path, content):
            written.append(reg_path)
    if kbs:
        kb_path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
        existing = parse_hotfix_list(_read(kb_path), kb_path) if os.path.exists(kb_path) else []
        ordered = sorted(set(existing) | set(kbs), key=lambda kb: int(kb[2:]))
        if write_if_changed(kb_path, (_HOTFIXES_HEADER + "".join(kb + "\n" for kb in ordered)).encode("ascii")):
            written.append(kb_path)
    return written


_Recorded = t.Dict[t.Tuple[str, str], t.Tuple[str, str, t.Optional[RegValue]]]


def read_recorded_values(path: str) -> _Recorded:
    if not os.path.exists(path):
        return {}
    recorded: _Recorded = {}
    for op in parse_reg(_read(path), path):
        if op.kind == DELETE_KEY:
            raise ExportFormatError(path, f"holds a key deletion [-{op.key}], which tlsready never records; "
                                          f"expected only values (remove that line)", op.line)
        value = op.value if op.kind == SET else None
        if op.kind in (SET, DELETE_VALUE):
            recorded[(normalize_key(op.key), op.name.lower())] = (op.key, op.name, value)
    return recorded


def _merge_values(recorded: _Recorded, values: t.Iterable[tuple[str, str, RegValue | None]]) -> _Recorded:
    merged = dict(recorded)
    for key, name, value in values:
        index = (normalize_key(key), name.lower())
        # Re-inserted, so that the dictionary order is the order of the latest writes.
        merged.pop(index, None)
        merged[index] = (key, name, value)
    return merged


def group_by_key(merged: _Recorded) -> list[tuple[str, list[tuple[str, RegValue | None]]]]:
    # Keys compare case-insensitively, as on Windows; the most recently written spelling names the key.
    spelling = {norm_key: key for (norm_key, _name), (key, _n, _v) in merged.items()}
    groups: dict[str, list[tuple[str, RegValue | None]]] = {}
    for (norm_key, _name), (_key, name, value) in sorted(merged.items()):
        groups.setdefault(norm_key, []).append((name, value))
    return [(full_key_path(spelling[norm_key]), groups[norm_key]) for norm_key in sorted(groups)]


def write_if_changed(path: str, content: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            if handle.read() == content:
                return False
    except OSError:
        pass
    folder = os.path.dirname(path) or "."
    handle_fd, temp = tempfile.mkstemp(prefix=".tlsready-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle_fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    return True

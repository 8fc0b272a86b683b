# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load an offline host from its folder of Windows exports, and record planned changes in it (internal use only).

The folder holds ``osidentity.txt`` (reg query) and ``hotfixes.csv`` (wmic qfe or
PowerShell) as files/collect.cmd writes them, or ``systeminfo.csv`` / ``systeminfo.txt``
(any supported display language), any number of ``.reg`` exports and optionally
``fileversions.csv``; docs/offline-hosts.md says which source wins. Converging an offline
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
from ._osidentity import identity_from, parse_reg_query
from ._qfe import parse_qfe
from ._state import HostState, Provenance, RegValue, normalize_key
from ._systeminfo import SystemInfo, parse_systeminfo
from ._wmic import parse_file_versions

OFFLINE_APPLIED_REG = "tlsready-applied.reg"
OFFLINE_APPLIED_HOTFIXES = "tlsready-applied-hotfixes.txt"

SYSTEMINFO_FILES = ("systeminfo.csv", "systeminfo.txt")
FILE_VERSIONS = "fileversions.csv"
OS_IDENTITY = "osidentity.txt"
HOTFIX_LIST = "hotfixes.csv"

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

    The language-independent sources win (docs/offline-hosts.md): the OS identity from
    ``osidentity.txt`` (reg query) or ``.reg`` exports of the same keys, the updates from
    ``hotfixes.csv`` (wmic qfe or PowerShell); systeminfo is read only for what they lack.
    ``.reg`` files are applied in name order, ``tlsready-applied.reg`` last; the
    ``remediation`` subfolder (the generated bundle) is not read.

    Raises:
        ExportFormatError: naming the folder or file that is missing or malformed.
    """
    names = _list_files(folder)
    by_lower = {name.lower(): name for name in names}
    files_read: list[str] = []
    registry: dict[tuple[str, str], RegValue] = {}
    identity_file = by_lower.get(OS_IDENTITY)
    if identity_file is not None:
        path = os.path.join(folder, identity_file)
        registry.update(parse_reg_query(_read(path), path))
        files_read.append(path)
    reg_paths = _reg_files(folder, names)
    operations = []
    for path in reg_paths:
        operations.append(parse_reg(_read(path), path))
        files_read.append(path)
    state = _identified_state(folder, names, by_lower, registry, operations, files_read)
    for ops in operations:
        apply_operations(state, ops)
    if FILE_VERSIONS in by_lower:
        path = os.path.join(folder, by_lower[FILE_VERSIONS])
        state.file_versions.update(parse_file_versions(_read(path), path))
        files_read.append(path)
        state.provenance = dataclasses.replace(state.provenance, file_versions=f"{by_lower[FILE_VERSIONS]} "
                                               f"(wmic datafile or PowerShell FileVersionInfo)")
    else:
        state.provenance = dataclasses.replace(state.provenance, file_versions="none (no fileversions.csv)")
    recorded: frozenset[str] = frozenset()
    if OFFLINE_APPLIED_HOTFIXES in names:
        path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
        recorded = frozenset(parse_hotfix_list(_read(path), path))
        state.hotfixes = state.hotfixes | recorded
        files_read.append(path)
    return OfflineHost(folder=folder, state=state, recorded_hotfixes=recorded, files_read=files_read)


def _identified_state(
    folder: str, names: list[str], by_lower: t.Mapping[str, str], registry: dict[tuple[str, str], RegValue],
    operations: t.Sequence[t.Sequence[t.Any]], files_read: list[str],
) -> HostState:
    """The state's identity and updates, each from the best source the folder has."""
    exported = HostState(hostname="", os_name="", version=(0, 0, 0), service_pack=0, product_type="client",
                         architecture="x64", registry=dict(registry))
    for ops in operations:
        apply_operations(exported, ops)
    identity, identity_missing = identity_from(exported.get)
    qfe = None
    qfe_name = by_lower.get(HOTFIX_LIST)
    if qfe_name is not None:
        path = os.path.join(folder, qfe_name)
        qfe = parse_qfe(_read(path), path)
        files_read.append(path)
    info = None
    info_name = next((by_lower[n] for n in SYSTEMINFO_FILES if n in by_lower), None)
    if identity is None or qfe is None:
        if info_name is None:
            raise ExportFormatError(folder, _nothing_to_identify(names, identity_file=OS_IDENTITY in by_lower,
                                                                 missing=identity_missing, has_qfe=qfe is not None))
        path = os.path.join(folder, info_name)
        info = parse_systeminfo(_read(path), path)
        files_read.insert(0, path)
    # Without a registry identity or a qfe list, systeminfo was read above (or the folder refused).
    sysinfo = t.cast(SystemInfo, info)
    if identity is not None:
        source = f"registry ({by_lower.get(OS_IDENTITY, 'the .reg exports')}, reg query)"
        hostname, os_name, version = identity.hostname, identity.os_name, identity.version
        service_pack, product_type, architecture = identity.service_pack, identity.product_type, identity.architecture
    else:
        source = f"systeminfo ({info_name}, {sysinfo.language})"
        hostname, os_name, version = sysinfo.hostname, sysinfo.os_name, sysinfo.version
        service_pack, product_type, architecture = sysinfo.service_pack, sysinfo.product_type, sysinfo.architecture
    if qfe is not None:
        hotfixes, declared, listed = qfe.hotfixes, None, qfe.rows
        hotfix_source = f"{qfe.tool} ({qfe_name})"
    else:
        hotfixes, declared, listed = sysinfo.hotfixes, sysinfo.hotfixes_declared, sysinfo.hotfixes_listed
        hotfix_source = f"systeminfo ({info_name})"
    return HostState(
        hostname=hostname, os_name=os_name, version=version, service_pack=service_pack, product_type=product_type,
        architecture=architecture, hotfixes=hotfixes, source=f"offline:{folder}", registry=dict(registry),
        provenance=Provenance(os_identity=source, hotfixes=hotfix_source, hotfixes_declared=declared,
                              hotfixes_listed=listed),
    )


def _nothing_to_identify(names: t.Sequence[str], identity_file: bool, missing: t.Sequence[str], has_qfe: bool) -> str:
    found = ", ".join(sorted(names)) or "no files"
    if identity_file:
        lacks = f"{OS_IDENTITY} lacks {', '.join(missing)}"
        return (f"{lacks} and there is no systeminfo.csv or systeminfo.txt to fall back on; run files/collect.cmd "
                f"again as administrator (found {found})")
    wanted = "systeminfo.csv or systeminfo.txt" if has_qfe else (
        f"{OS_IDENTITY} and {HOTFIX_LIST} (files/collect.cmd), or systeminfo.csv (systeminfo /fo csv) or "
        f"systeminfo.txt")
    return f"expected {wanted} in the folder; found {found}"


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

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
import stat
import typing as t

from . import _safefile
from ._errors import ExportFormatError, InputError
from ._hotfixes import HOTFIXES
from ._managed import managed_values
from ._manifest import stale_files
from ._osidentity import identity_from, parse_reg_query
from ._qfe import parse_qfe
from ._regfile import apply_operations, full_key_path, parse_reg, render_reg
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
        stale: why the recorded changes were not applied (the bundle does not match them), or empty.
    """

    folder: str
    state: HostState
    recorded_hotfixes: frozenset[str]
    files_read: list[str]
    stale: list[str] = dataclasses.field(default_factory=list)


def load_offline_folder(folder: str, with_record: bool = True) -> OfflineHost:
    """Read an offline host's folder into a :class:`HostState`.

    The language-independent sources win (docs/offline-hosts.md): the OS identity from
    ``osidentity.txt`` (reg query) or ``.reg`` exports of the same keys, the updates from
    ``hotfixes.csv`` (wmic qfe or PowerShell); systeminfo is read only for what they lack.
    ``.reg`` files are applied in name order, ``tlsready-applied.reg`` last; the
    ``remediation`` subfolder (the generated bundle) is not read. ``with_record=False`` gives the
    host as exported, without what tlsready recorded (the simulation of ``_simulate`` compares both).

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
        registry.update(parse_reg_query(_read(path, folder, _safefile.SMALL_LIMIT), path))
        files_read.append(path)
    operations = []
    for path in _reg_files(folder, names):
        if os.path.basename(path) == OFFLINE_APPLIED_REG:
            continue  # the record: validated and applied last, below
        operations.append(parse_reg(_read(path, folder), path))
        files_read.append(path)
    state = _identified_state(folder, names, by_lower, registry, operations, files_read)
    for ops in operations:
        apply_operations(state, ops)
    # The record is validated (tlsready's values only) whether or not it is applied.
    recorded_values = read_recorded_values(os.path.join(folder, OFFLINE_APPLIED_REG), base=folder)
    recorded_kbs = read_recorded_hotfixes(folder)
    # A record whose bundle is missing or does not match it (a kill half way, a bundle deleted or
    # edited) is not applied: the host is judged as exported, so the next converge rewrites both.
    stale = stale_files(folder, RECORD_FILES) if (recorded_values or recorded_kbs or _any_record(names)) else []
    if with_record and OFFLINE_APPLIED_REG in names and not stale:
        for _index, (key, name, value) in recorded_values.items():
            if value is None:
                state.delete(key, name)
            else:
                state.set(key, name, value)
        files_read.append(os.path.join(folder, OFFLINE_APPLIED_REG))
    if FILE_VERSIONS in by_lower:
        path = os.path.join(folder, by_lower[FILE_VERSIONS])
        state.file_versions.update(parse_file_versions(_read(path, folder, _safefile.SMALL_LIMIT), path))
        files_read.append(path)
        state.provenance = dataclasses.replace(state.provenance, file_versions=f"{by_lower[FILE_VERSIONS]} "
                                               f"(wmic datafile or PowerShell FileVersionInfo)")
    else:
        state.provenance = dataclasses.replace(state.provenance, file_versions="none (no fileversions.csv)")
    recorded: frozenset[str] = frozenset()
    if with_record and recorded_kbs and not stale:
        recorded = frozenset(recorded_kbs)
        state.hotfixes = state.hotfixes | recorded
        files_read.append(os.path.join(folder, OFFLINE_APPLIED_HOTFIXES))
    return OfflineHost(folder=folder, state=state, recorded_hotfixes=recorded, files_read=files_read, stale=stale)


def _known_kbs() -> frozenset[str]:
    return frozenset(hotfix.kb for hotfix in HOTFIXES)


def _any_record(names: t.Iterable[str]) -> bool:
    return any(name in RECORD_FILES for name in names)


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
        qfe = parse_qfe(_read(path, folder, _safefile.SMALL_LIMIT), path)
        files_read.append(path)
    info = None
    info_name = next((by_lower[n] for n in SYSTEMINFO_FILES if n in by_lower), None)
    if identity is None or qfe is None:
        if info_name is None:
            raise ExportFormatError(folder, _nothing_to_identify(names, identity_file=OS_IDENTITY in by_lower,
                                                                 missing=identity_missing, has_qfe=qfe is not None))
        path = os.path.join(folder, info_name)
        info = parse_systeminfo(_read(path, folder, _safefile.SMALL_LIMIT), path)
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
    """Return the updates recorded in the folder's tlsready-applied-hotfixes.txt, in install order.

    Raises:
        ExportFormatError: when the file is not one tlsready wrote (a link, a special file, an
            entry that is not an update tlsready knows).
    """
    path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
    if not os.path.lexists(path):
        return []
    kbs = parse_hotfix_list(_read(path, folder, _safefile.SMALL_LIMIT), path)
    unknown = [kb for kb in kbs if kb not in _known_kbs()]
    if unknown:
        raise ExportFormatError(path, f"lists {', '.join(unknown[:5])}, which tlsready never records (not an update "
                                      "it knows); the file is refused whole (delete it and run the converge again)")
    return kbs


def _list_files(folder: str) -> list[str]:
    if not os.path.isdir(folder):
        raise ExportFormatError(folder, "no such folder; expected a folder of Windows exports (systeminfo.csv, "
                                        "*.reg, fileversions.csv)")
    try:
        entries = os.listdir(folder)
    except OSError as err:
        raise ExportFormatError(folder, f"cannot list the folder: {err.strerror}") from None
    # Subfolders (the "remediation" bundle) are not exports. Links and special files are listed,
    # so that one named like an export is refused when read rather than silently skipped.
    return [name for name in entries if not _is_folder(os.path.join(folder, name))]


def _is_folder(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _reg_files(folder: str, names: t.Iterable[str]) -> list[str]:
    exports = sorted((n for n in names if n.lower().endswith(".reg") and n != OFFLINE_APPLIED_REG),
                     key=lambda n: (n.lower(), n))
    if OFFLINE_APPLIED_REG in names:
        exports.append(OFFLINE_APPLIED_REG)
    return [os.path.join(folder, name) for name in exports]


def _read(path: str, folder: str, limit: int = _safefile.EXPORT_LIMIT) -> bytes:
    return _safefile.read_regular(path, limit, base=folder)


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


RECORD_FILES = (OFFLINE_APPLIED_REG, OFFLINE_APPLIED_HOTFIXES)


@dataclasses.dataclass(frozen=True)
class RecordPlan:
    """The record of an offline host as it will be once new changes are merged (nothing written yet).

    Attributes:
        values: every recorded value (None records a deletion), validated.
        hotfixes: every recorded update, in install order.
        files: the content of each record file by name (``tlsready-applied.reg``...); None when absent.
    """

    values: dict[tuple[str, str], tuple[str, str, RegValue | None]]
    hotfixes: list[str]
    files: dict[str, bytes | None]


def plan_record(
    folder: str,
    values: t.Sequence[tuple[str, str, RegValue | None]],
    hotfixes: t.Iterable[str],
) -> RecordPlan:
    """Merge planned changes into an offline host's record, without writing anything.

    Values are merged into ``tlsready-applied.reg`` (a later value for the same key and name
    replaces the earlier one; None records a deletion), rendered as UTF-16 with keys in sorted
    order; new update ids are merged into ``tlsready-applied-hotfixes.txt``. The existing record
    is validated first (only values tlsready manages, updates it knows).

    Raises:
        ExportFormatError: when the folder is missing or a recorded file is not one tlsready wrote.
        InputError: when an update id is not of the form ``KB1234567`` or a value does not fit its type.
    """
    if not os.path.isdir(folder):
        raise ExportFormatError(folder, "no such folder; expected the offline host's folder of exports")
    kbs = [kb.strip().upper() for kb in hotfixes]
    for kb in kbs:
        if not _KB.fullmatch(kb):
            raise InputError("hotfixes", f"{kb!r} is not an update id such as KB3140245")
        if kb not in _known_kbs():
            raise InputError("hotfixes", f"{kb} is not an update tlsready knows")
    merged = _merge_values(read_recorded_values(os.path.join(folder, OFFLINE_APPLIED_REG)), values)
    ordered = sorted(set(read_recorded_hotfixes(folder)) | set(kbs), key=lambda kb: int(kb[2:]))
    try:
        reg = render_reg(group_by_key(merged)) if merged else None
    except ValueError as err:
        raise InputError("values", str(err)) from None
    listing = (_HOTFIXES_HEADER + "".join(kb + "\n" for kb in ordered)).encode("ascii") if ordered else None
    return RecordPlan(merged, ordered, {OFFLINE_APPLIED_REG: reg, OFFLINE_APPLIED_HOTFIXES: listing})


def write_record(folder: str, plan: RecordPlan) -> list[str]:
    """Write the record files of ``plan`` (each atomically, only when it changes); return the files written."""
    written = []
    for name, content in plan.files.items():
        if content is not None and write_if_changed(os.path.join(folder, name), content, base=folder):
            written.append(os.path.join(folder, name))
    return written


def record_applied(
    folder: str,
    values: t.Sequence[tuple[str, str, RegValue | None]],
    hotfixes: t.Iterable[str],
) -> list[str]:
    """Record planned changes in an offline host's folder; return the files written.

    Only the record: a converge writes it with the bundle through ``_bundle.commit_offline``,
    and a record whose bundle does not match it is not applied when the folder is loaded.
    """
    return write_record(folder, plan_record(folder, values, hotfixes))


_Recorded = t.Dict[t.Tuple[str, str], t.Tuple[str, str, t.Optional[RegValue]]]


def read_recorded_values(path: str, what: str = "its record", base: str | None = None) -> _Recorded:
    """Return the values of a .reg file tlsready wrote (a record, a backup), validated as a whole.

    Raises:
        ExportFormatError: when the file is a link or a special file, or holds anything but values
            tlsready manages (a key deletion, a Run key...): nothing of it is used then.
    """
    if not os.path.lexists(path):
        return {}
    data = _safefile.read_regular(path, _safefile.SMALL_LIMIT, base=base)
    return managed_values(parse_reg(data, path), path, what)


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


def write_if_changed(path: str, content: bytes, base: str | None = None) -> bool:
    """Replace ``path`` with ``content`` atomically when it differs, following no link; return whether written."""
    return _safefile.write_atomic(path, content, base=base)

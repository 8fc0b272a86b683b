# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read an offline host's folder of Windows exports into a host state (internal use only).

The folder holds ``osidentity.txt`` (reg query) and ``hotfixes.csv`` (wmic qfe or
PowerShell) as files/collect.cmd writes them, or ``systeminfo.csv`` / ``systeminfo.txt``
(any supported display language), any number of ``.reg`` exports and optionally
``fileversions.csv``; docs/offline-hosts.md says which source wins. This module reads the
host *as exported*; the record of what a converge planned for it (``tlsready-applied.reg``,
``tlsready-applied-hotfixes.txt``) is validated and applied on top by ``_apply.record``.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import typing as t

from .. import _safefile
from .._errors import ExportFormatError
from .osidentity import identity_from, parse_reg_query
from .qfe import parse_qfe
from .regfile import apply_operations, parse_reg
from .state import HostState, Provenance, RegValue
from .systeminfo import SystemInfo, parse_systeminfo
from .wmic import parse_file_versions

# Written by tlsready, not by Windows: never read as exports (docs/offline-hosts.md).
OFFLINE_APPLIED_REG = "tlsready-applied.reg"
OFFLINE_APPLIED_HOTFIXES = "tlsready-applied-hotfixes.txt"
RECORD_FILES = (OFFLINE_APPLIED_REG, OFFLINE_APPLIED_HOTFIXES)

SYSTEMINFO_FILES = ("systeminfo.csv", "systeminfo.txt")
FILE_VERSIONS = "fileversions.csv"
OS_IDENTITY = "osidentity.txt"
HOTFIX_LIST = "hotfixes.csv"


@dataclasses.dataclass
class ExportedFolder:
    """An offline host's folder as exported.

    Attributes:
        folder: the folder given.
        names: the names of the files in it (subfolders left out).
        state: the facts the exports give.
        files_read: the registry, identity and update exports read, in the order they were applied.
        versions_file: the file versions export read (applied last: it holds no registry value), or None.
    """

    folder: str
    names: list[str]
    state: HostState
    files_read: list[str]
    versions_file: str | None = None


def read_exports(folder: str) -> ExportedFolder:
    """Read an offline host's folder of exports into a :class:`HostState`.

    The language-independent sources win (docs/offline-hosts.md): the OS identity from
    ``osidentity.txt`` (reg query) or ``.reg`` exports of the same keys, the updates from
    ``hotfixes.csv`` (wmic qfe or PowerShell); systeminfo is read only for what they lack.
    ``.reg`` files are applied in name order; the ``remediation`` subfolder (the generated
    bundle) and tlsready's record are not read.

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
        registry.update(parse_reg_query(read_export(path, folder, _safefile.SMALL_LIMIT), path))
        files_read.append(path)
    operations = []
    for path in _reg_files(folder, names):
        operations.append(parse_reg(read_export(path, folder), path))
        files_read.append(path)
    state = _identified_state(folder, names, by_lower, registry, operations, files_read)
    for ops in operations:
        apply_operations(state, ops)
    versions_file = None
    if FILE_VERSIONS in by_lower:
        versions_file = os.path.join(folder, by_lower[FILE_VERSIONS])
        state.file_versions.update(parse_file_versions(read_export(versions_file, folder, _safefile.SMALL_LIMIT),
                                                       versions_file))
        state.provenance = dataclasses.replace(state.provenance, file_versions=f"{by_lower[FILE_VERSIONS]} "
                                               f"(wmic datafile or PowerShell FileVersionInfo)")
    else:
        state.provenance = dataclasses.replace(state.provenance, file_versions="none (no fileversions.csv)")
    return ExportedFolder(folder=folder, names=names, state=state, files_read=files_read,
                          versions_file=versions_file)


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
        qfe = parse_qfe(read_export(path, folder, _safefile.SMALL_LIMIT), path)
        files_read.append(path)
    info = None
    info_name = next((by_lower[n] for n in SYSTEMINFO_FILES if n in by_lower), None)
    if identity is None or qfe is None:
        if info_name is None:
            raise ExportFormatError(folder, _nothing_to_identify(names, identity_file=OS_IDENTITY in by_lower,
                                                                 missing=identity_missing, has_qfe=qfe is not None))
        path = os.path.join(folder, info_name)
        info = parse_systeminfo(read_export(path, folder, _safefile.SMALL_LIMIT), path)
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
    # tlsready's record is not an export: apply.record validates it and applies it last.
    exports = sorted((n for n in names if n.lower().endswith(".reg") and n != OFFLINE_APPLIED_REG),
                     key=lambda n: (n.lower(), n))
    return [os.path.join(folder, name) for name in exports]


def read_export(path: str, folder: str, limit: int = _safefile.EXPORT_LIMIT) -> bytes:
    """The bytes of one file of ``folder``: a regular file within the size limit, no link followed."""
    return _safefile.read_regular(path, limit, base=folder)

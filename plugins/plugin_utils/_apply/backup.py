# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-host backups of the values tlsready changes, as plain .reg files (internal use only).

A backup holds, for every value tlsready is about to change, its value before
the change, or a deletion (``"Name"=-``) when it was absent. ``reg import`` of
the file therefore restores the host by hand. The first saved value of each
registry value is kept across runs, so the file always holds the state before
tlsready first touched the host.

The file ends with a comment line that ``reg import`` skips and tlsready checks:
``; tlsready backup: <count> values, sha256 <hash of everything before it>``. A backup
without it (cut short by a crash or a full disk), with a different count or hash
(damaged or edited), or holding anything but values tlsready manages (a Run key, an
HKCU value, a key deletion) is refused whole: nothing is restored from it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import typing as t

from .. import _safefile
from .._errors import ExportFormatError, InputError
from .._policy.findings import Change
from .._sources.regfile import parse_reg, render_reg
from .._sources.state import HostState, normalize_key, RegValue
from .managed import managed_values, ManagedValues
from .record import group_by_key

_MARKER = "; tlsready backup: "
_MARKER_LINE = re.compile(r"; tlsready backup: (\d+) values?, sha256 ([0-9a-f]{64})\r\n")

_SHORT_HIVES = {"HKEY_LOCAL_MACHINE": "HKLM", "HKEY_CURRENT_USER": "HKCU", "HKEY_USERS": "HKU",
                "HKEY_CLASSES_ROOT": "HKCR", "HKEY_CURRENT_CONFIG": "HKCC"}


@dataclasses.dataclass(frozen=True)
class BackupEntry:
    """One saved value: ``value`` None means the value was absent and restoring deletes it."""

    path: str
    name: str
    value: RegValue | None

    def to_dict(self) -> dict[str, t.Any]:
        return {"path": self.path, "name": self.name,
                "value": None if self.value is None else self.value.to_dict()}


def check_backup_path(path: str, must_exist: bool = False) -> None:
    """Refuse, before anything is read or written, a backup path that cannot be used.

    The path must not be a folder; an existing file must be a backup tlsready can read; a new file
    must be creatable (its nearest existing parent is a writable folder).

    Raises:
        InputError: naming ``backup`` and what is wrong with the path.
    """
    if os.path.isdir(path):
        raise InputError("backup", f"{path} is a folder; expected the path of a .reg backup file")
    if os.path.lexists(path):
        try:
            read_backup_values(path)
        except ExportFormatError as err:
            raise InputError("backup", f"the existing backup cannot be read: {err}") from None
        return
    if must_exist:
        raise InputError("backup", f"no backup file at {path}; tls_settings writes one before its first change")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise InputError("backup", f"cannot create {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("backup", f"cannot create {path}: the folder {parent} is not writable")


def save_backup(path: str, state: HostState, changes: t.Sequence[Change]) -> bool:
    """Add the current value of each changed registry value to the backup at ``path``.

    Returns:
        True when the file was written, False when every value was already saved.

    Raises:
        InputError: when the backup cannot be written or read.
    """
    try:
        saved = read_backup_values(path)
    except ExportFormatError as err:
        raise InputError("backup", f"the existing backup cannot be read: {err}") from None
    for change in changes:
        key = (normalize_key(change.path), change.name.lower())
        if key not in saved:
            saved[key] = (change.path, change.name, state.get(change.path, change.name))
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return _safefile.write_atomic(path, render_backup(saved), what="the backup folder")
    except OSError as err:
        raise InputError("backup", f"cannot write {path}: {err.strerror}") from None
    except ExportFormatError as err:
        raise InputError("backup", str(err)) from None


def render_backup(saved: ManagedValues) -> bytes:
    """Return the backup file for ``saved``: a .reg file (UTF-16 LE) ending with its count-and-hash line."""
    body = render_reg(group_by_key(saved))
    marker = f"{_MARKER}{len(saved)} values, sha256 {hashlib.sha256(body).hexdigest()}\r\n"
    return body + marker.encode("utf-16-le")


def read_backup_values(path: str) -> ManagedValues:
    """Return the values saved in the backup at ``path`` ({} when there is none), validated as a whole.

    Raises:
        ExportFormatError: when the file is a link or special file, has no end line (truncated), does
            not match it (damaged or edited) or holds anything but values tlsready manages.
    """
    if not os.path.lexists(path):
        return {}
    data = _safefile.read_regular(path, _safefile.SMALL_LIMIT, what="the backup folder")
    index = data.rfind(_MARKER.encode("utf-16-le"))
    if index < 0 or index % 2:
        raise ExportFormatError(path, "has no tlsready end line: it was cut short (a crash or a full disk) or not "
                                      "written by tlsready; nothing is restored from it")
    body, tail = data[:index], data[index:].decode("utf-16-le", errors="replace")
    match = _MARKER_LINE.fullmatch(tail)
    if match is None:
        raise ExportFormatError(path, "its tlsready end line is damaged or not the last line; nothing is restored "
                                      "from it")
    if hashlib.sha256(body).hexdigest() != match.group(2):
        raise ExportFormatError(path, "its content does not match its end line (damaged or edited after tlsready "
                                      "wrote it); nothing is restored from it")
    values = managed_values(parse_reg(body, path), path, "a backup")
    if len(values) != int(match.group(1)):
        raise ExportFormatError(path, f"holds {len(values)} values where its end line says {match.group(1)}; "
                                      "nothing is restored from it")
    return values


def backup_file(backup: str | None, backup_dir: str | None, host: str) -> str | None:
    """Return the backup path: ``backup`` as given, or ``<backup_dir>/<host>.reg`` kept inside ``backup_dir``.

    Raises:
        InputError: when both are given, or ``host`` cannot be one file name in the folder (``../x``).
    """
    if backup and backup_dir:
        raise InputError("backup_dir", "give either backup (a file) or backup_dir (a folder), not both")
    if not backup_dir:
        return backup or None
    name = _safefile.confined_name(host, "inventory_hostname") + ".reg"
    return os.path.join(backup_dir, name)


def load_backup(path: str) -> list[BackupEntry]:
    """Return the values saved in the backup at ``path``, sorted by key and name.

    Raises:
        InputError: naming ``backup``, the file and line when it is not a backup tlsready can read.
    """
    try:
        recorded = read_backup_values(path)
    except ExportFormatError as err:
        raise InputError("backup", f"not a backup tlsready can restore: {err}") from None
    return [BackupEntry(_short_hive(key), name, value) for _key, (key, name, value) in sorted(recorded.items())]


def _short_hive(path: str) -> str:
    # .reg files spell the hive out; tlsready and win_regedit paths use HKLM\...
    hive, _sep, rest = path.partition("\\")
    return f"{_SHORT_HIVES.get(hive.upper(), hive)}\\{rest}"


def restore_diff(entries: t.Sequence[BackupEntry]) -> dict[str, str]:
    """Return an Ansible diff whose ``after`` shows each value as the backup restores it."""
    after = "".join(
        f"{e.path}\\{e.name} = {'(absent)' if e.value is None else repr(e.value.to_dict()['data'])}\n" for e in entries
    )
    return {"before": "", "after": after, "after_header": "registry (restored from backup)"}

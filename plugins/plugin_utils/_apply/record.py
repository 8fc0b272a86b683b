# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The record of an offline converge, and the offline host as it will be once its bundle is deployed (internal use only).

Converging an offline host cannot change the machine, so tlsready records what it would set in
``tlsready-applied.reg`` and ``tlsready-applied-hotfixes.txt`` (validated: only values tlsready
manages, only updates it knows). Loading a folder reads its exports (``_sources.exports``) and
applies the record last, so the next audit judges the host as it will be once the remediation
bundle is deployed; a record whose bundle does not match it is not applied.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing as t

from .. import _safefile
from .._errors import ExportFormatError, InputError
from .._policy.hotfixes import HOTFIXES
from .._sources.exports import OFFLINE_APPLIED_HOTFIXES, OFFLINE_APPLIED_REG, RECORD_FILES, read_export, read_exports
from .._sources.manifest import stale_files
from .._sources.regfile import full_key_path, parse_reg, render_reg
from .._sources.state import HostState, RegValue, normalize_key
from .managed import managed_values

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
    """Read an offline host's folder into a :class:`HostState`: its exports, then tlsready's record.

    The exports are read as ``_sources.exports.read_exports`` reads them; ``tlsready-applied.reg``
    and ``tlsready-applied-hotfixes.txt`` are validated whether or not they are applied, and applied
    last. ``with_record=False`` gives the host as exported, without what tlsready recorded (the
    simulation of ``_rollout.simulate`` compares both).

    Raises:
        ExportFormatError: naming the folder or file that is missing or malformed.
    """
    exported = read_exports(folder)
    names, state, files_read = exported.names, exported.state, exported.files_read
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
    if exported.versions_file is not None:
        files_read.append(exported.versions_file)
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


def read_recorded_hotfixes(folder: str) -> list[str]:
    """Return the updates recorded in the folder's tlsready-applied-hotfixes.txt, in install order.

    Raises:
        ExportFormatError: when the file is not one tlsready wrote (a link, a special file, an
            entry that is not an update tlsready knows).
    """
    path = os.path.join(folder, OFFLINE_APPLIED_HOTFIXES)
    if not os.path.lexists(path):
        return []
    kbs = parse_hotfix_list(read_export(path, folder, _safefile.SMALL_LIMIT), path)
    unknown = [kb for kb in kbs if kb not in _known_kbs()]
    if unknown:
        raise ExportFormatError(path, f"lists {', '.join(unknown[:5])}, which tlsready never records (not an update "
                                      "it knows); the file is refused whole (delete it and run the converge again)")
    return kbs


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

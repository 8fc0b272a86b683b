# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry values tlsready manages, and the check that a file it wrote holds nothing else (internal use only).

tlsready writes three kinds of ``.reg`` file: the record of an offline converge
(``tlsready-applied.reg``), the bundle rendered from it (``remediation.reg``) and
backups. Each may only ever hold values of :data:`._settings.SETTINGS` locations; a
file that holds anything else (an Image File Execution Options debugger, a Run key,
a key deletion, an HKCU value) was not written by tlsready and is refused whole.
"""

from __future__ import annotations

import typing as t

from .._errors import ExportFormatError
from .._policy.settings import SETTINGS
from .._sources.regfile import DELETE_KEY, DELETE_VALUE, RegOperation, SET
from .._sources.state import normalize_key, RegValue

# The value types Windows can hold at a managed location (tlsready writes dword; a backup keeps what was there).
KNOWN_TYPES = frozenset({"dword", "qword", "sz", "expand_sz", "multi_sz", "binary", "none"})

MANAGED_VALUES: frozenset[tuple[str, str]] = frozenset(
    (normalize_key(loc.path), loc.name.lower()) for setting in SETTINGS for loc in setting.locations
)


def is_managed(path: str, name: str) -> bool:
    """Whether ``path``\\``name`` is a registry value tlsready manages."""
    return (normalize_key(path), name.lower()) in MANAGED_VALUES


ManagedValues = t.Dict[t.Tuple[str, str], t.Tuple[str, str, t.Optional[RegValue]]]


def managed_values(ops: t.Iterable[RegOperation], path: str, what: str) -> ManagedValues:
    """Return the values of ``ops`` keyed by (normalized key, lower-case name); refuse the whole file otherwise.

    Raises:
        ExportFormatError: naming ``path`` and the first line that is a key deletion or a value
            tlsready does not manage; nothing of the file is used then.
    """
    values: ManagedValues = {}
    for op in ops:
        if op.kind == DELETE_KEY:
            raise ExportFormatError(path, f"holds a key deletion, which tlsready never writes in {what}; the file is "
                                          "refused whole (delete it and run the converge again)", op.line)
        if not is_managed(op.key, op.name):
            raise ExportFormatError(path, f"holds a value tlsready does not manage ({_where(op)}); tlsready never "
                                          f"writes one in {what}, so the file is refused whole", op.line)
        if op.kind == SET and (op.value is None or op.value.type not in KNOWN_TYPES):
            raise ExportFormatError(path, f"holds a value of an unknown type ({_where(op)})", op.line)
        if op.kind in (SET, DELETE_VALUE):
            values[(normalize_key(op.key), op.name.lower())] = (op.key, op.name, op.value if op.kind == SET else None)
    return values


def _where(op: RegOperation) -> str:
    # Names only, shortened: the file may come from anywhere, its content is not echoed at length.
    text = f"{op.key}\\{op.name or '@'}"
    return repr(text if len(text) <= 120 else text[:120] + "...")

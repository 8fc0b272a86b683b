# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the tlsready policy code (internal use only).

Every error names what was wrong (a field, a file, a line) so that action
plugins can turn it into a clear task failure without a traceback.
"""

from __future__ import annotations


class TlsReadyError(Exception):
    """Base class: a problem the user can fix, described in one message."""


class InputError(TlsReadyError):
    """A task argument or role variable has a value that is not allowed.

    Args:
        field: the argument name, for example ``overrides.winhttp``.
        message: what is wrong and what is allowed.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        super().__init__(f"{field}: {message}")


class ExportFormatError(TlsReadyError):
    """An offline export file cannot be read as the Windows tool writes it.

    Args:
        path: the file that is wrong.
        message: what was expected.
        line: the 1-based line number, when one applies.
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {message}")

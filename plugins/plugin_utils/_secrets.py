# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeping credentials out of task results (internal use only).

An update source may carry a credential: a URL with ``user:password@`` or a signed
query (``?sig=...``), a share written ``\\\\user:password@server\\share``. Options
marked ``no_log`` in an action plugin's argument spec are never shown: every string
of the task result has the raw value replaced by a safe description of it (the same
location without the credential), and every credential part by ``********``.
"""

from __future__ import annotations

import re
import typing as t
import urllib.parse

MASK = "********"
# user:password@ before a host, in anything that is not a URL (a share, scp-style path).
_USERINFO = re.compile(r"(?P<user>[^\\/@:\s]+):(?P<password>[^\\/@\s]+)@")
# A part shorter than this is too likely to occur in ordinary text to be replaced on its own.
_MIN_SECRET = 4


def describe(value: str) -> str:
    """Return ``value`` without its credential: no ``user:password@``, no query or fragment."""
    if "://" in value:
        try:
            parts = urllib.parse.urlsplit(value)
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            return MASK
        hidden = " (credentials hidden)" if (parts.username or parts.password or parts.query or parts.fragment) else ""
        return urllib.parse.urlunsplit((parts.scheme, host + port, parts.path, "", "")) + hidden
    if _USERINFO.search(value):
        return _USERINFO.sub("", value) + " (credentials hidden)"
    return value


def secret_parts(value: str) -> list[str]:
    """Return the parts of ``value`` that are credentials (password, query and its values, fragment)."""
    parts: list[str] = []
    if "://" in value:
        try:
            split = urllib.parse.urlsplit(value)
            parts += [split.password or "", split.query, split.fragment]
            parts += [v for _k, v in urllib.parse.parse_qsl(split.query, keep_blank_values=True)]
            parts += [urllib.parse.unquote(split.password or "")]
        except ValueError:
            pass
    parts += [m.group("password") for m in _USERINFO.finditer(value)]
    return sorted({p for p in parts if len(p) >= _MIN_SECRET}, key=len, reverse=True)


class Redactor:
    """Replaces the no_log values of a task in any result."""

    def __init__(self, values: t.Iterable[str]) -> None:
        self.replacements: list[tuple[str, str]] = []
        for value in sorted({v for v in values if v}, key=len, reverse=True):
            safe = describe(value)
            if safe != value:
                self.replacements.append((value, safe))
        secrets = {p for v in values if v for p in secret_parts(v)}
        self.replacements += [(p, MASK) for p in sorted(secrets, key=len, reverse=True)]

    def __bool__(self) -> bool:
        return bool(self.replacements)

    def text(self, value: str) -> str:
        for secret, replacement in self.replacements:
            value = value.replace(secret, replacement)
        return value

    def __call__(self, value: t.Any) -> t.Any:
        """Return ``value`` (a result, a message, any JSON-like data) with every secret replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, t.Mapping):
            return {self(k): self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self(v) for v in value)
        return value


def no_log_values(spec: t.Mapping[str, t.Mapping[str, t.Any]], args: t.Mapping[str, t.Any]) -> list[str]:
    """Return the task's values of the options marked ``no_log`` in ``spec``, as given (before validation)."""
    found = []
    for name, option in spec.items():
        value = args.get(name)
        if option.get("no_log") and value:
            found.append(value if isinstance(value, str) else str(value))
    return found

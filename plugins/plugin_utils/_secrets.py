# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keeping credentials out of task results (internal use only).

An update source may carry a credential: a URL with ``user:password@`` or a signed
query (``?sig=...``), a share written ``\\\\user:password@server\\share``. Options
marked ``no_log`` in an action plugin's argument spec are never shown: every string
of the task result has the raw value replaced by a safe description of it (the same
location without the credential), and every credential part by ``********``.

Each is also replaced in the forms output gives it: backslashes doubled (``repr``, JSON, once or
twice), URL-quoted. The password may be short, or hold ``/``, spaces, ``:`` or ``@``: the
credential of ``\\\\user:pa/ss word@server\\share`` ends at the last ``@`` before a host name.
"""

from __future__ import annotations

import json
import re
import typing as t
import urllib.parse

MASK = "********"
# A host (or host:port) right after the "@" that ends a credential, up to a separator or the end.
_HOST_AFTER_AT = re.compile(r"[A-Za-z0-9.\-\[\]:%]+(?=[\\/?#]|$)")
# user:password@ before a host, in anything that is not a URL (a share, scp-style path), for text
# where the value itself is not known (a module's message).
_USERINFO = re.compile(r"(?P<user>[^\\/@:\s]+):(?P<password>[^\\/@\s]+)@")
# A part shorter than this is too likely to occur in ordinary text to be replaced on its own;
# it is still replaced wherever it appears as ":<password>@" or inside its whole location.
_MIN_SECRET = 4


def _credential_span(value: str) -> tuple[int, int] | None:
    """Return ``(start, end)`` of ``user:password`` in ``value`` (a URL or a share), or None.

    The password may hold ``/``, ``\\``, spaces, ``:`` and ``@``: the credential ends at the last
    ``@`` that is followed by a host name and a separator (``\\``, ``/``, ``?``, ``#``) or the end.
    """
    if "://" in value:
        start = value.index("://") + 3
    else:
        stripped = value.lstrip("\\/")
        if len(value) - len(stripped) < 2:
            return None
        start = len(value) - len(stripped)
    ats = [i for i in range(start, len(value)) if value[i] == "@" and _HOST_AFTER_AT.match(value, i + 1)]
    if not ats:
        return None
    return start, ats[-1]


def _split_credential(value: str) -> tuple[str, str, str, str] | None:
    """Return ``(before, user, password, after)`` for a location with ``user[:password]@``."""
    span = _credential_span(value)
    if span is None:
        return None
    start, at = span
    user, _sep, password = value[start:at].partition(":")
    return value[:start], user, password, value[at + 1:]


_ESCAPES: tuple[t.Callable[[str], str], ...] = (
    lambda text: text,
    lambda text: text.replace("\\", "\\\\"),
    lambda text: text.replace("\\", "\\\\\\\\"),
    lambda text: json.dumps(text)[1:-1],
    lambda text: urllib.parse.quote(text, safe=""),
    urllib.parse.quote,
)


def escaped_pairs(secret: str, shown: str) -> list[tuple[str, str]]:
    """``(secret, shown)`` in each form output may give them: as is, repr/JSON-escaped (backslashes
    doubled, once or twice), URL-quoted; longest secret first."""
    pairs: dict[str, str] = {}
    for escape in _ESCAPES:
        # The first (plainest) form wins where two escapes leave the secret as it is.
        pairs.setdefault(escape(secret), escape(shown))
    return sorted(pairs.items(), key=lambda pair: len(pair[0]), reverse=True)


def describe(value: str) -> str:
    """Return ``value`` without its credential: no ``user:password@``, no query or fragment."""
    hidden = False
    split = _split_credential(value)
    if split is not None:
        before, _user, _password, after = split
        value, hidden = before + after, True
    if "://" in value:
        try:
            parts = urllib.parse.urlsplit(value)
            host = parts.hostname or ""
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            return MASK
        hidden = hidden or bool(parts.username or parts.password or parts.query or parts.fragment)
        value = urllib.parse.urlunsplit((parts.scheme, host + port, parts.path, "", ""))
    elif _USERINFO.search(value):
        value, hidden = _USERINFO.sub("", value), True
    return value + (" (credentials hidden)" if hidden else "")


def secret_parts(value: str) -> list[str]:
    """Return the parts of ``value`` that are credentials (password, query and its values, fragment)."""
    parts: list[str] = []
    split = _split_credential(value)
    if split is not None:
        parts += [split[2], urllib.parse.unquote(split[2])]
    if "://" in value:
        try:
            rest = value if split is None else split[0] + split[3]
            parsed = urllib.parse.urlsplit(rest)
            parts += [parsed.query, parsed.fragment]
            parts += [v for _k, v in urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)]
        except ValueError:
            pass
    parts += [m.group("password") for m in _USERINFO.finditer(value)]
    return sorted({p for p in parts if len(p) >= _MIN_SECRET}, key=len, reverse=True)


def _credential_replacements(value: str) -> list[tuple[str, str]]:
    """``user:password@`` (any password length) and ``:password@``, in every escaped form."""
    split = _split_credential(value)
    if split is None or not split[2]:
        return []
    _before, user, password, _after = split
    pairs = []
    for secret, shown in ((f"{user}:{password}@", f"{user}:{MASK}@"), (f":{password}@", f":{MASK}@")):
        pairs += escaped_pairs(secret, shown)
    return pairs


class Redactor:
    """Replaces the no_log values of a task in any result."""

    def __init__(self, values: t.Iterable[str]) -> None:
        values = [v for v in values if v]
        self.replacements: list[tuple[str, str]] = []
        # Longest first: the whole location, then user:password@, then each secret part alone.
        for value in sorted(set(values), key=len, reverse=True):
            safe = describe(value)
            if safe != value:
                self.replacements.extend(escaped_pairs(value, safe))
        for value in values:
            self.replacements.extend(_credential_replacements(value))
        secrets: dict[str, str] = {}
        for part in (p for v in values for p in secret_parts(v)):
            for form, shown in escaped_pairs(part, MASK):
                secrets.setdefault(form, shown)
        self.replacements += sorted(secrets.items(), key=lambda pair: len(pair[0]), reverse=True)

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

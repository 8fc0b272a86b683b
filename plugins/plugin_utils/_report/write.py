# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing a report set: every format rendered first, then written atomically under a lock with its manifest (internal use only).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import typing as t

import jinja2

from .._errors import InputError
from .html import render_html
from .render import render_csv, render_json, render_junit


FORMATS = {"json": "report.json", "xml": "report.xml", "csv": "report.csv", "html": "report.html"}


_RENDERERS: dict[str, t.Callable[[t.Mapping[str, t.Any]], str]] = {
    "json": render_json, "xml": render_junit, "csv": render_csv, "html": render_html,
}


def check_formats(formats: t.Sequence[str]) -> None:
    """Refuse a format name that is not one of FORMATS, naming the option."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise InputError("formats", f"must be any of {', '.join(FORMATS)}; got {unknown[0]!r}")


MANIFEST = "report-manifest.json"


LOCK = ".tlsready-report.lock"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_reports(report: t.Mapping[str, t.Any], dest: str, formats: t.Sequence[str] = tuple(FORMATS),
                  html_template: str | None = None) -> list[str]:
    """Write the chosen formats into ``dest`` as one set; return the paths written.

    Every file is rendered first, then written to a temporary file and renamed over the old one,
    and ``report-manifest.json`` (the set's time and each file's SHA-256) last. A lock on
    ``dest/.tlsready-report.lock`` holds other writers off for the whole set, so two runs writing
    to one folder never leave files of both. Files get the permissions the umask gives (not 0600).
    """
    check_formats(formats)
    rendered = {fmt: render_page(report, fmt, html_template).encode("utf-8") for fmt in formats}
    os.makedirs(dest, exist_ok=True)
    mode = 0o666 & ~_umask()
    written = []
    lock = os.open(os.path.join(dest, LOCK), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, mode)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for fmt in formats:
            written.append(_write_atomic(os.path.join(dest, FORMATS[fmt]), rendered[fmt], mode))
        manifest = {"generated_at": report.get("generated_at"), "mode": report.get("mode"),
                    "files": {FORMATS[f]: hashlib.sha256(rendered[f]).hexdigest() for f in formats}}
        _write_atomic(os.path.join(dest, MANIFEST), (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode(), mode)
    finally:
        os.close(lock)
    return written


def _write_atomic(path: str, data: bytes, mode: int) -> str:
    handle, temp = tempfile.mkstemp(prefix=".tlsready-", dir=os.path.dirname(path))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return path


def render_page(report: t.Mapping[str, t.Any], fmt: str, html_template: str | None = None) -> str:
    """Render one format; a user's HTML template that is missing or broken fails naming html_template."""
    if fmt != "html":
        return _RENDERERS[fmt](report)
    if html_template and not os.path.isfile(html_template):
        raise InputError("html_template", f"{html_template} is not a file (a Jinja2 template for report.html)")
    try:
        return render_html(report, html_template)
    except jinja2.TemplateError as err:
        raise InputError("html_template", f"{html_template or 'the default template'} does not render: {err}") from None

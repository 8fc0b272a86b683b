# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manifest that ties an offline host's record to its remediation bundle (internal use only).

A converge writes, in this order: the ``.msu`` copies, ``remediation.reg`` and
``remediation.cmd``, then ``tlsready-bundle.json`` (this manifest: the size and
SHA-256 of every bundle file and of the record files about to be written), then the
record. Each file is replaced atomically. After a kill at any point, the manifest
and the files disagree (or the record has no manifest), :func:`stale_files` says
which, the record is not applied, and the next converge writes everything again.
"""

from __future__ import annotations

import hashlib
import json
import os
import typing as t

from .. import _safefile
from .._errors import ExportFormatError

MANIFEST = "tlsready-bundle.json"
_FORMAT = 1


def render_manifest(files: t.Mapping[str, tuple[int, str]]) -> bytes:
    """Return the manifest for ``files``: relative path (``/``-separated) -> (size, sha256 hex)."""
    entries = {name: {"size": size, "sha256": digest} for name, (size, digest) in sorted(files.items())}
    return (json.dumps({"format": _FORMAT, "generator": "tlsready.windows", "files": entries}, indent=1) +
            "\n").encode("ascii")


def content_entry(content: bytes) -> tuple[int, str]:
    """Return (size, sha256 hex) of ``content``."""
    return len(content), hashlib.sha256(content).hexdigest()


def read_manifest(folder: str) -> dict[str, tuple[int, str]] | None:
    """Return the folder's manifest (None when there is none).

    Raises:
        ExportFormatError: when it is a link, a special file or not a manifest tlsready wrote.
    """
    path = os.path.join(folder, MANIFEST)
    if not os.path.lexists(path):
        return None
    data = _safefile.read_regular(path, _safefile.SMALL_LIMIT, base=folder)
    try:
        parsed = json.loads(data.decode("ascii"))
        files = parsed["files"]
        if parsed.get("format") != _FORMAT or not isinstance(files, dict):
            raise ValueError("format")
        result = {}
        for name, entry in files.items():
            if (not isinstance(name, str) or name.startswith("/") or ".." in name.split("/")
                    or not isinstance(entry["size"], int) or not isinstance(entry["sha256"], str)):
                raise ValueError("entry")
            result[name] = (entry["size"], entry["sha256"])
        return result
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, AttributeError):
        raise ExportFormatError(path, "is not a bundle manifest tlsready wrote; delete it and run the converge "
                                      "again") from None


def stale_files(folder: str, record_names: t.Iterable[str], hash_limit: int = _safefile.SMALL_LIMIT) -> list[str]:
    """Return what does not match the folder's manifest ("<file>: <why>"); empty when all is in step.

    Files up to ``hash_limit`` are hashed; bigger ones (the ``.msu`` copies) are compared by size,
    so an audit of a fleet does not reread every update file.
    """
    try:
        manifest = read_manifest(folder)
    except ExportFormatError as err:
        return [str(err)]
    if manifest is None:
        return [f"{MANIFEST}: missing, so the remediation bundle may not match the record (an interrupted or "
                "older converge)"]
    problems = []
    for name in sorted(set(record_names) - set(manifest)):
        if os.path.lexists(os.path.join(folder, name)):
            problems.append(f"{name}: not in {MANIFEST} (written after the bundle)")
    for name, (size, digest) in sorted(manifest.items()):
        path = os.path.join(folder, *name.split("/"))
        if not os.path.lexists(path):
            problems.append(f"{name}: missing")
            continue
        try:
            if size > hash_limit:
                actual_size = os.lstat(path).st_size
                if actual_size != size:
                    problems.append(f"{name}: {actual_size} bytes, expected {size}")
                continue
            if _safefile.sha256_file(path, base=folder) != (size, digest):
                problems.append(f"{name}: content differs from the one written with the bundle")
        except (ExportFormatError, OSError) as err:
            problems.append(f"{name}: {getattr(err, 'detail', None) or err}")
    return problems

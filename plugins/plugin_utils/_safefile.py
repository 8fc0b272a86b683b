# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and writing files in folders tlsready does not control (internal use only).

Export folders, bundles and backup folders come from machines and people tlsready does not
control. Every file tlsready reads or writes in one goes through this module, which:

- follows no symbolic link below the folder the user named (``base``): each folder on the way
  is opened with ``O_NOFOLLOW`` relative to its parent, and the file itself too, so a planted
  link (``remediation`` -> ``/etc``, ``remediation.cmd`` -> ``~/.bashrc``) is refused, never used;
- reads only regular files, opened with ``O_NONBLOCK`` and checked with ``fstat`` before any read,
  so a FIFO, a device or ``/dev/zero`` is refused at once instead of hanging or eating memory;
- reads at most ``limit`` bytes, refusing a bigger file with its size in the message;
- writes atomically: a temporary file in the same folder, ``fsync``, ``os.replace``, then an
  ``fsync`` of the folder, so a kill or a full disk leaves the old file or the new one, never half;
- keeps a name built from a host name (``<backup_dir>/<host>.reg``) inside its folder.

The folder the user named may itself be a link (``/srv/exports`` -> ``/data/exports``): that is
the user's choice. Nothing here quotes a file's content in an error message.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import typing as t

from ._errors import ExportFormatError, InputError

MIB = 1024 * 1024
# collect.cmd exports a few keys (kilobytes); even a whole SOFTWARE hive export stays below this.
EXPORT_LIMIT = 64 * MIB
# systeminfo, file versions, the hotfix record, a backup: kilobytes at most.
SMALL_LIMIT = 8 * MIB
_CHUNK = MIB

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class UnsafeFileError(ExportFormatError):
    """A file or folder that tlsready refuses to read or write (a link, not a regular file, too big)."""


def _split(path: str, base: str | None) -> tuple[str, list[str]]:
    """Return ``(base, components below it)``; without ``base``, the file's own folder is the base."""
    path = os.path.normpath(path)
    if base is None:
        return os.path.dirname(path) or ".", [os.path.basename(path)]
    base = os.path.normpath(base)
    relative = os.path.relpath(path, base)
    parts = relative.split(os.sep)
    if relative in (".", "") or parts[0] == os.pardir or os.path.isabs(relative):
        raise UnsafeFileError(path, f"is not inside {base}; tlsready reads and writes only inside that folder")
    return base, parts


def _refusal(path: str, err: OSError, what: str) -> UnsafeFileError:
    if err.errno in (errno.ELOOP, errno.EMLINK):
        return UnsafeFileError(path, f"is a symbolic link; tlsready does not follow links in {what}")
    if err.errno == errno.ENOTDIR:
        return UnsafeFileError(path, f"a part of this path is a symbolic link or not a folder; tlsready does not "
                                     f"follow links in {what}")
    return UnsafeFileError(path, f"cannot open: {err.strerror}")


@contextlib.contextmanager
def open_folder(path: str, base: str | None = None, create: bool = False,
                what: str = "an export folder") -> t.Iterator[int]:
    """Yield a file descriptor of the folder ``path``, reached from ``base`` without following a link.

    With ``create``, missing folders below ``base`` are made (with the umask's permissions).

    Raises:
        UnsafeFileError: when a folder on the way is a link or not a folder.
    """
    if base is None or os.path.normpath(path) == os.path.normpath(base):
        root, parts = os.path.normpath(path), t.cast(t.List[str], [])
    else:
        root, parts = _split(path, base)
    try:
        fd = os.open(root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    except OSError as err:
        raise UnsafeFileError(root, f"cannot open the folder: {err.strerror}") from None
    try:
        done = root
        for part in parts:
            done = os.path.join(done, part)
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=fd)
            except OSError as err:
                raise _refusal(done, err, what) from None
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def _open_regular(name: str, dir_fd: int, path: str, what: str) -> tuple[int, os.stat_result]:
    try:
        fd = os.open(name, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, dir_fd=dir_fd)
    except OSError as err:
        raise _refusal(path, err, what) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UnsafeFileError(path, f"is not a regular file ({_kind(info.st_mode)}); tlsready reads only regular "
                                    f"files in {what}")
    return fd, info


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


def read_regular(path: str, limit: int = EXPORT_LIMIT, base: str | None = None,
                 what: str = "an export folder") -> bytes:
    """Return the content of the regular file ``path`` (at most ``limit`` bytes), following no link.

    Raises:
        UnsafeFileError: for a link, a special file, a file bigger than ``limit`` or an unreadable one.
    """
    folder_path, parts = _split(path, base)
    with open_folder(os.path.join(folder_path, *parts[:-1]), folder_path, what=what) as dir_fd:
        fd, info = _open_regular(parts[-1], dir_fd, path, what)
        with os.fdopen(fd, "rb") as handle:
            if info.st_size > limit:
                raise UnsafeFileError(path, _too_big(info.st_size, limit))
            data = handle.read(limit + 1)
    if len(data) > limit:
        # Grew while being read: still refused, and never more than limit + 1 bytes in memory.
        raise UnsafeFileError(path, _too_big(len(data), limit))
    return data


def _too_big(size: int, limit: int) -> str:
    return (f"is {size / MIB:.1f} MiB, more than the {limit // MIB} MiB tlsready reads from such a file; "
            "export only the keys tlsready needs (files/collect.cmd does)")


def sha256_file(path: str, base: str | None = None, what: str = "an export folder") -> tuple[int, str]:
    """Return ``(size, sha256 hex)`` of the regular file ``path``, read in chunks, following no link."""
    folder_path, parts = _split(path, base)
    with open_folder(os.path.join(folder_path, *parts[:-1]), folder_path, what=what) as dir_fd:
        fd, _info = _open_regular(parts[-1], dir_fd, path, what)
        with os.fdopen(fd, "rb") as handle:
            return _hash_stream(handle)


def _hash_stream(handle: t.BinaryIO, sink: t.BinaryIO | None = None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while True:
        chunk = handle.read(_CHUNK)
        if not chunk:
            return size, digest.hexdigest()
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)


def _check_target(name: str, dir_fd: int, path: str, what: str) -> None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFileError(path, f"is a symbolic link; tlsready does not write through links in {what} (remove it)")
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeFileError(path, f"is {_kind(info.st_mode)}, not a regular file; tlsready does not replace it")


def _temp_name(name: str) -> str:
    return f".{name}.tlsready.tmp"


def _remove_temp(dir_fd: int, name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_temp_name(name), dir_fd=dir_fd)


@contextlib.contextmanager
def _temp_in(dir_fd: int, name: str, path: str) -> t.Iterator[tuple[str, t.BinaryIO]]:
    # One fixed name per file: a temporary file left by a killed run is replaced by the next write.
    temp = _temp_name(name)
    _remove_temp(dir_fd, name)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, 0o666, dir_fd=dir_fd)
    except OSError as err:
        raise UnsafeFileError(path, f"cannot create a temporary file next to it: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield temp, handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        os.fsync(dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=dir_fd)
        raise


def write_atomic(path: str, content: bytes, base: str | None = None, what: str = "an export folder",
                 only_if_changed: bool = True) -> bool:
    """Replace ``path`` with ``content`` atomically, following no link; return whether it was written.

    Missing folders between ``base`` and the file are created. With ``only_if_changed``, a file
    that already holds ``content`` is left alone (and not rewritten).

    Raises:
        UnsafeFileError: when the file or a folder on the way is a link or a special file, or on a write error.
    """
    folder_path, parts = _split(path, base)
    with open_folder(os.path.join(folder_path, *parts[:-1]), folder_path, create=True, what=what) as dir_fd:
        name = parts[-1]
        _check_target(name, dir_fd, path, what)
        if only_if_changed:
            try:
                fd, info = _open_regular(name, dir_fd, path, what)
                with os.fdopen(fd, "rb") as handle:
                    if info.st_size == len(content) and handle.read(len(content) + 1) == content:
                        _remove_temp(dir_fd, name)
                        return False
            except UnsafeFileError:
                pass
        try:
            with _temp_in(dir_fd, name, path) as (_temp, handle):
                handle.write(content)
        except OSError as err:
            raise UnsafeFileError(path, f"cannot write: {err.strerror}; the previous file, if any, is unchanged") \
                from None
    return True


def copy_verified(source: str, target: str, base: str, what: str = "the update source") -> tuple[int, str]:
    """Copy the regular file ``source`` to ``target`` (inside ``base``) atomically; return its size and sha256.

    ``source`` is opened without following a link; the copy is read back and must have the
    source's size and hash before it replaces ``target``. A ``target`` that already has them is kept.

    Raises:
        UnsafeFileError: for a link or special file on either side, or a copy that does not match.
    """
    src_dir, src_name = os.path.split(os.path.normpath(source))
    with open_folder(src_dir or ".", what=what) as src_fd:
        fd, info = _open_regular(src_name, src_fd, source, what)
        with os.fdopen(fd, "rb") as src:
            size, digest = _hash_stream(src)
            if size != info.st_size:
                raise UnsafeFileError(source, "changed while being read; run again once it is complete")
            folder_path, parts = _split(target, base)
            with open_folder(os.path.join(folder_path, *parts[:-1]), folder_path, create=True,
                             what="the bundle") as dir_fd:
                name = parts[-1]
                _check_target(name, dir_fd, target, "the bundle")
                if os.path.lexists(target) and _hash_at(dir_fd, name, target) == (size, digest):
                    _remove_temp(dir_fd, name)
                    return size, digest
                src.seek(0)
                with _temp_in(dir_fd, name, target) as (temp, handle):
                    copied = _hash_stream(src, handle)
                    handle.flush()
                    written = _hash_at(dir_fd, temp, target)
                    if copied != (size, digest) or written != (size, digest):
                        raise UnsafeFileError(target, f"the copy of {source} does not match it (size or SHA-256); "
                                                      "nothing was replaced; check the disk and run again")
    return size, digest


def _hash_at(dir_fd: int, name: str, path: str) -> tuple[int, str]:
    fd, _info = _open_regular(name, dir_fd, path, "the bundle")
    with os.fdopen(fd, "rb") as handle:
        return _hash_stream(handle)


def confined_name(name: str, field: str) -> str:
    """Return ``name`` when it can be used as one file name inside a folder (a host name); refuse it otherwise.

    Refused rather than mapped: two hosts mapped to one file would share a backup.

    Raises:
        InputError: naming ``field`` when ``name`` is empty, ``.``/``..`` or holds a path separator or NUL.
    """
    if not name or name in (".", "..") or any(char in name for char in "/\\\x00") or name.startswith("."):
        raise InputError(field, f"{name!r} cannot be used as a file name inside the folder (it is empty, starts "
                                "with '.' or holds '/', '\\' or NUL); rename the inventory host or set an "
                                "explicit path")
    return name

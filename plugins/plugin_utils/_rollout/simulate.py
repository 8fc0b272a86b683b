# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Simulated after-change failures of offline hosts, for the lab and tests (internal use only).

An offline host folder may hold ``simulate.yml``::

    # What happens to this host once tlsready has changed it (docs/canary-rollout.md)
    after_change: lose_management   # or fail_probe, or unreachable

The file is read only while a change tlsready recorded is in force in the folder: the record
(``tlsready-applied.reg``, vouched for by the bundle's manifest) sets at least one value to
something other than the exports say. Before the first converge, and again once the saved
values are restored (the record then equals the exports), the host behaves normally. So a
converge with the canary post-check sees, on this host:

``lose_management``
    every read after the change fails as a lost connection would (also an audit's read), but
    the restore still reaches the folder: the host is *reverted*.
``unreachable``
    reads fail and the restore fails too: the host is *lost*, reported with the console command.
``fail_probe``
    reads work; the handshake probe fails through WinHTTP (12175 ERROR_WINHTTP_SECURE_FAILURE,
    the error a host without TLS 1.2 in WinHTTP gives) for every endpoint probed.
"""

from __future__ import annotations

import os
import typing as t

import yaml

from .._apply.record import load_offline_folder, read_recorded_values
from .._errors import ExportFormatError
from .._sources.exports import OFFLINE_APPLIED_REG

SIMULATE_FILE = "simulate.yml"
CONDITIONS = ("lose_management", "unreachable", "fail_probe")
# 12175 (0x2F8F) ERROR_WINHTTP_SECURE_FAILURE; win_tls_probe reports the HRESULT 0x80072F8F, signed.
_SECURE_FAILURE = -2147012721


def read_condition(folder: str) -> str | None:
    """Return the condition ``simulate.yml`` names, or None without the file.

    Raises:
        ExportFormatError: when the file is not a mapping with ``after_change`` one of CONDITIONS.
    """
    path = os.path.join(folder, SIMULATE_FILE)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle:
            data = yaml.safe_load(handle.read(64 * 1024).decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ExportFormatError(path, f"is not a YAML mapping: {err}") from None
    condition = data.get("after_change") if isinstance(data, dict) else None
    if condition not in CONDITIONS:
        raise ExportFormatError(path, f"after_change must be one of {', '.join(CONDITIONS)}; got {condition!r}")
    return str(condition)


def change_in_force(folder: str) -> bool:
    """Whether tlsready's record in ``folder`` is applied and sets a value the exports do not have."""
    path = os.path.join(folder, OFFLINE_APPLIED_REG)
    if not os.path.isfile(path):
        return False
    changed = load_offline_folder(folder)
    if path not in changed.files_read:
        return False  # a stale record (its bundle does not match it) is not applied
    exported = load_offline_folder(folder, with_record=False).state
    return any(exported.get(key, name) != value for key, name, value in read_recorded_values(path, base=folder).values())


def active_condition(folder: str) -> str | None:
    """The simulated condition in force now: the one of ``simulate.yml`` while a change is in force, else None."""
    condition = read_condition(folder)
    if condition is None or not change_in_force(folder):
        return None
    return condition


def lost_message(folder: str, condition: str, what: str) -> str:
    """The connection failure a simulated host gives (it names the simulation, never hidden)."""
    return (f"simulated by {os.path.join(folder, SIMULATE_FILE)} (after_change: {condition}): the host cannot be "
            f"reached to {what} since tlsready changed it")


def failing_probe(endpoints: t.Sequence[str]) -> dict[str, t.Any]:
    """A win_tls_probe result in which WinHTTP fails the handshake with 12175 for every endpoint."""
    return {
        "runtime": {"simulated": True},
        "results": [{"endpoint": endpoint, "stack": "winhttp", "success": False,
                     "error": "A security error occurred (simulated by simulate.yml after_change: fail_probe)",
                     "error_code": _SECURE_FAILURE} for endpoint in endpoints],
    }

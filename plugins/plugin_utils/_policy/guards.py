# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safety guards checked before tlsready disables a protocol (internal use only).

Disabling old protocols on old Windows breaks things people depend on
(reference section 5). Each guard here is a documented prerequisite; while it
is not met, the plan is blocked and nothing is changed, unless the admin
accepts that risk by naming the guard in ``accept_risks``.
"""

from __future__ import annotations

import re
import typing as t

from .._errors import InputError
from .._sources import keys as src
from .._sources.state import HostState
from .catalogue import Release

GUARDS: dict[str, str] = {
    "rdp_kb3080079": "Remote Desktop on Windows 7 / 2008 R2 needs KB3080079 before TLS 1.0 is disabled",
    "rdp_kb4074621": "Remote Desktop on Server 2008 SP2 needs KB4074621 before TLS 1.0 is disabled",
    "management_channel": "never cut the WinRM / PSRP HTTPS channel this run uses",
    "sql_server_tls12": "SQL Server 2014 and older need a KB3135244 build before TLS 1.0 is disabled",
    "wsus_tls12": "WSUS on Server 2012 / 2012 R2 needs KB4022721 / KB4022720 before old protocols are disabled",
}
# SQL Server instance id prefixes (MSSQL12.NAME) of releases that lack TLS 1.2 without an update [S26].
_SQL_NEEDS_UPDATE = {"MSSQL10": "SQL Server 2008", "MSSQL10_50": "SQL Server 2008 R2",
                     "MSSQL11": "SQL Server 2012", "MSSQL12": "SQL Server 2014"}
_WSUS_UPDATE = {"6.2": "KB4022721", "6.3": "KB4022720"}


class GuardFinding(t.NamedTuple):
    """A guard that applies to this plan; ``accepted`` when the admin took the risk."""

    guard: str
    message: str
    remediation: str
    accepted: bool


def validate_accept_risks(value: t.Any) -> frozenset[str]:
    """Return the accepted guard names, refusing unknown ones with the known ones listed."""
    if value is None:
        return frozenset()
    if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
        raise InputError("accept_risks", "must be a list of guard names")
    unknown = sorted(str(v) for v in value if str(v) not in GUARDS)
    if unknown:
        raise InputError("accept_risks", f"unknown guard {unknown[0]!r}; known guards are {', '.join(GUARDS)}")
    return frozenset(str(v) for v in value)


def check_guards(
    state: HostState,
    release: Release,
    disabled: set[str],
    tls12_server_offered: bool,
    management_tls: bool,
    accepted: frozenset[str],
) -> list[GuardFinding]:
    """Return the guards this plan trips.

    Args:
        disabled: protocol settings the plan hard-disables (``schannel.tls1_0.server`` ...).
        tls12_server_offered: whether the host offers TLS 1.2 as a server *now*.
        management_tls: whether this run reaches the host over WinRM/PSRP HTTPS.
        accepted: guard names whose risk the admin accepted.
    """
    found: list[tuple[str, str, str]] = []
    tls10_server = "schannel.tls1_0.server" in disabled
    if tls10_server and release.family == "6.1" and "KB3080079" not in state.hotfixes:
        found.append(("rdp_kb3080079",
                      "Disabling TLS 1.0 (server) on Windows 7 / 2008 R2 without KB3080079 stops Remote Desktop, "
                      "which speaks only TLS 1.0 there until that update [S33][S34].",
                      "Install KB3080079 first."))
    if tls10_server and release.family == "6.0" and "KB4074621" not in state.hotfixes:
        found.append(("rdp_kb4074621",
                      "Disabling TLS 1.0 (server) on Server 2008 SP2 without KB4074621 stops Remote Desktop [S33].",
                      "Install KB4074621 first."))
    legacy_server = disabled & {"schannel.tls1_0.server", "schannel.tls1_1.server"}
    if management_tls and legacy_server and not tls12_server_offered:
        found.append(("management_channel",
                      "This run reaches the host over WinRM/PSRP HTTPS, and the host does not offer TLS 1.2 as a "
                      "server now, so the session runs on TLS 1.0/1.1; disabling them cuts the channel Ansible "
                      "uses [S30][S31].",
                      "First enable TLS 1.2 server (profile m365_client with override schannel.tls1_2.server: "
                      "enabled), restart, then run strict; or connect over HTTP 5985 with message encryption "
                      "(docs/connecting-to-unremediated-hosts.md)."))
    if disabled & {"schannel.tls1_0.server", "schannel.tls1_0.client"}:
        old_sql = _old_sql_instances(state)
        if old_sql:
            found.append(("sql_server_tls12",
                          f"SQL Server instances {', '.join(old_sql)} need a TLS 1.2 build from KB3135244 "
                          "(for example SQL Server 2014 SP1 12.0.4439.1) or they stop accepting connections when "
                          "TLS 1.0 is disabled [S26].",
                          "Check each instance's build against KB3135244 and update it first."))
    wsus_kb = _WSUS_UPDATE.get(release.family)
    if (legacy_server and wsus_kb and release.product_type == "server"
            and _has_values(state, src.WSUS_SETUP) and wsus_kb not in state.hotfixes):
        found.append(("wsus_tls12",
                      f"This server runs WSUS, which needs {wsus_kb} (or a later rollup) for TLS 1.2 [S19c].",
                      f"Install {wsus_kb} first."))
    return [GuardFinding(g, m, f"{r} To go ahead anyway, add {g!r} to accept_risks.", g in accepted)
            for g, m, r in found]


def fips_warning(state: HostState, disabled: set[str]) -> str | None:
    """Return a warning when protocols are disabled on a host with the FIPS policy on [S19d]."""
    value = state.get(src.FIPS_POLICY, "Enabled")
    if disabled and value is not None and value.type == "dword" and value.data == 1:
        return ("The FIPS security policy is enabled: Schannel may still negotiate TLS 1.0 although it is "
                "disabled in the registry [S19d].")
    return None


def _old_sql_instances(state: HostState) -> list[str]:
    prefix = src.SQL_INSTANCES.upper()
    names = []
    for (path, name), value in state.registry.items():
        if path == prefix and isinstance(value.data, str):
            match = re.match(r"(MSSQL\d+(?:_\d+)?)\.", value.data.upper())
            if match and match.group(1) in _SQL_NEEDS_UPDATE:
                names.append(f"{name.upper()} ({_SQL_NEEDS_UPDATE[match.group(1)]})")
    return sorted(names)


def _has_values(state: HostState, path: str) -> bool:
    prefix = path.upper()
    return any(key[0] == prefix for key in state.registry)

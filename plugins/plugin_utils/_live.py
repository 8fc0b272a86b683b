# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live path: arguments for win_tls_read and its result as a HostState (internal use only)."""

from __future__ import annotations

import typing as t

from ._errors import InputError
from ._sources import READ_FILES, READ_KEYS
from ._state import REG_TYPES, HostState, RegValue, parse_version

_FIELD = "win_tls_read result"
_PRODUCT_TYPES = {1: "client", 2: "server", 3: "server"}
# Raw errors a modern controller gets from a host that speaks only TLS 1.0 over WinRM HTTPS [S31][S32].
_TLS_ERRORS = ("unsupported_protocol", "unsupported protocol", "wrong version number", "dh key too small",
               "tlsv1 alert protocol version", "eof occurred in violation of protocol", "sslerror")


def read_module_args() -> dict[str, t.Any]:
    """Return the win_tls_read arguments: every key and evidence file tlsready reads."""
    return {
        "keys": [{"path": k.path, "recursive": k.recursive, "x64_only": k.x64_only} for k in READ_KEYS],
        "files": list(READ_FILES),
    }


def state_from_read_result(result: t.Mapping[str, t.Any]) -> HostState:
    """Convert a win_tls_read result into a HostState.

    Raises:
        InputError: naming the first field of the result that is missing or malformed.
    """
    try:
        os_info = result["os"]
        product = _PRODUCT_TYPES.get(int(os_info["product_type"]))
        if product is None:
            raise InputError(f"{_FIELD}.os.product_type", f"expected 1, 2 or 3, got {os_info['product_type']!r}")
        version = parse_version(str(os_info["version"]))
        state = HostState(
            hostname=str(os_info.get("hostname", "")),
            os_name=str(os_info.get("caption", "")),
            version=(version + (0, 0, 0))[:3],  # type: ignore[arg-type]
            service_pack=int(os_info.get("service_pack_major") or 0),
            product_type=product,
            architecture=str(os_info["architecture"]),
            hotfixes=frozenset(str(h).strip().upper() for h in result["hotfixes"]),
            source="live",
            reboot_pending=bool(result.get("reboot_pending", False)),
            problems=[str(p) for p in result.get("problems", [])],
        )
        for item in result["registry"]:
            state.set(str(item["path"]), str(item["name"]), _value(item))
        for entry in dict(result["files"]).values():
            if entry.get("version"):
                state.file_versions[str(entry["path"]).lower()] = parse_version(str(entry["version"]))
    except KeyError as err:
        raise InputError(f"{_FIELD}.{err.args[0]}", "is missing") from None
    except (TypeError, ValueError, AttributeError) as err:
        raise InputError(_FIELD, f"is malformed: {err}") from None
    return state


def _value(item: t.Mapping[str, t.Any]) -> RegValue:
    reg_type, data = str(item["type"]), item.get("data")
    if reg_type not in REG_TYPES:
        raise ValueError(f"unknown registry type {reg_type!r} at {item.get('path')}\\{item.get('name')}")
    if reg_type in ("dword", "qword"):
        return RegValue(reg_type, int(data))
    if reg_type in ("sz", "expand_sz"):
        return RegValue(reg_type, str(data))
    if reg_type == "multi_sz":
        return RegValue(reg_type, tuple(str(s) for s in data or ()))
    return RegValue(reg_type, bytes.fromhex(str(data or "")))


def failure_hint(message: str) -> str | None:
    """Return connection advice when ``message`` is the TLS error of an unremediated host, else None."""
    lowered = message.lower()
    if not any(marker in lowered for marker in _TLS_ERRORS):
        return None
    return ("The host probably offers only TLS 1.0 over WinRM HTTPS, which a modern controller refuses. "
            "Connect over HTTP 5985 with message encryption instead (ansible_port: 5985, "
            "ansible_winrm_scheme: http, ansible_winrm_transport: ntlm, kerberos or credssp, "
            "ansible_winrm_message_encryption: always); see docs/connecting-to-unremediated-hosts.md.")

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live path: arguments for win_tls_read and its result as a HostState (internal use only)."""

from __future__ import annotations

import re
import typing as t

from .._errors import InputError
from .keys import READ_FILES, READ_KEYS
from .state import HostState, normalize_key, parse_version, REG_TYPES, RegValue

_FIELD = "win_tls_read result"
# HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions ProductType, as Win32_OperatingSystem numbers it.
_PRODUCT_TYPES = {"winnt": "client", "lanmannt": "server", "servernt": "server"}
# PROCESSOR_ARCHITECTURE of the machine environment.
_ARCHITECTURES = {"amd64": "x64", "x86": "x86", "arm64": "arm64"}
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
    """Convert a win_tls_read result (see the module's RETURN) into a HostState.

    Raises:
        InputError: naming the first field of the result that is missing or malformed.
    """
    try:
        return _convert(result)
    except (TypeError, ValueError, AttributeError) as err:
        raise InputError(_FIELD, f"is malformed: {err!s}") from None


def _convert(result: t.Mapping[str, t.Any]) -> HostState:
    os_info = _get(result, "os", dict)
    version = parse_version(_get(os_info, "version", str, "os."))
    if len(version) != 3:
        raise InputError(f"{_FIELD}.os.version", f"expected major.minor.build, got {os_info['version']!r}")
    state = HostState(
        hostname=str(os_info.get("hostname") or ""),
        os_name=str(os_info.get("caption") or ""),
        version=version,
        service_pack=int(os_info.get("csd_version") or 0) >> 8,
        product_type=_lookup(_PRODUCT_TYPES, _get(os_info, "product_type", str, "os."), "os.product_type"),
        architecture=_lookup(_ARCHITECTURES, _get(os_info, "processor_architecture", str, "os."), "os.processor_architecture"),
        hotfixes=frozenset(str(h).strip().upper() for h in _get(result, "hotfixes", list)),
        source="live",
        reboot_pending=bool(result.get("reboot_pending_keys")),
        problems=[str(p) for p in result.get("problems") or []],
    )
    for index, item in enumerate(_get(result, "registry", list)):
        try:
            state.set(str(item["path"]), str(item["name"]), _value(item))
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{_FIELD}.registry[{index}]", f"is malformed: {err!s}") from None
    for name, entry in _get(result, "files", dict).items():
        if not isinstance(entry, dict) or "path" not in entry:
            raise InputError(f"{_FIELD}.files[{name!r}]", "must be a mapping with path and version")
        if entry.get("version"):
            state.file_versions[str(entry["path"]).lower()] = parse_version(str(entry["version"]))
    return state


def _get(mapping: t.Mapping[str, t.Any], key: str, kind: type, prefix: str = "") -> t.Any:
    if key not in mapping:
        raise InputError(f"{_FIELD}.{prefix}{key}", "is missing")
    value = mapping[key]
    if not isinstance(value, kind):
        raise InputError(f"{_FIELD}.{prefix}{key}", f"must be a {kind.__name__}, got {type(value).__name__}")
    return value


def _lookup(table: dict[str, str], raw: str, field: str) -> str:
    try:
        return table[raw.lower()]
    except KeyError:
        raise InputError(f"{_FIELD}.{field}", f"expected one of {', '.join(sorted(table))}, got {raw!r}") from None


def _value(item: t.Mapping[str, t.Any]) -> RegValue:
    reg_type, data = str(item["type"]), item.get("data")
    if reg_type not in REG_TYPES:
        raise ValueError(f"unknown registry type {reg_type!r} at {item.get('path')}\\{item.get('name')}")
    if reg_type in ("dword", "qword"):
        return RegValue(reg_type, int(t.cast(int, data)))  # None or a list: TypeError, reported by the caller
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
            "ansible_winrm_scheme: http, ansible_winrm_transport: ntlm or kerberos, "
            "ansible_winrm_message_encryption: always); see docs/connecting-to-unremediated-hosts.md.")


# win_tls_read's problem for one value it could not read as Windows stores it (not an access problem).
_VALUE_PROBLEM = re.compile(r"^(HKLM\\.+)\\([^\\]*) \((?:unknown value kind [^)]*|REG_[DQ]WORD of unusual size)\)$")


def value_problem(problem: str) -> tuple[str, str] | None:
    """Return (key, name) when ``problem`` concerns one value only (an unknown kind, an odd size), else None."""
    match = _VALUE_PROBLEM.match(problem)
    return (normalize_key(match.group(1)), match.group(2).lower()) if match else None


def blocking_problems(problems: t.Sequence[str], targets: t.Iterable[tuple[str, str]]) -> list[str]:
    """The problems that forbid changing the host: all but those about one value the plan does not touch.

    A value read in a form tlsready does not know cannot be saved exactly in the backup, so it is never
    overwritten; it does not stop the writes of other values.
    """
    touched = {(normalize_key(path), name.lower()) for path, name in targets}
    return [p for p in problems if value_problem(p) is None or value_problem(p) in touched]

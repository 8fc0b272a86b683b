# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The handshake probe: its arguments, its result as typed objects, and what it proves (internal use only).

``win_tls_probe`` returns raw observations (success, error codes as Windows gives them); this
module classifies them and turns failures into findings naming the stack and its usual causes;
_setting_states gives each setting its effective state from them. docs/reference/probe.md holds
the sources.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import typing as t

from .._errors import ExportFormatError, InputError
from .._policy.findings import ERROR, Finding, WARNING

STACKS = ("winhttp", "dotnet", "schannel")
STACK_LABELS = {
    "winhttp": "WinHTTP (the system default protocols WinHTTP programs get)",
    "dotnet": ".NET Framework 4.x (the defaults of HttpWebRequest in Windows PowerShell)",
    "schannel": "Schannel (SslStream asking for TLS 1.2 explicitly)",
}
DEFAULT_ENDPOINTS = ("login.microsoftonline.com:443", "microsoft.sharepoint.com:443")
RECORDED_FILE = "probe.json"
NOT_PROBED_OFFLINE = f"not probed: offline host without {RECORDED_FILE}"
TIMEOUT_RANGE = (1, 120)

# What a failure is. TLS-class outcomes prove the stack cannot talk TLS 1.2 to the endpoint;
# network-class outcomes prove nothing about TLS (the endpoint was not reached).
TLS_CLASS = ("tls", "certificate", "closed")
NETWORK_CLASS = ("timeout", "dns", "connect")
OUTCOMES = ("success", *TLS_CLASS, *NETWORK_CLASS, "not_applicable", "other")

# WinHTTP error codes (the low word of the HRESULT 0x8007xxxx the COM object throws) [P3].
WINHTTP_ERRORS: dict[int, tuple[str, str]] = {
    12002: ("ERROR_WINHTTP_TIMEOUT", "timeout"),
    12007: ("ERROR_WINHTTP_NAME_NOT_RESOLVED", "dns"),
    12029: ("ERROR_WINHTTP_CANNOT_CONNECT", "connect"),
    12030: ("ERROR_WINHTTP_CONNECTION_ERROR", "closed"),
    12037: ("ERROR_WINHTTP_SECURE_CERT_DATE_INVALID", "certificate"),
    12038: ("ERROR_WINHTTP_SECURE_CERT_CN_INVALID", "certificate"),
    12044: ("ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED", "other"),
    12045: ("ERROR_WINHTTP_SECURE_INVALID_CA", "certificate"),
    12057: ("ERROR_WINHTTP_SECURE_CERT_REV_FAILED", "certificate"),
    12152: ("ERROR_WINHTTP_INVALID_SERVER_RESPONSE", "other"),
    12157: ("ERROR_WINHTTP_SECURE_CHANNEL_ERROR", "tls"),
    12169: ("ERROR_WINHTTP_SECURE_INVALID_CERT", "certificate"),
    12170: ("ERROR_WINHTTP_SECURE_CERT_REVOKED", "certificate"),
    12175: ("ERROR_WINHTTP_SECURE_FAILURE", "tls"),
}
# System.Net.WebExceptionStatus names [P6].
WEB_STATUSES: dict[str, str] = {
    "SecureChannelFailure": "tls",
    "TrustFailure": "certificate",
    "SendFailure": "closed",
    "ReceiveFailure": "closed",
    "ConnectionClosed": "closed",
    "KeepAliveFailure": "closed",
    "Timeout": "timeout",
    "NameResolutionFailure": "dns",
    "ProxyNameResolutionFailure": "dns",
    "ConnectFailure": "connect",
}
# System.Net.Sockets.SocketError names, and the statuses win_tls_probe.ps1 sets itself.
SOCKET_STATUSES: dict[str, str] = {
    "TimedOut": "timeout",
    "HostNotFound": "dns",
    "NoData": "dns",
    "TryAgain": "dns",
    "ConnectionRefused": "connect",
    "NetworkUnreachable": "connect",
    "HostUnreachable": "connect",
    "ConnectionReset": "closed",
    "ConnectionAborted": "closed",
    "IOException": "closed",
    "AuthenticationException": "tls",
    "NotNetFramework": "not_applicable",
}
# Schannel SECURITY_STATUS codes an SslStream handshake fails with [P7].
SEC_ERRORS: dict[int, str] = {
    0x80090302: "SEC_E_UNSUPPORTED_FUNCTION",
    0x80090326: "SEC_E_ILLEGAL_MESSAGE",
    0x80090331: "SEC_E_ALGORITHM_MISMATCH",
    0x80090322: "SEC_E_WRONG_PRINCIPAL",
    0x80090325: "SEC_E_UNTRUSTED_ROOT",
    0x80090327: "SEC_E_CERT_UNKNOWN",
    0x80090328: "SEC_E_CERT_EXPIRED",
    0x80090304: "SEC_E_INTERNAL_ERROR",
}
_CERT_SEC = {0x80090322, 0x80090325, 0x80090327, 0x80090328}

# What usually makes each stack fail a TLS-class probe when its registry looks right (docs/probe.md).
CAUSES: dict[str, str] = {
    "winhttp": ("WinHTTP programs do not offer TLS 1.2 by default: on Windows 7 / 2008 R2 / 2012 KB3140245 is "
                "missing or DefaultSecureProtocols lacks 0x800 in the view of the probing process; the value was "
                "written but the host (or the WinHTTP service's programs) was not restarted since; or Schannel's "
                "TLS 1.2 client is DisabledByDefault"),
    "dotnet": (".NET Framework 4.x programs do not offer TLS 1.2 by default: SchUseStrongCrypto / "
               "SystemDefaultTlsVersions are missing under v4.0.30319 (or were set after this process started), "
               "the .NET Framework is older than 4.6.2 (4.5.2 and older need SchUseStrongCrypto=1), or Schannel's "
               "TLS 1.2 client is DisabledByDefault while .NET uses the OS default"),
    "schannel": ("Schannel itself cannot complete a TLS 1.2 handshake: the TLS 1.2 client is disabled "
                 "(SCHANNEL\\Protocols\\TLS 1.2\\Client Enabled=0, or absent before Windows 8.1 without the update), "
                 "or no cipher suite is common with the server (Azure Front Door's policy: a GCM suite or "
                 "ECDHE-RSA-AES-CBC-SHA384/256 must be enabled and not removed by a Group Policy cipher order)"),
}
CERTIFICATE_CAUSE = ("the server certificate was not trusted: the root CA is missing (old hosts without the root "
                     "certificate update or without access to Windows Update for roots), the clock is wrong, or a "
                     "TLS-inspecting proxy replaced the certificate")
NETWORK_CAUSE = ("the endpoint was not reached (DNS, firewall, or a proxy this stack does not use: WinHTTP uses "
                 "the netsh winhttp proxy, .NET the Internet Options proxy, the Schannel probe connects directly); "
                 "point the probe at an endpoint the host can reach (an internal HTTPS server for hosts without "
                 "internet access)")

_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")
_FIELD = "win_tls_probe result"


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """A host name and TCP port to probe."""

    host: str
    port: int = 443

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_endpoint(text: t.Any, field: str = "endpoints") -> Endpoint:
    """Parse ``host`` or ``host:port``.

    Raises:
        InputError: naming ``field`` and what is allowed.
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, f"each endpoint must be a string 'host' or 'host:port', got {text!r}")
    if "://" in text or "/" in text:
        raise InputError(field, f"{text!r}: give 'host' or 'host:port', not a URL (DNS name or IPv4 address and port)")
    host, _colon, port_text = text.strip().partition(":")
    if not _HOST.match(host):
        raise InputError(field, f"{text!r}: the host must be a DNS name or IPv4 address (letters, digits, '-', '.')")
    port = 443
    if port_text:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise InputError(field, f"{text!r}: the port must be a number from 1 to 65535")
        port = int(port_text)
    return Endpoint(host.lower(), port)


def probe_endpoints(endpoints: t.Sequence[t.Any] | None, sharepoint_tenant: str | None) -> list[Endpoint]:
    """Return the endpoints to probe: ``endpoints``, or the defaults with the tenant's SharePoint host.

    Raises:
        InputError: for a malformed endpoint or tenant name.
    """
    if endpoints:
        if sharepoint_tenant:
            raise InputError("sharepoint_tenant", "cannot be combined with endpoints; list <tenant>.sharepoint.com in endpoints")
        found = [parse_endpoint(e) for e in endpoints]
    else:
        found = [parse_endpoint(e) for e in DEFAULT_ENDPOINTS]
        if sharepoint_tenant:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9-]{0,62}$", sharepoint_tenant):
                raise InputError("sharepoint_tenant", f"must be the tenant name (contoso for contoso.sharepoint.com), got {sharepoint_tenant!r}")
            found[1] = Endpoint(f"{sharepoint_tenant.lower()}.sharepoint.com", 443)
    return list(dict.fromkeys(found))


def probe_module_args(endpoints: t.Sequence[Endpoint], stacks: t.Sequence[str], timeout: int) -> dict[str, t.Any]:
    """Return the win_tls_probe arguments.

    Raises:
        InputError: for an unknown stack or a timeout out of range.
    """
    unknown = [s for s in stacks if s not in STACKS]
    if unknown or not stacks:
        raise InputError("stacks", f"must be a non-empty list of {', '.join(STACKS)}; got {list(stacks)!r}")
    if not TIMEOUT_RANGE[0] <= timeout <= TIMEOUT_RANGE[1]:
        raise InputError("timeout", f"must be {TIMEOUT_RANGE[0]} to {TIMEOUT_RANGE[1]} seconds, got {timeout}")
    return {
        "endpoints": [{"host": e.host, "port": e.port} for e in endpoints],
        "stacks": list(dict.fromkeys(stacks)),
        "timeout_ms": timeout * 1000,
    }


@dataclasses.dataclass(frozen=True)
class ProbeResult:
    """One connection attempt: one endpoint through one stack, as win_tls_probe reported it."""

    endpoint: str
    stack: str
    success: bool
    protocol: str | None = None
    cipher: str | None = None
    http_status: int | None = None
    offered: str | None = None
    error: str | None = None
    error_code: int | None = None
    error_status: str | None = None
    elapsed_ms: int | None = None

    @property
    def code(self) -> int | None:
        """``error_code`` as the unsigned 32-bit number Windows documents (PowerShell gives it signed)."""
        return None if self.error_code is None else self.error_code & 0xFFFFFFFF

    @property
    def outcome(self) -> str:
        """One of ``OUTCOMES``, from the codes only (messages are in the host's display language)."""
        if self.success:
            return "success"
        code = self.code
        if self.stack == "winhttp" and code is not None:
            win32 = code & 0xFFFF if code & 0xFFFF0000 == 0x80070000 else code
            if win32 in WINHTTP_ERRORS:
                return WINHTTP_ERRORS[win32][1]
        status = self.error_status or ""
        if status.startswith("RemoteCertificate") or code in _CERT_SEC:
            return "certificate"
        if code is not None and code in SEC_ERRORS:
            return "tls"
        if self.stack == "dotnet" and status in WEB_STATUSES:
            return WEB_STATUSES[status]
        return SOCKET_STATUSES.get(status, "other")

    @property
    def error_name(self) -> str:
        """The documented name of the error code, for messages (empty when unknown)."""
        code = self.code
        if code is None:
            return self.error_status or ""
        if self.stack == "winhttp":
            win32 = code & 0xFFFF if code & 0xFFFF0000 == 0x80070000 else code
            if win32 in WINHTTP_ERRORS:
                return f"{win32} {WINHTTP_ERRORS[win32][0]}, 0x{code:08X}"
        if code in SEC_ERRORS:
            return f"{SEC_ERRORS[code]}, 0x{code:08X}"
        shown = f"0x{code:08X}" if code > 0xFFFF else str(code)
        return f"{self.error_status}, {shown}" if self.error_status else shown

    def describe(self) -> str:
        """``endpoint: what happened`` in one line."""
        if self.success:
            got = ", ".join(x for x in (self.protocol, self.cipher) if x) or "negotiated protocol not reported by this API"
            return f"{self.endpoint}: connected ({got})"
        name = self.error_name
        return f"{self.endpoint}: {self.error or 'failed without a message'}{f' ({name})' if name else ''}"

    def to_dict(self) -> dict[str, t.Any]:
        return {**dataclasses.asdict(self), "outcome": self.outcome}


_FIELDS: dict[str, tuple[type, ...]] = {
    "endpoint": (str,), "stack": (str,), "success": (bool,), "protocol": (str, type(None)),
    "cipher": (str, type(None)), "http_status": (int, type(None)), "offered": (str, type(None)),
    "error": (str, type(None)), "error_code": (int, type(None)), "error_status": (str, type(None)),
    "elapsed_ms": (int, type(None)),
}
_REQUIRED = ("endpoint", "stack", "success")


def _probe_result(item: t.Any, field: str) -> ProbeResult:
    if not isinstance(item, t.Mapping):
        raise InputError(field, f"must be a mapping, got {type(item).__name__}")
    for name in _REQUIRED:
        if name not in item:
            raise InputError(f"{field}.{name}", "is missing")
    values: dict[str, t.Any] = {}
    for name, kinds in _FIELDS.items():
        value = item.get(name)
        # JSON has no int/bool distinction problems, but Python's bool is an int: refuse it for numbers.
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            allowed = " or ".join("null" if issubclass(k, type(None)) else k.__name__ for k in kinds)
            raise InputError(f"{field}.{name}", f"must be {allowed}, got {value!r}"[:300])
        values[name] = value
    if values["stack"] not in STACKS:
        raise InputError(f"{field}.stack", f"must be one of {', '.join(STACKS)}, got {values['stack']!r}")
    if not values["success"] and not (values["error"] or values["error_code"] is not None or values["error_status"]):
        raise InputError(field, "reports a failure without error, error_code or error_status")
    return ProbeResult(**values)


@dataclasses.dataclass(frozen=True)
class ProbeRun:
    """Everything one tls_probe task observed on one host (or why it observed nothing)."""

    probed: bool
    source: str
    results: tuple[ProbeResult, ...] = ()
    runtime: dict[str, t.Any] = dataclasses.field(default_factory=dict)
    reason: str | None = None

    def for_stack(self, stack: str) -> list[ProbeResult]:
        return [r for r in self.results if r.stack == stack]

    def effective(self, stack: str) -> str:
        """``works`` (every endpoint connected), ``fails`` (a TLS-class failure) or ``unknown``."""
        results = self.for_stack(stack)
        if any(r.outcome in TLS_CLASS for r in results):
            return "fails"
        if results and all(r.success for r in results):
            return "works"
        return "unknown"

    def to_dict(self) -> dict[str, t.Any]:
        return {
            "probed": self.probed,
            "source": self.source,
            "reason": self.reason,
            "runtime": dict(self.runtime),
            "results": [r.to_dict() for r in self.results],
            "effective": {s: self.effective(s) for s in STACKS},
        }


def run_from_module_result(result: t.Mapping[str, t.Any], source: str, field: str = _FIELD) -> ProbeRun:
    """Convert a win_tls_probe result (its RETURN: ``runtime`` and ``results``) into a ProbeRun.

    Raises:
        InputError: naming the first field that is missing or malformed.
    """
    if not isinstance(result, t.Mapping):
        raise InputError(field, f"must be a mapping, got {type(result).__name__}")
    results = result.get("results")
    if not isinstance(results, list):
        raise InputError(f"{field}.results", f"must be a list, got {type(results).__name__}")
    runtime = result.get("runtime", {})
    if not isinstance(runtime, t.Mapping):
        raise InputError(f"{field}.runtime", f"must be a mapping, got {type(runtime).__name__}")
    parsed = tuple(_probe_result(item, f"{field}.results[{i}]") for i, item in enumerate(results))
    return ProbeRun(True, source, parsed, dict(runtime))


def run_from_task_result(result: t.Any, field: str = "probe") -> ProbeRun:
    """Convert the registered result of tls_probe (what tls_facts' ``probe`` option takes) into a ProbeRun.

    Raises:
        InputError: when it is not a tls_probe result, or the probe task failed.
    """
    if not isinstance(result, t.Mapping):
        raise InputError(field, f"must be the registered result of tlsready.windows.tls_probe, got {type(result).__name__}")
    if result.get("failed") or result.get("unreachable"):
        raise InputError(field, f"the tls_probe task failed: {str(result.get('msg') or 'no message')[:300]}")
    probe = result.get("probe")
    if not isinstance(probe, t.Mapping) or "probed" not in probe:
        raise InputError(field, "must be the registered result of tlsready.windows.tls_probe (it has no 'probe' mapping)")
    source = str(probe.get("source") or "")
    if not probe["probed"]:
        return ProbeRun(False, source, reason=str(probe.get("reason") or "not probed"))
    return run_from_module_result(probe, source, f"{field}.probe")


def load_recorded(folder: str) -> ProbeRun:
    """Read an offline host's ``probe.json`` (a win_tls_probe result as the module returns it).

    Raises:
        ExportFormatError: when the file is not JSON or not shaped like the module's result.
    """
    path = os.path.join(folder, RECORDED_FILE)
    if not os.path.isfile(path):
        return ProbeRun(False, "offline", reason=NOT_PROBED_OFFLINE)
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ExportFormatError(path, f"is not a JSON win_tls_probe result: {err}") from None
    try:
        return run_from_module_result(data, "offline", RECORDED_FILE)
    except InputError as err:
        raise ExportFormatError(path, str(err)) from None


def probe_findings(run: ProbeRun) -> list[Finding]:
    """One finding per stack that did not connect: an error for a TLS-class failure, else a warning."""
    findings: list[Finding] = []
    for stack in STACKS:
        failed = [r for r in run.for_stack(stack) if not r.success]
        if not failed:
            continue
        label = STACK_LABELS[stack]
        tls_failed = [r for r in failed if r.outcome in TLS_CLASS]
        if tls_failed:
            causes = [CERTIFICATE_CAUSE] if all(r.outcome == "certificate" for r in tls_failed) else [CAUSES[stack]]
            if any(r.outcome == "certificate" for r in tls_failed) and causes[0] != CERTIFICATE_CAUSE:
                causes.append(CERTIFICATE_CAUSE)
            findings.append(Finding(
                f"probe.{stack}.failed", ERROR,
                f"The handshake probe failed through {label}: " + "; ".join(r.describe() for r in tls_failed) +
                ". Programs using this stack cannot reach these endpoints, whatever the registry says.",
                "Usual causes: " + "; ".join(causes) + ". See docs/probe.md for each error."))
            continue
        if all(r.outcome == "not_applicable" for r in failed):
            continue
        findings.append(Finding(
            f"probe.{stack}.not_observed", WARNING,
            f"The handshake probe through {label} reached no endpoint, so TLS 1.2 is not proven for it: " +
            "; ".join(r.describe() for r in failed) + ".",
            f"Usually {NETWORK_CAUSE}."))
    return findings

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The building blocks the lab hosts are made of (hosts.py, hosts_verdict.py).

* Registry parts as a fresh install has them: ``schannel``, ``internet_settings``, ``winhttp``,
  ``dotnet_keys``, ``ndp`` (with ``Ndp``, the installed .NET versions), ``ciphers``, ``fips``;
  ``dotnet_flags`` and ``with_dotnet_flags`` add the .NET values tlsready sets (tls-facts 2d);
  ``merge`` puts parts together.
* Whole registries: ``legacy_host`` (Windows Vista to 8.1) and ``win10_host`` (10, 11, Server 2016+).
* The rest of a host: ``versions`` (file versions), ``client_pc`` / ``server_vm`` (the hardware
  systeminfo shows) and the Hyper-V column texts.
"""

from __future__ import annotations

import typing as t

from .model import (
    CIPHER_LOCAL,
    CIPHER_POLICY,
    DOTNET2,
    DOTNET2_WOW64,
    DOTNET4,
    DOTNET4_WOW64,
    FILES,
    FIPS_POLICY,
    NDP_SETUP,
    SCHANNEL,
    WINHTTP,
    WINHTTP_WOW64,
    WININET,
    WININET_POLICY,
    Registry,
    Values,
    dword,
    multi_sz,
    sz,
)
from .suites import WIN10_CURVES

# ---------------------------------------------------------------------------- registry building blocks


def schannel(*extra: tuple[str, Values]) -> Registry:
    """The SCHANNEL tree of a fresh install: EventLogging=1, empty Ciphers/CipherSuites/Hashes/
    KeyExchangeAlgorithms, and the SSL 2.0 client marked DisabledByDefault (tls-facts 1a: SSL 2.0
    client off by default); ``extra`` adds Protocols\\<name> keys."""
    reg: Registry = {
        SCHANNEL: [("EventLogging", dword(1))],
        SCHANNEL + r"\Ciphers": [],
        SCHANNEL + r"\CipherSuites": [],
        SCHANNEL + r"\Hashes": [],
        SCHANNEL + r"\KeyExchangeAlgorithms": [],
        SCHANNEL + r"\Protocols": [],
        SCHANNEL + r"\Protocols\SSL 2.0\Client": [("DisabledByDefault", dword(1))],
    }
    for sub, values in extra:
        reg[SCHANNEL + "\\Protocols\\" + sub] = values
    return reg


TLS12_CLIENT_ON = (r"TLS 1.2\Client", [("DisabledByDefault", dword(0)), ("Enabled", dword(1))])


def internet_settings(secure_protocols: int | None = None) -> Registry:
    """HKLM Internet Settings (machine WinINet defaults), trimmed to its own values."""
    values: Values = [
        ("ActiveXCache", sz(r"C:\Windows\Downloaded Program Files")),
        ("CodeBaseSearchPath", sz("CODEBASE")),
        ("EnablePunycode", dword(1)),
        ("MinorVersion", sz("0")),
        ("WarnOnIntranet", dword(1)),
    ]
    if secure_protocols is not None:
        values.append(("SecureProtocols", dword(secure_protocols)))
    return {WININET: values}


def winhttp(x64: bool, default_secure_protocols: int | None = None) -> Registry:
    """The WinHttp key in both registry views (DefaultSecureProtocols only when set)."""
    values: Values = [] if default_secure_protocols is None else [
        ("DefaultSecureProtocols", dword(default_secure_protocols))]
    reg: Registry = {WINHTTP: list(values)}
    if x64:
        reg[WINHTTP_WOW64] = list(values)
    return reg


def dotnet_flags(x64: bool, v4: bool = True, v2: bool = True) -> Registry:
    """SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 in every .NET path (tls-facts 2d)."""
    flags: Values = [("SchUseStrongCrypto", dword(1)), ("SystemDefaultTlsVersions", dword(1))]
    reg: Registry = {}
    for present, native, wow in ((v4, DOTNET4, DOTNET4_WOW64), (v2, DOTNET2, DOTNET2_WOW64)):
        if present:
            reg[native] = list(flags)
            if x64:
                reg[wow] = list(flags)
    return reg


def dotnet_keys(x64: bool, v4: bool, v2: bool) -> Registry:
    """The .NETFramework version keys that exist when the framework is installed (no TLS values)."""
    reg: Registry = {}
    if v4:
        reg[DOTNET4 + r"\SKUs"] = []
        if x64:
            reg[DOTNET4_WOW64 + r"\SKUs"] = []
    if v2:
        reg[DOTNET2] = []
        if x64:
            reg[DOTNET2_WOW64] = []
    return reg


class Ndp(t.NamedTuple):
    """Installed .NET Framework versions as the NDP setup key records them."""

    v2: str | None = None  # "2.0.50727.5420"
    v2_sp: int = 2
    v3: str | None = None  # "3.0.30729.5420"
    v35: str | None = None  # "3.5.30729.5420"
    v4_release: int | None = None
    v4_version: str = ""


def ndp(spec: Ndp) -> Registry:
    reg: Registry = {NDP_SETUP: []}
    if spec.v2:
        reg[NDP_SETUP + r"\v2.0.50727"] = [("Install", dword(1)), ("SP", dword(spec.v2_sp)), ("Version", sz(spec.v2))]
    if spec.v3:
        reg[NDP_SETUP + r"\v3.0"] = [("Install", dword(1)), ("SP", dword(2)), ("Version", sz(spec.v3))]
    if spec.v35:
        reg[NDP_SETUP + r"\v3.5"] = [("Install", dword(1)), ("SP", dword(1)), ("Version", sz(spec.v35))]
    if spec.v4_release:
        for sku in ("Client", "Full"):
            reg[NDP_SETUP + r"\v4" + "\\" + sku] = [
                ("Install", dword(1)),
                ("Release", dword(spec.v4_release)),
                ("TargetVersion", sz("4.0.0")),
                ("Version", sz(spec.v4_version)),
            ]
        reg[NDP_SETUP + r"\v4.0\Client"] = [("", sz("deprecated")), ("Install", dword(1)), ("Version", sz("4.0.0.0"))]
    return reg


def ciphers(suites: t.Sequence[str], curves: t.Sequence[str] = ()) -> Registry:
    values: Values = [("Functions", multi_sz(suites))]
    if curves:
        values.append(("EccCurves", multi_sz(curves)))
    return {CIPHER_LOCAL: values}


def fips(win10: bool) -> Registry:
    values: Values = [("Enabled", dword(0))]
    if win10:
        values.append(("MDMEnabled", dword(0)))
    return {FIPS_POLICY: values}


def merge(*parts: Registry) -> Registry:
    out: Registry = {}
    for part in parts:
        for key, values in part.items():
            out.setdefault(key, [])
            names = {pair[0].lower() for pair in out[key]}
            out[key].extend((n, v) for n, v in values if n.lower() not in names)
    return out


def with_dotnet_flags(registry: Registry, v2: bool = False) -> Registry:
    """The 2d .NET values (SchUseStrongCrypto=1, SystemDefaultTlsVersions=1) in both views."""
    return merge(registry, dotnet_flags(True, v4=True, v2=v2))


# ---------------------------------------------------------------------------- host building blocks

_VM = ("VMware, Inc.", "VMware7,1", "VMware, Inc. VMW71.00V.18452719.B64.2108091906, 8/9/2021")
XEON = "Intel64 Family 6 Model 85 Stepping 7 GenuineIntel ~2394 Mhz"
HYPERV_VM = "A hypervisor has been detected. Features required for Hyper-V will not be displayed."
HYPERV_PC = ("VM Monitor Mode Extensions: Yes,Virtualization Enabled In Firmware: Yes,"
             "Second Level Address Translation: Yes,Data Execution Prevention Available: Yes")


def versions(winhttp_dll: str, webio: str | None, schannel_dll: str, x64: bool) -> dict[str, str]:
    """Host.versions: the System32 files, and winhttp.dll in SysWOW64 too on 64-bit Windows."""
    out = {FILES[0].lower(): winhttp_dll, FILES[2].lower(): schannel_dll}
    if webio is not None:
        out[FILES[1].lower()] = webio
    if x64:
        out[FILES[3].lower()] = winhttp_dll
    return out


def client_pc(**kw: t.Any) -> dict[str, t.Any]:
    """The Host fields of a desktop PC in a domain, ``kw`` overriding them."""
    base = dict(manufacturer="Dell Inc.", model="OptiPlex 7010", system_type="x64-based PC",
                processor="Intel64 Family 6 Model 58 Stepping 9 GenuineIntel ~3392 Mhz",
                bios="Dell Inc. A29, 6/21/2018", memory_mb=8117, domain="corp.example.com",
                os_configuration="Member Workstation")
    base.update(kw)
    return base


def server_vm(**kw: t.Any) -> dict[str, t.Any]:
    """The Host fields of a VMware server in a domain, ``kw`` overriding them."""
    base = dict(manufacturer=_VM[0], model=_VM[1], bios=_VM[2], system_type="x64-based PC", processor=XEON,
                memory_mb=16383, domain="corp.example.com", os_configuration="Member Server")
    base.update(kw)
    return base


W7_NDP = Ndp(v2="2.0.50727.5420", v3="3.0.30729.5420", v35="3.5.30729.5420")
W7_RTM_NDP = Ndp(v2="2.0.50727.4927", v3="3.0.30729.4926", v35="3.5.30729.4926")


def legacy_host(x64: bool, suites: t.Sequence[str], ndp_spec: Ndp, *, v4: bool,
                schannel_extra: t.Sequence[tuple[str, Values]] = (), winhttp_dsp: int | None = None,
                winhttp_key: bool = False, wininet_sp: int | None = None, flags: bool = False,
                extra: Registry | None = None) -> Registry:
    """Registry of a Windows Vista to 8.1 host; the WinHttp key is exported only when it exists."""
    parts = [
        schannel(*schannel_extra),
        internet_settings(wininet_sp),
        dotnet_keys(x64, v4=v4, v2=ndp_spec.v2 is not None),
        ndp(ndp_spec),
        ciphers(suites),
        fips(win10=False),
    ]
    if winhttp_dsp is not None or winhttp_key:
        parts.append(winhttp(x64, winhttp_dsp))
    if flags:
        parts.append(dotnet_flags(x64, v4=v4, v2=ndp_spec.v2 is not None))
    if extra:
        parts.append(extra)
    return merge(*parts)


def win10_host(suites: t.Sequence[str], release: int, version: str, policy: str | None = None,
               wininet: int | None = None, wininet_policy: int | None = None) -> Registry:
    """Registry of a fresh Windows 10/11/Server 2016+ host (.NET 3.5 not installed)."""
    parts = [
        schannel(),
        internet_settings(wininet),
        winhttp(True),
        dotnet_keys(True, v4=True, v2=False),
        ndp(Ndp(v4_release=release, v4_version=version)),
        ciphers(suites, WIN10_CURVES),
        fips(win10=True),
    ]
    if policy is not None:
        parts.append({CIPHER_POLICY: [("Functions", sz(policy))]})
    if wininet_policy is not None:
        # GPO "Turn off encryption support" (issue 13): the policy value wins over the machine value.
        parts.append({WININET_POLICY: [("SecureProtocols", dword(wininet_policy))]})
    return merge(*parts)

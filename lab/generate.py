#!/usr/bin/env python
# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate the offline lab: folders of Windows exports that stand in for real hosts.

Each lab host is a folder as ``files/collect.cmd`` writes it on a real machine:

* ``systeminfo.csv`` (``systeminfo /fo csv``; one host has ``systeminfo.txt``, the list format),
* one ``.reg`` file per exported registry key (``reg export``: UTF-16 LE with a BOM; one
  host has a file re-saved as UTF-8),
* ``fileversions.csv`` (appended ``wmic datafile ... /format:csv`` runs),
* ``collect.log`` (what collect.cmd exported and what it skipped).

The values are those of a real installation of each release (lab/README.md says where
each fact comes from). Output is deterministic: running the script twice gives the same
bytes, and a unit test checks that the committed ``lab/`` equals a fresh generation.

Usage::

    python3 lab/generate.py                     # rewrite lab/hosts/ and lab/inventory.yml
    python3 lab/generate.py --out /tmp/lab      # the same lab somewhere else
    python3 lab/generate.py --copies 10000 --out /tmp/fleet
                                                # 10,000 hosts cycled from the lab, <name>-00001 ...

The ``.reg`` files are written by the collection's own renderer
(``plugins/plugin_utils/_sources/regfile.render_reg``). When ``ansible_collections.tlsready.windows``
is not importable (no ``PYTHONPATH``/collections path pointing at this checkout), the script
links this repository as ``ansible_collections/tlsready/windows`` in a temporary folder and
imports it from there, so a plain ``python lab/generate.py`` works from a checkout.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import importlib
import json
import os
import shutil
import sys
import tempfile
import typing as t

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(REPO, "lab")

# ---------------------------------------------------------------------------- registry keys
# The keys of plugins/plugin_utils/_sources/keys.READ_KEYS and the file collect.cmd exports each
# one to (tests/unit/test_collect_cmd.py keeps this table, collect.cmd and READ_KEYS in step).
SCHANNEL = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL"
WINHTTP = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WINHTTP_WOW64 = r"HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp"
WININET = r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings"
WININET_POLICY = r"HKLM\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings"
DOTNET4 = r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
DOTNET4_WOW64 = r"HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v4.0.30319"
DOTNET2 = r"HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727"
DOTNET2_WOW64 = r"HKLM\SOFTWARE\Wow6432Node\Microsoft\.NETFramework\v2.0.50727"
NDP_SETUP = r"HKLM\SOFTWARE\Microsoft\NET Framework Setup\NDP"
CIPHER_POLICY = r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002"
CIPHER_LOCAL = r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002"
FIPS_POLICY = r"HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy"
SQL_INSTANCES = r"HKLM\SOFTWARE\Microsoft\Microsoft SQL Server\Instance Names\SQL"
WSUS_SETUP = r"HKLM\SOFTWARE\Microsoft\Update Services\Server\Setup"


class Export(t.NamedTuple):
    """One ``reg export`` collect.cmd runs: the key, the file it writes, 64-bit Windows only."""

    key: str
    file: str
    x64_only: bool = False


EXPORTS: tuple[Export, ...] = (
    Export(SCHANNEL, "schannel.reg"),
    Export(WINHTTP, "winhttp.reg"),
    Export(WINHTTP_WOW64, "winhttp-wow64.reg", x64_only=True),
    Export(WININET, "wininet.reg"),
    Export(WININET_POLICY, "wininet-policy.reg"),
    Export(DOTNET4, "dotnet4.reg"),
    Export(DOTNET4_WOW64, "dotnet4-wow64.reg", x64_only=True),
    Export(DOTNET2, "dotnet2.reg"),
    Export(DOTNET2_WOW64, "dotnet2-wow64.reg", x64_only=True),
    Export(NDP_SETUP, "ndp-setup.reg"),
    Export(CIPHER_POLICY, "cipher-policy.reg"),
    Export(CIPHER_LOCAL, "cipher-local.reg"),
    Export(FIPS_POLICY, "fips-policy.reg"),
    Export(SQL_INSTANCES, "sql-instances.reg"),
    Export(WSUS_SETUP, "wsus-setup.reg"),
)

# The files collect.cmd reads the version of (plugins/plugin_utils/_sources/keys.READ_FILES), expanded.
FILES: tuple[str, ...] = (
    r"C:\Windows\System32\winhttp.dll",
    r"C:\Windows\System32\webio.dll",
    r"C:\Windows\System32\schannel.dll",
    r"C:\Windows\SysWOW64\winhttp.dll",
)

# A value as (type, data): the type is one of _state.REG_TYPES; turned into a RegValue when rendered.
Value = t.Tuple[str, t.Any]
Values = t.List[t.Tuple[str, Value]]
Registry = t.Dict[str, Values]


def dword(number: int) -> Value:
    return ("dword", number)


def sz(text: str) -> Value:
    return ("sz", text)


def expand_sz(text: str) -> Value:
    return ("expand_sz", text)


def multi_sz(items: t.Sequence[str]) -> Value:
    return ("multi_sz", tuple(items))


# ---------------------------------------------------------------------------- cipher suite lists
# The "enabled by default, in priority order" tables of Microsoft's "TLS Cipher Suites in
# Windows ..." pages (MicrosoftDocs/win32, desktop-src/SecAuthN/; lab/README.md names each
# page). Windows keeps this list as the REG_MULTI_SZ "Functions" under CIPHER_LOCAL.

_ECDHE_RSA_CBC_P = [
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
]
_ECDHE_ECDSA_P = [
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
]
_RSA_GCM_CBC = [
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
]
_DHE_DSS_LEGACY = [
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
    "SSL_CK_RC4_128_WITH_MD5",
    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
]
DHE_RSA_GCM = ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]
_DHE_RSA_CBC = ["TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"]

# "TLS Cipher Suites in Windows 7" (the list after update 3042058).
WIN7_SUITES = _ECDHE_RSA_CBC_P + DHE_RSA_GCM + _DHE_RSA_CBC + _RSA_GCM_CBC + _ECDHE_ECDSA_P + _DHE_DSS_LEGACY
# The same list without the two DHE-RSA-GCM suites that update 3042058 adds [S17]: Microsoft no
# longer publishes the pre-update list, so this is derived (lab/README.md, "uncertain").
WIN7_SUITES_BEFORE_3042058 = [s for s in WIN7_SUITES if s not in DHE_RSA_GCM]
# "TLS Cipher Suites in Windows 8" (after update 3042058).
WIN8_SUITES = _ECDHE_RSA_CBC_P + DHE_RSA_GCM + _RSA_GCM_CBC + _ECDHE_ECDSA_P + _DHE_DSS_LEGACY
# "TLS Cipher Suites in Windows 8.1" (after update 2919355).
WIN81_SUITES = WIN7_SUITES
# "TLS Cipher Suites in Windows Vista" (the default table without TLS_RSA_WITH_NULL_MD5/_SHA,
# which the same page lists as "not present by default").
VISTA_SUITES = [
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P521",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P521",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P521",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P521",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "SSL_CK_RC4_128_WITH_MD5",
    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
]
_W10_ECDHE = [
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
]
_W10_ECDHE_CBC = [
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
]
_NULL = ["TLS_RSA_WITH_NULL_SHA256", "TLS_RSA_WITH_NULL_SHA"]
_TLS13 = ["TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"]
# "TLS Cipher Suites in Windows 10 v1607" (also Windows Server 2016).
WIN10_1607_SUITES = (
    _W10_ECDHE + DHE_RSA_GCM + _W10_ECDHE_CBC + _DHE_RSA_CBC + _RSA_GCM_CBC
    + ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] + _DHE_DSS_LEGACY[:4] + ["TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
                                                                 "TLS_RSA_WITH_RC4_128_SHA",
                                                                 "TLS_RSA_WITH_RC4_128_MD5"] + _NULL
)
# "TLS Cipher Suites in Windows 10 v1809" (also Windows Server 2019).
WIN10_1809_SUITES = (_W10_ECDHE + DHE_RSA_GCM + _W10_ECDHE_CBC + _RSA_GCM_CBC
                     + ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] + _NULL)
# "TLS Cipher Suites in Windows 10 v22H2" (ms.date 06/26/2024: DHE-RSA-GCM and 3DES no longer enabled).
WIN10_22H2_SUITES = _W10_ECDHE + _W10_ECDHE_CBC + _RSA_GCM_CBC + _NULL
# "TLS Cipher Suites in Windows Server 2022".
WS2022_SUITES = (_TLS13 + _W10_ECDHE + DHE_RSA_GCM + _W10_ECDHE_CBC + _RSA_GCM_CBC
                 + ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] + _NULL)
# "TLS Cipher Suites in Windows 11 v22H2 and later".
WIN11_22H2_SUITES = _TLS13 + _W10_ECDHE + _W10_ECDHE_CBC + _RSA_GCM_CBC + _NULL

# Windows 10 and later keep the curve order next to the suites.
WIN10_CURVES = ["curve25519", "NistP256", "NistP384"]

# A Group Policy "SSL Cipher Suite Order" of a hardened 2012 R2 web server (no RC4/3DES, DHE-GCM kept).
GPO_2012R2 = ",".join([
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
])
# An old "compatibility" Group Policy list that only keeps RSA key exchange CBC suites: no
# suite Azure Front Door accepts, so Microsoft 365 is unreachable (reference 4, 4a).
GPO_BROKEN = ",".join([
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
])


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


# ---------------------------------------------------------------------------- hosts


@dataclasses.dataclass(frozen=True)
class Host:
    """One lab host: what systeminfo says, its registry and its file versions."""

    name: str  # inventory name and folder
    family: str  # inventory group (see FAMILIES)
    hostname: str
    os_name: str
    os_version: str
    os_configuration: str
    product_id: str
    install_date: str
    boot_time: str
    manufacturer: str
    model: str
    system_type: str
    processor: str
    bios: str
    memory_mb: int
    domain: str
    hotfixes: tuple[str, ...]
    registry: Registry
    versions: dict[str, str]  # lower-case path from FILES -> version
    hyperv: str | None = None  # the "Hyper-V Requirements" column (Windows 8 / 2012 and later)
    ip: str = "10.20.31.42"
    list_format: bool = False  # systeminfo.txt (list) instead of systeminfo.csv
    utf8_files: tuple[str, ...] = ()  # .reg files re-saved as UTF-8 by the admin
    collect_log: bool = True  # False: the admin exported by hand, no collect.log
    # Issue 15 (see the "localised and language-independent hosts" block below):
    language: str = "English"  # systeminfo display language (a key of LOCALISATIONS)
    encoding: str = "cp437"  # how the systeminfo file is encoded (console code page, utf-16, utf-8)
    hotfixes_listed: int | None = None  # systeminfo lists only this many of the declared updates
    collector: str = "systeminfo"  # "collect.cmd": osidentity.txt + hotfixes.csv instead of systeminfo
    # Canary rollout (issue 14, "canary" block below): simulate.yml's after_change, written in the lab only.
    after_change: str | None = None

    @property
    def x64(self) -> bool:
        return self.system_type.lower().startswith("x64")


FAMILIES: dict[str, tuple[str, str]] = {
    "windows_6_0": ("6.0", "Windows Vista / Server 2008"),
    "windows_6_1": ("6.1", "Windows 7 / Server 2008 R2"),
    "windows_6_2": ("6.2", "Windows 8 / Server 2012"),
    "windows_6_3": ("6.3", "Windows 8.1 / Server 2012 R2"),
    "windows_10": ("10.0", "Windows 10 / 11 / Server 2016-2022"),
}

_VM = ("VMware, Inc.", "VMware7,1", "VMware, Inc. VMW71.00V.18452719.B64.2108091906, 8/9/2021")
_XEON = "Intel64 Family 6 Model 85 Stepping 7 GenuineIntel ~2394 Mhz"
_HYPERV_VM = "A hypervisor has been detected. Features required for Hyper-V will not be displayed."
_HYPERV_PC = ("VM Monitor Mode Extensions: Yes,Virtualization Enabled In Firmware: Yes,"
              "Second Level Address Translation: Yes,Data Execution Prevention Available: Yes")


def versions(winhttp_dll: str, webio: str | None, schannel_dll: str, x64: bool) -> dict[str, str]:
    out = {FILES[0].lower(): winhttp_dll, FILES[2].lower(): schannel_dll}
    if webio is not None:
        out[FILES[1].lower()] = webio
    if x64:
        out[FILES[3].lower()] = winhttp_dll
    return out


def _client_pc(**kw: t.Any) -> dict[str, t.Any]:
    base = dict(manufacturer="Dell Inc.", model="OptiPlex 7010", system_type="x64-based PC",
                processor="Intel64 Family 6 Model 58 Stepping 9 GenuineIntel ~3392 Mhz",
                bios="Dell Inc. A29, 6/21/2018", memory_mb=8117, domain="corp.example.com",
                os_configuration="Member Workstation")
    base.update(kw)
    return base


def _server_vm(**kw: t.Any) -> dict[str, t.Any]:
    base = dict(manufacturer=_VM[0], model=_VM[1], bios=_VM[2], system_type="x64-based PC", processor=_XEON,
                memory_mb=16383, domain="corp.example.com", os_configuration="Member Server")
    base.update(kw)
    return base


_W7_NDP = Ndp(v2="2.0.50727.5420", v3="3.0.30729.5420", v35="3.5.30729.5420")
_W7_RTM_NDP = Ndp(v2="2.0.50727.4927", v3="3.0.30729.4926", v35="3.5.30729.4926")


def _legacy_host(x64: bool, suites: t.Sequence[str], ndp_spec: Ndp, *, v4: bool,
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


def _win10_host(suites: t.Sequence[str], release: int, version: str, policy: str | None = None,
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


def lab_hosts() -> list[Host]:
    """The lab, in inventory order. lab/README.md describes each host and its expected verdict."""
    w7_patches = (
        "KB2479943", "KB2491683", "KB2506212", "KB2532531", "KB2552343", "KB2560656", "KB2564958", "KB2579686",
        "KB2585542", "KB2620704", "KB2621440", "KB2631813", "KB2653956", "KB2654428", "KB2667402", "KB2685939",
        "KB2690533", "KB2698365", "KB2705219", "KB2727528", "KB2729094", "KB2742599", "KB2758857", "KB2770660",
        "KB2813430", "KB2832414", "KB2839894", "KB2840631", "KB2847927", "KB2862330", "KB2862335", "KB2864202",
        "KB2868038", "KB2871997", "KB2884256", "KB2893294", "KB2894844", "KB2900986", "KB2911501", "KB2931356",
        "KB2937610", "KB2943357", "KB2968294", "KB2972100", "KB2972211", "KB2973112", "KB2973201", "KB2977292",
        "KB2978120", "KB2984972", "KB2991963", "KB2992611", "KB3004375", "KB3010788", "KB3011780", "KB3019978",
        "KB3020369", "KB3021674", "KB3023215", "KB3030377", "KB3031432", "KB3035126", "KB3037574", "KB3042058",
        "KB3042553", "KB3045685", "KB3046017", "KB3046269", "KB3055642", "KB3059317", "KB3060716", "KB3067903",
        "KB3071756", "KB3072305", "KB3074543", "KB3075226", "KB3078601", "KB3080079", "KB3080446", "KB3086255",
        "KB3092601", "KB3093513", "KB3097989", "KB3101722", "KB3108371", "KB3108664", "KB3109103", "KB3109560",
        "KB3110329", "KB3115858", "KB3122648", "KB3126587", "KB3127220", "KB3138910", "KB3139398", "KB3139914",
        "KB3140245", "KB3150220", "KB3154518", "KB3155178", "KB3156016", "KB3159398", "KB3161102", "KB3161949",
        "KB3170455", "KB3172605", "KB3177467", "KB976902",
    )
    hosts = [
        Host(
            name="win7-fresh", family="windows_6_1", hostname="PC-0107",
            os_name="Microsoft Windows 7 Professional ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00371-OEM-8992671-00524", install_date="3/14/2016, 9:12:44 AM",
            boot_time="3/4/2024, 8:01:10 AM",
            hotfixes=("KB2479943", "KB2491683", "KB2506212", "KB2533552", "KB976902"),
            registry=_legacy_host(True, WIN7_SUITES_BEFORE_3042058, _W7_NDP, v4=False),
            versions=versions("6.1.7601.17514", "6.1.7601.17514", "6.1.7601.17514", True),
            **_client_pc(domain="WORKGROUP", os_configuration="Standalone Workstation"),
        ),
        Host(
            name="win7-patched", family="windows_6_1", hostname="PC-0212",
            os_name="Microsoft Windows 7 Enterprise ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00392-918-5000002-85706", install_date="9/2/2015, 2:41:07 PM",
            boot_time="3/4/2024, 7:55:31 AM", hotfixes=w7_patches,
            registry=_legacy_host(
                True, WIN7_SUITES, _W7_NDP._replace(v4_release=378758, v4_version="4.5.51209"), v4=True,
                schannel_extra=[TLS12_CLIENT_ON], winhttp_dsp=0xA00, wininet_sp=0xA80, flags=True),
            versions=versions("6.1.7601.23375", "6.1.7601.23375", "6.1.7601.23845", True),
            ip="10.20.33.12",
            **_client_pc(model="OptiPlex 9020", bios="Dell Inc. A25, 5/30/2019", processor=(
                "Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz")),
        ),
        Host(
            name="win7-x86", family="windows_6_1", hostname="PC-0033",
            os_name="Microsoft Windows 7 Professional ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00371-OEM-9044301-71563", install_date="11/23/2012, 4:03:19 PM",
            boot_time="3/4/2024, 8:20:44 AM",
            hotfixes=("KB2479943", "KB2491683", "KB2506212", "KB2533552", "KB3020369", "KB3042058", "KB3125574",
                      "KB3140245", "KB976902"),
            registry=_legacy_host(False, WIN7_SUITES, _W7_NDP, v4=False),
            versions=versions("6.1.7601.23375", "6.1.7601.23375", "6.1.7601.23505", False),
            ip="10.20.31.33",
            **_client_pc(system_type="X86-based PC", manufacturer="Hewlett-Packard", model="HP Compaq 6000 Pro SFF PC",
                         processor="x86 Family 6 Model 23 Stepping 10 GenuineIntel ~2933 Mhz",
                         bios="Hewlett-Packard 786H1 v01.17, 12/16/2011", memory_mb=3062),
        ),
        Host(
            name="win2008r2-rollup", family="windows_6_1", hostname="FS01",
            os_name="Microsoft Windows Server 2008 R2 Standard ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00477-179-0000007-84050", install_date="6/12/2013, 10:31:55 AM",
            boot_time="2/18/2024, 3:02:17 AM",
            hotfixes=("KB2999226", "KB3125574", "KB4474419", "KB4490628", "KB4516655", "KB4534310", "KB4536952",
                      "KB976902"),
            registry=_legacy_host(
                True, WIN7_SUITES, _W7_NDP._replace(v4_release=528049, v4_version="4.8.03761"), v4=True,
                winhttp_key=True),
            versions=versions("6.1.7601.24540", "6.1.7601.24540", "6.1.7601.24545", True),
            ip="10.20.1.21", list_format=True, collect_log=False,
            **_server_vm(model="VMware Virtual Platform",
                         bios="Phoenix Technologies LTD 6.00, 12/12/2018", processor=_XEON),
        ),
        Host(
            name="win2008sp2", family="windows_6_0", hostname="LEGACY-APP01",
            # cmd.exe writes the OEM code page: "®" has no code point there and becomes "r".
            os_name="Microsoftr Windows Serverr 2008 Standard ", os_version="6.0.6002 Service Pack 2 Build 6002",
            product_id="92573-082-2500115-76258", install_date="4/2/2010, 11:20:03 AM",
            boot_time="1/21/2024, 4:12:55 AM", hotfixes=("KB4019276", "KB4474419", "KB4493730", "KB955430"),
            registry=_legacy_host(True, VISTA_SUITES, Ndp(v2="2.0.50727.4016", v3="3.0.30729.4037"),
                                  v4=False),
            # webio.dll first shipped with Windows 7: collect.cmd finds no such file on 2008.
            versions=versions("6.0.6002.18005", None, "6.0.6002.24129", True),
            ip="10.20.1.8",
            **_server_vm(model="VMware Virtual Platform", bios="Phoenix Technologies LTD 6.00, 4/17/2015",
                         memory_mb=8191),
        ),
        Host(
            name="win8", family="windows_6_2", hostname="PC-0815",
            os_name="Microsoft Windows 8 Pro", os_version="6.2.9200 N/A Build 9200",
            product_id="00178-10000-00000-AA549", install_date="2/7/2013, 6:44:12 PM",
            boot_time="3/4/2024, 9:30:01 AM", hotfixes=("KB2756872", "KB2770917", "KB2779768", "KB3042058"),
            registry=_legacy_host(True, WIN8_SUITES, Ndp(v4_release=378389, v4_version="4.5.50709"),
                                  v4=True),
            versions=versions("6.2.9200.16384", "6.2.9200.16384", "6.2.9200.17366", True),
            hyperv=_HYPERV_PC, ip="192.168.1.15",
            **_client_pc(manufacturer="LENOVO", model="10A8S0BK00", bios="LENOVO FBKT99AUS, 7/3/2014",
                         processor="Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3201 Mhz",
                         domain="WORKGROUP", os_configuration="Standalone Workstation"),
        ),
        Host(
            name="win2012", family="windows_6_2", hostname="APP02",
            os_name="Microsoft Windows Server 2012 Standard", os_version="6.2.9200 N/A Build 9200",
            product_id="00184-70000-00000-AA071", install_date="10/15/2013, 1:17:38 PM",
            boot_time="2/25/2024, 3:05:41 AM",
            hotfixes=("KB2756872", "KB2770917", "KB2779768", "KB3042058", "KB3140245", "KB3161949"),
            registry=_legacy_host(True, WIN8_SUITES, Ndp(v4_release=378389, v4_version="4.5.50709"),
                                  v4=True, winhttp_key=True),
            versions=versions("6.2.9200.21797", "6.2.9200.21797", "6.2.9200.21830", True),
            hyperv=_HYPERV_VM, ip="10.20.1.32", **_server_vm(),
        ),
        Host(
            name="win81", family="windows_6_3", hostname="PC-0381",
            os_name="Microsoft Windows 8.1 Pro", os_version="6.3.9600 N/A Build 9600",
            product_id="00261-50000-00000-AA989", install_date="5/20/2014, 10:02:51 AM",
            boot_time="3/4/2024, 8:12:09 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=_legacy_host(True, WIN81_SUITES, Ndp(v4_release=378675, v4_version="4.5.51641"),
                                  v4=True, winhttp_key=True),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=_HYPERV_PC, ip="10.20.31.81",
            **_client_pc(manufacturer="Hewlett-Packard", model="HP EliteDesk 800 G1 SFF",
                         bios="Hewlett-Packard L01 v02.53, 3/18/2014",
                         processor="Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz"),
        ),
        Host(
            name="win2012r2", family="windows_6_3", hostname="WEB03",
            os_name="Microsoft Windows Server 2012 R2 Standard", os_version="6.3.9600 N/A Build 9600",
            product_id="00252-70000-00000-AA535", install_date="8/11/2015, 3:27:19 PM",
            boot_time="2/25/2024, 3:11:02 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=_legacy_host(True, WIN81_SUITES, Ndp(v4_release=378675, v4_version="4.5.51641"),
                                  v4=True, winhttp_key=True,
                                  extra={CIPHER_POLICY: [("Functions", sz(GPO_2012R2))]}),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=_HYPERV_VM, ip="10.20.1.43", utf8_files=("cipher-policy.reg",), **_server_vm(),
        ),
        Host(
            name="win10-1607", family="windows_10", hostname="KIOSK-14",
            os_name="Microsoft Windows 10 Enterprise 2016 LTSB", os_version="10.0.14393 N/A Build 14393",
            product_id="00378-20000-00003-AA522", install_date="1/9/2017, 11:48:30 AM",
            boot_time="3/4/2024, 6:00:12 AM", hotfixes=("KB3199986", "KB5034767"),
            registry=_win10_host(WIN10_1607_SUITES, 394802, "4.6.01586"),
            versions=versions("10.0.14393.6709", "10.0.14393.6709", "10.0.14393.6709", True),
            hyperv=_HYPERV_PC, ip="10.20.40.14",
            **_client_pc(manufacturer="HP", model="HP EliteDesk 800 G2 DM 35W",
                         bios="HP N21 Ver. 02.52, 1/11/2021",
                         processor="Intel64 Family 6 Model 94 Stepping 3 GenuineIntel ~2712 Mhz"),
        ),
        Host(
            name="win2016", family="windows_10", hostname="RDS01",
            os_name="Microsoft Windows Server 2016 Standard", os_version="10.0.14393 N/A Build 14393",
            product_id="00377-60000-00000-AA730", install_date="4/3/2018, 2:19:45 PM",
            boot_time="2/25/2024, 3:20:33 AM", hotfixes=("KB3199986", "KB5034767"),
            registry=_win10_host(WIN10_1607_SUITES, 394802, "4.6.01586"),
            versions=versions("10.0.14393.6709", "10.0.14393.6709", "10.0.14393.6709", True),
            hyperv=_HYPERV_VM, ip="10.20.1.54", **_server_vm(),
        ),
        Host(
            name="win2019", family="windows_10", hostname="APP04",
            os_name="Microsoft Windows Server 2019 Standard", os_version="10.0.17763 N/A Build 17763",
            product_id="00429-70000-00000-AA846", install_date="7/22/2020, 9:51:06 AM",
            boot_time="2/25/2024, 3:24:50 AM", hotfixes=("KB5005112", "KB5034768"),
            registry=_win10_host(WIN10_1809_SUITES, 461808, "4.7.03190"),
            versions=versions("10.0.17763.5458", "10.0.17763.5458", "10.0.17763.5458", True),
            hyperv=_HYPERV_VM, ip="10.20.1.65", **_server_vm(),
        ),
        Host(
            name="win10-22h2", family="windows_10", hostname="PC-1045",
            os_name="Microsoft Windows 10 Enterprise", os_version="10.0.19045 N/A Build 19045",
            product_id="00329-00000-00003-AA871", install_date="10/3/2022, 1:08:27 PM",
            boot_time="3/4/2024, 7:48:16 AM", hotfixes=("KB5015684", "KB5036892"),
            registry=_win10_host(WIN10_22H2_SUITES, 528372, "4.8.04084"),
            versions=versions("10.0.19041.4291", "10.0.19041.4291", "10.0.19041.4291", True),
            hyperv=_HYPERV_PC, ip="10.20.42.45",
            **_client_pc(manufacturer="Dell Inc.", model="Latitude 5420", bios="Dell Inc. 1.33.0, 1/10/2024",
                         processor="Intel64 Family 6 Model 140 Stepping 1 GenuineIntel ~1498 Mhz",
                         memory_mb=16076),
        ),
        Host(
            name="win2022", family="windows_10", hostname="FILE05",
            os_name="Microsoft Windows Server 2022 Standard", os_version="10.0.20348 N/A Build 20348",
            product_id="00454-60000-00001-AA462", install_date="11/8/2022, 4:36:11 PM",
            boot_time="2/25/2024, 3:31:27 AM", hotfixes=("KB5012170", "KB5034770"),
            registry=_win10_host(WS2022_SUITES, 528449, "4.8.04161"),
            versions=versions("10.0.20348.2322", "10.0.20348.2322", "10.0.20348.2322", True),
            hyperv=_HYPERV_VM, ip="10.20.1.76", **_server_vm(),
        ),
        Host(
            name="win11-23h2", family="windows_10", hostname="PC-2231",
            os_name="Microsoft Windows 11 Enterprise", os_version="10.0.22631 N/A Build 22631",
            product_id="00330-80000-00000-AA193", install_date="11/20/2023, 10:14:52 AM",
            boot_time="3/4/2024, 7:40:03 AM", hotfixes=("KB5027397", "KB5034765"),
            registry=_win10_host(WIN11_22H2_SUITES, 533320, "4.8.09032"),
            versions=versions("10.0.22621.3155", "10.0.22621.3155", "10.0.22621.3155", True),
            hyperv=_HYPERV_PC, ip="10.20.42.131",
            **_client_pc(manufacturer="LENOVO", model="21AH00EXUS", bios="LENOVO N3MET21W (1.20 ), 11/2/2023",
                         processor="Intel64 Family 6 Model 154 Stepping 3 GenuineIntel ~2100 Mhz",
                         memory_mb=32468),
        ),
        Host(
            name="win7-nosp", family="windows_6_1", hostname="PC-0007",
            os_name="Microsoft Windows 7 Professional ", os_version="6.1.7600 N/A Build 7600",
            product_id="00371-OEM-8992671-00008", install_date="1/15/2010, 3:55:20 PM",
            boot_time="3/4/2024, 8:45:37 AM", hotfixes=("KB958488", "KB971033"),
            registry=_legacy_host(True, WIN7_SUITES_BEFORE_3042058, _W7_RTM_NDP, v4=False),
            versions=versions("6.1.7600.16385", "6.1.7600.16385", "6.1.7600.16385", True),
            ip="10.20.31.7",
            **_client_pc(model="OptiPlex 780", bios="Dell Inc. A06, 9/21/2010",
                         processor="Intel64 Family 6 Model 23 Stepping 10 GenuineIntel ~2926 Mhz",
                         memory_mb=4087),
        ),
        Host(
            name="win10-gpo-broken", family="windows_10", hostname="PC-1099",
            os_name="Microsoft Windows 10 Enterprise", os_version="10.0.19045 N/A Build 19045",
            product_id="00329-00000-00003-AA355", install_date="10/4/2022, 9:26:40 AM",
            boot_time="3/4/2024, 7:52:58 AM", hotfixes=("KB5015684", "KB5036892"),
            # An old baseline's GPO "Turn off encryption support" = SSL 3.0 + TLS 1.0, and the same machine value.
            registry=_win10_host(WIN10_22H2_SUITES, 528372, "4.8.04084", policy=GPO_BROKEN,
                                 wininet=0xA0, wininet_policy=0xA0),
            versions=versions("10.0.19041.4291", "10.0.19041.4291", "10.0.19041.4291", True),
            hyperv=_HYPERV_PC, ip="10.20.42.99",
            **_client_pc(manufacturer="Dell Inc.", model="Latitude 5420", bios="Dell Inc. 1.33.0, 1/10/2024",
                         processor="Intel64 Family 6 Model 140 Stepping 1 GenuineIntel ~1498 Mhz",
                         memory_mb=16076),
        ),
    ]
    hosts.extend(localised_hosts(hosts))
    return hosts + verdict_hosts() + canary_hosts()


# ---------------------------------------------------------------------------- hosts: canary rollout (issue 14)
# A host whose converge is checked afterwards and fails the check (docs/canary-rollout.md): its
# simulate.yml makes every read fail once tlsready's change is in force in its folder, as a host
# whose management connection the change broke. The restore still reaches it, so a canary converge
# reverts it. It is a copy of win2019 otherwise (4 .NET values to set, no update missing).


def canary_hosts() -> list[Host]:
    """The lab host that loses management after its change."""
    return [
        Host(
            name="win2019-loses-mgmt", family="windows_10", hostname="APP19",
            os_name="Microsoft Windows Server 2019 Standard", os_version="10.0.17763 N/A Build 17763",
            product_id="00429-70000-00000-AA919", install_date="7/22/2020, 10:14:52 AM",
            boot_time="2/25/2024, 3:31:07 AM", hotfixes=("KB5005112", "KB5034768"),
            registry=_win10_host(WIN10_1809_SUITES, 461808, "4.7.03190"),
            versions=versions("10.0.17763.5458", "10.0.17763.5458", "10.0.17763.5458", True),
            hyperv=_HYPERV_VM, ip="10.20.1.69", after_change="lose_management", **_server_vm(),
        ),
    ]


def render_simulate(host: Host) -> bytes:
    """The host's simulate.yml (plugins/plugin_utils/_rollout/simulate.py reads it)."""
    return (f"# Lab simulation (docs/canary-rollout.md): what happens to {host.name} once tlsready changed it.\n"
            f"after_change: {host.after_change}\n").encode("ascii")
# ---------------------------------------------------------------------------- end of hosts: canary rollout


# ---------------------------------------------------------------------------- hosts: verdicts (issue 10)
# Hosts built from Microsoft's documented defaults, for the verdicts of issue 10 (lab/README.md):
# modern Windows at defaults with the .NET values set, Windows 11 25H2, a .NET 4.5.2-only host,
# .NET 3.5 without its TLS System Default Versions update, Windows 7 with only DisabledByDefault=0.


def _with_dotnet_flags(registry: Registry, v2: bool = False) -> Registry:
    """The 2d .NET values (SchUseStrongCrypto=1, SystemDefaultTlsVersions=1) in both views."""
    return merge(registry, dotnet_flags(True, v4=True, v2=v2))


def verdict_hosts() -> list[Host]:
    """Hosts whose verdict the corrected reference settles (tls-facts 1a, 1c, 2a, 2b)."""
    net35 = Ndp(v2="2.0.50727.4927", v3="3.0.30729.4926", v35="3.5.30729.4926", v4_release=528040,
                v4_version="4.8.03761")
    return [
        Host(
            name="win2022-defaults", family="windows_10", hostname="FILE22",
            os_name="Microsoft Windows Server 2022 Datacenter", os_version="10.0.20348 N/A Build 20348",
            product_id="00454-40000-00001-AA081", install_date="6/3/2024, 10:02:44 AM",
            boot_time="11/10/2026, 3:31:27 AM", hotfixes=("KB5041160", "KB5044281"),
            registry=_with_dotnet_flags(_win10_host(WS2022_SUITES, 528449, "4.8.04161")),
            versions=versions("10.0.20348.2849", "10.0.20348.2849", "10.0.20348.2849", True),
            hyperv=_HYPERV_VM, ip="10.20.1.122", **_server_vm(),
        ),
        Host(
            name="win2025-defaults", family="windows_10", hostname="FILE25",
            os_name="Microsoft Windows Server 2025 Datacenter", os_version="10.0.26100 N/A Build 26100",
            product_id="00491-50000-00001-AA117", install_date="2/11/2025, 2:15:09 PM",
            boot_time="11/10/2026, 3:40:12 AM", hotfixes=("KB5043080", "KB5046617"),
            registry=_with_dotnet_flags(_win10_host(WIN11_22H2_SUITES, 533325, "4.8.09037")),
            versions=versions("10.0.26100.2314", "10.0.26100.2314", "10.0.26100.2314", True),
            hyperv=_HYPERV_VM, ip="10.20.1.125", **_server_vm(),
        ),
        Host(
            name="win11-25h2", family="windows_10", hostname="PC-2620",
            os_name="Microsoft Windows 11 Enterprise", os_version="10.0.26200 N/A Build 26200",
            product_id="00330-80000-00000-AA620", install_date="10/14/2025, 9:20:31 AM",
            boot_time="11/17/2026, 7:44:50 AM", hotfixes=("KB5054156", "KB5066835"),
            registry=_win10_host(WIN11_22H2_SUITES, 533509, "4.8.09221"),
            versions=versions("10.0.26100.6899", "10.0.26100.6899", "10.0.26100.6899", True),
            hyperv=_HYPERV_PC, ip="10.20.42.200",
            **_client_pc(manufacturer="LENOVO", model="21KCS0X400", bios="LENOVO R2AET45W (1.20 ), 8/1/2025",
                         processor="Intel64 Family 6 Model 170 Stepping 4 GenuineIntel ~1400 Mhz",
                         memory_mb=32156),
        ),
        Host(
            name="win2012r2-net452", family="windows_6_3", hostname="APP12",
            os_name="Microsoft Windows Server 2012 R2 Standard", os_version="6.3.9600 N/A Build 9600",
            product_id="00252-70000-00000-AA812", install_date="4/9/2015, 1:44:02 PM",
            boot_time="11/10/2026, 3:12:40 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=_legacy_host(True, WIN81_SUITES, Ndp(v4_release=379893, v4_version="4.5.51650"),
                                  v4=True, winhttp_key=True, flags=True),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=_HYPERV_VM, ip="10.20.1.112", **_server_vm(),
        ),
        Host(
            name="win81-net35", family="windows_6_3", hostname="PC-0835",
            os_name="Microsoft Windows 8.1 Enterprise", os_version="6.3.9600 N/A Build 9600",
            product_id="00260-00000-00000-AA835", install_date="3/2/2015, 11:08:17 AM",
            boot_time="11/17/2026, 8:02:19 AM",
            hotfixes=("KB2919355", "KB2919442", "KB2932046", "KB2934018", "KB2937592", "KB2938439", "KB2959977"),
            registry=_legacy_host(True, WIN81_SUITES, net35, v4=True, winhttp_key=True, flags=True),
            versions=versions("6.3.9600.17415", "6.3.9600.17415", "6.3.9600.17415", True),
            hyperv=_HYPERV_PC, ip="10.20.31.135",
            **_client_pc(manufacturer="Hewlett-Packard", model="HP EliteDesk 800 G1 SFF",
                         bios="Hewlett-Packard L01 v02.53, 3/18/2014",
                         processor="Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz"),
        ),
        Host(
            name="win7-dbd0", family="windows_6_1", hostname="PC-0170",
            os_name="Microsoft Windows 7 Enterprise ", os_version="6.1.7601 Service Pack 1 Build 7601",
            product_id="00392-918-5000002-85170", install_date="9/2/2015, 3:12:40 PM",
            boot_time="11/17/2026, 7:58:02 AM",
            hotfixes=("KB2479943", "KB2491683", "KB2506212", "KB2533552", "KB3020369", "KB3042058", "KB3080079",
                      "KB3140245", "KB3154518", "KB976902"),
            registry=_legacy_host(
                True, WIN7_SUITES, _W7_NDP._replace(v4_release=528049, v4_version="4.8.03761"), v4=True,
                schannel_extra=[(r"TLS 1.2\Client", [("DisabledByDefault", dword(0))])], winhttp_dsp=0xA00,
                flags=True),
            versions=versions("6.1.7601.23375", "6.1.7601.23375", "6.1.7601.23845", True),
            ip="10.20.33.70",
            **_client_pc(model="OptiPlex 9020", bios="Dell Inc. A25, 5/30/2019", processor=(
                "Intel64 Family 6 Model 60 Stepping 3 GenuineIntel ~3392 Mhz")),
        ),
    ]
# ---------------------------------------------------------------------------- end of hosts: verdicts (issue 10)


# ---------------------------------------------------------------------------- rendering: systeminfo

# The columns of English "systeminfo /fo csv" (Windows Vista to 11), in order; Windows 8 / 2012
# and later add "Hyper-V Requirements" at the end.
HYPERV_COLUMN = "Hyper-V Requirements"


def _mb(number: int) -> str:
    return f"{number:,} MB"


def systeminfo_fields(host: Host, hostname: str) -> list[tuple[str, list[str]]]:
    """The systeminfo labels and values; a value with several lines is a list."""
    free = host.memory_mb * 2 // 3
    page = host.memory_mb
    hotfix_lines = [f"{len(host.hotfixes)} Hotfix(s) Installed."] + [
        f"[{i:02d}]: {kb}" for i, kb in enumerate(host.hotfixes, start=1)]
    server = host.os_configuration.endswith("Server")
    nic = "vmxnet3 Ethernet Adapter" if host.manufacturer.startswith("VMware") else (
        "Intel(R) Ethernet Connection I217-LM")
    # Windows 8 / 2012 and later name the first wired connection "Ethernet".
    connection = "Ethernet" if host.hyperv is not None else "Local Area Connection"
    dhcp = ["      DHCP Enabled:    No"] if server else [
        "      DHCP Enabled:    Yes", "      DHCP Server:     " + host.ip.rsplit(".", 1)[0] + ".1"]
    fields: list[tuple[str, list[str]]] = [
        ("Host Name", [hostname]),
        ("OS Name", [host.os_name]),
        ("OS Version", [host.os_version]),
        ("OS Manufacturer", ["Microsoft Corporation"]),
        ("OS Configuration", [host.os_configuration]),
        ("OS Build Type", ["Multiprocessor Free"]),
        ("Registered Owner", ["Windows User"]),
        ("Registered Organization", [""]),
        ("Product ID", [host.product_id]),
        ("Original Install Date", [host.install_date]),
        ("System Boot Time", [host.boot_time]),
        ("System Manufacturer", [host.manufacturer]),
        ("System Model", [host.model]),
        ("System Type", [host.system_type]),
        ("Processor(s)", ["1 Processor(s) Installed.", f"[01]: {host.processor}"]),
        ("BIOS Version", [host.bios]),
        ("Windows Directory", [r"C:\Windows"]),
        ("System Directory", [r"C:\Windows\system32"]),
        ("Boot Device", [r"\Device\HarddiskVolume1"]),
        ("System Locale", ["en-us;English (United States)"]),
        ("Input Locale", ["en-us;English (United States)"]),
        ("Time Zone", ["(UTC-05:00) Eastern Time (US & Canada)"]),
        ("Total Physical Memory", [_mb(host.memory_mb)]),
        ("Available Physical Memory", [_mb(free)]),
        ("Virtual Memory: Max Size", [_mb(host.memory_mb + page)]),
        ("Virtual Memory: Available", [_mb(free + page - 400)]),
        ("Virtual Memory: In Use", [_mb(host.memory_mb - free + 400)]),
        ("Page File Location(s)", [r"C:\pagefile.sys"]),
        ("Domain", [host.domain]),
        ("Logon Server", ["\\\\" + (hostname if host.domain == "WORKGROUP" else "DC01")]),
        ("Hotfix(s)", hotfix_lines),
        ("Network Card(s)", [
            "1 NIC(s) Installed.",
            f"[01]: {nic}",
            f"      Connection Name: {connection}",
            *dhcp,
            "      IP address(es)",
            f"      [01]: {host.ip}",
        ]),
    ]
    if host.hyperv is not None:
        fields.append((HYPERV_COLUMN, host.hyperv.split(",")))
    return fields


def render_systeminfo_csv(host: Host, hostname: str) -> bytes:
    """``systeminfo /fo csv`` as cmd.exe redirects it: OEM code page, CRLF, every field quoted."""
    if host.language != "English" or host.hotfixes_listed is not None:
        return render_localised_csv(host, hostname)
    fields = systeminfo_fields(host, hostname)
    header = ",".join(f'"{field[0]}"' for field in fields)
    # Multi-line values are joined with commas inside one quoted field; leading spaces of the
    # network card sub-lines are kept, as systeminfo does.
    row = ",".join('"' + ",".join(field[1]) + '"' for field in fields)
    return (header + "\r\n" + row + "\r\n").encode("cp437")


def render_systeminfo_list(host: Host, hostname: str) -> bytes:
    """``systeminfo`` (list format): a blank first line, labels padded to column 27, lists indented."""
    if host.language != "English" or host.hotfixes_listed is not None:
        return render_localised_list(host, hostname)
    out = [""]
    for label, lines in systeminfo_fields(host, hostname):
        out.append(f"{label}:".ljust(27) + lines[0])
        out.extend(" " * 27 + line for line in lines[1:])
    return ("\r\n".join(out) + "\r\n").encode("cp437")


# ---------------------------------------------------------------------------- rendering: wmic


def render_file_versions(host: Host, hostname: str) -> bytes:
    """``wmic datafile ... get Name,Version /format:csv`` appended once per file (UTF-16 LE runs)."""
    runs = []
    for path in FILES:
        version = host.versions.get(path.lower())
        if version is None:
            continue  # collect.cmd skips files that do not exist (the log says so)
        text = f"\r\r\nNode,Name,Version\r\r\n{hostname},{path.lower()},{version}\r\r\n"
        runs.append(b"\xff\xfe" + text.encode("utf-16-le"))
    return b"".join(runs)


# ---------------------------------------------------------------------------- rendering: registry


def _under(key: str, root: str) -> bool:
    key_l, root_l = key.lower(), root.lower()
    return key_l == root_l or key_l.startswith(root_l + "\\")


def export_keys(registry: Registry, root: str) -> list[tuple[str, Values]] | None:
    """The keys ``reg export <root>`` writes, depth first in name order; None when root does not exist.

    Intermediate keys between the root and a listed key exist on the host, so they are
    written too (empty), as reg.exe does.
    """
    keys = {k: v for k, v in registry.items() if _under(k, root)}
    if not keys:
        return None
    for key in list(keys):
        parts = key.split("\\")
        depth = len(root.split("\\"))
        for end in range(depth, len(parts)):
            keys.setdefault("\\".join(parts[:end]), [])
    # Windows lists subkeys in case-insensitive name order, each followed by its own subkeys.
    return sorted(keys.items(), key=lambda item: [p.lower() for p in item[0].split("\\")])


def render_exports(host: Host, render_reg: t.Callable[..., bytes], reg_value: t.Callable[[str, t.Any], t.Any]
                   ) -> tuple[dict[str, bytes], list[str]]:
    """Render every ``reg export`` collect.cmd makes on ``host``; return the files and the log lines."""
    files: dict[str, bytes] = {}
    log: list[str] = []
    for export in EXPORTS:
        if export.x64_only and not host.x64:
            log.append(f"skipped {export.key}: no 32-bit registry view on 32-bit Windows")
            continue
        keys = export_keys(host.registry, export.key)
        if keys is None:
            log.append(f"skipped {export.key}: key not found")
            continue
        rendered = [(key, [(name, reg_value(kind, data)) for name, (kind, data) in values]) for key, values in keys]
        encoding = "utf-8" if export.file in host.utf8_files else "utf-16"
        files[export.file] = render_reg(rendered, encoding=encoding)
        log.append(f"exported {export.key} to {export.file}")
    return files, log


def render_collect_log(host: Host, hostname: str, reg_log: t.Sequence[str]) -> bytes:
    """collect.log as collect.cmd writes it (fixed date and time, so the lab stays deterministic)."""
    arch = "AMD64" if host.x64 else "x86"
    lines = [f"tlsready collect.cmd on {hostname}, {arch}, Mon 03/04/2024 10:15:02.31",
             "wrote systeminfo.csv", *reg_log]
    for path in FILES:
        if path.lower() in host.versions:
            lines.append(f"read the version of {path}")
        else:
            lines.append(f"skipped {path}: file not found")
    lines.append("done")
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


# ============================================================================ issue 15 block
# ---------------------------------------------------------------------------- localised and
# language-independent hosts. systeminfo in German, French, Russian and Chinese (labels and
# values as real Windows 7 / Server 2012 R2 / Windows 10 outputs published with wesng's
# validation set print them; the parser's own label table is separate, in
# plugins/plugin_utils/_systeminfo_labels.py), a systeminfo whose update list is cut, and a
# host collected by the new collect.cmd (osidentity.txt from reg query, hotfixes.csv from
# wmic qfe). Each is a copy of win7-patched and must be judged exactly like it.


class Localisation(t.NamedTuple):
    """How one display language prints systeminfo."""

    labels: dict[str, str]  # English label -> localised label
    os_name: str  # "Microsoft Windows 7 Enterprise " in that language
    os_version: str  # "6.1.7601 Service Pack 1 Build 7601" in that language
    configuration: str  # "Member Workstation"
    hotfix_count: str  # "{n} Hotfix(s) Installed." with {n}
    processor_count: str
    nic_count: str


_LABELS_EN = ("Host Name", "OS Name", "OS Version", "OS Manufacturer", "OS Configuration", "OS Build Type",
              "Registered Owner", "Registered Organization", "Product ID", "Original Install Date",
              "System Boot Time", "System Manufacturer", "System Model", "System Type", "Processor(s)",
              "BIOS Version", "Windows Directory", "System Directory", "Boot Device", "System Locale",
              "Input Locale", "Time Zone", "Total Physical Memory", "Available Physical Memory",
              "Virtual Memory: Max Size", "Virtual Memory: Available", "Virtual Memory: In Use",
              "Page File Location(s)", "Domain", "Logon Server", "Hotfix(s)", "Network Card(s)")


def _labels(*localised: str) -> dict[str, str]:
    assert len(localised) == len(_LABELS_EN)
    return dict(zip(_LABELS_EN, localised))


LOCALISATIONS: dict[str, Localisation] = {
    "German": Localisation(_labels(
        "Hostname", "Betriebssystemname", "Betriebssystemversion", "Betriebssystemhersteller",
        "Betriebssystemkonfiguration", "Betriebssystem-Buildtyp", "Registrierter Benutzer",
        "Registrierte Organisation", "Produkt-ID", "Ursprüngliches Installationsdatum", "Systemstartzeit",
        "Systemhersteller", "Systemmodell", "Systemtyp", "Prozessor(en)", "BIOS-Version", "Windows-Verzeichnis",
        "System-Verzeichnis", "Startgerät", "Systemgebietsschema", "Eingabegebietsschema", "Zeitzone",
        "Gesamter physikalischer Speicher", "Verfügbarer physikalischer Speicher",
        "Virtueller Arbeitsspeicher: Maximale Größe", "Virtueller Arbeitsspeicher: Verfügbar",
        "Virtueller Arbeitsspeicher: Zurzeit verwendet", "Auslagerungsdateipfad(e)", "Domäne", "Anmeldeserver",
        "Hotfix(es)", "Netzwerkkarte(n)"),
        "Microsoft Windows 7 Enterprise ", "6.1.7601 Service Pack 1 Build 7601", "Mitgliedsarbeitsstation",
        "{n} Hotfix(e) installiert.", "1 Prozessor(en) installiert.", "1 Netzwerkadapter installiert."),
    "French": Localisation(_labels(
        "Nom de l'hôte", "Nom du système d'exploitation", "Version du système",
        "Fabricant du système d'exploitation", "Configuration du système d'exploitation",
        "Type de version du système d'exploitation", "Propriétaire enregistré", "Organisation enregistrée",
        "Identificateur de produit", "Date d'installation originale", "Heure de démarrage du système",
        "Fabricant du système", "Modèle du système", "Type du système", "Processeur(s)", "Version du BIOS",
        "Répertoire Windows", "Répertoire système", "Périphérique d'amorçage", "Option régionale du système",
        "Paramètres régionaux d'entrée", "Fuseau horaire", "Mémoire physique totale",
        "Mémoire physique disponible", "Mémoire virtuelle\u00a0: taille maximale",
        "Mémoire virtuelle\u00a0: disponible", "Mémoire virtuelle\u00a0: en cours d'utilisation",
        "Emplacements des fichiers d'échange", "Domaine", "Serveur d'ouverture de session", "Correctif(s)",
        "Carte(s) réseau"),
        "Microsoft Windows\u00a07 Entreprise ", "6.1.7601 Service Pack 1 version 7601", "Station de travail membre",
        "{n} Corrections installées.", "1 processeur(s) installé(s).", "1 carte(s) réseau installée(s)."),
    "Russian": Localisation(_labels(
        "Имя узла", "Название ОС", "Версия ОС", "Изготовитель ОС", "Параметры ОС", "Построение ОС",
        "Зарегистрированный владелец", "Зарегистрированная организация", "Код продукта", "Дата установки",
        "Время загрузки системы", "Изготовитель системы", "Модель системы", "Тип системы", "Процессор(ы)",
        "Версия BIOS", "Папка Windows", "Системная папка", "Устройство загрузки", "Язык системы", "Язык ввода",
        "Часовой пояс", "Полный объем физической памяти", "Доступная физическая память",
        "Виртуальная память: Макс. размер", "Виртуальная память: Доступна", "Виртуальная память: Используется",
        "Расположение файла подкачки", "Домен", "Сервер входа в сеть", "Исправление(я)", "Сетевые адаптеры"),
        "Майкрософт Windows 7 Корпоративная ", "6.1.7601 Service Pack 1 построение 7601",
        "Рядовая рабочая станция", "Число установленных исправлений - {n}.", "Число процессоров - 1.",
        "Число сетевых адаптеров - 1."),
    "Chinese (Simplified)": Localisation(_labels(
        "主机名", "OS 名称", "OS 版本", "OS 制造商", "OS 配置", "OS 构件类型", "注册的所有人", "注册的组织", "产品 ID",
        "初始安装日期", "系统启动时间", "系统制造商", "系统型号", "系统类型", "处理器", "BIOS 版本", "Windows 目录",
        "系统目录", "启动设备", "系统区域设置", "输入法区域设置", "时区", "物理内存总量", "可用的物理内存",
        "虚拟内存: 最大值", "虚拟内存: 可用", "虚拟内存: 使用中", "页面文件位置", "域", "登录服务器", "修补程序", "网卡"),
        "Microsoft Windows 7 企业版 ", "6.1.7601 Service Pack 1 Build 7601", "成员工作站",
        "安装了 {n} 个修补程序。", "安装了 1 个处理器。", "安装了 1 个 NIC。"),
}


def localised_fields(host: Host, hostname: str) -> list[tuple[str, list[str]]]:
    """systeminfo_fields in the host's language, with the update list cut where the host says."""
    fields = systeminfo_fields(host, hostname)
    listed = host.hotfixes if host.hotfixes_listed is None else host.hotfixes[:host.hotfixes_listed]
    if host.language == "English":
        loc = None
    else:
        loc = LOCALISATIONS[host.language]
    out = []
    for label, lines in fields:
        lines = list(lines)
        if label == "Hotfix(s)":
            count = (loc.hotfix_count if loc else "{n} Hotfix(s) Installed.").format(n=len(host.hotfixes))
            lines = [count] + [f"[{i:02d}]: {kb}" for i, kb in enumerate(listed, start=1)]
        if loc is not None:
            replacements = {"OS Name": loc.os_name, "OS Version": loc.os_version, "OS Configuration": loc.configuration}
            if label in replacements:
                lines[0] = replacements[label]
            elif label == "Processor(s)":
                lines[0] = loc.processor_count
            elif label == "Network Card(s)":
                lines[0] = loc.nic_count
            label = loc.labels.get(label, label)
        out.append((label, lines))
    return out


def _encode(host: Host, text: str) -> bytes:
    if host.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(host.encoding)


def render_localised_csv(host: Host, hostname: str) -> bytes:
    fields = localised_fields(host, hostname)
    header = ",".join(f'"{field[0]}"' for field in fields)
    row = ",".join('"' + ",".join(field[1]) + '"' for field in fields)
    return _encode(host, header + "\r\n" + row + "\r\n")


def render_localised_list(host: Host, hostname: str) -> bytes:
    fields = localised_fields(host, hostname)
    width = max(len(label) for label, _lines in fields) + 2
    out = [""]
    for label, lines in fields:
        out.append(f"{label}:".ljust(width) + lines[0])
        out.extend(" " * width + line for line in lines[1:])
    return _encode(host, "\r\n".join(out) + "\r\n")


# What collect.cmd queries into osidentity.txt (plugins/plugin_utils/_sources/osidentity.IDENTITY_VALUES).
_IDENTITY_KEYS = (
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName", "ComputerName", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "ProductName", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentVersion", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CurrentBuildNumber", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "CSDVersion", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\ProductOptions", "ProductType", "REG_SZ"),
    (r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Session Manager\Environment", "PROCESSOR_ARCHITECTURE",
     "REG_SZ"),
)


def identity_values(host: Host, hostname: str) -> dict[str, str]:
    """The registry values a Windows Vista to 8.1 host holds for its identity (Windows 10's
    CurrentMajorVersionNumber is not modelled: the collected lab host is Windows 7)."""
    version = host.os_version.split()[0].split(".")
    sp = host.os_version.split("Service Pack ")[1].split()[0] if "Service Pack " in host.os_version else None
    configuration = host.os_configuration.lower()
    product_type = next(code for label, code in _PRODUCT_TYPES if label in configuration)
    values = {"ComputerName": hostname, "ProductName": host.os_name.replace("Microsoft ", "", 1).strip(),
              "CurrentVersion": f"{version[0]}.{version[1]}", "CurrentBuildNumber": version[2],
              "ProductType": product_type, "PROCESSOR_ARCHITECTURE": "AMD64" if host.x64 else "x86"}
    if sp is not None:
        values["CSDVersion"] = f"Service Pack {sp}"
    return values


def render_osidentity(host: Host, hostname: str) -> bytes:
    """``reg query KEY /v NAME`` appended per value, as cmd.exe redirects it (ANSI text, CRLF)."""
    values = identity_values(host, hostname)
    out = []
    for key, name, kind in _IDENTITY_KEYS:
        if name in values:
            out += ["", key, f"    {name}    {kind}    {values[name]}", ""]
    return ("\r\n".join(out) + "\r\n").encode("ascii")


def render_qfe(host: Host, hostname: str) -> bytes:
    """``wmic qfe get HotFixID,InstalledOn /format:csv``: UTF-16 LE, a blank first line, \\r\\r\\n."""
    rows = ["", "Node,HotFixID,InstalledOn"] + [f"{hostname},{kb},3/9/2016" for kb in host.hotfixes]
    return b"\xff\xfe" + "\r\r\n".join(rows + [""]).encode("utf-16-le")


def render_collected(host: Host, hostname: str, reg_log: t.Sequence[str]) -> dict[str, bytes]:
    """The files the new collect.cmd writes besides the .reg exports and fileversions.csv."""
    arch = "AMD64" if host.x64 else "x86"
    lines = [f"tlsready collect.cmd on {hostname}, {arch}, Mon 03/04/2024 10:15:02.31",
             "wrote osidentity.txt", "wrote hotfixes.csv with wmic qfe", *reg_log]
    for path in FILES:
        lines.append(f"read the version of {path}" if path.lower() in host.versions else
                     f"skipped {path}: file not found")
    lines.append("done")
    return {"osidentity.txt": render_osidentity(host, hostname), "hotfixes.csv": render_qfe(host, hostname),
            "collect.log": ("\r\n".join(lines) + "\r\n").encode("ascii")}


# (name, hostname, language, list format, encoding): one Windows 7 SP1 host per language, in the
# two systeminfo forms and several code pages between them (cp850: German, French consoles;
# cp866: Russian; GBK/cp936: Chinese; UTF-16: PowerShell's redirection).
_LOCALISED = (
    ("win7-de", "PC-DE-0212", "German", True, "cp850"),
    ("win7-fr", "PC-FR-0212", "French", False, "utf-16"),
    ("win7-ru", "PC-RU-0212", "Russian", True, "cp866"),
    ("win7-zh", "PC-ZH-0212", "Chinese (Simplified)", False, "gbk"),
)


def localised_hosts(hosts: t.Sequence[Host]) -> list[Host]:
    """Copies of win7-patched: localised systeminfo, a cut update list, and collected by collect.cmd."""
    base = next(h for h in hosts if h.name == "win7-patched")
    out = [dataclasses.replace(base, name=name, hostname=hostname, language=language, list_format=list_format,
                               encoding=encoding)
           for name, hostname, language, list_format, encoding in _LOCALISED]
    # systeminfo declares every update and lists those before KB3140245 only (as real Windows 7
    # outputs declaring 273 and listing 246 do); winhttp.dll and webio.dll prove KB3140245.
    cut = base.hotfixes.index("KB3140245")
    out.append(dataclasses.replace(base, name="win7-truncated", hostname="PC-0213", list_format=True,
                                   hotfixes_listed=cut))
    out.append(dataclasses.replace(base, name="win7-collected", hostname="PC-0214", collector="collect.cmd"))
    return out
# ============================================================================ end of issue 15 block


# ---------------------------------------------------------------------------- the renderer import


def load_renderer() -> tuple[t.Callable[..., bytes], t.Callable[[str, t.Any], t.Any]]:
    """Import ``render_reg`` and ``RegValue`` from this checkout of the collection.

    Tries the normal import first (``PYTHONPATH`` or an installed collection pointing here);
    otherwise links the repository as ``ansible_collections/tlsready/windows`` in a
    temporary folder (removed at exit) and imports from there.
    """
    package = "ansible_collections.tlsready.windows.plugins.plugin_utils"
    try:
        regfile = importlib.import_module(package + "._sources.regfile")
    except ImportError:
        temp = tempfile.mkdtemp(prefix="tlsready-lab-")
        atexit.register(shutil.rmtree, temp, True)
        os.makedirs(os.path.join(temp, "ansible_collections", "tlsready"))
        os.symlink(REPO, os.path.join(temp, "ansible_collections", "tlsready", "windows"))
        sys.path.insert(0, temp)
        importlib.invalidate_caches()
        regfile = importlib.import_module(package + "._sources.regfile")
    state = importlib.import_module(package + "._sources.state")
    return regfile.render_reg, state.RegValue


# ---------------------------------------------------------------------------- live reads
# What plugins/modules/win_tls_read.ps1 returns on each lab host, built from the host model
# (not from the rendered exports), so that the unit tests can compare the live and offline paths.

_PRODUCT_TYPES = (("domain controller", "LanmanNt"), ("workstation", "WinNT"), ("server", "ServerNT"))


def _read_keys() -> tuple[t.Any, ...]:
    load_renderer()  # makes the collection importable
    return importlib.import_module("ansible_collections.tlsready.windows.plugins.plugin_utils._sources.keys").READ_KEYS


def _live_value(kind: str, data: t.Any) -> t.Any:
    if kind == "multi_sz":
        return list(data)
    if kind in ("binary", "none"):
        return bytes(data).hex()
    return data


def render_live_read(host: Host) -> dict[str, t.Any]:
    """The win_tls_read result for ``host``, as documented in plugins/modules/win_tls_read.py RETURN."""
    registry: list[dict[str, t.Any]] = []
    missing: list[str] = []
    for source in _read_keys():
        if source.x64_only and not host.x64:
            continue
        keys = export_keys(host.registry, source.path)
        if keys is None:
            missing.append(source.path)
            continue
        for key, values in keys:
            if key.lower() == source.path.lower() or source.recursive:
                registry.extend({"path": key, "name": name, "type": kind, "data": _live_value(kind, data)}
                                for name, (kind, data) in values)
    version = host.os_version.split()[0]
    service_pack = host.os_version.split("Service Pack ")[1].split()[0] if "Service Pack " in host.os_version else "0"
    configuration = host.os_configuration.lower()
    files = {}
    for name, path in zip(_read_files(), FILES):
        files[name] = {"path": path, "version": host.versions.get(path.lower())}
    return {
        "changed": False,
        "os": {
            "caption": host.os_name.replace("Microsoft ", "", 1).strip(),
            "version": version,
            "csd_version": int(service_pack) * 256,
            "product_type": next(code for label, code in _PRODUCT_TYPES if label in configuration),
            "processor_architecture": "AMD64" if host.x64 else "x86",
            "hostname": host.hostname,
            # Server 2008 SP2 cannot run WMF 5.1 (ansible-core 2.16+ then refuses it: audit it offline).
            "powershell_version": "3.0" if version.startswith("6.0") else "5.1.14409.1005" if version.startswith("6.") else "5.1.19041.4291",
        },
        "hotfixes": list(host.hotfixes),
        "files": files,
        "registry": registry,
        "missing_keys": missing,
        "reboot_pending_keys": [],
        "problems": [],
    }


def _read_files() -> tuple[str, ...]:
    load_renderer()
    return importlib.import_module("ansible_collections.tlsready.windows.plugins.plugin_utils._sources.keys").READ_FILES


def write_live_reads(out: str) -> list[str]:
    """Write ``<host name>.json`` (the win_tls_read result) for every lab host into ``out``."""
    os.makedirs(out, exist_ok=True)
    names = []
    for host in lab_hosts():
        with open(os.path.join(out, f"{host.name}.json"), "w", encoding="utf-8", newline="\n") as handle:
            json.dump(render_live_read(host), handle, indent=1, sort_keys=True)
            handle.write("\n")
        names.append(host.name)
    return names


# ---------------------------------------------------------------------------- writing


@dataclasses.dataclass
class RenderedHost:
    """A lab host's files that do not depend on its name, rendered once."""

    host: Host
    reg_files: dict[str, bytes]
    reg_log: list[str]


def render_lab() -> list[RenderedHost]:
    render_reg, reg_value = load_renderer()
    rendered = []
    for host in lab_hosts():
        files, log = render_exports(host, render_reg, reg_value)
        rendered.append(RenderedHost(host, files, log))
    return rendered


def write_host(folder: str, item: RenderedHost, hostname: str, simulate: bool = True) -> None:
    """Write one host folder (``folder`` must not exist); ``simulate=False`` leaves simulate.yml out."""
    host = item.host
    os.makedirs(folder)
    files: dict[str, bytes] = dict(item.reg_files)
    if host.after_change and simulate:
        files["simulate.yml"] = render_simulate(host)
    if host.collector == "collect.cmd":
        files.update(render_collected(host, hostname, item.reg_log))
    elif host.list_format:
        files["systeminfo.txt"] = render_systeminfo_list(host, hostname)
    else:
        files["systeminfo.csv"] = render_systeminfo_csv(host, hostname)
    files["fileversions.csv"] = render_file_versions(host, hostname)
    if host.collect_log and host.collector != "collect.cmd":
        files["collect.log"] = render_collect_log(host, hostname, item.reg_log)
    for name in sorted(files):
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(files[name])


def render_inventory(members: t.Sequence[tuple[str, str]], header: str) -> bytes:
    """The YAML inventory: group windows_offline, one child group per OS family.

    Args:
        members: (inventory name, family group) in output order.
        header: comment lines describing the file.
    """
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += [
        "---",
        "all:",
        "  children:",
        "    windows_offline:",
        "      vars:",
        "        ansible_connection: tlsready.windows.offline",
        "      children:",
    ]
    for family, (version, label) in FAMILIES.items():
        names = [name for name, fam in members if fam == family]
        if not names:
            continue
        lines += [
            f"        {family}:",
            "          vars:",
            f'            lab_os_family: "{version}"',
            f'            lab_os_family_name: "{label}"',
            "          hosts:",
        ]
        for name in names:
            lines += [
                f"            {name}:",
                f'              tlsready_offline_path: "{{{{ inventory_dir }}}}/hosts/{name}"',
            ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _prepare_hosts_dir(out: str) -> str:
    """Return ``<out>/hosts``, emptied; refuse to delete a folder that is not a lab."""
    hosts_dir = os.path.join(out, "hosts")
    if os.path.isdir(hosts_dir):
        for entry in os.listdir(hosts_dir):
            path = os.path.join(hosts_dir, entry)
            looks_generated = os.path.isdir(path) and any(
                os.path.exists(os.path.join(path, name)) for name in ("systeminfo.csv", "systeminfo.txt", "osidentity.txt"))
            if not looks_generated:
                raise SystemExit(f"refusing to replace {hosts_dir}: {entry!r} is not a lab host folder")
        shutil.rmtree(hosts_dir)
    os.makedirs(hosts_dir)
    return hosts_dir


LAB_HEADER = """Offline lab inventory, generated by lab/generate.py: do not edit by hand (regenerate instead).
Each host is a folder of Windows exports (files/collect.cmd); lab/README.md describes them."""


def generate_lab(out: str) -> list[str]:
    """Write the lab hosts and inventory.yml under ``out``; return the host names."""
    rendered = render_lab()
    hosts_dir = _prepare_hosts_dir(out)
    for item in rendered:
        write_host(os.path.join(hosts_dir, item.host.name), item, item.host.hostname)
    members = [(item.host.name, item.host.family) for item in rendered]
    with open(os.path.join(out, "inventory.yml"), "wb") as handle:
        handle.write(render_inventory(members, LAB_HEADER))
    return [member[0] for member in members]


def generate_copies(out: str, copies: int) -> list[str]:
    """Write ``copies`` hosts cycled through the lab (``<name>-0001`` ...) and their inventory."""
    rendered = render_lab()
    hosts_dir = _prepare_hosts_dir(out)
    width = max(4, len(str(copies)))
    members = []
    for index in range(1, copies + 1):
        item = rendered[(index - 1) % len(rendered)]
        name = f"{item.host.name}-{index:0{width}d}"
        # Copies never simulate: a fleet of copies is for scale, and one failing copy would stop its rollout.
        write_host(os.path.join(hosts_dir, name), item, name.upper(), simulate=False)
        members.append((name, item.host.family))
    header = (f"{copies} offline hosts cycled from the lab, generated by lab/generate.py --copies {copies}.\n"
              "Each copy has its own host name in systeminfo and wmic output; the registry is the lab host's.")
    with open(os.path.join(out, "inventory.yml"), "wb") as handle:
        handle.write(render_inventory(members, header))
    return [member[0] for member in members]


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--out", help="folder to write hosts/ and inventory.yml into (default: lab/ of this checkout)")
    parser.add_argument("--copies", type=int, help="write this many hosts cycled through the lab (needs --out)")
    parser.add_argument("--live-reads", metavar="DIR",
                        help="write instead the win_tls_read result of each lab host as DIR/<host>.json")
    args = parser.parse_args(argv)
    if args.live_reads:
        names = write_live_reads(os.path.abspath(args.live_reads))
        print(f"wrote {len(names)} win_tls_read results under {os.path.abspath(args.live_reads)}")
        return 0
    if args.copies is not None:
        if args.out is None:
            parser.error("--copies needs --out: the committed lab/ holds the lab hosts only")
        if args.copies < 1:
            parser.error("--copies must be 1 or more")
    out = os.path.abspath(args.out or LAB)
    os.makedirs(out, exist_ok=True)
    if args.copies is not None:
        names = generate_copies(out, args.copies)
    else:
        names = generate_lab(out)
    print(f"wrote {len(names)} hosts and inventory.yml under {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a lab host is: its registry keys and exports, value helpers, the ``Host`` record, OS families.

* The registry key constants are those of ``plugins/plugin_utils/_sources/keys.py`` (the keys
  tlsready reads), and ``EXPORTS`` names the file ``files/collect.cmd`` exports each one to
  (tests/unit/test_collect_cmd.py keeps this table, collect.cmd and ``READ_KEYS`` in step).
* ``FILES``: the files collect.cmd reads the version of (``keys.READ_FILES``), expanded.
* ``Value``/``Values``/``Registry`` and ``dword``/``sz``/``expand_sz``/``multi_sz``: a host's
  registry as plain data, turned into the collection's ``RegValue`` only when rendered.
* ``Host``: what systeminfo says about one lab host, its registry and its file versions.
* ``FAMILIES``: the inventory's OS family groups.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .collection import keys

# ---------------------------------------------------------------------------- registry keys
# The keys of plugins/plugin_utils/_sources/keys.READ_KEYS, named as there.
SCHANNEL: str = keys.SCHANNEL
WINHTTP: str = keys.WINHTTP
WINHTTP_WOW64: str = keys.WINHTTP_WOW64
WININET: str = keys.WININET
WININET_POLICY: str = keys.WININET_POLICY
DOTNET4: str = keys.DOTNET4
DOTNET4_WOW64: str = keys.DOTNET4_WOW64
DOTNET2: str = keys.DOTNET2
DOTNET2_WOW64: str = keys.DOTNET2_WOW64
NDP_SETUP: str = keys.NDP_SETUP
CIPHER_POLICY: str = keys.CIPHER_POLICY
CIPHER_LOCAL: str = keys.CIPHER_LOCAL
FIPS_POLICY: str = keys.FIPS_POLICY
SQL_INSTANCES: str = keys.SQL_INSTANCES
WSUS_SETUP: str = keys.WSUS_SETUP


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

# The files collect.cmd reads the version of (plugins/plugin_utils/_sources/keys.READ_FILES), with
# %SystemRoot% expanded as on every lab host.
FILES: tuple[str, ...] = tuple(path.replace("%SystemRoot%", "C:\\Windows") for path in keys.READ_FILES)

# A value as (type, data): the type is one of _sources/state.REG_TYPES; turned into a RegValue when rendered.
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
    # Issue 15 (localised and language-independent hosts: localisation.py, systeminfo.py):
    language: str = "English"  # systeminfo display language (a key of LOCALISATIONS)
    encoding: str = "cp437"  # how the systeminfo file is encoded (console code page, utf-16, utf-8)
    hotfixes_listed: int | None = None  # systeminfo lists only this many of the declared updates
    collector: str = "systeminfo"  # "collect.cmd": osidentity.txt + hotfixes.csv instead of systeminfo
    # Canary rollout (issue 14, hosts_verdict.canary_hosts): simulate.yml's after_change, written in the lab only.
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

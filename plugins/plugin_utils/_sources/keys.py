# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What to read from a host: registry keys and files (internal use only).

The live reader module receives these lists as arguments and ``files/collect.cmd``
exports the same keys for offline hosts; a unit test keeps the two in step.
"""

from __future__ import annotations

import typing as t


class KeySource(t.NamedTuple):
    """A registry key to read; ``recursive`` reads its subkeys too."""

    path: str
    recursive: bool
    x64_only: bool = False


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

READ_KEYS: tuple[KeySource, ...] = (
    KeySource(SCHANNEL, recursive=True),
    KeySource(WINHTTP, recursive=False),
    KeySource(WINHTTP_WOW64, recursive=False, x64_only=True),
    KeySource(WININET, recursive=False),
    KeySource(WININET_POLICY, recursive=False),
    KeySource(DOTNET4, recursive=False),
    KeySource(DOTNET4_WOW64, recursive=False, x64_only=True),
    KeySource(DOTNET2, recursive=False),
    KeySource(DOTNET2_WOW64, recursive=False, x64_only=True),
    KeySource(NDP_SETUP, recursive=True),
    KeySource(CIPHER_POLICY, recursive=False),
    KeySource(CIPHER_LOCAL, recursive=False),
    KeySource(FIPS_POLICY, recursive=False),
    # For the safety guards (reference section 5): SQL Server instances and the WSUS role.
    KeySource(SQL_INSTANCES, recursive=False),
    KeySource(WSUS_SETUP, recursive=False),
)

# Evidence files for hotfix detection (reference 3b); %SystemRoot% is expanded on the host.
READ_FILES: tuple[str, ...] = (
    r"%SystemRoot%\System32\winhttp.dll",
    r"%SystemRoot%\System32\webio.dll",
    r"%SystemRoot%\System32\schannel.dll",
    r"%SystemRoot%\SysWOW64\winhttp.dll",
)

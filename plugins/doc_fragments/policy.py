# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options shared by the tlsready modules that judge a host against a profile."""

    DOCUMENTATION = r"""
options:
  profile:
    description:
      - The policy to judge the host against.
      - V(m365_client) is the minimum for the host to be a working TLS 1.2 client of Microsoft 365
        (SharePoint Online, OneDrive) - TLS 1.2 client offered by Schannel, WinHTTP and (when set)
        WinINet offering TLS 1.2, .NET strong crypto and OS-chosen TLS versions (.NET 4.x always,
        .NET 2.0-3.5 where installed) in both registry views, a .NET 4.x release that supports TLS 1.2,
        the hotfixes that make them work, and a cipher suite Azure Front Door accepts. Absent values are
        judged by the release's documented default, so a host at Windows defaults that is right gets no change.
      - Values written for WinHTTP and WinINet add TLS 1.2 (and TLS 1.3 where Windows has it) and never turn
        on an older protocol - C(0xA00) on Windows 7 / 2008 R2 / 8 / 2012, nothing on 8.1 / 2012 R2 and later
        (see C(docs/profiles.md)).
      - V(strict) adds TLS 1.2 and later only - SSL 2.0, SSL 3.0, TLS 1.0 and TLS 1.1 disabled as
        client and server, WinHTTP and WinINet limited to TLS 1.2 (and TLS 1.3 where Windows has it).
    type: str
    choices: [m365_client, strict]
    default: m365_client
  overrides:
    description:
      - Replace the profile's rule for single settings, as a dictionary of setting id to value.
      - Protocol settings C(schannel.<protocol>.<side>), with protocol one of C(ssl2_0), C(ssl3_0),
        C(tls1_0), C(tls1_1), C(tls1_2), C(tls1_3) and side C(client) or C(server), take
        V(enabled), V(disabled) or V(unmanaged).
      - C(winhttp.default_secure_protocols) and C(wininet.secure_protocols) take a protocol bit mask
        (0x20 SSL 3.0, 0x80 TLS 1.0, 0x200 TLS 1.1, 0x800 TLS 1.2, 0x2000 TLS 1.3) or V(unmanaged).
      - C(dotnet4.strong_crypto), C(dotnet4.system_default_tls_versions), C(dotnet2.strong_crypto) and
        C(dotnet2.system_default_tls_versions) take V(enabled) or V(unmanaged).
      - V(unmanaged) takes the setting out of the evaluation. An override that removes TLS 1.2, which
        the profile needs, is refused with the conflict named.
    type: dict
    default: {}
  accept_risks:
    description:
      - Safety guards whose risk you accept. Before a protocol is disabled, tlsready checks each documented
        prerequisite and blocks the change while one is not met (see C(docs/safety.md)).
      - V(rdp_kb3080079) - Remote Desktop on Windows 7 / 2008 R2 needs KB3080079 before TLS 1.0 server is disabled.
      - V(rdp_kb4074621) - the same for Server 2008 SP2.
      - V(management_channel) - the run reaches the host over WinRM/PSRP HTTPS and the host does not offer TLS 1.2
        as a server yet, so disabling TLS 1.0/1.1 server would cut the channel.
      - V(sql_server_tls12) - SQL Server 2008 to 2014 instances need a KB3135244 build.
      - V(wsus_tls12) - WSUS on Server 2012 / 2012 R2 needs KB4022721 / KB4022720.
    type: list
    elements: str
    default: []
  extra_releases:
    description:
      - Windows releases to add to the shipped catalogue (C(plugins/plugin_utils/_policy/releases.yml)), for a release
        Microsoft made generally available after this collection was built. A host whose build is in neither
        is reported as unsupported; tlsready never guesses the defaults of a build it does not know.
      - Each item needs C(id) (lower-case letters, digits and C(_)), C(name), C(version) (C(major.minor.build),
        such as C(10.0.26400)), C(product_type) (V(client) or V(server)) and C(like), the id of a known release
        whose documented defaults the new one shares. Optional C(protocols), C(afd_suites) (names of the data
        file's sets), C(winhttp_default) (a protocol bit mask or null), C(winhttp_tls12_native) and C(sources).
      - A bad item fails the task naming C(extra_releases[<n>].<field>) and the allowed values. See C(docs/releases.md).
    type: list
    elements: dict
    default: []
  pin_explicit:
    description:
      - Where a value is absent but the release's documented default already complies, the host is
        compliant and nothing is written. Set V(true) to write every managed value that is absent
        explicitly anyway (including WinINet C(SecureProtocols), which O(profile=m365_client) otherwise judges only when set).
    type: bool
    default: false
"""

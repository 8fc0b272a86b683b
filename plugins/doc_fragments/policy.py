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
        (SharePoint Online, OneDrive) - TLS 1.2 client enabled in Schannel, WinHTTP and (when set)
        WinINet offering TLS 1.2, .NET strong crypto and OS-chosen TLS versions in both .NET versions
        and both registry views, the hotfixes that make them work, and a cipher suite Azure Front Door accepts.
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
  pin_explicit:
    description:
      - Where a value is absent but the release's documented default already complies, the host is
        compliant and nothing is written. Set V(true) to write every managed value that is absent
        explicitly anyway (including WinINet C(SecureProtocols), which O(profile=m365_client) otherwise judges only when set).
    type: bool
    default: false
"""

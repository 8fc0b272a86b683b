# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_tls_probe
short_description: Try a TLS connection from a Windows host through WinHTTP, .NET Framework and Schannel
version_added: 1.0.0
description:
  - From the host itself, connects once to each endpoint through each stack the way that stack's ordinary
    clients do, and returns what happened - success with the HTTP status (and for Schannel the negotiated
    protocol and algorithms), or the error with the code Windows gave.
  - V(winhttp) uses the C(WinHttp.WinHttpRequest.5.1) COM object without setting its secure protocols, so
    WinHTTP offers its defaults (C(DefaultSecureProtocols)). V(dotnet) uses C(HttpWebRequest) with the
    process defaults of C(ServicePointManager) (C(SchUseStrongCrypto), C(SystemDefaultTlsVersions)), as
    Windows PowerShell's C(Invoke-WebRequest) does. V(schannel) opens a TCP connection and an C(SslStream)
    asking for TLS 1.2 explicitly. docs/reference/probe.md says which registry value each one reflects, with sources.
  - Raw data only, no judgement. Most users call M(tlsready.windows.tls_probe), which calls this module and
    classifies the result on the controller.
  - Read-only; runs unchanged in check mode. Nothing is written on the host, no setting of the process is changed.
options:
  endpoints:
    description:
      - The endpoints to connect to, each a host name (or IPv4 address) and a TCP port.
    type: list
    elements: dict
    required: true
    suboptions:
      host:
        description: The DNS name or IPv4 address; it is also the name the server certificate must match.
        type: str
        required: true
      port:
        description: The TCP port.
        type: int
        default: 443
  stacks:
    description: The stacks to try, in this order for each endpoint.
    type: list
    elements: str
    choices: [winhttp, dotnet, schannel]
    default: [winhttp, dotnet, schannel]
  timeout_ms:
    description:
      - The time each connection attempt may take, in milliseconds (1000 to 120000); the WinHTTP resolve, connect,
        send and receive timeouts, the HttpWebRequest timeout, and the TCP connect and socket timeouts of the Schannel probe.
    type: int
    default: 10000
attributes:
  action_group:
    support: full
    membership:
      - tlsready.windows.tls
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: windows
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
notes:
  - The V(schannel) probe connects directly, without a proxy. WinHTTP uses the WinHTTP proxy (C(netsh winhttp show proxy)),
    HttpWebRequest the proxy of the account's Internet Options.
  - The .NET Framework probe runs in the process that runs the module; under PowerShell 7 (.NET, not .NET Framework)
    it is not run and says so (C(error_status) C(NotNetFramework)).
  - Written for Windows PowerShell 3.0 and later; ansible-core 2.16 and later need PowerShell 5.1 on the host.
seealso:
  - module: tlsready.windows.tls_probe
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Try TLS to Entra ID sign-in through the three stacks
  tlsready.windows.win_tls_probe:
    endpoints:
      - host: login.microsoftonline.com
  register: tls_probe_raw
"""

RETURN = r"""
runtime:
  description: The process the probes ran in.
  returned: success
  type: dict
  contains:
    powershell_version:
      description: The PowerShell version.
      type: str
      sample: 5.1.14409.1005
    clr_version:
      description: C([Environment]::Version), 4.0.30319.x for every .NET Framework 4.x.
      type: str
      sample: 4.0.30319.42000
    process_64bit:
      description: Whether the process is 64-bit; a 32-bit process reads the C(Wow6432Node) values.
      type: bool
    hostname:
      description: The computer name.
      type: str
results:
  description: One entry per endpoint and stack, in the order tried.
  returned: success
  type: list
  elements: dict
  contains:
    endpoint:
      description: C(host:port).
      type: str
    stack:
      description: C(winhttp), C(dotnet) or C(schannel).
      type: str
    success:
      description: Whether the TLS handshake completed (any HTTP status counts).
      type: bool
    protocol:
      description: The negotiated protocol (C(SslStream.SslProtocol)); null where the API does not tell it (WinHTTP, HttpWebRequest).
      type: str
    cipher:
      description: The negotiated algorithms as .NET Framework names them (Schannel probe only).
      type: str
    http_status:
      description: The HTTP status the server answered (WinHTTP and .NET probes).
      type: int
    offered:
      description:
        - What the stack was going to offer - the WinHTTP COM object's C(SecureProtocols) option as hex, the process's
          C(ServicePointManager.SecurityProtocol) (for example C(Ssl3, Tls) or C(SystemDefault)), or C(Tls12).
      type: str
    error:
      description: The messages of the exception chain, in the host's display language; null on success.
      type: str
    error_code:
      description: The first Windows error code of the chain (the HRESULT of a COM error, the native code of a Win32 or socket error), signed.
      type: int
      sample: -2147012721
    error_status:
      description:
        - C(WebExceptionStatus) (.NET), the C(SocketError) name, C(TimedOut), the certificate's C(SslPolicyErrors),
          C(AuthenticationException), C(IOException) or C(NotNetFramework).
      type: str
      sample: SecureChannelFailure
    elapsed_ms:
      description: How long the attempt took.
      type: int
"""

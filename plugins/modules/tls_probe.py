# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_probe
short_description: Prove from a Windows host that TLS 1.2 works through WinHTTP, .NET Framework and Schannel
version_added: 1.0.0
description:
  - From the host itself, tries a TLS connection to each endpoint through each stack the way its ordinary
    clients connect - WinHTTP with the system's default protocols, .NET Framework 4.x with the process's
    defaults (as Windows PowerShell runs it), and Schannel directly asking for TLS 1.2 - and reports per
    endpoint and stack success (with the negotiated protocol where the API tells it) or the exact error.
  - The registry says what is configured; this says what is in effect. Pass the registered result to
    M(tlsready.windows.tls_facts) (option C(probe)) so that a host whose registry is right but whose probe fails
    is reported noncompliant, naming the stack and its usual causes.
  - On a live host it runs the read-only M(tlsready.windows.win_tls_probe) module once. On an offline host
    (C(ansible_connection=tlsready.windows.offline)) it returns the result recorded in the host folder's
    C(probe.json), or says C(not probed) when there is none; see C(docs/probe.md).
  - Never changes anything. The connections are made in check mode too (they change nothing).
options:
  endpoints:
    description:
      - The endpoints to connect to, each C(host) or C(host:port) (port 443 when omitted).
      - Default C(login.microsoftonline.com:443) and C(microsoft.sharepoint.com:443) (a SharePoint Online host;
        O(sharepoint_tenant) replaces it with your tenant's). For hosts without internet access list an internal
        HTTPS endpoint that requires TLS 1.2.
    type: list
    elements: str
    default: []
  sharepoint_tenant:
    description:
      - Your tenant name; probes C(<tenant>.sharepoint.com:443) instead of C(microsoft.sharepoint.com:443).
        Only with the default O(endpoints).
    type: str
  stacks:
    description: The stacks to try.
    type: list
    elements: str
    choices: [winhttp, dotnet, schannel]
    default: [winhttp, dotnet, schannel]
  timeout:
    description: Seconds each connection attempt may take (1 to 120); the task takes at most endpoints x stacks x timeout.
    type: int
    default: 10
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - On an offline host the recorded C(probe.json) is returned as recorded; O(endpoints), O(stacks) and O(timeout)
    do not filter it.
  - The probe observes the registry view of the process it runs in (64-bit normally); the 32-bit view values
    (C(Wow6432Node)) are not observed.
seealso:
  - module: tlsready.windows.tls_facts
  - module: tlsready.windows.win_tls_probe
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Probe Microsoft 365 from the host
  tlsready.windows.tls_probe:
    sharepoint_tenant: contoso
  register: tls_probe

- name: Judge the registry and the probe together
  tlsready.windows.tls_facts:
    probe: "{{ tls_probe }}"
  register: tls

- name: Hosts without internet access - probe an internal server that requires TLS 1.2
  tlsready.windows.tls_probe:
    endpoints:
      - intranet.example.com:443
    timeout: 5
"""

RETURN = r"""
probe:
  description: What was observed.
  returned: success
  type: dict
  contains:
    probed:
      description: Whether anything was probed (false on an offline host without C(probe.json)).
      type: bool
    source:
      description: C(live) or C(offline).
      type: str
    reason:
      description: Why nothing was probed, else null.
      type: str
      sample: "not probed: offline host without probe.json"
    runtime:
      description: The process the probes ran in (see M(tlsready.windows.win_tls_probe)).
      type: dict
    results:
      description:
        - One entry per endpoint and stack, as M(tlsready.windows.win_tls_probe) returns it, plus C(outcome) - one of
          C(success), C(tls), C(certificate), C(closed) (the TLS-class failures), C(timeout), C(dns), C(connect)
          (the endpoint was not reached), C(not_applicable) or C(other).
      type: list
      elements: dict
    effective:
      description: Per stack, C(works) (every endpoint connected), C(fails) (a TLS-class failure) or C(unknown).
      type: dict
      sample: {winhttp: fails, dotnet: works, schannel: works}
findings:
  description: The probe's findings, as M(tlsready.windows.tls_facts) adds them with O(tlsready.windows.tls_facts#module:probe).
  returned: success
  type: list
  elements: dict
  sample:
    - id: probe.winhttp.failed
      severity: error
      message: "The handshake probe failed through WinHTTP ..."
      remediation: "Usual causes: ..."
"""

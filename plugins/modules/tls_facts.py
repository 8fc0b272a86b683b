# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_facts
short_description: Read a Windows host's whole TLS state in one round trip and judge it
version_added: 1.0.0
description:
  - Reads the operating system, installed updates, evidence file versions, Schannel protocol keys,
    WinHTTP and WinINet protocol values, .NET strong crypto values (both versions, both registry views)
    and the cipher suite lists (local and Group Policy) in one call to the host.
  - Judges that state against O(profile) and returns the findings, the missing hotfixes, the
    registry changes that would make the host compliant and whether a restart is needed.
  - On a live host (WinRM, PSRP or SSH) it runs the read-only M(tlsready.windows.win_tls_read) module once.
    On an offline host (C(ansible_connection=tlsready.windows.offline)) it reads the host's export folder.
  - Never changes anything.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
  - tlsready.windows.policy
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  probe:
    description:
      - The registered result of M(tlsready.windows.tls_probe) on this host. Its findings join the evaluation, so a host
        whose registry is right but whose probe fails through a stack is noncompliant, and each entry of
        RV(setting_states) gets its C(effective) state from it.
      - Without it the verdict is the registry's and every setting is C(not_probed). A failed tls_probe result is
        refused with its message.
    type: dict
notes:
  - Compliance is judged on the effective state - an absent value takes the release's documented default.
  - A release the catalogue does not know is reported as unsupported, never guessed.
seealso:
  - module: tlsready.windows.tls_settings
  - module: tlsready.windows.tls_hotfix
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Read and judge the TLS state
  tlsready.windows.tls_facts:
  register: tls

- name: Show what is wrong
  ansible.builtin.debug:
    msg: "{{ tls.evaluation.findings | map(attribute='message') }}"
  when: not tls.evaluation.compliant

- name: Judge against the strict profile, leaving TLS 1.0 server alone
  tlsready.windows.tls_facts:
    profile: strict
    overrides:
      schannel.tls1_0.server: unmanaged

- name: Judge a host running a Windows release newer than the collection (docs/releases.md)
  tlsready.windows.tls_facts:
    extra_releases:
      - id: win11_27h2
        name: Windows 11 27H2
        version: 10.0.26400
        product_type: client
        like: win11_26h2
"""

RETURN = r"""
state:
  description: The raw state read from the host.
  returned: success
  type: dict
  contains:
    version:
      description: Windows version and build.
      type: str
      sample: 6.1.7601
    product_type:
      description: C(client) or C(server).
      type: str
    architecture:
      description: C(x64), C(x86) or C(arm64).
      type: str
    hotfixes:
      description: Installed update ids.
      type: list
      elements: str
    registry:
      description: Registry values read, each with path, name, type and data.
      type: list
      elements: dict
    file_versions:
      description: Evidence file versions by lower-case path.
      type: dict
    problems:
      description: What could not be read.
      type: list
      elements: str
evaluation:
  description: The verdict for O(profile).
  returned: success
  type: dict
  contains:
    compliant:
      description: Whether the host meets the profile.
      type: bool
    release:
      description: The release as the catalogue knows it (id, name, build, architecture, supported).
      type: dict
    findings:
      description:
        - What is wrong, each with a stable C(id), C(severity), C(message) and C(remediation).
        - A finding about a value that Group Policy owns also has C(group_policy), the GPO setting to change
          (gpedit.msc path); M(tlsready.windows.tls_converge) does not write such a value.
      type: list
      elements: dict
      sample:
        - id: hotfix.KB3140245.missing
          severity: error
          message: "KB3140245 is missing: ..."
          remediation: Install KB3140245 (file windows6.1-kb3140245-x64*.msu) and restart.
        - id: wininet.policy_secure_protocols
          severity: error
          message: "Group Policy sets WinINet secure protocols to 0xA0 (SSL 3.0, TLS 1.0); ..."
          remediation: "Change the Group Policy setting 'Turn off encryption support' ..."
          group_policy: "Computer Configuration > Administrative Templates > Windows Components > Internet Explorer >
            Internet Control Panel > Advanced Page > Turn off encryption support"
    missing_hotfixes:
      description: Update ids still needed.
      type: list
      elements: str
      sample: [KB3140245]
    hotfixes:
      description: Each needed update with C(present) and the C(evidence) behind the verdict.
      type: list
      elements: dict
    changes:
      description: Registry values to write - C(setting), C(path), C(name), C(type), C(current) (null when absent), C(desired), C(reboot).
      type: list
      elements: dict
    reboot_required:
      description: Whether applying the plan needs a restart.
      type: bool
    dotnet:
      description:
        - The installed .NET Framework as judged - C(v4_release) (the C(NDP\v4\Full) C(Release) DWORD, null when
          absent), C(v4_version) (V(4.8), V(4.0) without C(Release), null without .NET 4) and C(v3_5_installed).
        - Null when the release is unsupported.
      type: dict
      sample: {v4_release: 528372, v4_version: "4.8", v3_5_installed: false}
setting_states:
  description:
    - The three states of every setting judged, one entry per setting and registry view (and C(cipher.suites)).
    - C(configured) - C(right) when the registry holds what the profile needs, C(wrong) when an error finding names it;
      C(registry) shows the values as read.
    - C(pending) - C(host_restart) or C(program_restart) when a converge wrote the value and that restart has not
      happened; always null here (an audit cannot tell when a value was written; see M(tlsready.windows.tls_converge)).
    - C(effective) - what O(probe) observed through the stack in C(observed_by) - C(works), C(fails), C(unknown)
      (no endpoint reached) or C(not_probed) (no probe, or no probed stack observes this setting);
      C(effective_detail) says what the probe saw or why.
    - See docs/reports.md and docs/reference/setting-states.md.
  returned: success (empty for an unsupported release)
  type: list
  elements: dict
  sample:
    - id: winhttp.default_secure_protocols
      setting: winhttp.default_secure_protocols
      label: WinHTTP default secure protocols
      registry: DefaultSecureProtocols=0xA00
      configured: right
      pending: null
      effective: fails
      observed_by: winhttp
      effective_detail: "winhttp: login.microsoftonline.com:443: A security error occurred (12175 ERROR_WINHTTP_SECURE_FAILURE, 0x80072F8F)"
ansible_facts:
  description: Facts set on the host (kept by a fact cache, for example AWX's).
  returned: success
  type: dict
  contains:
    tlsready_status:
      description:
        - The verdict in a few fields, for fact caches and AWX smart inventories
          (host filter C(ansible_facts__tlsready_status__compliant=false)).
        - C(profile), C(status) (compliant, noncompliant or unsupported), C(compliant), C(release) (name),
          C(build), C(missing_hotfixes), C(findings) (ids of the error findings), C(reboot_pending),
          C(reboot_required), C(source).
      type: dict
      sample:
        profile: m365_client
        status: noncompliant
        compliant: false
        release: Windows 7 SP1
        build: 6.1.7601
        missing_hotfixes: [KB3140245]
        findings: [hotfix.KB3140245.missing, winhttp.default_secure_protocols]
        reboot_pending: false
        reboot_required: true
        source: live
"""

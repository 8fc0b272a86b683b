# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_tls_read
short_description: Read the raw TLS-related state of a Windows host in one round trip
version_added: 1.0.0
description:
  - Returns, in one call, the raw facts the tlsready.windows policy engine judges - Windows version, product
    type and architecture, the installed updates, the versions of a list of files and every value under a
    list of registry keys.
  - Raw data only, no judgement. Most users never call it directly - M(tlsready.windows.tls_facts),
    M(tlsready.windows.tls_settings) and M(tlsready.windows.tls_hotfix) call it with the keys and files they need
    and judge the result on the controller.
  - Read-only; runs unchanged in check mode.
  - Written for Windows PowerShell 3.0 and later on .NET Framework 4.0, and PowerShell 7. ansible-core 2.16 and later
    refuse hosts with PowerShell older than 5.1 before any module runs, so with those controllers Windows 7 SP1,
    Server 2008 R2 SP1, Windows 8.1, Server 2012 and 2012 R2 need Windows Management Framework 5.1. Windows 7 RTM (no
    SP1), Windows 8 and Server 2008 SP2 cannot run WMF 5.1 - they can only be audited and remediated offline (see the
    offline hosts documentation).
options:
  keys:
    description:
      - The registry keys to read, each under C(HKLM\).
      - Keys are read in the 64-bit registry view, so C(HKLM\SOFTWARE\Wow6432Node\...) must be named explicitly to
        read the 32-bit view, even when the module runs in a 32-bit PowerShell.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - The key, for example C(HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL).
        type: str
        required: true
      recursive:
        description:
          - Read the values of every subkey too, at any depth.
        type: bool
        default: false
      x64_only:
        description:
          - Skip the key on a 32-bit Windows, where it cannot exist (the C(Wow6432Node) keys).
        type: bool
        default: false
  files:
    description:
      - Files whose version to read. Environment variables such as C(%SystemRoot%) are expanded on the host.
      - From a 32-bit PowerShell on a 64-bit Windows, C(\System32\) is read through C(\Sysnative\) so that the
        64-bit file is read, not its C(SysWOW64) twin.
    type: list
    elements: str
    default: []
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
  - Every value is returned as stored, never expanded (C(REG_EXPAND_SZ) keeps its C(%variables%)).
  - A key or subkey the account may not read is listed in RV(problems), which the policy engine turns into a
    C(facts.unreadable) finding; the read goes on with the other keys.
  - If WMI cannot list the installed updates (C(Get-CimInstance), then C(Get-WmiObject) on Windows PowerShell), RV(hotfixes)
    is empty and the failure is listed in RV(problems).
  - Registry writes are not this module's job. tlsready writes every value of a host in one call of
    M(tlsready.windows.win_tls_write) (why not C(community.windows.win_regmerge) - see M(tlsready.windows.tls_converge)).
    A converge of a compliant host makes no write at all.
  - A REG_DWORD or REG_QWORD of another size than 4 or 8 bytes, and a value of a kind the module does not know, are
    listed in RV(problems) as such (C(REG_DWORD of unusual size), C(unknown value kind ...)), not as an access problem;
    M(tlsready.windows.tls_converge) then refuses to overwrite that value but still writes the others.
  - Reading the installed updates through CIM gives up after 120 seconds (a hung WMI provider).
seealso:
  - module: tlsready.windows.tls_facts
  - module: ansible.windows.win_reg_stat
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Read the SCHANNEL protocol keys and the WinHTTP DLL version
  tlsready.windows.win_tls_read:
    keys:
      - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols
        recursive: true
      - path: HKLM\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
        x64_only: true
    files:
      - '%SystemRoot%\System32\winhttp.dll'
  register: tls_raw
"""

RETURN = r"""
os:
  description: The operating system, read from the registry.
  returned: success
  type: dict
  contains:
    caption:
      description:
        - C(ProductName) from C(HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion); for display only (Windows 11 still says
          Windows 10 here).
      type: str
      sample: Windows 7 Professional
    version:
      description:
        - Major.minor.build; from C(CurrentMajorVersionNumber), C(CurrentMinorVersionNumber) and C(CurrentBuildNumber)
          on Windows 10 and later, from C(CurrentVersion) and C(CurrentBuildNumber) before.
      type: str
      sample: 6.1.7601
    csd_version:
      description:
        - C(CSDVersion) from C(HKLM\SYSTEM\CurrentControlSet\Control\Windows); the service pack number times 256.
      type: int
      sample: 256
    product_type:
      description: C(ProductType) from C(HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions).
      type: str
      sample: WinNT
    processor_architecture:
      description: C(PROCESSOR_ARCHITECTURE) of the machine environment (C(AMD64), C(x86) or C(ARM64)).
      type: str
      sample: AMD64
    hostname:
      description: The computer name.
      type: str
      sample: PC-0042
    powershell_version:
      description: The version of the PowerShell that ran the module.
      type: str
      sample: 5.1.14409.1005
hotfixes:
  description: The C(HotFixID) of every Win32_QuickFixEngineering entry.
  returned: success
  type: list
  elements: str
  sample: [KB976902, KB3140245]
files:
  description: For each name in O(files), its expanded path and file version (null when the file does not exist).
  returned: success
  type: dict
  sample:
    '%SystemRoot%\System32\winhttp.dll':
      path: C:\Windows\System32\winhttp.dll
      version: 6.1.7601.23375
registry:
  description: Every value read, one entry per value.
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: The key, starting with C(HKLM\).
      type: str
    name:
      description: The value name; an empty string for the key's default value.
      type: str
    type:
      description: One of C(dword), C(qword), C(sz), C(expand_sz), C(multi_sz), C(binary), C(none).
      type: str
    data:
      description:
        - C(dword) and C(qword) as unsigned integers, C(multi_sz) as a list of strings, C(binary) and C(none) as
          lower-case hex, the others as strings.
      type: raw
  sample:
    - path: HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp
      name: DefaultSecureProtocols
      type: dword
      data: 2688
missing_keys:
  description: The keys of O(keys) that do not exist.
  returned: success
  type: list
  elements: str
  sample: ['HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002']
reboot_pending_keys:
  description:
    - Which of the keys Windows creates when a restart is pending exist (the servicing stack's C(RebootPending) and
      Windows Update's C(RebootRequired)).
  returned: success
  type: list
  elements: str
  sample: ['HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending']
problems:
  description: What could not be read, and why, one entry per key, value or source.
  returned: success
  type: list
  elements: str
  sample: ['HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2 (access denied)']
"""

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: win_tls_write
short_description: Write or delete a list of HKLM registry values in one call, in the 64-bit view
version_added: 1.0.0
description:
  - Writes each value of O(values) in order, in the 64-bit registry view (C(Wow6432Node) keys are named explicitly),
    creating missing keys, and stops at the first failure. A value already right is not written.
  - Returns each value's previous value and outcome, so a failure part way says exactly what changed.
  - Refuses to run, changing nothing, in a 32-bit PowerShell on 64-bit Windows.
  - Most users never call it directly - M(tlsready.windows.tls_converge) and M(tlsready.windows.tls_settings) do, with
    every value of a host in one call. Why not C(community.windows.win_regmerge) is explained in M(tlsready.windows.tls_converge).
options:
  values:
    description: The values to write, in order.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description: The key, under C(HKLM\).
        type: str
        required: true
      name:
        description: The value name.
        type: str
        required: true
      type:
        description:
          - The registry type. V(multi_sz) takes a list (an empty list writes an empty REG_MULTI_SZ); V(binary) and
            V(none) take hexadecimal text.
        type: str
        choices: [dword, qword, sz, expand_sz, multi_sz, binary, none]
        default: dword
      data:
        description: The data to write.
        type: raw
      state:
        description: V(absent) deletes the value (a backup of an absent value restores it to absent).
        type: str
        choices: [present, absent]
        default: present
attributes:
  action_group:
    support: full
    membership:
      - tlsready.windows.tls
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: windows
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Enable TLS 1.2 client and remove a stray value
  tlsready.windows.win_tls_write:
    values:
      - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client
        name: Enabled
        data: 1
      - path: HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client
        name: DisabledByDefault
        state: absent
"""

RETURN = r"""
values:
  description:
    - One entry per value reached, in order - C(path), C(name), C(before) (C(type) and C(data), null when absent) and
      C(result) (V(changed), V(unchanged) or V(failed)). Values after a failure are not listed.
  returned: always
  type: list
  elements: dict
"""

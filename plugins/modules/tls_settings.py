# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_settings
short_description: Enforce the Schannel, WinHTTP, WinINet and .NET values a TLS profile needs
version_added: 1.0.0
description:
  - Judges the host against O(profile) (see M(tlsready.windows.tls_facts)) and writes only the registry
    values that are not already effectively right. A host that is already right is not changed.
  - On a live host every value is written in one call of M(tlsready.windows.win_tls_write), which stops at the
    first failure and says which values it changed, so the result says exactly which values were changed and
    which were not. M(tlsready.windows.tls_converge) does the whole converge in one task.
  - On an offline host the values are recorded in C(tlsready-applied.reg) in the host's folder, and the
    remediation bundle C(remediation/) (C(remediation.reg), C(remediation.cmd)) is rewritten.
  - Does not install updates (see M(tlsready.windows.tls_hotfix)) and does not restart the host.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
  - tlsready.windows.policy
options:
  backup:
    description:
      - Controller path of a C(.reg) file where the previous value of everything about to change is saved
        before the first write (an absent value is saved as a deletion, C("Name"=-)).
      - When the file exists, values already in it are kept, so it always holds the state before tlsready
        first changed the host. M(tlsready.windows.tls_restore) puts the values back.
      - The file ends with a count-and-hash comment line; a backup without it (cut short) or holding values
        tlsready does not manage is refused, and nothing is changed.
    type: path
  backup_dir:
    description:
      - Controller folder of the backups, instead of O(backup); the file is C(<backup_dir>/<inventory_hostname>.reg).
      - An inventory host name that cannot be one file name in that folder (empty, starting with C(.), holding
        C(/), C(\\) or NUL, such as C(../x)) is refused before anything is changed.
    type: path
  state:
    description:
      - The C(state) returned by M(tlsready.windows.tls_facts) earlier in the play, to skip reading the host again.
      - When omitted, the host is read first (one round trip).
    type: dict
attributes:
  check_mode:
    support: full
    details: In check mode nothing is written and RV(changes) lists what would be written.
  diff_mode:
    support: full
    details: The diff shows each value before and after.
notes:
  - Values under C(Wow6432Node) are only written on 64-bit Windows.
  - On releases with TLS 1.3 no WinHTTP or WinINet value that drops TLS 1.3 is written.
  - Group Policy owned values (WinINet policy, cipher suite order) are reported, never written.
seealso:
  - module: tlsready.windows.tls_facts
  - module: tlsready.windows.tls_converge
  - module: tlsready.windows.win_tls_write
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Make the host a TLS 1.2 client of Microsoft 365
  tlsready.windows.tls_settings:
  register: tls_values

- name: Restart when a value that needs it changed
  ansible.windows.win_reboot:
  when: tls_values.reboot_required

- name: Reuse facts read earlier, strict profile, keep TLS 1.0 for an old server application
  tlsready.windows.tls_settings:
    profile: strict
    state: "{{ tls.state }}"
    overrides:
      schannel.tls1_0.server: enabled
"""

RETURN = r"""
changes:
  description:
    - Each value planned, with C(path), C(name), C(type), C(before) (null when absent), C(after) and
      C(result) - V(changed), V(unchanged), V(would_change) (check mode), V(failed) (with C(error)) or V(not_attempted).
  returned: always
  type: list
  elements: dict
reboot_required:
  description: Whether a value that needs a restart was changed.
  returned: always
  type: bool
evaluation:
  description: The verdict the changes were planned from (see M(tlsready.windows.tls_facts)).
  returned: success
  type: dict
backup_file:
  description: The backup file written before the changes.
  returned: when O(backup) or O(backup_dir) is set and values were changed
  type: str
files:
  description: Files written in the offline host's folder.
  returned: changed offline hosts
  type: list
  elements: str
"""

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_restore
short_description: Put back the TLS registry values saved before tlsready changed them
version_added: 1.0.0
description:
  - Reads a backup written by M(tlsready.windows.tls_settings) (option O(tlsready.windows.tls_settings#module:backup))
    and writes every value back as it was; values that were absent before are deleted again.
  - The backup is a plain C(.reg) file, so it can also be imported by hand with C(reg import) on the host.
  - On a live host each value is written with M(ansible.windows.win_regedit); on an offline host the values are
    recorded in the folder's C(tlsready-applied.reg), so the folder again describes the host as it was exported.
  - Does not uninstall updates and does not restart the host.
options:
  backup:
    description: Controller path of the host's backup file (the role writes C(<backup dir>/<inventory_hostname>.reg)).
    type: path
    required: true
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    support: full
    platforms: windows
seealso:
  - module: tlsready.windows.tls_settings
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Restore the values saved before the converge
  tlsready.windows.tls_restore:
    backup: /srv/tlsready/backups/{{ inventory_hostname }}.reg
"""

RETURN = r"""
restored:
  description: Each value restored, with C(path), C(name) and C(value) (null when the value was absent and is deleted).
  returned: always
  type: list
  elements: dict
backup:
  description: The backup file read.
  returned: always
  type: str
"""

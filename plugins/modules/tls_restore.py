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
  - On a live host every value is written back in one call of M(tlsready.windows.win_tls_write) (an empty REG_MULTI_SZ
    is written as such); on an offline host the values are
    recorded in the folder's C(tlsready-applied.reg), so the folder again describes the host as it was exported.
  - The whole backup is checked before anything is restored. It must end with the count-and-hash line
    tlsready writes (a backup cut short or edited is refused) and hold only values tlsready manages
    (a Run key, an HKCU value or a key deletion is refused). Nothing is restored from a refused backup.
  - On an offline host the remediation bundle is rebuilt from the record, so deploying it puts the saved values back.
  - Does not uninstall updates and does not restart the host.
options:
  backup:
    description:
      - Controller path of the host's backup file.
      - One of O(backup) and O(backup_dir) is required.
    type: path
  backup_dir:
    description:
      - Controller folder of the backups; the file read is C(<backup_dir>/<inventory_hostname>.reg), as the
        P(tlsready.windows.tls12#role) role writes it.
      - An inventory host name that cannot be one file name in that folder (empty, starting with C(.), holding
        C(/), C(\) or NUL, such as C(../x)) is refused, so that no file outside the folder is read.
    type: path
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
seealso:
  - module: tlsready.windows.tls_settings
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Restore the values saved before the converge
  tlsready.windows.tls_restore:
    backup_dir: /srv/tlsready/backups
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
files:
  description: On an offline host, the files of the rebuilt remediation bundle.
  returned: when an offline host was restored
  type: list
  elements: str
"""

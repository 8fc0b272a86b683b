# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_hotfix
short_description: Check and install the Windows updates TLS 1.2 needs, supersedence-aware
version_added: 1.0.0
description:
  - Decides for each update the host's release needs (KB3140245 for WinHTTP on Windows 7, 2008 R2, 8 and
    2012; KB3042058 or KB2919355 for the GCM cipher suites; KB4019276 on Server 2008 SP2) whether it is
    present - listed as installed, carried by a documented superseding update, or proven by file versions
    or the cipher suites it adds. Monthly rollups hide standalone updates, so a missing id alone proves nothing.
  - Installs the missing ones, from O(source) (O(method=msu); expand.exe and dism.exe on Windows 7, 2008 R2 and 2008 SP2,
    M(ansible.windows.win_hotfix) elsewhere, see the notes) or from the
    host's update server with M(ansible.windows.win_updates) limited to those ids (O(method=windows_update)).
  - On an offline host the updates are recorded in C(tlsready-applied-hotfixes.txt) and added to the
    remediation bundle's C(remediation.cmd); with O(source) the C(.msu) files are copied into the bundle.
  - Never restarts the host; RV(reboot_required) says when one is needed.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
  - tlsready.windows.policy
  - tlsready.windows.updates
options:
  source:
    description:
      - Folder or UNC share holding the C(.msu) files, as seen from the host (live) or from the controller (offline).
      - Files are matched by their Update Catalog name, C(<release prefix>-<kb>-<arch>*.msu), for example
        C(windows6.1-kb3140245-x64*.msu) (Windows 7 / 2008 R2), C(windows8-rt-kb3140245-x64*.msu)
        (Windows 8 / 2012), C(windows8.1-kb2919355-x64*.msu) (8.1 / 2012 R2), C(windows6.0-kb4019276-x64*.msu) (2008 SP2).
      - Required on live hosts with O(method=msu).
      - The file names per release, update and architecture are listed in C(docs/hotfix-files.md) of the collection.
      - May carry a credential (a URL with C(user:password@) or a signed query, a share with C(user:password@)). The option
        is C(no_log) - results and messages show the source without its credential.
    type: str
  method:
    description:
      - V(msu) installs from O(source); V(windows_update) asks the host's WSUS or Windows Update for exactly these updates.
    type: str
    choices: [msu, windows_update]
    default: msu
  install:
    description:
      - Set V(false) to only report.
    type: bool
    default: true
  state:
    description:
      - The C(state) returned by M(tlsready.windows.tls_facts), to skip reading the host again.
    type: dict
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
seealso:
  - module: ansible.windows.win_hotfix
  - module: ansible.windows.win_updates
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Install missing TLS updates from a share
  tlsready.windows.tls_hotfix:
    source: \\fileserver\updates\tls
  register: tls_updates

- name: Ask WSUS for exactly the missing updates
  tlsready.windows.tls_hotfix:
    method: windows_update

- name: Only report
  tlsready.windows.tls_hotfix:
    install: false
"""

RETURN = r"""
hotfixes:
  description: Each needed update - C(kb), C(purpose), C(present) and the C(evidence) behind the verdict.
  returned: always
  type: list
  elements: dict
installed:
  description: Updates installed by this run (would be installed, in check mode).
  returned: always
  type: list
  elements: str
missing:
  description: Updates still missing after this run.
  returned: always
  type: list
  elements: str
reboot_required:
  description: Whether an installed update needs a restart.
  returned: always
  type: bool
"""

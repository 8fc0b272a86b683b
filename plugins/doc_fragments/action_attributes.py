# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Attributes shared by the tlsready action plugins that work on a Windows host.

    Each module still states its own C(check_mode) and C(diff_mode) support, which differ.
    """

    DOCUMENTATION = r"""
attributes:
  action:
    support: full
  action_group:
    description: Action is part of action_group(s), for convenient setting of module_defaults.
    support: full
    membership:
      - tlsready.windows.tls
  async:
    support: none
  bypass_host_loop:
    support: none
  platform:
    support: full
    platforms: windows
"""

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offline
short_description: Treat a folder of Windows exports as a host
description:
  - Lets an inventory host be a folder of standard Windows exports instead of a live WinRM, PSRP or
    SSH target, so that hosts Ansible cannot reach can be audited, and converged into a remediation
    bundle to deploy by Group Policy or SCCM.
  - The folder holds C(systeminfo.csv) (or C(systeminfo.txt)), C(*.reg) files from C(reg export), and
    optionally C(fileversions.csv) from C(wmic datafile). C(files/collect.cmd) in this collection writes it.
  - Optionally C(probe.json), a M(tlsready.windows.win_tls_probe) result as the module returns it (C(runtime) and
    C(results)), which M(tlsready.windows.tls_probe) returns for the host as its observation - a recorded probe
    from the real host, or a simulated one for the lab (for example a host whose registry is right but whose
    WinHTTP probe fails). Without it, tls_probe says C(not probed). See C(docs/probe.md).
  - Optionally C(simulate.yml), for the lab and tests only, to simulate a host that a change breaks (the canary
    rollout, C(docs/canary-rollout.md)). It holds one key, C(after_change), with one of three values.
    V(lose_management) - every read fails as a lost connection would, and the restore from the backup still works,
    so a canary converge reverts the host. V(unreachable) - reads and the restore fail, so the host is reported
    lost, with the command that restores it from its console. V(fail_probe) - reads work, and the handshake probe of
    the post-change check fails through WinHTTP with 12175 for every endpoint.
  - C(simulate.yml) is read only while a change tlsready recorded in the folder is in force (C(tlsready-applied.reg)
    sets a value the exports do not have). Before the first converge, and once the saved values are restored, the
    host behaves as without it. A bad file fails the task, naming the file and the allowed values; every simulated
    failure names the file.
  - Only the C(tlsready.windows) modules work on such a host; any other module fails with a message
    saying so. Plays that target offline hosts need C(gather_facts=false).
author: tlsready.windows contributors (@tlsready-windows)
version_added: 1.0.0
options:
  offline_path:
    description:
      - The folder holding the host's exports.
    type: path
    required: true
    vars:
      - name: tlsready_offline_path
notes:
  - Converging an offline host writes C(tlsready-applied.reg), C(tlsready-applied-hotfixes.txt) and a
    C(remediation/) bundle into the folder; nothing else in it is changed.
seealso:
  - module: tlsready.windows.tls_facts
"""

EXAMPLES = r"""
# inventory.yml
all:
  children:
    windows_offline:
      vars:
        ansible_connection: tlsready.windows.offline
      hosts:
        pc-0042:
          tlsready_offline_path: /srv/tls-exports/pc-0042
"""

import typing as t

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.connection import ConnectionBase


class Connection(ConnectionBase):
    """A host that exists only as a folder of exports; tlsready action plugins read it directly."""

    transport = "tlsready.windows.offline"
    has_pipelining = False
    _shell_type = "powershell"
    # Action plugins check this flag to take the offline path.
    tlsready_offline = True

    def _connect(self) -> Connection:
        self._connected = True
        return self

    def _refuse(self, what: str) -> t.NoReturn:
        raise AnsibleConnectionFailure(
            f"{self._play_context.remote_addr}: this host is an offline folder (tlsready.windows.offline); "
            f"it cannot {what}. Only tlsready.windows modules work on offline hosts; set gather_facts: false."
        )

    def exec_command(self, cmd: str, in_data: bytes | None = None, sudoable: bool = True) -> tuple[int, bytes, bytes]:
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        self._refuse("run commands")

    def put_file(self, in_path: str, out_path: str) -> None:
        super().put_file(in_path, out_path)
        self._refuse("receive files")

    def fetch_file(self, in_path: str, out_path: str) -> None:
        super().fetch_file(in_path, out_path)
        self._refuse("send files")

    def reset(self) -> None:
        # A fresh "connection" to a folder is the folder itself (meta: reset_connection, the canary
        # post-check); simulate.yml decides whether it can be reached after a change.
        self.close()
        self._connect()

    def close(self) -> None:
        self._connected = False

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_rollout
short_description: Decide whether the next wave of a canary converge starts
version_added: 1.0.0
description:
  - The brake of the canary rollout of C(playbooks/converge.yml) (docs/canary-rollout.md). Run once per wave
    (a play with C(serial)), before the converge task, with C(run_once=true); the converge task then runs
    C(when) RV(start) is true.
  - It reads, from C(hostvars), the decision it registered for the hosts of the earlier waves (O(decision_var))
    and their converge results (O(result_var)). A wave does not start when an earlier one did not, or when the
    hosts of the earlier waves whose change failed - reverted or lost by the canary post-check of
    M(tlsready.windows.tls_converge), or failed part way - are at least O(max_fail_percentage) of them.
  - Unlike the play keyword C(max_fail_percentage), which ends the whole playbook, it leaves the hosts in the play,
    so the report play still runs and reports the hosts of the waves not started as C(not_started), with RV(reason).
  - Runs on the controller only; it connects to no host.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
options:
  max_fail_percentage:
    description:
      - Stop the rollout once the hosts whose change failed are at least this share (0 to 100) of the hosts of the
        waves run. V(0) stops it after any failure; V(100) only when every host failed.
    type: raw
    default: 0
  result_var:
    description: The host variable registered by the converge task (M(tlsready.windows.tls_converge)).
    type: str
    default: tls12_result
  decision_var:
    description: The variable this task registers (its C(register)), read back for the earlier waves.
    type: str
    default: tlsready_wave
attributes:
  check_mode:
    support: full
    details: It decides in check mode too; it changes nothing.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
seealso:
  - module: tlsready.windows.tls_converge
  - module: tlsready.windows.tls_report
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Converge in canary waves
  hosts: windows
  gather_facts: false
  serial: [1, "10%", "50%", "100%"]
  tasks:
    - name: Decide whether this wave starts
      tlsready.windows.tls_rollout:
        max_fail_percentage: 10
        result_var: tls12_result
      register: tlsready_wave
      run_once: true
      delegate_to: localhost

    - name: Converge, with the post-change check
      tlsready.windows.tls_converge:
        backup_dir: /var/lib/tlsready/backups
        post_check: true
      register: tls12_result
      when: tlsready_wave.start
      ignore_errors: true
      ignore_unreachable: true
"""

RETURN = r"""
wave:
  description: The number of this wave, from 1.
  returned: always
  type: int
start:
  description: Whether this wave starts.
  returned: always
  type: bool
reason:
  description: When RV(start) is false, after which wave the rollout stopped and why (the hosts that failed).
  returned: always
  type: str
max_fail_percentage:
  description: The threshold applied.
  returned: always
  type: float
hosts:
  description: The hosts of this wave.
  returned: always
  type: list
  elements: str
"""

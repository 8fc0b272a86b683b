# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_converge
short_description: Converge a Windows host to a TLS 1.2 profile in one task and verify it
version_added: 1.0.0
description:
  - Reads the host once (one M(tlsready.windows.win_tls_read) call, or its offline folder), judges it once against
    O(profile), stops before any change when a safety guard blocks the plan or a fact could not be read, saves the
    previous values to O(backup), installs the missing updates, writes every registry value that is not already
    effectively right in one call of M(tlsready.windows.win_tls_write), restarts when a change needs it and
    O(reboot=true), reads the host again and returns the verdict after the changes with what was done.
  - A host that is already right costs one read and is not changed.
  - A failure part way (an update that does not install, a write refused, the connection lost, a restart that
    times out) fails the task and the result still says exactly which values were changed and which updates were
    installed before it (RV(changes), RV(installed_hotfixes)); running the converge again finishes the job.
  - On an offline host (C(ansible_connection=tlsready.windows.offline)) the values and updates are recorded in the
    host's folder and the remediation bundle C(remediation/) is rewritten; it is never restarted.
  - It does not fight Group Policy - no value under C(HKLM\SOFTWARE\Policies) is written, nor a machine value that a
    set policy overrides (WinINet C(SecureProtocols) while the GPO C(Turn off encryption support) sets one). Each
    finding about such a value carries C(group_policy), the GPO setting to change, and the task warns with it.
  - The registry is written by tlsready's own small module rather than C(community.windows.win_regmerge) - that
    module needs the C(.reg) file copied to the host first (more round trips), runs C(reg.exe import) whatever check
    mode says, has no diff and no per-value result, and writes the registry view of the PowerShell process it runs in.
    M(tlsready.windows.win_tls_write) writes all values in one call in the 64-bit view, supports check mode and
    diff, reports each value's outcome and refuses to run in a 32-bit PowerShell on 64-bit Windows.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
  - tlsready.windows.policy
  - tlsready.windows.updates
options:
  backup:
    description:
      - Controller path of a C(.reg) file where the previous value of everything about to change is saved before the
        first change (an absent value is saved as a deletion, C("Name"=-), so restoring it makes it absent again).
      - Values already in the file are kept, so it always holds the state before tlsready first changed the host.
        M(tlsready.windows.tls_restore) puts the values back.
    type: path
  backup_dir:
    description:
      - Controller folder of the backups, instead of O(backup); the file is C(<backup_dir>/<inventory_hostname>.reg).
      - An inventory host name that cannot be one file name in that folder (empty, starting with C(.), holding
        C(/), C(\\) or NUL, such as C(../x)) is refused before anything is changed.
    type: path
  install_updates:
    description: Install the missing updates. V(false) only reports them.
    type: bool
    default: true
  update_method:
    description:
      - V(msu) installs from O(update_source); V(windows_update) asks the host's WSUS or Windows Update for exactly
        the missing updates.
    type: str
    choices: [msu, windows_update]
    default: msu
  update_source:
    description:
      - Folder or UNC share with the C(.msu) files, as the host sees it (live), or a controller folder (offline).
      - With O(update_method=msu) and no source a live host is not patched and the verdict names the missing updates.
      - May carry a credential; the option is C(no_log) and results show it without the credential.
    type: str
  reboot:
    description:
      - Restart the host (with M(ansible.windows.win_reboot)) when an installed update or a written value needs it.
        When V(false), RV(reboot_required) says a restart is pending. Offline hosts are never restarted.
    type: bool
    default: false
  reboot_timeout:
    description: Seconds to wait for the host to come back after the restart.
    type: int
    default: 1800
  fail_noncompliant:
    description: Fail the task when the host is still not compliant at the end and no restart is pending.
    type: bool
    default: false
  post_check:
    description:
      - The canary post-change check (docs/canary-rollout.md). After a change (and the restart, with O(reboot)),
        reset the connection so that a fresh one is opened, read the host again and, with O(post_check_probe),
        run the handshake probe of M(tlsready.windows.tls_probe).
      - A host that fails is restored from its backup (what M(tlsready.windows.tls_restore) does) and restarted
        again when the change had restarted it; the task fails with RV(post_check.outcome=reverted) and why.
        When the restore cannot reach the host it fails with RV(post_check.outcome=lost) and
        RV(post_check.restore_command), the steps that restore it from its console.
      - Needs O(backup_dir) or O(backup). Updates installed by the run are not uninstalled.
    type: bool
    default: false
    version_added: 1.0.0
  post_check_probe:
    description:
      - Make the handshake probe part of O(post_check). The check fails when the probe reports a TLS failure
        (C(probe.<stack>.failed)); an endpoint that cannot be reached at all (no network) does not fail it.
    type: bool
    default: false
    version_added: 1.0.0
  probe_endpoints:
    description: The endpoints of the probe (C(host:port)); empty for the Microsoft 365 endpoints of M(tlsready.windows.tls_probe).
    type: list
    elements: str
    default: []
    version_added: 1.0.0
  probe_timeout:
    description: Seconds each probe connection may take.
    type: int
    default: 10
    version_added: 1.0.0
attributes:
  check_mode:
    support: full
    details: Nothing is written, installed or restarted; RV(changes) and RV(installed_hotfixes) say what would be.
  diff_mode:
    support: full
    details: The diff shows each registry value before and after.
seealso:
  - module: tlsready.windows.tls_facts
  - module: tlsready.windows.tls_settings
  - module: tlsready.windows.tls_hotfix
  - module: ansible.windows.win_reboot
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Make the host a TLS 1.2 client of Microsoft 365, updates from a share, restart when needed
  tlsready.windows.tls_converge:
    update_source: \\fileserver\updates
    backup_dir: /var/lib/tlsready/backups
    reboot: true
  register: tls12_result

- name: Canary converge - restore the host from its backup when it cannot be managed or probed afterwards
  tlsready.windows.tls_converge:
    backup_dir: /var/lib/tlsready/backups
    reboot: true
    post_check: true
    post_check_probe: true
  register: tls12_result

- name: Strict profile from WSUS, fail when the host is still not compliant
  tlsready.windows.tls_converge:
    profile: strict
    update_method: windows_update
    fail_noncompliant: true
"""

RETURN = r"""
state:
  description: The host state last read (after the changes when they were verified); see M(tlsready.windows.tls_facts).
  returned: when the host was read
  type: dict
evaluation:
  description:
    - The verdict on RV(state), as M(tlsready.windows.tls_facts) returns it; a finding about a value Group Policy
      owns has C(group_policy), the GPO setting to change.
  returned: when the host was read
  type: dict
before:
  description: The verdict before the changes.
  returned: when something was changed and read again
  type: dict
changes:
  description:
    - Each value planned, with C(path), C(name), C(before) (null when absent), C(after) and C(result) - V(changed),
      V(unchanged), V(would_change) (check mode), V(failed) (with C(error)) or V(not_attempted).
  returned: when the host was read
  type: list
  elements: dict
installed_hotfixes:
  description: Updates installed by this run (in check mode, those that would be).
  returned: when the host was read
  type: list
  elements: str
reboot_required:
  description: A change needs a restart that did not happen.
  returned: when the host was read
  type: bool
rebooted:
  description: The host was restarted.
  returned: when the host was read
  type: bool
setting_states:
  description:
    - The three states of every setting judged after the run, as RV(tlsready.windows.tls_facts#module:setting_states)
      describes them; C(pending) is C(host_restart) (Schannel, WinHTTP) or C(program_restart) (.NET, WinINet) for
      each value this run wrote while the host did not restart afterwards, null otherwise (and in check mode).
    - C(effective) is C(not_probed) unless a probe was given.
  returned: when the host was read
  type: list
  elements: dict
  sample:
    - id: winhttp.default_secure_protocols
      setting: winhttp.default_secure_protocols
      label: WinHTTP default secure protocols
      registry: DefaultSecureProtocols=0xA00
      configured: right
      pending: host_restart
      effective: not_probed
      observed_by: null
      effective_detail: "not probed: no tls_probe result was given (probe option; tlsready_probe in the audit playbook)"
converge:
  description: What M(tlsready.windows.tls_report) adds to the verdict - C(applied), C(installed_hotfixes),
    C(reboot_required), C(rebooted), C(post_check) after a canary post-check, and C(failed) and C(error) when the
    run failed part way or the host was reverted or lost.
  returned: when the host was read
  type: dict
post_check:
  description: The canary post-check (O(post_check)).
  returned: when O(post_check) is true and the host was changed
  type: dict
  version_added: 1.0.0
  contains:
    outcome:
      description: V(passed), V(reverted) (failed, restored from the backup) or V(lost) (failed, not reachable to restore).
      type: str
    reason:
      description: Why the check failed (null when it passed).
      type: str
    restored:
      description: The values put back, each with C(path), C(name) and C(value) (null for a value deleted).
      type: list
      elements: dict
    restore_command:
      description: For a lost host, the steps that restore it from its console (C(reg import) of the backup, then a restart).
      type: str
    probed:
      description: Whether the handshake probe ran.
      type: bool
files:
  description: Remediation files written in an offline host's folder.
  returned: changed offline hosts
  type: list
  elements: str
"""

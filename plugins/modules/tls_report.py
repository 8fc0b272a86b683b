# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tls_report
short_description: Write the fleet TLS report (JSON, JUnit, CSV, HTML) on the controller
version_added: 1.0.0
description:
  - Collects each host's result (the fact named by O(result_var), set by the C(tlsready.windows.tls12) and
    C(tlsready.windows.audit) roles) and writes C(report.json), C(report.xml) (JUnit, one test case per host),
    C(report.csv) (one row per host and finding, then per host and setting) and a self-contained C(report.html)
    into O(dest).
  - Every format shows each setting's three states as the result carries them (C(setting_states) of
    M(tlsready.windows.tls_facts) and M(tlsready.windows.tls_converge)) - configured, pending, effective - and the
    host's effective state (docs/reports.md).
  - Hosts without a result (failed earlier, unreachable) are reported as such, never as compliant.
  - Runs on the controller only; use it with C(run_once=true) or in a play on C(localhost) with O(hosts).
  - Writes the report in check mode too - it is a controller artefact, not a change to a host.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - tlsready.windows.action_attributes
options:
  dest:
    description:
      - Controller folder for the report files; created when missing.
      - Empty writes no file; the summary, RV(host_status) and RV(host_reasons) are returned all the same,
        so a run can publish them and fail on them without a report folder.
    type: path
    default: ""
  mode:
    description: Which run the report describes.
    type: str
    choices: [audit, converge]
    default: audit
  profile:
    description: The profile the hosts were judged against, shown in the report.
    type: str
    choices: [m365_client, strict]
    default: m365_client
  formats:
    description: Report formats to write, any of V(json), V(xml), V(csv), V(html).
    type: list
    elements: str
    default: [json, xml, csv, html]
  fail_on_noncompliant:
    description: Fail the task when any host is not compliant (for AWX job status).
    type: bool
    default: false
  result_var:
    description: The host fact holding each host's result.
    type: str
    default: tlsready_result
  rollout_var:
    description:
      - The host variable registered by M(tlsready.windows.tls_rollout) in a canary converge (C(tlsready_wave) in
        C(playbooks/converge.yml)). Each host's wave is then in the report, the hosts of waves not started are
        reported C(not_started) with the reason, and the report gets a C(rollout) block (docs/canary-rollout.md).
      - Empty for a report without waves.
    type: str
    default: ""
    version_added: 1.0.0
  hosts:
    description:
      - The hosts to report on. Defaults to the play's hosts (C(ansible_play_hosts_all)).
      - Give it when reporting from a play on C(localhost) after the real play, for example after C(serial) waves.
    type: list
    elements: str
  html_template:
    description:
      - A Jinja2 template to render C(report.html) with instead of the collection's own
        (C(plugins/plugin_utils/_report/templates/report.html.j2) in the collection; copy it to start). Its first
        comment lists the variables the template gets.
    type: path
    version_added: 1.0.0
  merge_reports:
    description:
      - Build the report from these C(report.json) files, report folders or shell patterns of them
        (C(/srv/reports/slices/*/report.json)) instead of the play's hosts,
        for example the reports of the slices of an AWX sliced job, or of any runs over disjoint host sets.
      - The reports must cover disjoint hosts (a host in two of them is refused, naming both files) and share
        one mode and profile. O(hosts) and O(result_var) are then not used.
      - The C(tlsready.windows.merge_reports) playbook runs this on the controller.
    type: list
    elements: path
    version_added: 1.0.0
  previous_report:
    description:
      - The report to compare with (a C(report.json) or a report folder). Every format then shows what changed
        since it - the hosts that regressed (compliant then, not now) or were fixed, and per host the registry
        values and error findings that moved, each value owned by Group Policy marked with the GPO setting to change.
      - Default - the C(report.json) already in O(dest), if any (the last run's report, which this one replaces).
        An unusable one there is skipped with a warning; an unusable O(previous_report) fails the task.
    type: path
    version_added: 1.0.0
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    support: full
    platforms: all
author:
  - tlsready.windows contributors (@tlsready-windows)
"""

EXAMPLES = r"""
- name: Write the fleet report once
  tlsready.windows.tls_report:
    dest: /srv/tlsready/reports/nightly
    result_var: audit_facts
  run_once: true

- name: Merge the reports of four job slices into the fleet's
  tlsready.windows.tls_report:
    dest: /srv/tlsready/reports/nightly
    merge_reports:
      - /srv/tlsready/reports/slices/*/report.json
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
summary:
  description: Fleet counts - hosts, compliant, noncompliant, unsupported, unreachable, failed, reboot_required, by_release.
  returned: success
  type: dict
files:
  description: The report files written.
  returned: success
  type: list
  elements: str
report_dir:
  description: O(dest) (empty when no file was written).
  returned: success
  type: str
host_status:
  description: Each reported host's status - compliant, noncompliant, unsupported, unreachable or failed.
  returned: success
  type: dict
  sample: {"win7-fresh": "noncompliant", "win7-patched": "compliant"}
drift:
  description:
    - What changed since the previous report (see O(previous_report)) - C(previous_generated_at) and the host
      names that C(regressed), were C(fixed) or C(changed). Each changed host's entry in C(report.json) has its
      own C(drift) (C(before), C(after) and the C(moved) values).
  returned: when a previous report was found
  type: dict
  sample: {"previous_generated_at": "2026-11-30T03:00:00+00:00", "regressed": ["pc-0042"], "fixed": [], "changed": ["pc-0042"]}
host_reasons:
  description: For each host that is not compliant, one line saying why (its status, error finding ids, missing updates or error).
  returned: success
  type: dict
  sample: {"win7-fresh": "noncompliant: schannel.tls1_2.client; missing KB3140245"}
"""

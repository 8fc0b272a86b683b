# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report writers: counts, one JUnit case per host, CSV rows, a self-contained escaped HTML page."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.html import render_html
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.render import render_csv, render_junit
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.status import host_result
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.write import write_reports

WIN7 = {"name": "Windows 7 SP1", "build": "6.1.7601", "architecture": "x64", "supported": True, "id": "win7sp1"}
FINDING = {"id": "hotfix.KB3140245.missing", "severity": "error", "message": "KB3140245 is missing",
           "remediation": "Install KB3140245"}


def sample() -> dict:
    results = [
        {"host": "pc-b", "compliant": False, "release": WIN7, "findings": [FINDING], "missing_hotfixes": ["KB3140245"],
         "changes": [], "reboot_required": True},
        {"host": "pc-a", "compliant": True, "release": WIN7, "findings": [], "missing_hotfixes": [], "changes": []},
        {"host": "<script>x</script>", "compliant": False, "findings": [],
         "release": {"name": "Windows 7 (6.1.7600, client)", "supported": False}},
        {"host": "pc-off", "unreachable": True, "error": "timed out"},
    ]
    return build_report(results, {"pc-gone": ("failed", "no tlsready result recorded")}, "audit", "m365_client",
                        "2026-11-25T03:00:00+00:00")


def test_summary_counts_every_status() -> None:
    summary = sample()["summary"]
    assert {k: summary[k] for k in ("hosts", "compliant", "noncompliant", "unsupported", "unreachable", "failed",
                                    "reboot_required")} == {
        "hosts": 5, "compliant": 1, "noncompliant": 1, "unsupported": 1, "unreachable": 1, "failed": 1,
        "reboot_required": 1}
    assert summary["by_release"]["Windows 7 SP1"] == {"hosts": 2, "compliant": 1}
    assert [h["host"] for h in sample()["hosts"]][-1] == "pc-off"


def test_junit_one_case_per_host_with_failures_and_errors() -> None:
    suite = ET.fromstring(render_junit(sample()))
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert len(cases) == 5 and suite.get("tests") == "5"
    assert (suite.get("failures"), suite.get("errors")) == ("2", "2")
    assert "hotfix.KB3140245.missing: KB3140245 is missing -> Install KB3140245" in cases["pc-b"].find("failure").text
    assert cases["pc-off"].find("error").get("type") == "unreachable"
    assert cases["pc-b"].find("failure").get("message") == "1 finding"
    assert cases["pc-a"].find("failure") is None and cases["pc-a"].find("error") is None


def test_csv_rows_per_finding_and_no_formula_injection() -> None:
    report = sample()
    report["hosts"][0]["findings"] = [dict(FINDING, message="=HYPERLINK(1)")]
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert len(rows) == 5
    assert [r["finding_id"] for r in rows if r["host"] == "pc-b"] == ["hotfix.KB3140245.missing"]
    assert any(r["message"] == "'=HYPERLINK(1)" for r in rows)
    assert [r["status"] for r in rows if r["host"] == "pc-off"] == ["unreachable"]


def embedded_table(page: str) -> dict:
    start = page.index('<script type="application/json" id="data">') + len('<script type="application/json" id="data">')
    return json.loads(page[start:page.index("</script>", start)])


def test_html_is_self_contained_and_escaped() -> None:
    page = render_html(sample())
    assert "<script>x</script>" not in page and "http://" not in page and "https://" not in page and "src=" not in page
    assert 'id="count-compliant">1<' in page and 'id="count-unreachable">1<' in page
    # The host name reaches the browser only as JSON data, with no '<' that could end the script element.
    assert "<script>x</script>" in [row[0] for row in embedded_table(page)["h"]]


def test_html_fleet_view_counts_hosts_per_finding_and_stores_texts_once() -> None:
    report = sample()
    pc_b = next(h for h in report["hosts"] if h["host"] == "pc-b")
    report = build_report([pc_b, {**pc_b, "host": "pc-c"}], {}, "audit", "m365_client", "2026-11-25T03:00:00+00:00")
    page = render_html(report)
    fleet = page[page.index('<section id="fleet">'):page.index('<section id="hosts">')]
    assert '<td class="finding-hosts">2</td>' in fleet and "Install KB3140245" in fleet
    assert fleet.index("Top findings") < fleet.index("Compliance by release")
    table = embedded_table(page)
    assert table["f"] == [[FINDING["id"], "error", FINDING["message"], FINDING["remediation"], ""]]
    assert [row[6] for row in table["h"]] == [[0], [0]]
    assert page.count("KB3140245 is missing") == 2  # once in the fleet view, once in the data


def test_html_template_can_be_overridden(tmp_path: os.PathLike[str]) -> None:
    template = os.path.join(str(tmp_path), "mine.html.j2")
    with open(template, "w", encoding="utf-8") as handle:
        handle.write("{{ summary.hosts }} hosts, top {{ top_findings[0].id }} <{{ (report.hosts | selectattr('status', 'eq', 'unsupported') | first).host }}>")
    assert render_html(sample(), template) == "5 hosts, top hotfix.KB3140245.missing <&lt;script&gt;x&lt;/script&gt;>"


def test_write_reports(tmp_path: os.PathLike[str]) -> None:
    files = write_reports(sample(), str(tmp_path))
    assert sorted(os.path.basename(f) for f in files) == ["report.csv", "report.html", "report.json", "report.xml"]
    with open(os.path.join(str(tmp_path), "report.json"), encoding="utf-8") as handle:
        assert json.load(handle)["schema_version"] == 1
    with pytest.raises(InputError, match=r"^formats: must be any of json, xml, csv, html; got 'pdf'$"):
        write_reports(sample(), str(tmp_path), ["pdf"])


def test_a_registered_tls_facts_result_is_a_host_result() -> None:
    evaluation = {"compliant": True, "release": WIN7, "findings": [], "missing_hotfixes": [], "changes": []}
    entry, failure = host_result("pc-a", {"changed": False, "evaluation": evaluation, "state": {"source": "live"}})
    assert failure is None and entry == {**evaluation, "host": "pc-a", "source": "live"}
    entry, failure = host_result("pc-off", {"unreachable": True, "msg": "timed out", "changed": False})
    assert failure is None and entry == {"host": "pc-off", "unreachable": True, "error": "timed out"}
    assert host_result("pc-bad", {"failed": True, "msg": "access denied"}) == (None, ("failed", "access denied"))
    assert host_result("pc-skip", {"skipped": True, "changed": False})[1][0] == "failed"
    assert host_result("pc-none", None)[1][0] == "failed"
    # A result without an evaluation is never compliant.
    assert host_result("pc-odd", {"changed": False, "state": {}, "invocation": {}})[1][0] == "failed"
    report = build_report([entry for entry, _f in [host_result("pc-off", {"unreachable": True, "msg": "x"})]], {},
                          "audit", "m365_client", "2026-11-25T03:00:00+00:00")
    assert report["hosts"][0]["status"] == "unreachable" and report["summary"]["compliant"] == 0


def test_a_set_fact_result_is_taken_as_it_is() -> None:
    fact = {"host": "pc-b", "compliant": False, "release": WIN7, "findings": [FINDING]}
    assert host_result("pc-b", fact) == ({**fact, "host": "pc-b"}, None)


def test_group_policy_comes_from_the_finding_field_into_every_format() -> None:
    """The evaluator's ``group_policy`` field marks a finding; its message text does not."""
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources import keys as src
    from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
    from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
    from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.group_policy import WININET_ENCRYPTION
    from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import HostState, RegValue

    release = RELEASES_BY_ID["win10_22h2"]
    state = HostState("pc-gpo", release.name, release.version, release.min_service_pack, release.product_type, "x64")
    state.set(src.WININET_POLICY, "SecureProtocols", RegValue("dword", 0xA0))
    evaluation = evaluate(state).to_dict()
    look_alike = {"id": "cipher.no_afd_suite", "severity": "error", "remediation": "r",
                  "message": "the Group Policy cipher suite order leaves out everything"}
    report = build_report([{**evaluation, "host": "pc-gpo"},
                           {"host": "pc-text", "compliant": False, "release": WIN7, "findings": [look_alike]}],
                          {}, "audit", "m365_client", "2026-11-25T03:00:00+00:00")
    hosts = {h["host"]: h for h in report["hosts"]}
    [owned] = [f for f in hosts["pc-gpo"]["findings"] if f["id"] == "wininet.policy_secure_protocols"]
    assert owned["group_policy"] == WININET_ENCRYPTION
    assert "group_policy" not in hosts["pc-text"]["findings"][0]
    cases = {c.get("name"): c for c in ET.fromstring(render_junit(report)).iter("testcase")}
    assert f"[set by Group Policy: change {WININET_ENCRYPTION}]" in cases["pc-gpo"].find("failure").text
    assert "set by Group Policy" not in cases["pc-text"].find("failure").text
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert {r["group_policy"] for r in rows if r["finding_id"] == "wininet.policy_secure_protocols"} == {WININET_ENCRYPTION}
    assert {r["group_policy"] for r in rows if r["host"] == "pc-text"} == {""}
    table = embedded_table(render_html(report))
    assert [f[4] for f in table["f"] if f[0] == "wininet.policy_secure_protocols"] == [WININET_ENCRYPTION]
    assert [f[4] for f in table["f"] if f[0] == "cipher.no_afd_suite"] == [""]


STATE = {"id": "winhttp.default_secure_protocols", "setting": "winhttp.default_secure_protocols",
         "label": "WinHTTP default secure protocols", "registry": "DefaultSecureProtocols=0xA00", "configured": "right",
         "pending": "host_restart", "effective": "fails", "observed_by": "winhttp",
         "effective_detail": "=winhttp: 12175 ERROR_WINHTTP_SECURE_FAILURE"}


def with_states() -> dict:
    """Two hosts with the same setting states and one without any (a report of an older version)."""
    results = [{"host": name, "compliant": False, "release": WIN7, "findings": [], "missing_hotfixes": [], "changes": [],
                "setting_states": [STATE]} for name in ("pc-1", "pc-2")]
    results.append({"host": "pc-old", "compliant": True, "release": WIN7, "findings": [], "missing_hotfixes": [],
                    "changes": []})
    return build_report(results, {}, "converge", "m365_client", "2026-11-25T03:00:00+00:00")


def test_each_format_shows_the_three_states_of_each_setting() -> None:
    report = with_states()
    entry = report["hosts"][0]
    assert (entry["effective"], entry["pending"]) == ("fails: winhttp", "host restart")
    assert "effective" not in report["hosts"][2]

    cases = {c.get("name"): c for c in ET.fromstring(render_junit(report)).iter("testcase")}
    properties = {p.get("name"): p.get("value") for p in cases["pc-1"].iter("property")}
    assert properties["setting.winhttp.default_secure_protocols"] == "configured=right pending=host_restart effective=fails"
    assert (properties["effective"], properties["pending"]) == ("fails: winhttp", "host restart")
    assert "waits for a host restart; effective fails (=winhttp: 12175" in cases["pc-1"].find("system-out").text
    assert cases["pc-old"].find("system-out") is None

    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [(r["host"], r["setting"], r["finding_id"]) for r in rows] == [
        ("pc-1", "winhttp.default_secure_protocols", ""), ("pc-2", "winhttp.default_secure_protocols", ""), ("pc-old", "", "")]
    assert (rows[0]["configured"], rows[0]["pending"], rows[0]["effective"], rows[0]["host_effective"]) == (
        "right", "host_restart", "fails", "fails: winhttp")
    assert rows[0]["effective_detail"].startswith("'=")  # no formula, whatever the probe said

    data = embedded_table(render_html(report))
    rows_by_host = {h[0]: h for h in data["h"]}
    # Stored once: both hosts point at the same list, which points at the one state.
    assert rows_by_host["pc-1"][10] == rows_by_host["pc-2"][10] and len(data["v"]) == len(data["s"]) == 1
    assert data["v"][0] == ["fails: winhttp", "host restart", [0]]
    assert data["s"][0][:7] == ["WinHTTP default secure protocols", "DefaultSecureProtocols=0xA00", "right", "host_restart",
                                "fails", "winhttp", STATE["effective_detail"]]
    assert len(rows_by_host["pc-old"]) == 9


def test_setting_states_that_are_not_a_list_of_mappings_fail_that_host_only() -> None:
    entry, failure = host_result("pc", {"compliant": True, "release": WIN7, "setting_states": "all good"})
    assert entry is None and failure is not None and "'setting_states' is not a list of dictionaries" in failure[1]

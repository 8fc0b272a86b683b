# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary rollout's brake (decide_wave), its report block, and the four formats of the new statuses."""

from __future__ import annotations

import csv
import io
import typing as t
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._errors import InputError
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report, host_reason
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.html import render_html
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.render import render_csv, render_junit
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.canary import (
    console_restore_command,
    LOST,
    PostCheck,
    REVERTED,
)
from ansible_collections.tlsready.windows.plugins.plugin_utils._rollout.waves import (
    apply_rollout,
    check_percentage,
    decide_wave,
    decision_of,
    not_started_message,
    WaveDecision,
    WaveHost,
)


def hosts(*statuses: str, wave: int = 1) -> list[WaveHost]:
    return [WaveHost(f"h{wave}-{i}", wave, True, s) for i, s in enumerate(statuses)]


def test_the_first_wave_always_starts() -> None:
    assert decide_wave([], 0) == WaveDecision(1, True, 0)


def test_any_failure_stops_at_zero_percent_and_names_the_hosts() -> None:
    decision = decide_wave(hosts("reverted"), 0)
    assert (decision.wave, decision.start) == (2, False)
    assert decision.reason == ("rollout stopped after wave 1 because 1 of the 1 hosts of waves 1-1 failed their change "
                               "(100%, tlsready_max_fail_percentage 0): h1-0 (reverted)")


@pytest.mark.parametrize(("statuses", "threshold", "start"), [
    (("compliant", "compliant"), 0, True),
    # Noncompliant after the change (an old .NET) or unreachable before it: not a failed change.
    (("noncompliant", "unreachable", "unsupported"), 0, True),
    (("failed", "compliant", "compliant", "compliant"), 25, False),  # 25% reaches 25%
    (("failed", "compliant", "compliant", "compliant", "compliant"), 25, True),  # 20% < 25%
    (("lost", "reverted"), 100, False),
    (("lost", "compliant"), 100, True),
])
def test_the_threshold_is_reached_at_the_share(statuses: tuple[str, ...], threshold: float, start: bool) -> None:
    assert decide_wave(hosts(*statuses), threshold).start is start


def test_the_threshold_counts_every_earlier_wave() -> None:
    earlier = hosts("compliant", "reverted", wave=1) + hosts(*["compliant"] * 8, wave=2)
    # 1 of 10 = 10%.
    assert decide_wave(earlier, 10).start is False and decide_wave(earlier, 11).start is True
    assert decide_wave(earlier, 10).wave == 3
    assert "after wave 2 because 1 of the 10 hosts of waves 1-2" in str(decide_wave(earlier, 10).reason)


def test_a_stopped_rollout_stays_stopped_with_the_first_reason() -> None:
    first = decide_wave(hosts("reverted"), 0)
    later = decide_wave(hosts("reverted") + [WaveHost("h2-0", 2, False, "not_started", first.reason)], 0)
    assert (later.wave, later.start, later.reason) == (3, False, first.reason)


def test_more_than_five_failures_are_counted_not_all_named() -> None:
    reason = str(decide_wave(hosts(*["lost"] * 7), 0).reason)
    assert reason.endswith("h1-0 (lost), h1-1 (lost), h1-2 (lost), h1-3 (lost), h1-4 (lost) and 2 more")


@pytest.mark.parametrize("value", [-1, 101, "ten", None, True])
def test_a_bad_percentage_names_the_option(value: t.Any) -> None:
    with pytest.raises(InputError, match="max_fail_percentage.*from 0 to 100"):
        check_percentage(value)


def test_percentages_as_text_from_a_survey() -> None:
    assert check_percentage("10") == 10.0 and check_percentage(0) == 0.0


def test_decision_of_reads_a_registered_result_only() -> None:
    assert decision_of({"wave": 2, "start": False, "reason": "why", "max_fail_percentage": 5}) == WaveDecision(2, False, 5.0, "why")
    for value in (None, {"skipped": True}, {"wave": "2", "start": True}, {"wave": 1, "start": "yes"}):
        assert decision_of(value) is None


def lost_check() -> PostCheck:
    command = console_restore_command("srv-01", "/srv/backups/srv-01.reg", False, "/srv/backups")
    return PostCheck(LOST, "Management failed after the change: timed out. Restoring the backup failed: timed out",
                     restore_command=command)


def canary_report() -> dict[str, t.Any]:
    reverted = PostCheck(REVERTED, "The handshake probe failed after the change: WinHTTP 12175.",
                         restored=[{"path": "HKLM\\X", "name": "Y", "value": None}], probed=True)
    results = [
        {"host": "pc-01", "compliant": False, "failed": True, "error": reverted.describe("pc-01"),
         "post_check": reverted.to_dict(), "release": {"id": "w", "name": "Windows 10", "supported": True}},
        {"host": "srv-01", "compliant": False, "failed": True, "error": lost_check().describe("srv-01"),
         "post_check": lost_check().to_dict(), "release": {"id": "w", "name": "Windows 10", "supported": True}},
    ]
    decisions = {"pc-01": WaveDecision(1, True, 0), "srv-01": WaveDecision(1, True, 0)}
    stop = decide_wave([WaveHost("pc-01", 1, True, "reverted"), WaveHost("srv-01", 1, True, "lost")], 0)
    decisions["pc-02"] = stop
    report = build_report(results, {"pc-02": ("not_started", not_started_message(stop))}, "converge", "m365_client",
                          "2026-12-02T00:00:00+00:00")
    apply_rollout(report, decisions)
    return report


def test_reverted_lost_and_not_started_in_the_json_report() -> None:
    report = canary_report()
    by_host = {h["host"]: h for h in report["hosts"]}
    assert [by_host[h]["status"] for h in ("pc-01", "srv-01", "pc-02")] == ["reverted", "lost", "not_started"]
    assert (by_host["pc-01"]["wave"], by_host["pc-02"]["wave"]) == (1, 2)
    assert report["summary"]["reverted"] == report["summary"]["lost"] == report["summary"]["not_started"] == 1
    assert report["rollout"]["waves"] == [{"wave": 1, "hosts": 2, "started": True, "failed": ["pc-01", "srv-01"]},
                                          {"wave": 2, "hosts": 1, "started": False, "failed": []}]
    assert report["rollout"]["stopped"].startswith("rollout stopped after wave 1 because 2 of the 2 hosts")
    assert by_host["pc-02"]["error"] == f"not started ({report['rollout']['stopped']})"
    assert host_reason(by_host["srv-01"]).startswith("lost: srv-01 failed the post-change check and is lost")


def test_reverted_lost_and_not_started_in_junit_csv_and_html() -> None:
    report = canary_report()
    suite = ET.fromstring(render_junit(report))
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["pc-01"].find("error").get("type") == "reverted"  # type: ignore[union-attr]
    assert "reg import" in str(cases["srv-01"].find("error").text)  # type: ignore[union-attr]
    assert cases["pc-02"].find("skipped").get("message").startswith("not started (rollout stopped")  # type: ignore[union-attr]
    assert (suite.get("errors"), suite.get("skipped")) == ("2", "1")
    assert suite.find("properties/property[@name='rollout']").get("value").startswith("1 of 2 waves run; rollout stopped")  # type: ignore[union-attr]
    rows = {r["host"]: r for r in csv.DictReader(io.StringIO(render_csv(report)))}
    assert rows["srv-01"]["remediation"] == lost_check().restore_command
    assert (rows["pc-01"]["status"], rows["pc-01"]["finding_id"]) == ("reverted", "reverted")
    assert rows["pc-02"]["status"] == "not_started"
    page = render_html(report)
    assert 'id="rollout-stopped">rollout stopped after wave 1' in page
    assert '<tr class="rollout-host lost" data-host="srv-01">' in page
    assert 'id="count-not_started">1<' in page


def test_an_audit_page_shows_no_rollout_cards() -> None:
    report = build_report([], {}, "audit", "m365_client", "2026-12-02T00:00:00+00:00")
    page = render_html(report)
    assert 'id="count-failed"' in page and 'id="count-reverted"' not in page and 'id="rollout"' not in page


def test_the_console_restore_command_is_one_line_cmd_exe_runs() -> None:
    command = console_restore_command('pc"01&x', "/b/pc.reg", True, None)
    assert 'reg import "C:\\Windows\\Temp\\tlsready-restore-pc_01_x.reg" && shutdown /r /t 0' in command
    assert "ansible-playbook tlsready.windows.restore -l 'pc\"01&x'; only if" in command
    assert "\n" not in command

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tls_rollout reads the earlier waves from hostvars: its own decisions and the converge results."""

from __future__ import annotations

import typing as t

from ansible_collections.tlsready.windows.plugins.action import tls_rollout

from .test_tls_actions import action, live_connection


def converged(outcome: str | None = None, failed: bool = False) -> dict[str, t.Any]:
    """A registered tls_converge result, as the report reads it (evaluation and converge summary)."""
    summary: dict[str, t.Any] = {"applied": [], "installed_hotfixes": [], "reboot_required": False, "rebooted": False}
    if outcome:
        summary["post_check"] = {"outcome": outcome, "reason": "why", "restored": [], "restore_command": None,
                                 "probed": False}
    if failed or outcome in ("reverted", "lost"):
        summary.update(failed=True, compliant=False, error="it failed")
    return {"changed": True, "state": {"source": "live"}, "converge": summary,
            "evaluation": {"compliant": True, "profile": "m365_client", "findings": [], "changes": [],
                           "missing_hotfixes": [], "release": {"id": "x", "name": "Windows 10", "supported": True}}}


def decide(hostvars: dict[str, dict[str, t.Any]], batch: list[str], **args: t.Any) -> dict[str, t.Any]:
    plugin = action(tls_rollout, args, live_connection())
    return t.cast(t.Dict[str, t.Any], plugin.run(task_vars={
        "ansible_play_hosts_all": ["a", "b", "c", "d"], "ansible_play_batch": batch, "hostvars": hostvars}))


def test_the_first_wave_starts() -> None:
    result = decide({}, ["a"])
    assert (result["wave"], result["start"], result["hosts"]) == (1, True, ["a"]) and not result["changed"]


def test_a_reverted_host_of_wave_one_stops_wave_two_with_a_warning() -> None:
    hostvars = {"a": {"tlsready_wave": {"wave": 1, "start": True}, "tls12_result": converged("reverted")}}
    result = decide(hostvars, ["b", "c"])
    assert (result["wave"], result["start"]) == (2, False)
    assert result["reason"].endswith("a (reverted)") and result["warnings"] == [result["msg"]]


def test_passed_hosts_and_the_threshold() -> None:
    hostvars = {"a": {"tlsready_wave": {"wave": 1, "start": True}, "tls12_result": converged("passed")},
                "b": {"tlsready_wave": {"wave": 2, "start": True}, "tls12_result": converged(failed=True)}}
    assert decide(hostvars, ["c", "d"], max_fail_percentage=50)["start"] is False
    assert decide(hostvars, ["c", "d"], max_fail_percentage="51")["start"] is True
    assert decide(hostvars, ["c", "d"], max_fail_percentage=51)["wave"] == 3


def test_a_bad_threshold_fails_naming_it() -> None:
    result = decide({}, ["a"], max_fail_percentage="lots")
    assert result["failed"] and "max_fail_percentage" in result["msg"]


def test_a_host_that_failed_before_any_change_does_not_stop_the_rollout() -> None:
    blocked = {"failed": True, "changed": False, "msg": "Nothing was changed on a: a safety guard stopped it"}
    hostvars = {"a": {"tlsready_wave": {"wave": 1, "start": True}, "tls12_result": blocked}}
    assert decide(hostvars, ["b"])["start"] is True
    # The same failure after this run changed something counts.
    hostvars["a"]["tls12_result"] = {**blocked, "changed": True}
    assert decide(hostvars, ["b"])["start"] is False

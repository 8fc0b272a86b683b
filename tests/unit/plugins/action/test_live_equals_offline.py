# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""For every lab host, the live path and the offline path reach the same verdict.

The live path is fed ``tests/unit/fixtures/live/lab/<host>.json``: what win_tls_read
returns on that host, built by ``lab/generate.py --live-reads`` from the host model, not
from the exports the offline path parses. No Windows host ran here; these results are
derived from the model, so they prove the two conversions agree, not that the module runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import typing as t
from pathlib import Path

import pytest

from ansible_collections.tlsready.windows.plugins.action import tls_facts, tls_hotfix, tls_settings

from .test_tls_actions import ModuleCalls, action, live_connection, offline_connection

ROOT = Path(__file__).resolve().parents[4]
# The lab generator's package, lab/labgen, is imported from lab/ (it is no plugin of the collection).
if str(ROOT / "lab") not in sys.path:
    sys.path.insert(0, str(ROOT / "lab"))
from labgen.live import write_live_reads  # noqa: E402

LAB_HOSTS = ROOT / "lab" / "hosts"
LIVE_READS = ROOT / "tests" / "unit" / "fixtures" / "live" / "lab"
HOSTS = sorted(p.name for p in LAB_HOSTS.iterdir())
PROFILES = ("m365_client", "strict")
# Hosts whose offline systeminfo lists fewer updates than it declares (issue 15): the live read
# lists them all, so which evidence proves an update differs while every verdict agrees.
CUT_LISTS = {"win7-truncated"}


def _without_evidence(verdicts: t.Sequence[t.Mapping[str, t.Any]]) -> list[dict[str, t.Any]]:
    return [{k: v for k, v in verdict.items() if k != "evidence"} for verdict in verdicts]


def _cut_list_agrees(offline: list[dict[str, t.Any]], live: list[dict[str, t.Any]]) -> tuple[list[dict[str, t.Any]], set[str]]:
    """The offline verdicts of a cut list, with each "not proven" that the live (full) list settles replaced by it.

    A cut list may leave an update the host has "not proven", never "missing" (issue 15): every
    disagreement must be of that kind. Returns the reconciled verdicts and the updates reconciled.
    """
    by_kb = {entry["kb"]: entry for entry in live}
    settled, reconciled = [], set()
    for entry in offline:
        other = by_kb[entry["kb"]]
        if entry != other:
            assert entry["absence_proven"] is False and not entry["present"] and other["present"], (entry, other)
            reconciled.add(entry["kb"])
            entry = other
        settled.append(entry)
    return settled, reconciled


def live_read(host: str) -> dict[str, t.Any]:
    return json.loads((LIVE_READS / f"{host}.json").read_text(encoding="utf-8"))


@pytest.fixture()
def lab_copy(tmp_path: Path) -> t.Callable[[str], str]:
    def copy(host: str) -> str:
        target = tmp_path / host
        shutil.copytree(LAB_HOSTS / host, target)
        return str(target)
    return copy


def run_both(module: t.Any, args: dict[str, t.Any], host: str, folder: str) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """Run the plugin on the offline folder and on the recorded live read (check mode: nothing is written)."""
    offline = action(module, dict(args), offline_connection(folder), check_mode=True).run(task_vars={})
    plugin = action(module, dict(args), live_connection(), check_mode=True)
    plugin._execute_module = ModuleCalls(live_read(host))
    live = plugin.run(task_vars={})
    assert [call[0] for call in plugin._execute_module.calls] == ["tlsready.windows.win_tls_read"]
    return offline, live


def test_every_lab_host_has_a_recorded_live_read() -> None:
    assert HOSTS and sorted(p.stem for p in LIVE_READS.glob("*.json")) == HOSTS


def test_recorded_live_reads_equal_a_fresh_generation(tmp_path: Path) -> None:
    write_live_reads(str(tmp_path))
    for host in HOSTS:
        assert (tmp_path / f"{host}.json").read_bytes() == (LIVE_READS / f"{host}.json").read_bytes(), host


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("host", HOSTS)
def test_facts_agree(host: str, profile: str, lab_copy: t.Callable[[str], str]) -> None:
    offline, live = run_both(tls_facts, {"profile": profile, "accept_risks": ["management_channel"]}, host, lab_copy(host))
    assert not offline.get("failed") and not live.get("failed"), (offline, live)
    # The OS name is display text and differs by source: systeminfo shows WMI's Caption
    # ("Microsoft Windows 7 Professional "), win_tls_read the registry's ProductName.
    offline_text = json.dumps(offline["evaluation"]).replace(offline["state"]["os_name"].strip(), live["state"]["os_name"])
    offline_evaluation, live_evaluation = json.loads(offline_text), dict(live["evaluation"])
    fields = ["version", "service_pack", "product_type", "architecture", "hotfixes", "file_versions"]
    if host in CUT_LISTS:
        for evaluation in (offline_evaluation, live_evaluation):
            evaluation["hotfixes"] = _without_evidence(evaluation["hotfixes"])
        offline_evaluation["hotfixes"], unproven = _cut_list_agrees(offline_evaluation["hotfixes"], live_evaluation["hotfixes"])
        offline_evaluation["findings"] = [f for f in offline_evaluation["findings"]
                                          if f["id"] not in {f"hotfix.{kb}.not_proven" for kb in unproven}]
        fields.remove("hotfixes")
        assert set(offline["state"]["hotfixes"]) < set(live["state"]["hotfixes"])
    assert offline_evaluation == live_evaluation
    for field in fields:
        assert live["state"][field] == offline["state"][field], field


@pytest.mark.parametrize("host", HOSTS)
def test_settings_agree(host: str, lab_copy: t.Callable[[str], str]) -> None:
    offline, live = run_both(tls_settings, {}, host, lab_copy(host))
    assert offline.get("failed") == live.get("failed")
    for field in ("changed", "changes", "reboot_required", "blocked"):
        assert live.get(field) == offline.get(field), field


@pytest.mark.parametrize("host", HOSTS)
def test_hotfix_verdicts_agree(host: str, lab_copy: t.Callable[[str], str]) -> None:
    offline, live = run_both(tls_hotfix, {"install": False}, host, lab_copy(host))
    assert offline.get("failed") == live.get("failed")
    for field in ("hotfixes", "missing", "installed", "reboot_required"):
        if field == "hotfixes" and host in CUT_LISTS:
            settled, _unproven = _cut_list_agrees(_without_evidence(offline[field]), _without_evidence(live[field]))
            assert settled == _without_evidence(live[field])
            continue
        assert live.get(field) == offline.get(field), field


def test_the_lab_covers_both_outcomes(lab_copy: t.Callable[[str], str]) -> None:
    """Agreement means something only if the lab has compliant and non-compliant hosts, and changes."""
    verdicts = set()
    changes = 0
    for host in HOSTS:
        live = run_both(tls_facts, {}, host, lab_copy(host))[1]
        verdicts.add(live["evaluation"]["compliant"])
        changes += len(live["evaluation"]["changes"])
    assert verdicts == {True, False} and changes > 0


def test_the_live_read_is_not_the_offline_files() -> None:
    """The recorded reads come from the host model: no file of the offline folder is in them."""
    for host in HOSTS:
        text = json.dumps(live_read(host))
        assert "Windows Registry Editor" not in text and ".reg" not in text
        assert os.path.exists(LAB_HOSTS / host)

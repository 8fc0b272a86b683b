# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's counting (benchmarks/count.py): one round trip per host for an audit and for a
converge of a compliant host, on every lab host, and the usual way's count from its playbook."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.live import read_module_args

ROOT = Path(__file__).resolve().parents[3]
HOSTS = sorted(p.name for p in (ROOT / "lab" / "hosts").iterdir())


@pytest.fixture(scope="module")
def count():
    spec = importlib.util.spec_from_file_location("tlsready_bench_count", ROOT / "benchmarks" / "count.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured(count):
    return {h["host"]: h for h in count.count_hosts(HOSTS)["hosts"]}


@pytest.mark.parametrize("host", HOSTS)
def test_audit_is_one_read(measured, count, host: str) -> None:
    assert measured[host]["tlsready"]["audit"] == [(count.READ, read_module_args())]


@pytest.mark.parametrize("host", HOSTS)
def test_converge_of_a_converged_host_is_one_read(measured, count, host: str) -> None:
    assert [c[0] for c in measured[host]["tlsready"]["compliant_converge"]] == [count.READ]


def test_first_converge_writes_and_verifies(measured, count) -> None:
    calls = [c[0] for c in measured["win7-fresh"]["tlsready"]["first_converge"]]
    # Read, one listing of the share, expand + dism per update (Windows 7 has no DISM module) for
    # KB3140245, KB3042058 and (.NET 3.5 is installed) KB3154518, one write, verify.
    assert calls == [count.READ, count.FIND, count.COMMAND, count.COMMAND, count.COMMAND, count.WRITE, count.READ]
    find_args = measured["win7-fresh"]["tlsready"]["first_converge"][1][1]
    assert find_args["get_checksum"] is False and len(find_args["patterns"]) == 3
    assert not measured["win7-fresh"]["compliant_before"] and measured["win7-fresh"]["compliant_after"]
    # Hosts no value or update can fix (lab/README.md) stay non-compliant.
    assert not measured["win10-gpo-broken"]["compliant_after"]


def test_the_usual_way_is_one_call_per_value_and_update(measured, count) -> None:
    reference = count.load_reference()
    count.check_reference_values(reference)
    values = len(reference["vars"]["reference_values"])
    usual = measured["win7-fresh"]["usual"]
    assert [c[0] for c in usual["audit"]] == [count.REG_STAT] * values + [count.HOTFIX] * 3
    assert [c[0] for c in usual["compliant_converge"]] == [count.REGEDIT] * values + [count.HOTFIX] * 3
    assert usual["audit"][0][1] == {"path": reference["vars"]["reference_values"][0]["path"], "name": "Enabled"}


def test_fleet_copies_map_to_their_lab_host(count) -> None:
    assert count.lab_host_of("win10-1607-0042") == "win10-1607"
    assert count.lab_host_of("win10-1607") == "win10-1607"
    with pytest.raises(ValueError):
        count.lab_host_of("not-a-lab-host-0001")

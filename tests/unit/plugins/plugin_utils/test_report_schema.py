# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.json against its published JSON Schema (docs/schemas/report-v1.schema.json)."""

from __future__ import annotations

import copy
import json
import typing as t
from pathlib import Path

import jsonschema
import pytest

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import APPLIED, change_result
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.build import build_report, REPORT_SCHEMA_VERSION
from ansible_collections.tlsready.windows.plugins.plugin_utils._report.render import render_json

ROOT = Path(__file__).resolve().parents[4]
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "report-v1.schema.json").read_text(encoding="utf-8"))
LAB_HOSTS = sorted((ROOT / "lab" / "hosts").iterdir())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def lab_results(profile: str, converge: bool) -> list[dict[str, t.Any]]:
    results = []
    for folder in LAB_HOSTS:
        state = load_offline_folder(str(folder)).state
        evaluation = evaluate(state, profile, {}, False, accept_risks=["rdp_kb3080079", "management_channel"])
        result = {**evaluation.to_dict(), "host": folder.name, "source": state.source}
        if converge:
            result["applied"] = [change_result(c, APPLIED) for c in evaluation.changes]
            result["installed_hotfixes"] = evaluation.missing_hotfixes
        results.append(result)
    return results


def fleet_report(profile: str = "m365_client", converge: bool = False) -> dict[str, t.Any]:
    results = lab_results(profile, converge) + [
        {"host": "pc-offline", "unreachable": True, "error": "ntlm: connection refused"}]
    failures = {"pc-broken": ("failed", "Reading the TLS state failed: access is denied")}
    report = build_report(results, failures, "converge" if converge else "audit", profile, "2026-11-25T05:00:00Z")
    return json.loads(render_json(report))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"]["const"] == REPORT_SCHEMA_VERSION


@pytest.mark.parametrize("profile", ["m365_client", "strict"])
@pytest.mark.parametrize("converge", [False, True], ids=["audit", "converge"])
def test_lab_reports_validate(profile: str, converge: bool) -> None:
    report = fleet_report(profile, converge)
    errors = sorted(VALIDATOR.iter_errors(report), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    statuses = {h["status"] for h in report["hosts"]}
    # No lab host passes strict as exported (win2022-defaults, win2025-defaults and win7-dbd0 pass
    # m365_client as exported); every other status is in both.
    expected = {"noncompliant", "unsupported", "unreachable", "failed"} | ({"compliant"} if profile == "m365_client" else set())
    assert statuses == expected


MUTATIONS: dict[str, t.Callable[[dict[str, t.Any]], None]] = {
    "unreachable shown as compliant": lambda r: r["hosts"][-1].update(compliant=True),
    "unknown status": lambda r: r["hosts"][0].update(status="ok"),
    "finding without remediation": lambda r: next(h for h in r["hosts"] if h["findings"])["findings"][0].pop("remediation"),
    "summary count missing": lambda r: r["summary"].pop("unreachable"),
    "wrong schema version": lambda r: r.update(schema_version=2),
    "unknown top-level field": lambda r: r.update(extra=1),
    "bad KB id": lambda r: r["hosts"][0].update(missing_hotfixes=["3140245"]),
    "failed host without error": lambda r: next(h for h in r["hosts"] if h["status"] == "failed").update(error=None),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_broken_reports_are_rejected(name: str) -> None:
    report = copy.deepcopy(fleet_report())
    report["hosts"].sort(key=lambda h: h["status"] != "unreachable")
    report["hosts"].reverse()  # the unreachable host last, for the first mutation
    MUTATIONS[name](report)
    assert not VALIDATOR.is_valid(report), name

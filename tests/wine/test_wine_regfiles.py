# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every kind of .reg file the collection writes, read by Wine's reg.exe, and remediation.cmd run by its cmd.exe.

For a lab host of each family, the plan tlsready makes is recorded as an offline converge
does (``tlsready-applied.reg``, the bundle's ``remediation.reg``) and a backup is saved as
tls_settings saves it. Wine's registry is seeded with the host's exports (``reg import``),
``remediation.reg`` is imported, and the keys are exported again with ``reg export``: that
folder must audit as tlsready's own reading of the plan does (compliant, except where the
lab says never). Importing the backup must then give back the host's original verdict.

All reg.exe runs of one host happen in one cmd.exe script (a Wine process start costs
seconds). Wine cannot install .msu files, so the updates the plan installs are taken as
recorded in ``tlsready-applied-hotfixes.txt``.
"""

from __future__ import annotations

import shutil
import types
import typing as t
from pathlib import Path

import pytest

from conftest import LAB, Wine, windows_path

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.backup import save_backup
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.bundle import commit_offline, write_bundle
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.changes import reg_value
from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder, record_applied
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.catalogue import RELEASES_BY_ID
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate

# One host per family, and the 32-bit one (no Wow6432Node keys).
HOSTS = ("win7-fresh", "win7-x86", "win2008sp2", "win8", "win2012r2", "win2022")
NEVER_COMPLIANT = {"win2008sp2", "win8", "win2012r2"}  # lab/README.md: no AFD cipher suite; .NET 4.5.x too old


def verdict(folder: Path) -> dict[str, t.Any]:
    result = evaluate(load_offline_folder(str(folder)).state).to_dict()
    result["hotfixes"] = [{k: v for k, v in h.items() if k != "evidence"} for h in result["hotfixes"]]
    return result


def exports_only(source: Path, target: Path) -> None:
    """The host's folder without the .reg exports, which Wine's reg export will write."""
    target.mkdir()
    for item in source.iterdir():
        if item.is_file() and not item.name.endswith(".reg"):
            shutil.copy(item, target / item.name)


def reg_script(generator: types.ModuleType, host_folder: Path, imports: t.Sequence[Path], out: Path,
               x64: bool) -> str:
    """One cmd.exe script: delete the exported keys, import the host's exports and ``imports``, export again."""
    lines = ["@echo off", "set RC=0"]
    roots = [e for e in generator.EXPORTS if x64 or not e.x64_only]
    lines += [f'reg delete "{e.key}" /f >nul 2>&1' for e in roots]
    for reg in sorted(host_folder.glob("*.reg")):
        lines += [f'reg import "{windows_path(reg)}"', "if errorlevel 1 set RC=1"]
    for reg in imports:
        # Exit code 3 marks a failed import of one of ours (not of the lab's own exports).
        lines += [f'reg import "{windows_path(reg)}"', "if errorlevel 1 set RC=3"]
    lines += [f'reg query "{e.key}" >nul 2>&1 && reg export "{e.key}" "{windows_path(out / e.file)}" /y >nul'
              for e in roots]
    lines.append("exit /b %RC%")
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("name", HOSTS)
def test_remediation_and_backup_reg_files_import_and_round_trip(
        name: str, wine: Wine, generator: types.ModuleType, tmp_path: Path) -> None:
    host = next(h for h in generator.lab_hosts() if h.name == name)
    original = tmp_path / "original"
    shutil.copytree(LAB / name, original)
    before = verdict(original)
    planned = tmp_path / "planned"
    shutil.copytree(LAB / name, planned)
    state = load_offline_folder(str(planned)).state
    evaluation = evaluate(state)
    assert evaluation.changes, f"{name} needs no change: choose a lab host that does"
    backup = tmp_path / "backups" / f"{name}.reg"
    save_backup(str(backup), state, evaluation.changes)
    record_applied(str(planned), [(c.path, c.name, reg_value(c)) for c in evaluation.changes],
                   evaluation.missing_hotfixes)
    release = RELEASES_BY_ID[evaluation.release["id"]]
    write_bundle(str(planned), state.hostname, release, state.architecture)
    remediation = planned / "remediation" / "remediation.reg"
    after_plan = verdict(planned)

    imported = tmp_path / "imported"
    exports_only(LAB / name, imported)
    if evaluation.missing_hotfixes:
        # The updates are recorded as installed (with their manifest, so the record is applied):
        # Wine imports the values, it cannot install .msu files.
        commit_offline(str(imported), state.hostname, release, state.architecture, hotfixes=evaluation.missing_hotfixes)
    script = tmp_path / "roundtrip.cmd"
    # "&&" runs its right side only on success on Wine as on Windows (only "||" differs).
    script.write_bytes(reg_script(generator, LAB / name, [remediation], imported, host.x64).encode("ascii"))
    done = wine.run("cmd", "/c", "roundtrip.cmd", cwd=tmp_path, timeout=600)
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert verdict(imported) == after_plan
    assert after_plan["compliant"] is (name not in NEVER_COMPLIANT), after_plan["findings"]

    restored = tmp_path / "restored"
    exports_only(LAB / name, restored)
    script.write_bytes(reg_script(generator, LAB / name, [remediation, backup], restored, host.x64).encode("ascii"))
    done = wine.run("cmd", "/c", "roundtrip.cmd", cwd=tmp_path, timeout=600)
    assert done.returncode == 0, (done.returncode, done.stdout[-2000:], done.stderr[-2000:])
    assert verdict(restored) == before


# ---------------------------------------------------------------------------- remediation.cmd
# Written against remediation.cmd's documented behaviour (exit code 0 when every import and
# install succeeded, non-zero otherwise), not against its text.


def bundle(tmp_path: Path, name: str, with_hotfixes: bool) -> Path:
    folder = tmp_path / "host"
    shutil.copytree(LAB / name, folder)
    state = load_offline_folder(str(folder)).state
    evaluation = evaluate(state)
    record_applied(str(folder), [(c.path, c.name, reg_value(c)) for c in evaluation.changes],
                   evaluation.missing_hotfixes if with_hotfixes else [])
    write_bundle(str(folder), state.hostname, RELEASES_BY_ID[evaluation.release["id"]], state.architecture)
    # Deployed from a share path with spaces and parentheses.
    deployed = tmp_path / "deploy share (x86)" / "tls ready"
    shutil.copytree(folder / "remediation", deployed)
    return deployed


def run_remediation(wine: Wine, deployed: Path) -> int:
    return wine.run("cmd", "/c", "remediation.cmd", cwd=deployed, timeout=600).returncode


def test_remediation_cmd_succeeds_when_the_import_succeeds(wine: Wine, tmp_path: Path) -> None:
    deployed = bundle(tmp_path, "win2012r2", with_hotfixes=False)
    # No '||': Wine 8's cmd.exe always runs its right side (Windows only on failure), so the script
    # checks each exit code itself and behaves the same under both.
    assert "||" not in (deployed / "remediation.cmd").read_text(encoding="ascii")
    assert run_remediation(wine, deployed) == 0


def test_remediation_cmd_fails_when_the_import_fails(wine: Wine, tmp_path: Path) -> None:
    deployed = bundle(tmp_path, "win2012r2", with_hotfixes=False)
    (deployed / "remediation.reg").write_bytes(b"\xff\xfeW\x00")  # not a registry file
    assert run_remediation(wine, deployed) != 0


def test_remediation_cmd_fails_when_an_update_cannot_be_installed(wine: Wine, tmp_path: Path) -> None:
    deployed = bundle(tmp_path, "win7-fresh", with_hotfixes=True)
    # A file that matches the update's pattern but is no update package: wusa must fail
    # (and where Wine's cmd.exe does not expand the quoted wildcard, the file is "missing").
    (deployed / "windows6.1-kb3140245-x64.msu").write_bytes(b"not a cabinet")
    assert run_remediation(wine, deployed) != 0

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""files/collect.cmd under Wine's cmd.exe and reg.exe, against a registry seeded from a lab host.

The Wine registry gets the lab host's exports (``reg import``) and its OS identity values;
collect.cmd then runs from a folder whose path has spaces and parentheses and writes to
another such folder. Wine's programs are not Windows', and the test says where:

* Wine's ``wmic`` has neither the ``qfe`` nor the ``datafile`` alias, its ``powershell.exe`` is
  a stub that exits 0 and writes nothing, and its ``systeminfo`` writes nothing with exit 0.
  collect.cmd must notice each empty output (collect.log says so); the test then adds the lab
  host's update list (``hotfixes.csv`` as wmic qfe writes it, from lab/generate.py) and its
  ``fileversions.csv``, the two files only Windows can produce.
* Wine sets ComputerName from the Linux host name, so the host name is not compared.
* Wine's reg.exe prints "value not found" on standard output; collect.cmd appends a
  query's output only when reg.exe succeeded, as it must on Windows too.

The folder must then audit exactly like the lab host.
"""

from __future__ import annotations

import shutil
import types
import typing as t
from pathlib import Path

from conftest import LAB, ROOT, Wine, windows_path

from ansible_collections.tlsready.windows.plugins.plugin_utils._apply.record import load_offline_folder
from ansible_collections.tlsready.windows.plugins.plugin_utils._policy.evaluate import evaluate
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.osidentity import IDENTITY_VALUES
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.regfile import render_reg
from ansible_collections.tlsready.windows.plugins.plugin_utils._sources.state import RegValue

HOST = "win7-patched"


def verdict(folder: Path) -> dict[str, t.Any]:
    state = load_offline_folder(str(folder)).state
    result = evaluate(state).to_dict()
    # The host name is left out: Wine sets ComputerName from the Linux host name at every start,
    # over any imported value (Windows keeps the registry's).
    return {"identity": (state.version, state.service_pack, state.product_type, state.architecture), **result}


def seed(wine: Wine, generator: types.ModuleType, tmp_path: Path) -> types.SimpleNamespace:
    host = next(h for h in generator.lab_hosts() if h.name == HOST)
    for export in generator.EXPORTS:
        wine.reg_delete(export.key)
    for reg in sorted((LAB / HOST).glob("*.reg")):
        done = wine.reg_import(reg)
        assert done.returncode == 0, (reg.name, done.stdout, done.stderr)
    values = generator.identity_values(host, host.hostname)
    keys: dict[str, list[tuple[str, RegValue]]] = {}
    for key, name in IDENTITY_VALUES:
        if name in values:
            keys.setdefault(key.replace("HKLM", "HKEY_LOCAL_MACHINE", 1), []).append((name, RegValue("sz", values[name])))
    identity = tmp_path / "identity.reg"
    identity.write_bytes(render_reg(sorted(keys.items())))
    done = wine.reg_import(identity)
    assert done.returncode == 0, done.stdout + done.stderr
    return types.SimpleNamespace(host=host)


def test_collect_cmd_under_wine_audits_like_the_lab_host(wine: Wine, generator: types.ModuleType,
                                                         tmp_path: Path) -> None:
    seeded = seed(wine, generator, tmp_path)
    scripts = tmp_path / "tools (x86) dir"
    scripts.mkdir()
    shutil.copy(ROOT / "files" / "collect.cmd", scripts / "collect.cmd")
    out = tmp_path / "out put (1)"
    # Started by its bare name from its folder (cmd /c strips the outer quotes of a command line
    # holding more than two, on Windows as on Wine), so only the output path is quoted.
    done = wine.run("cmd", "/c", "collect.cmd", windows_path(out), cwd=scripts, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    log = (out / "collect.log").read_bytes().decode("cp437", errors="replace")
    assert "wrote osidentity.txt" in log
    # Wine differs from Windows here: its wmic lacks qfe/datafile, its powershell and systeminfo
    # write nothing. collect.cmd notices every empty output instead of keeping an empty file.
    for line in ("FAILED: wmic qfe wrote no update list", "FAILED: PowerShell wrote no update list",
                 "FAILED: systeminfo wrote nothing", "FAILED: could not read the version of"):
        assert line in log, line
    assert not (out / "hotfixes.csv").exists() and not (out / "systeminfo.csv").exists()
    assert not (out / "fileversions.csv").exists()
    # What only Windows can write: the lab host's update list and file versions.
    (out / "hotfixes.csv").write_bytes(generator.render_qfe(seeded.host, seeded.host.hostname))
    shutil.copy(LAB / HOST / "fileversions.csv", out / "fileversions.csv")
    state = load_offline_folder(str(out)).state
    assert state.provenance.os_identity == "registry (osidentity.txt, reg query)"
    assert verdict(out) == verdict(LAB / HOST)


def test_collect_cmd_exits_2_when_the_folder_cannot_be_made(wine: Wine, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    shutil.copy(ROOT / "files" / "collect.cmd", tmp_path / "collect.cmd")
    done = wine.run("cmd", "/c", "collect.cmd", windows_path(blocker / "sub"), cwd=tmp_path)
    assert done.returncode == 2
    assert "cannot create the output folder" in done.stdout

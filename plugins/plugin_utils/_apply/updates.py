# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Installing the missing updates on a live host (internal use only).

One ``win_find`` lists the source for every missing update at once (no checksum: hashing each
``.msu`` over SMB costs minutes). Each update is then one remote call:

- on NT 6.0 / 6.1 (Server 2008 SP2, Windows 7 SP1, Server 2008 R2) ``win_hotfix`` cannot work: it
  needs the DISM PowerShell module, which those releases do not have (WMF 5.1 does not add it). The
  ``.msu`` is expanded with ``expand.exe -F:*`` and its package ``.cab`` added with
  ``dism.exe /Online /Add-Package /NoRestart /Quiet``, both in one ``win_command``;
- elsewhere ``ansible.windows.win_hotfix`` installs it.

``win_updates`` results are judged per update entry (``installed``, ``failure_hresult_code``),
never by the update being selected.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import typing as t

from .._policy.catalogue import Release
from .._policy.hotfixes import HotfixVerdict

FIND, HOTFIX, COMMAND, UPDATES = (
    "ansible.windows.win_find", "ansible.windows.win_hotfix", "ansible.windows.win_command", "ansible.windows.win_updates")
# Releases without the DISM PowerShell module (win_hotfix's dependency).
DISM_EXE_FAMILIES = frozenset({"6.0", "6.1"})
# dism.exe exit codes: ERROR_SUCCESS_REBOOT_REQUIRED, and the ones tlsready treats as "already there".
EXIT_REBOOT_REQUIRED = 3010
# WU_S_ALREADY_INSTALLED (0x00240006), as wusa and the servicing stack report an update already present.
EXIT_ALREADY_INSTALLED = frozenset({0x00240006})
# CBS_E_NOT_APPLICABLE: superseded, wrong architecture or a prerequisite missing.
EXIT_NOT_APPLICABLE = 0x800F081E
ALREADY_INSTALLED_TEXT = "already installed"

ModuleRunner = t.Callable[[str, t.Dict[str, t.Any]], t.Dict[str, t.Any]]


@dataclasses.dataclass
class UpdateOutcome:
    """What installing the missing updates did: ``installed`` holds every update done before a failure."""

    installed: list[str] = dataclasses.field(default_factory=list)
    missing: list[str] = dataclasses.field(default_factory=list)
    reboot_required: bool = False
    error: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.error is not None


def uses_dism_exe(release: Release) -> bool:
    """Whether updates are installed with expand.exe + dism.exe (no DISM PowerShell module there)."""
    return release.family in DISM_EXE_FAMILIES


def find_args(source: str, patterns: t.Sequence[str]) -> dict[str, t.Any]:
    """win_find arguments listing every missing update's file in one call, without hashing them."""
    return {"paths": [source], "patterns": list(patterns), "get_checksum": False}


def match_files(found: t.Mapping[str, t.Any], patterns: t.Mapping[str, str]) -> dict[str, str]:
    """Return KB -> path of the newest-named file matching its pattern in a win_find result."""
    paths = sorted(str(f.get("path", "")) for f in found.get("files") or [] if isinstance(f, t.Mapping))
    matched = {}
    for kb, pattern in patterns.items():
        hits = [p for p in paths if fnmatch.fnmatch(p.replace("/", "\\").rsplit("\\", 1)[-1].lower(), pattern)]
        if hits:
            matched[kb] = hits[-1]
    return matched


def package_cab(pattern: str) -> str:
    """The package inside an .msu: ``windows6.1-kb3140245-x64*.msu`` holds ``windows6.1-kb3140245-x64.cab``."""
    return pattern.replace("*.msu", ".cab")


def dism_command(kb: str, msu: str, pattern: str) -> dict[str, t.Any]:
    """win_command arguments: expand the .msu into a fresh folder, then add its package with dism.exe.

    ``cmd.exe`` runs both so that it is one remote call; ``&&`` stops at the first failure and the exit
    code is that of the last command run (expand's when it failed, else dism's).
    """
    folder = rf"%SystemRoot%\Temp\tlsready-{kb}"
    cab = rf"{folder}\{package_cab(pattern)}"
    return {"cmd": (f'cmd.exe /c rmdir /s /q "{folder}" 2>nul & mkdir "{folder}" && '
                    f'expand.exe -F:* "{msu}" "{folder}" && '
                    f'dism.exe /Online /Add-Package /PackagePath:"{cab}" /NoRestart /Quiet')}


def judge_dism(result: t.Mapping[str, t.Any]) -> tuple[bool, bool, str | None]:
    """Judge a win_command result of :func:`dism_command`: (installed, restart needed, error)."""
    if "rc" not in result:
        return False, False, str(result.get("msg") or "win_command returned no exit code")
    rc = int(result["rc"]) & 0xFFFFFFFF  # a Windows exit code is unsigned; .NET may report it signed
    output = f"{result.get('stdout') or ''}\n{result.get('stderr') or ''}"
    if rc == 0:
        return True, False, None
    if rc == EXIT_REBOOT_REQUIRED:
        return True, True, None
    if rc in EXIT_ALREADY_INSTALLED or ALREADY_INSTALLED_TEXT in output.lower():
        return True, False, None
    if rc == EXIT_NOT_APPLICABLE:
        return False, False, ("dism.exe reports the package is not applicable (0x800F081E): superseded, another "
                              "architecture, or a prerequisite (a service pack, the servicing stack update) missing")
    last = " ".join(output.split())[-300:]
    return False, False, f"expand.exe/dism.exe exited with 0x{rc:08X}{': ' + last if last else ''}"


def install_msu(
    run: ModuleRunner, missing: t.Sequence[HotfixVerdict], release: Release, architecture: str, source: str,
) -> UpdateOutcome:
    """Install each missing update from ``source``; stop at the first failure, keeping what was done."""
    outcome = UpdateOutcome(missing=[v.hotfix.kb for v in missing])
    patterns = {v.hotfix.kb: v.hotfix.msu_pattern(release, architecture) for v in missing}
    found = run(FIND, find_args(source, list(patterns.values())))
    outcome.warnings.extend(str(w) for w in found.get("warnings") or [])
    if found.get("failed"):
        outcome.error = f"Cannot install {missing[0].hotfix.kb} from {source}: {found.get('msg')}"
        return outcome
    files = match_files(found, patterns)
    for verdict in missing:
        kb = verdict.hotfix.kb
        if kb not in files:
            hint = ""
            if outcome.warnings:
                hint = f" ({'; '.join(outcome.warnings)}: a share the host cannot open over this connection, see " \
                       "docs/connecting-to-unremediated-hosts.md for become and credential delegation)"
            outcome.error = f"Cannot install {kb} from {source}: no file matching {patterns[kb]}{hint}"
            return outcome
        if uses_dism_exe(release):
            done = run(COMMAND, dism_command(kb, files[kb], patterns[kb]))
            ok, reboot, error = judge_dism(done)
        else:
            done = run(HOTFIX, {"hotfix_kb": kb, "source": files[kb], "state": "present"})
            ok, reboot, error = (not done.get("failed"), bool(done.get("reboot_required")), str(done.get("msg")))
        if not ok:
            outcome.error = f"installing {kb} failed: {error}"
            return outcome
        outcome.installed.append(kb)
        outcome.missing.remove(kb)
        outcome.reboot_required = outcome.reboot_required or reboot
    return outcome


def judge_windows_update(kbs: t.Sequence[str], done: t.Mapping[str, t.Any]) -> UpdateOutcome:
    """Judge a win_updates result: an update counts only when its entry says ``installed``."""
    outcome = UpdateOutcome(reboot_required=bool(done.get("reboot_required")))
    entries = [u for u in (done.get("updates") or {}).values() if isinstance(u, t.Mapping)]
    failures = []
    for kb in kbs:
        # win_updates lists an entry's article ids without the KB prefix (["3140245"]).
        mine = [u for u in entries if kb[2:] in [str(k).upper().replace("KB", "") for k in u.get("kb") or []]
                or kb in str(u.get("title", "")).upper()]
        if any(u.get("installed") for u in mine):
            outcome.installed.append(kb)
            continue
        outcome.missing.append(kb)
        for entry in mine:
            code = entry.get("failure_hresult_code")
            if code is not None:
                failures.append(f"{kb} failed with HRESULT 0x{int(code) & 0xFFFFFFFF:08X}"
                                f"{': ' + str(entry['failure_msg']) if entry.get('failure_msg') else ''}")
        if not mine:
            failures.append(f"{kb} was not offered by the update server (WSUS approval?)")
    if done.get("failed") or outcome.missing:
        outcome.error = ("Windows Update did not install " + ", ".join(outcome.missing or ["all updates"]) + ": "
                         + ("; ".join(failures) or str(done.get("msg") or "no reason given")))
    return outcome

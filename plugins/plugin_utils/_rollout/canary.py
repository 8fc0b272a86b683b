# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary post-check of a converged host and what follows from it (internal use only).

After tls_converge changed a host (and restarted it when allowed), the post-check opens a fresh
connection, reads the host again and, when asked, runs the handshake probe. A host that fails
is restored from its backup; one that cannot be reached for the restore is *lost*, and its
report entry carries the command that restores it from its console (docs/canary-rollout.md).
"""

from __future__ import annotations

import dataclasses
import ntpath
import shlex
import typing as t

PASSED, REVERTED, LOST = "passed", "reverted", "lost"
OUTCOMES = (PASSED, REVERTED, LOST)


@dataclasses.dataclass
class PostCheck:
    """The outcome of one host's post-check.

    Attributes:
        outcome: ``passed``, ``reverted`` (failed, restored from the backup) or ``lost`` (failed,
            and the restore could not put the values back: the host could not be reached, or the
            write failed part way; the console command restores it).
        reason: why the check failed (None when it passed).
        restored: the values put back (``BackupEntry.to_dict``).
        restore_command: for a lost host, what restores it from its console.
        probed: whether the handshake probe ran.
    """

    outcome: str
    reason: str | None = None
    restored: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    restore_command: str | None = None
    probed: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome != PASSED

    def describe(self, host: str) -> str:
        """The one-line message of a failed check (the task's msg and the report entry's error)."""
        if self.outcome == REVERTED:
            return (f"{host} failed the post-change check and was reverted: {self.reason} The {len(self.restored)} "
                    "values this run changed were put back as they were before it.")
        if self.outcome == LOST:
            return f"{host} failed the post-change check and is lost: {self.reason} Restore it from its console: " \
                   f"{self.restore_command}"
        return f"{host} passed the post-change check."

    def to_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)


def console_restore_command(host: str, backup: str, offline: bool, backup_dir: str | None) -> str:
    """The exact steps that put the saved values back on ``host`` from its console, then restart it.

    The backup is a .reg file (UTF-16 LE, ``reg import`` skips its closing comment line); it is on
    the controller, so it is copied to the host first. ``reg import`` needs an elevated prompt.
    """
    copy = ntpath.join("C:\\Windows\\Temp", f"tlsready-restore-{_file_safe(host)}.reg")
    console = (f"copy {backup} from the controller to {copy} on {host}, then in an elevated Command Prompt on its "
               f"console run: reg import \"{copy}\" && shutdown /r /t 0")
    if not offline:
        return console
    # An offline host changes only when its bundle is deployed: the folder first; the machine only
    # when a bundle already reached it. Quoted for the controller's shell, where the playbook runs.
    limit = f"-l {shlex.quote(host)}" + (f" -e tlsready_backup_dir={shlex.quote(backup_dir)}" if backup_dir else "")
    return (f"rebuild its folder's record and remediation bundle from the backup with ansible-playbook "
            f"tlsready.windows.restore {limit}; only if its remediation bundle was already deployed on the machine, "
            f"also {console}")


def uninstall_command(kbs: t.Sequence[str]) -> str:
    """The console steps that remove the updates a run installed (tlsready never uninstalls them)."""
    steps = " && ".join(f"wusa /uninstall /kb:{kb.upper().removeprefix('KB')} /quiet /norestart" for kb in kbs)
    return (f"in an elevated Command Prompt on its console, if the updates are the cause, run: {steps} && shutdown /r /t 0"
            "; for an offline folder, do not deploy its remediation bundle")


def _file_safe(host: str) -> str:
    # A Windows file name: no \ / : * ? " < > | (and nothing cmd.exe would read as an operator).
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in host)[:100] or "host"

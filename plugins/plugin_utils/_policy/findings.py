# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The verdict on a host: findings, planned changes and the evaluation that holds them (internal use only).

The value types every later step reads: the converge, the setting states and the reports.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .catalogue import Release
from .ciphers import CipherVerdict
from .dotnet import DotnetState
from .hotfixes import HotfixVerdict


ERROR, WARNING = "error", "warning"


@dataclasses.dataclass(frozen=True)
class Finding:
    """Something about the host, with a stable ``id`` and the fix in words.

    ``group_policy`` is the Group Policy setting (gpedit.msc path) that owns the value the finding
    is about: the fix is made there, and a converge does not write the value (_policy.py).
    """

    id: str
    severity: str
    message: str
    remediation: str
    group_policy: str = ""

    def to_dict(self) -> dict[str, str]:
        data = dataclasses.asdict(self)
        if not self.group_policy:
            del data["group_policy"]
        return data


@dataclasses.dataclass(frozen=True)
class Change:
    """A registry value to write: ``current`` is None when the value is absent."""

    setting: str
    path: str
    name: str
    type: str
    current: t.Any
    desired: int
    reboot: bool
    current_type: str | None = None

    def to_dict(self) -> dict[str, t.Any]:
        data = dataclasses.asdict(self)
        if self.current_type is None:
            del data["current_type"]
        return data


@dataclasses.dataclass
class Evaluation:
    """The verdict on one host for one profile."""

    profile: str
    release: dict[str, t.Any]
    findings: list[Finding]
    hotfixes: list[HotfixVerdict]
    changes: list[Change]
    blocked: list[str] = dataclasses.field(default_factory=list)
    # The catalogue entry the host was judged by (None when unsupported); not part of to_dict.
    catalogue_release: Release | None = None
    # The installed .NET Framework versions (reference 1c), or None when the release is unsupported.
    dotnet: DotnetState | None = None
    # The ids of the settings judged (the profile's requirements after overrides; "unmanaged" ones are
    # not), in SETTINGS order, and the cipher suite verdict: what _setting_states reports per setting.
    judged: tuple[str, ...] = ()
    ciphers: CipherVerdict | None = None

    @property
    def compliant(self) -> bool:
        return self.release["supported"] and not any(f.severity == ERROR for f in self.findings)

    @property
    def group_policy_findings(self) -> list[Finding]:
        """Findings about values a Group Policy setting owns: the converge leaves those values to the GPO."""
        return [f for f in self.findings if f.group_policy]

    @property
    def missing_hotfixes(self) -> list[str]:
        """Updates to install: absent and confirmed (not KB4467770), and proven absent (not beyond a cut list)."""
        return [v.hotfix.kb for v in self.hotfixes if v.missing]

    @property
    def reboot_required(self) -> bool:
        """True when applying the plan needs a restart to take effect (reference section 7)."""
        return bool(self.missing_hotfixes) or any(c.reboot for c in self.changes)

    def to_dict(self) -> dict[str, t.Any]:
        return {
            "profile": self.profile,
            "compliant": self.compliant,
            "release": dict(self.release),
            "findings": [f.to_dict() for f in self.findings],
            "missing_hotfixes": self.missing_hotfixes,
            "hotfixes": [v.to_dict() for v in self.hotfixes],
            "changes": [c.to_dict() for c in self.changes],
            "reboot_required": self.reboot_required,
            "blocked": list(self.blocked),
            "dotnet": self.dotnet.to_dict() if self.dotnet is not None else None,
        }

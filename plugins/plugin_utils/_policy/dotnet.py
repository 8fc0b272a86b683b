# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which .NET Framework versions a host has, and whether they can use TLS 1.2 (internal use only).

Reference 1c and 2d: the SchUseStrongCrypto / SystemDefaultTlsVersions flags are
judged together with the installed version. The .NET 4.x release is the
``Release`` DWORD under ``NDP\\v4\\Full`` [S43]; .NET 2.0-3.5 is installed when
``NDP\\v3.5`` (or ``NDP\\v2.0.50727``) has ``Install``=1 [S18][S43].
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._sources import keys as src
from .._sources.state import HostState

NDP_V4_FULL = src.NDP_SETUP + r"\v4\Full"
NDP_V35 = src.NDP_SETUP + r"\v3.5"
NDP_V2 = src.NDP_SETUP + r"\v2.0.50727"

# The smallest Release value of each .NET 4.x version ("test with >= the minimum") [S43].
RELEASE_MINIMUMS: tuple[tuple[int, str], ...] = (
    (378389, "4.5"),
    (378675, "4.5.1"),
    (379893, "4.5.2"),
    (393295, "4.6"),
    (394254, "4.6.1"),
    (394802, "4.6.2"),
    (460798, "4.7"),
    (461308, "4.7.1"),
    (461808, "4.7.2"),
    (528040, "4.8"),
    (533320, "4.8.1"),
)
TLS12_WITHOUT_CHANGE = 394802  # 4.6.2: "supports TLS 1.1/1.2 with no other change" [S42][S19b]
FOUR_SIX = 393295
FOUR_SIX_ONE = 394254
UPGRADE = ("Install .NET Framework 4.8 (or 4.8.1 where Windows offers it), then restart; Microsoft names 4.6.2 as "
           "the first version that supports TLS 1.2 with no other change [S42][S19b].")


def version_name(release: int) -> str:
    """Return the .NET version a ``Release`` value stands for (``4.8`` for 528372)."""
    name = "an unknown 4.x (below 4.5)"
    for minimum, version in RELEASE_MINIMUMS:
        if release >= minimum:
            name = version
    return name


@dataclasses.dataclass(frozen=True)
class DotnetState:
    """The frameworks a host has, as the NDP setup key records them.

    Attributes:
        v4_installed: ``NDP\\v4\\Full`` exists.
        v4_release: its ``Release`` DWORD, None when absent (.NET 4.0) or not a DWORD.
        legacy_installed: .NET 2.0-3.5 is installed (``Install``=1 under ``v3.5`` or ``v2.0.50727``).
    """

    v4_installed: bool
    v4_release: int | None
    legacy_installed: bool

    @property
    def v4_version(self) -> str | None:
        if not self.v4_installed:
            return None
        return "4.0" if self.v4_release is None else version_name(self.v4_release)

    def to_dict(self) -> dict[str, t.Any]:
        return {"v4_release": self.v4_release, "v4_version": self.v4_version, "v3_5_installed": self.legacy_installed}


def _dword(state: HostState, path: str, name: str) -> int | None:
    value = state.get(path, name)
    return t.cast(int, value.data) if value is not None and value.type == "dword" else None


def read_dotnet(state: HostState) -> DotnetState:
    """Return the installed frameworks recorded in ``state``."""
    prefix = NDP_V4_FULL.upper()
    v4 = any(path == prefix for path, _name in state.registry)
    legacy = _dword(state, NDP_V35, "Install") == 1 or _dword(state, NDP_V2, "Install") == 1
    return DotnetState(v4, _dword(state, NDP_V4_FULL, "Release"), legacy)


class DotnetVerdict(t.NamedTuple):
    """What is wrong with the installed .NET 4.x, if anything: ``severity`` is error or warning."""

    id: str
    severity: str
    message: str
    remediation: str


def judge_v4(dotnet: DotnetState, release_name: str) -> DotnetVerdict | None:
    """Judge the installed .NET 4.x release against Microsoft's minimums (reference 1c) [S18][S42][S43]."""
    if not dotnet.v4_installed:
        return None
    shown = "no Release value" if dotnet.v4_release is None else f"Release {dotnet.v4_release}"
    if dotnet.v4_release is None:
        return DotnetVerdict("dotnet4.version_too_old", "error",
                             f".NET Framework 4.0 is installed ({shown} under NDP\\v4\\Full): it has no TLS 1.2 path "
                             "other than an upgrade [S18][S43].", UPGRADE)
    if dotnet.v4_release < FOUR_SIX:
        return DotnetVerdict("dotnet4.version_too_old", "error",
                             f".NET Framework {dotnet.v4_version} is installed ({shown}): TLS 1.2 is usable there only "
                             "with the .NET TLS updates and SchUseStrongCrypto=1, which the registry flags alone do not "
                             "prove [S18][S19b].",
                             UPGRADE + " On 4.5.1/4.5.2 the documented alternative is the .NET hotfix rollup (3099842 "
                             f"on 8.1 / 2012 R2, 3099844 on 2012) with SchUseStrongCrypto=1; {release_name} is "
                             "judged compliant only after the upgrade.")
    if dotnet.v4_release < FOUR_SIX_ONE:
        return DotnetVerdict("dotnet4.version_too_old", "error",
                             f".NET Framework 4.6 is installed ({shown}): Microsoft says 4.6 and earlier must be "
                             "updated for TLS 1.2 [S42].", UPGRADE)
    if dotnet.v4_release < TLS12_WITHOUT_CHANGE:
        return DotnetVerdict("dotnet4.version_below_4_6_2", "warning",
                             f".NET Framework 4.6.1 is installed ({shown}): Microsoft names 4.6.2 as the first version "
                             "that supports TLS 1.2 with no other change; OS-chosen versions need the Aug/Sep 2017 "
                             ".NET rollups [S18][S42].", UPGRADE)
    return None

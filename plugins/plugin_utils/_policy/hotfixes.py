# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which updates each release needs for TLS 1.2, and how to prove them present (internal use only).

Monthly rollups supersede the standalone updates, so an update id missing from
the installed list proves nothing on its own (reference 3a). An update counts
as present when it is listed, when a documented superseding update is listed,
or when the evidence of reference 3b holds (file versions, cipher suites).
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._sources.keys import CIPHER_LOCAL
from .._sources.state import format_version, HostState
from .catalogue import Release


@dataclasses.dataclass(frozen=True)
class FileEvidence:
    """A file that the update replaces, at the version that proves it installed."""

    file: str  # path below %SystemRoot%, lower case, e.g. system32\winhttp.dll
    minimum: tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class Hotfix:
    """An update one or more releases need.

    Attributes:
        kb: the update id (``KB3140245``).
        purpose: what it does, in a sentence a person understands.
        families: NT families (``6.1``) it applies to.
        superseded_by: updates that are documented to carry it.
        files: versions proving it (all must hold), per family.
        suites: cipher suites it adds; any of them in the local list proves it.
        note: what the reference marks uncertain.
        sources: reference keys.
        unconfirmed: the reference finds no Microsoft source for the update (KB4467770): its
            absence is a warning, never a compliance failure, and tlsready does not install it.
        requires: ``dotnet35`` when the update matters only where .NET 2.0-3.5 is installed.
        included_from_build: builds of the family from this number on carry the update, so it
            is not needed there.
        from_build: the first build of the family the update is for.
    """

    kb: str
    purpose: str
    families: frozenset[str]
    superseded_by: t.Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    files: t.Mapping[str, tuple[FileEvidence, ...]] = dataclasses.field(default_factory=dict)
    suites: frozenset[str] = frozenset()
    note: str = ""
    sources: str = ""
    unconfirmed: bool = False
    requires: str = ""
    included_from_build: int | None = None
    from_build: int | None = None

    def msu_pattern(self, release: Release, architecture: str) -> str:
        """Return the Update Catalog file name pattern for this update, e.g. ``windows6.1-kb3140245-x64*.msu``."""
        return f"{release.msu_prefix}-{self.kb.lower()}-{architecture}*.msu"


_DHE_GCM_256 = "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"
_DHE_GCM_128 = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"

HOTFIXES: tuple[Hotfix, ...] = (
    Hotfix(
        "KB4019276",
        "adds TLS 1.1 and TLS 1.2 to Schannel on Windows Server 2008 SP2",
        frozenset({"6.0"}),
        files={"6.0": (FileEvidence(r"system32\schannel.dll", (6, 0, 6002, 24129)),)},
        note="the schannel.dll threshold is third-party and uncertain",
        sources="[S18][S27][S33]",
    ),
    Hotfix(
        "KB4467770",
        "lets WinHTTP use TLS 1.1 and TLS 1.2 by default (DefaultSecureProtocols) on Windows Server 2008 SP2",
        frozenset({"6.0"}),
        note="no Microsoft page documents this update; its title and applicability are unconfirmed (reference 3c)",
        sources="[S41]",
        unconfirmed=True,
    ),
    Hotfix(
        "KB3140245",
        "lets WinHTTP use TLS 1.1 and TLS 1.2 by default (DefaultSecureProtocols), which Office, "
        "OneDrive and WebDAV rely on",
        frozenset({"6.1", "6.2"}),
        superseded_by={"6.1": ("KB4534310",)},
        files={
            "6.1": (
                FileEvidence(r"system32\winhttp.dll", (6, 1, 7601, 23375)),
                FileEvidence(r"system32\webio.dll", (6, 1, 7601, 23375)),
            ),
            "6.2": (
                FileEvidence(r"system32\winhttp.dll", (6, 2, 9200, 21797)),
                FileEvidence(r"system32\webio.dll", (6, 2, 9200, 21797)),
            ),
        },
        note="file thresholds come from a Microsoft diagnostic script; KB4534310 supersedence is third-party",
        sources="[S9][S10][S28][S39]",
    ),
    Hotfix(
        "KB3042058",
        "adds the TLS_DHE_RSA_WITH_AES_*_GCM cipher suites that Azure Front Door (SharePoint, OneDrive) accepts",
        frozenset({"6.1", "6.2"}),
        suites=frozenset({_DHE_GCM_256, _DHE_GCM_128}),
        sources="[S17][S4][S5][S27]",
    ),
    Hotfix(
        "KB2919355",
        "the April 2014 update for Windows 8.1 / Server 2012 R2, which adds the GCM cipher suites",
        frozenset({"6.3"}),
        suites=frozenset({_DHE_GCM_256, _DHE_GCM_128}),
        sources="[S5][S27][S33]",
    ),
    # "TLS System Default Versions" for .NET 2.0-3.5 (reference 1b, 1c): without it
    # SystemDefaultTlsVersions under v2.0.50727 has no effect [S18][S45].
    *(
        Hotfix(
            kb,
            f"lets .NET 2.0-3.5 programs use the TLS versions Windows chooses (TLS 1.2) on {where} "
            "(\"TLS System Default Versions\")",
            frozenset({family}),
            note=note,
            sources=sources,
            requires="dotnet35",
            from_build=builds[0],
            included_from_build=builds[1],
        )
        for kb, family, where, note, sources, builds in (
            ("KB3154517", "6.0", "Server 2008 SP2 (.NET 2.0 SP2)",
             "Microsoft says later .NET updates supersede it; tlsready proves it only by this update id", "[S18][S45]",
             (None, None)),
            ("KB3154518", "6.1", "Windows 7 SP1 / Server 2008 R2 SP1 (.NET 3.5.1)",
             "Microsoft says later .NET updates supersede it; tlsready proves it only by this update id", "[S18][S45]",
             (None, None)),
            ("KB3154519", "6.2", "Server 2012 (the .NET document's row reads Windows 8.0 / Server 2012)",
             "the KB title names Server 2012 only", "[S18]", (None, None)),
            ("KB3154520", "6.3", "Windows 8.1 / Server 2012 R2", "", "[S18]", (None, None)),
            # A cumulative update of Windows 10 1511 (May 2016); later cumulative updates, and so every later
            # build, include it [S18]. The .NET document's title for it conflicts (reference 8.8); the reference
            # names no update for 1507.
            ("KB3156421", "10.0", "Windows 10 1511", "later cumulative updates include it", "[S18]", (10586, 14393)),
        )
    ),
)


@dataclasses.dataclass(frozen=True)
class HotfixVerdict:
    """Whether one needed update is present on a host, and why tlsready thinks so."""

    hotfix: Hotfix
    present: bool
    evidence: str
    # False when the host's updates list is cut (HostState.hotfix_list_incomplete): not proven, not missing.
    absence_proven: bool = True

    @property
    def missing(self) -> bool:
        """Absent, confirmed and proven absent: an update tlsready installs.

        An unconfirmed update (KB4467770) is only reported; one absent from a cut updates list is
        "not proven", never missing.
        """
        return not self.present and not self.hotfix.unconfirmed and self.absence_proven

    def to_dict(self) -> dict[str, t.Any]:
        return {
            "kb": self.hotfix.kb,
            "purpose": self.hotfix.purpose,
            "present": self.present,
            "evidence": self.evidence,
            "absence_proven": self.absence_proven,
        }


def hotfixes_for(release: Release, installed: t.Collection[str] | None = None) -> list[Hotfix]:
    """Return the updates ``release`` may need, in install order.

    Args:
        installed: the frameworks the host has (``dotnet35``); None lists every update
            of the release, including those that matter only with a framework installed.
    """
    return [h for h in HOTFIXES if release.family in h.families
            and (h.included_from_build is None or release.version[2] < h.included_from_build)
            and (h.from_build is None or release.version[2] >= h.from_build)
            and (installed is None or not h.requires or h.requires in installed)]


def local_cipher_suites(state: HostState) -> list[str] | None:
    """Return the host's local (default) cipher suite list, curve suffixes removed, or None if not read."""
    value = state.get(CIPHER_LOCAL, "Functions")
    if value is None or value.type != "multi_sz":
        return None
    return [normalize_suite(s) for s in t.cast(t.Tuple[str, ...], value.data) if s.strip()]


def normalize_suite(name: str) -> str:
    """Drop the ``_P256``/``_P384``/``_P521`` curve suffix Windows 7 to 8.1 put on ECDHE suite names."""
    name = name.strip().upper()
    for suffix in ("_P256", "_P384", "_P521"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def check_hotfix(hotfix: Hotfix, release: Release, state: HostState) -> HotfixVerdict:
    """Decide whether ``hotfix`` is present on ``state``, supersedence-aware."""
    if hotfix.kb in state.hotfixes:
        return HotfixVerdict(hotfix, True, f"{hotfix.kb} is in the installed updates list")
    for newer in hotfix.superseded_by.get(release.family, ()):
        if newer in state.hotfixes:
            return HotfixVerdict(hotfix, True, f"superseded by {newer}, which is installed")
    reasons = ["not in the installed updates list"]
    files = hotfix.files.get(release.family, ())
    if files:
        found = [_file_version(state, f.file) for f in files]
        if all(v is not None and v >= f.minimum for v, f in zip(found, files)):
            proof = ", ".join(f"{f.file} {format_version(v or ())}" for v, f in zip(found, files))
            return HotfixVerdict(hotfix, True, f"file versions prove it: {proof}")
        for version, evidence in zip(found, files):
            shown = "not read" if version is None else format_version(version)
            reasons.append(f"{evidence.file} {shown} (needs {format_version(evidence.minimum)} or later)")
    if hotfix.suites:
        local = local_cipher_suites(state)
        if local is not None and hotfix.suites & set(local):
            suite = sorted(hotfix.suites & set(local))[0]
            return HotfixVerdict(hotfix, True, f"the cipher suite it adds ({suite}) is in the local list")
        reasons.append("its cipher suites are not in the local list" if local is not None else "cipher list not read")
    return HotfixVerdict(hotfix, False, "; ".join(reasons), absence_proven=not state.hotfix_list_incomplete)


def _file_version(state: HostState, suffix: str) -> tuple[int, ...] | None:
    # Match on the path below the Windows folder so a host installed to D:\WINNT still matches.
    wanted = "\\" + suffix.lower()
    for path, version in state.file_versions.items():
        if path.endswith(wanted):
            return version
    return None

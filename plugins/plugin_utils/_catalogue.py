# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Windows releases tlsready knows, with their documented TLS defaults (internal use only).

Every figure comes from docs/reference/tls-facts.md (tables 1a and 4a);
keys such as [S1] name the source listed in its section 9. A release
that is not in this table is reported as unsupported: tlsready never guesses
the defaults of a build it does not know.
"""

from __future__ import annotations

import dataclasses
import typing as t

from ._state import HostState, format_version

PROTOCOLS: dict[str, str] = {
    "ssl2_0": "SSL 2.0",
    "ssl3_0": "SSL 3.0",
    "tls1_0": "TLS 1.0",
    "tls1_1": "TLS 1.1",
    "tls1_2": "TLS 1.2",
    "tls1_3": "TLS 1.3",
}
SIDES = ("client", "server")

# Schannel default state of a protocol with no registry override [S1]:
# enabled, disabled (by default, an application may still ask for it),
# removed (SSL 2.0 from Windows 10 1607), unsupported (not in this release).
ProtocolDefault = t.Literal["enabled", "disabled", "removed", "unsupported"]

# WinHTTP / WinINet protocol bits [S2][S13].
SSL2, SSL3, TLS10, TLS11, TLS12, TLS13 = 0x8, 0x20, 0x80, 0x200, 0x800, 0x2000
PROTOCOL_BITS: dict[int, str] = {
    SSL2: "SSL 2.0",
    SSL3: "SSL 3.0",
    TLS10: "TLS 1.0",
    TLS11: "TLS 1.1",
    TLS12: "TLS 1.2",
    TLS13: "TLS 1.3",
}
ALL_PROTOCOL_BITS = SSL2 | SSL3 | TLS10 | TLS11 | TLS12 | TLS13


def describe_bits(value: int) -> str:
    """Return ``SSL 3.0, TLS 1.0`` for 0xA0; unknown bits are shown in hex."""
    names = [name for bit, name in PROTOCOL_BITS.items() if value & bit]
    unknown = value & ~ALL_PROTOCOL_BITS
    if unknown:
        names.append(f"unknown bits 0x{unknown:X}")
    return ", ".join(names) if names else "none"


def _defaults(
    ssl2: tuple[str, str],
    ssl3: tuple[str, str],
    tls10_11_12: tuple[str, str, str, str, str, str],
    tls13: str,
) -> dict[str, dict[str, ProtocolDefault]]:
    t10c, t10s, t11c, t11s, t12c, t12s = tls10_11_12
    return {
        "ssl2_0": {"client": ssl2[0], "server": ssl2[1]},  # type: ignore[dict-item]
        "ssl3_0": {"client": ssl3[0], "server": ssl3[1]},  # type: ignore[dict-item]
        "tls1_0": {"client": t10c, "server": t10s},  # type: ignore[dict-item]
        "tls1_1": {"client": t11c, "server": t11s},  # type: ignore[dict-item]
        "tls1_2": {"client": t12c, "server": t12s},  # type: ignore[dict-item]
        "tls1_3": {"client": tls13, "server": tls13},  # type: ignore[dict-item]
    }


EN, DIS = "enabled", "disabled"
# Table 1a rows, grouped where the rows are identical.
_VISTA_7 = _defaults((DIS, EN), (EN, EN), (EN, EN, DIS, DIS, DIS, DIS), "unsupported")
_8_TO_1511 = _defaults((DIS, DIS), (EN, EN), (EN, EN, EN, EN, EN, EN), "unsupported")
_1607_PLUS = _defaults(("removed", "removed"), (DIS, DIS), (EN, EN, EN, EN, EN, EN), "unsupported")
_TLS13 = _defaults(("removed", "removed"), (DIS, DIS), (EN, EN, EN, EN, EN, EN), EN)

# Cipher suites Azure Front Door (which fronts SharePoint Online / OneDrive) accepts,
# in Windows' names without the _P256/_P384 curve suffix [S11][S12][S16][S27].
AFD_GCM_SUITES = frozenset(
    {
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    }
)
# Accepted only by the AFD TLSv1.2_2022 policy; whether SharePoint uses it is uncertain [S16], ref 8.4.
AFD_CBC_SUITES = frozenset({"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"})
TLS13_SUITES = frozenset({"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"})
_DHE_GCM = frozenset({"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"})
_ECDHE_GCM = AFD_GCM_SUITES - _DHE_GCM


@dataclasses.dataclass(frozen=True)
class Release:
    """One Windows release as the catalogue knows it.

    Attributes:
        id: stable identifier used in reports and tests (``win7sp1``).
        name: the name people use (``Windows 7 SP1``).
        version: (major, minor, build) as Windows reports it.
        product_type: ``client`` or ``server``.
        min_service_pack: the service pack the catalogue's facts assume.
        family: NT version family used for hotfix applicability (``6.1``).
        protocols: Schannel defaults per protocol and side (table 1a).
        winhttp_default: WinHTTP protocol bits with no DefaultSecureProtocols value,
            or None where the reference has no documented default.
        afd_suites: AFD-accepted suites in the default list once the release's
            cipher updates are installed (table 4a).
        msu_prefix: the start of this release's .msu file names in the Update Catalog.
        sources: reference keys for the row.
    """

    id: str
    name: str
    version: tuple[int, int, int]
    product_type: str
    family: str
    protocols: t.Mapping[str, t.Mapping[str, ProtocolDefault]]
    winhttp_default: int | None
    afd_suites: frozenset[str]
    msu_prefix: str
    sources: str
    min_service_pack: int = 0

    @property
    def tls13(self) -> bool:
        """True when the release supports TLS 1.3 (Windows 11, Server 2022 and later) [S1]."""
        return self.protocols["tls1_3"]["client"] == EN

    @property
    def build(self) -> str:
        return format_version(self.version)


def _win10(rid: str, name: str, build: int, product: str, protocols: t.Any = None, **kw: t.Any) -> Release:
    defaults: dict[str, t.Any] = dict(
        family="10.0",
        winhttp_default=SSL3 | TLS10 | TLS11 | TLS12,
        afd_suites=AFD_GCM_SUITES | AFD_CBC_SUITES,
        msu_prefix="windows10.0",
        sources="[S1][S2][S27]",
    )
    defaults.update(kw)
    return Release(rid, name, (10, 0, build), product, protocols=protocols or _1607_PLUS, **defaults)


_OLD_AFD = _DHE_GCM | AFD_CBC_SUITES

RELEASES: tuple[Release, ...] = (
    Release(
        "win2008sp2", "Windows Server 2008 SP2", (6, 0, 6002), "server", "6.0", _VISTA_7,
        winhttp_default=None, afd_suites=frozenset(), msu_prefix="windows6.0",
        sources="[S1][S18][S41]; 4a: likely cannot reach AFD-fronted services", min_service_pack=2,
    ),
    Release(
        "win7sp1", "Windows 7 SP1", (6, 1, 7601), "client", "6.1", _VISTA_7,
        winhttp_default=SSL3 | TLS10, afd_suites=_OLD_AFD, msu_prefix="windows6.1",
        sources="[S1][S2][S19][S4]", min_service_pack=1,
    ),
    Release(
        "win2008r2sp1", "Windows Server 2008 R2 SP1", (6, 1, 7601), "server", "6.1", _VISTA_7,
        winhttp_default=SSL3 | TLS10, afd_suites=_OLD_AFD, msu_prefix="windows6.1",
        sources="[S1][S2][S4]", min_service_pack=1,
    ),
    Release(
        "win8", "Windows 8", (6, 2, 9200), "client", "6.2", _8_TO_1511,
        winhttp_default=SSL3 | TLS10, afd_suites=_OLD_AFD, msu_prefix="windows8-rt",
        sources="[S1][S2][S5]",
    ),
    Release(
        "win2012", "Windows Server 2012", (6, 2, 9200), "server", "6.2", _8_TO_1511,
        winhttp_default=SSL3 | TLS10, afd_suites=_OLD_AFD, msu_prefix="windows8-rt",
        sources="[S1][S2][S19][S5]",
    ),
    Release(
        "win81", "Windows 8.1", (6, 3, 9600), "client", "6.3", _8_TO_1511,
        winhttp_default=SSL3 | TLS10 | TLS11 | TLS12, afd_suites=_OLD_AFD, msu_prefix="windows8.1",
        sources="[S1][S2][S5]",
    ),
    Release(
        "win2012r2", "Windows Server 2012 R2", (6, 3, 9600), "server", "6.3", _8_TO_1511,
        winhttp_default=SSL3 | TLS10 | TLS11 | TLS12, afd_suites=_OLD_AFD, msu_prefix="windows8.1",
        sources="[S1][S2][S5]",
    ),
    _win10("win10_1507", "Windows 10 1507", 10240, "client", protocols=_8_TO_1511),
    _win10("win10_1511", "Windows 10 1511", 10586, "client", protocols=_8_TO_1511),
    _win10("win10_1607", "Windows 10 1607", 14393, "client"),
    _win10("win10_1703", "Windows 10 1703", 15063, "client"),
    _win10("win10_1709", "Windows 10 1709", 16299, "client"),
    _win10("win10_1803", "Windows 10 1803", 17134, "client"),
    _win10("win10_1809", "Windows 10 1809", 17763, "client"),
    _win10("win10_1903", "Windows 10 1903", 18362, "client"),
    _win10("win10_1909", "Windows 10 1909", 18363, "client"),
    _win10("win10_2004", "Windows 10 2004", 19041, "client"),
    _win10("win10_20h2", "Windows 10 20H2", 19042, "client"),
    _win10("win10_21h1", "Windows 10 21H1", 19043, "client"),
    _win10("win10_21h2", "Windows 10 21H2", 19044, "client"),
    _win10("win10_22h2", "Windows 10 22H2", 19045, "client"),
    _win10("win2016", "Windows Server 2016", 14393, "server"),
    _win10("win2019", "Windows Server 2019", 17763, "server"),
    # 2022 and 2025: WinHTTP default not in [S2] (None); DHE-GCM off by default from 2022 23H2 / 2025 [S5].
    _win10("win2022", "Windows Server 2022", 20348, "server", protocols=_TLS13, winhttp_default=None,
           afd_suites=AFD_GCM_SUITES | AFD_CBC_SUITES | TLS13_SUITES),
    _win10("win2025", "Windows Server 2025", 26100, "server", protocols=_TLS13, winhttp_default=None,
           afd_suites=_ECDHE_GCM | AFD_CBC_SUITES | TLS13_SUITES),
    # Windows 11: WinHTTP defaults to TLS 1.2 + TLS 1.3 [S2].
    _win10("win11_21h2", "Windows 11 21H2", 22000, "client", protocols=_TLS13, winhttp_default=TLS12 | TLS13,
           afd_suites=AFD_GCM_SUITES | AFD_CBC_SUITES | TLS13_SUITES),
    _win10("win11_22h2", "Windows 11 22H2", 22621, "client", protocols=_TLS13, winhttp_default=TLS12 | TLS13,
           afd_suites=_ECDHE_GCM | AFD_CBC_SUITES | TLS13_SUITES),
    _win10("win11_23h2", "Windows 11 23H2", 22631, "client", protocols=_TLS13, winhttp_default=TLS12 | TLS13,
           afd_suites=_ECDHE_GCM | AFD_CBC_SUITES | TLS13_SUITES),
    _win10("win11_24h2", "Windows 11 24H2", 26100, "client", protocols=_TLS13, winhttp_default=TLS12 | TLS13,
           afd_suites=_ECDHE_GCM | AFD_CBC_SUITES | TLS13_SUITES),
)

RELEASES_BY_ID: dict[str, Release] = {r.id: r for r in RELEASES}


class UnknownRelease(t.NamedTuple):
    """Why a host's release is not in the catalogue, in words a person understands."""

    name: str
    reason: str
    remediation: str


def identify_release(state: HostState) -> Release | UnknownRelease:
    """Find the catalogue entry for a host, matching version, build and product type.

    Only exact builds match: an unknown build (a new Windows feature update, an
    Insider build) is reported, never mapped onto a neighbour.
    """
    for release in RELEASES:
        if release.version == state.version and release.product_type == state.product_type:
            if state.service_pack < release.min_service_pack:
                return UnknownRelease(
                    f"{release.name.replace(f' SP{release.min_service_pack}', '')} without Service Pack "
                    f"{release.min_service_pack} ({state.os_name}, {format_version(state.version)})",
                    f"tlsready's facts for this release assume Service Pack {release.min_service_pack}, "
                    "which the TLS 1.2 updates require",
                    f"Install Service Pack {release.min_service_pack}, then run tlsready again.",
                )
            return release
    label = f"{state.os_name or 'Windows'} ({format_version(state.version)}, {state.product_type})"
    sp_builds = {r.version[:2]: r for r in RELEASES if r.min_service_pack and r.product_type == state.product_type}
    known = sp_builds.get(state.version[:2])
    if known is not None and state.version[2] < known.version[2]:
        return UnknownRelease(
            label,
            f"this build predates {known.name}; the TLS 1.2 updates require Service Pack {known.min_service_pack}",
            f"Install Service Pack {known.min_service_pack}, then run tlsready again.",
        )
    return UnknownRelease(
        label,
        "this release is not in the tlsready catalogue, so its TLS defaults are unknown and tlsready does not guess them",
        "Check the host by hand against Microsoft's TLS guidance, or ask for the release to be added to the catalogue.",
    )

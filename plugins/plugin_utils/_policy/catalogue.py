# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Windows releases tlsready knows, with their documented TLS defaults (internal use only).

The releases live in the data file ``releases.yml`` next to this module; every
figure comes from docs/reference/tls-facts.md (tables 1a, 2b and 4a) and keys
such as [S1] name the source listed in its section 9. Users add releases with
``extra_releases`` (:func:`build_catalogue`). A release in neither is reported
as unsupported: tlsready never guesses the defaults of a build it does not know.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing as t

import yaml

from .._errors import InputError
from .._sources.state import format_version, HostState

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
# unknown: not documented for the release (Windows 11 25H2+ TLS 1.0/1.1): judged from the registry only.
ProtocolDefault = t.Literal["enabled", "disabled", "removed", "unsupported", "unknown"]

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


# Cipher suites Azure Front Door (which fronts SharePoint Online / OneDrive) accepts, in Windows'
# names without the _P256/_P384 curve suffix, by predefined AFD policy (reference 4) [S16][S27].
ECDHE_GCM_SUITES = frozenset({"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"})
DHE_GCM_SUITES = frozenset({"TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"})
AFD_CBC_SUITES = frozenset({"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"})
TLS13_SUITES = frozenset({"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"})
# TLSv1.2_2023 (the default policy): TLS 1.3 suites and ECDHE-RSA-GCM only.
AFD_POLICY_2023 = ECDHE_GCM_SUITES | TLS13_SUITES
# TLSv1.2_2022: the same plus DHE-RSA-GCM and ECDHE-RSA-CBC-SHA384/256.
AFD_POLICY_2022 = AFD_POLICY_2023 | DHE_GCM_SUITES | AFD_CBC_SUITES
_SUITE_GROUPS: dict[str, frozenset[str]] = {
    "ecdhe_gcm": ECDHE_GCM_SUITES, "dhe_gcm": DHE_GCM_SUITES, "ecdhe_cbc": AFD_CBC_SUITES, "tls13": TLS13_SUITES,
}
EN = "enabled"
PROTOCOL_STATES = ("enabled", "disabled", "removed", "unsupported", "unknown")


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
        winhttp_tls12_native: Microsoft documents TLS 1.2 over WinHTTP with no value
            (8.1 / 2012 R2 and later [S42][S19a]), so an absent value is compliant.
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
    winhttp_tls12_native: bool = False

    @property
    def tls13(self) -> bool:
        """True when the release supports TLS 1.3 (Windows 11, Server 2022 and later) [S1]."""
        return self.protocols["tls1_3"]["client"] == EN

    @property
    def build(self) -> str:
        return format_version(self.version)


DATA_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "releases.yml")
_FIELDS = ("id", "name", "version", "product_type", "family", "protocols", "winhttp_default", "afd_suites",
           "msu_prefix", "sources", "min_service_pack", "winhttp_tls12_native", "like")
_EXTRA_FIELDS = ("id", "name", "version", "product_type", "like", "protocols", "winhttp_default", "afd_suites",
                 "winhttp_tls12_native", "sources")


class CatalogueData(t.NamedTuple):
    """The protocol and suite sets of the data file, which every release (shipped or added) names."""

    protocol_sets: t.Mapping[str, t.Mapping[str, t.Mapping[str, ProtocolDefault]]]
    suite_sets: t.Mapping[str, frozenset[str]]


def _parse_version(value: t.Any, field: str) -> tuple[int, int, int]:
    text = str(value).strip()
    if not re.fullmatch(r"\d+\.\d+\.\d+", text):
        raise InputError(field, f"must be a Windows version major.minor.build such as 10.0.26200; got {value!r}")
    major, minor, build = (int(p) for p in text.split("."))
    return major, minor, build


def _choice(value: t.Any, allowed: t.Iterable[str], field: str) -> str:
    names = list(allowed)
    if not isinstance(value, str) or value not in names:
        raise InputError(field, f"must be one of {', '.join(names)}; got {value!r}")
    return value


def _mask(value: t.Any, field: str) -> int | None:
    if value is None:
        return None
    try:
        number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip(), 0)
    except ValueError:
        number = -1
    if number < 0 or number & ~ALL_PROTOCOL_BITS:
        raise InputError(field, f"must be null or a sum of WinHTTP protocol bits (0x20, 0x80, 0x200, 0x800, 0x2000); "
                                f"got {value!r}")
    return number


def _release(entry: t.Mapping[str, t.Any], data: CatalogueData, known: t.Mapping[str, Release], field: str,
             allowed: t.Sequence[str]) -> Release:
    """Build one release from a data entry; ``like`` copies every field not given from a known release."""
    if not isinstance(entry, t.Mapping):
        raise InputError(field, f"must be a dictionary with id, name, version, product_type and like; "
                                f"got {type(entry).__name__}")
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise InputError(f"{field}.{unknown[0]}", f"unknown field; allowed fields are {', '.join(allowed)}")
    base: dict[str, t.Any] = {}
    if "like" in entry:
        like = known.get(str(entry["like"]))
        if like is None:
            raise InputError(f"{field}.like", f"must name a known release id such as win11_25h2; got {entry['like']!r}")
        base = {f.name: getattr(like, f.name) for f in dataclasses.fields(Release)}
    elif "like" in allowed and "family" not in allowed:
        raise InputError(f"{field}.like", "is required: the release whose defaults the new one shares")
    for key in ("id", "name", "version", "product_type"):
        if key not in entry:
            raise InputError(f"{field}.{key}", "is required")
    rid = entry["id"]
    if not isinstance(rid, str) or not re.fullmatch(r"[a-z0-9_]+", rid):
        raise InputError(f"{field}.id", f"must be lower-case letters, digits and _ (such as win11_27h2); got {rid!r}")
    if rid in known:
        raise InputError(f"{field}.id", f"{rid!r} is already in the catalogue")
    if not isinstance(entry["name"], str) or not entry["name"].strip():
        raise InputError(f"{field}.name", "must be a non-empty string")
    values = dict(base)
    values.update(id=rid, name=entry["name"].strip(),
                  version=_parse_version(entry["version"], f"{field}.version"),
                  product_type=_choice(entry["product_type"], ("client", "server"), f"{field}.product_type"))
    if "protocols" in entry:
        values["protocols"] = data.protocol_sets[_choice(entry["protocols"], data.protocol_sets, f"{field}.protocols")]
    if "afd_suites" in entry:
        values["afd_suites"] = data.suite_sets[_choice(entry["afd_suites"], data.suite_sets, f"{field}.afd_suites")]
    if "winhttp_default" in entry:
        values["winhttp_default"] = _mask(entry["winhttp_default"], f"{field}.winhttp_default")
    for key in ("family", "msu_prefix", "sources"):
        if key in entry:
            values[key] = str(entry[key])
    if "min_service_pack" in entry:
        values["min_service_pack"] = int(entry["min_service_pack"])
    if "winhttp_tls12_native" in entry:
        if not isinstance(entry["winhttp_tls12_native"], bool):
            raise InputError(f"{field}.winhttp_tls12_native", "must be true or false")
        values["winhttp_tls12_native"] = entry["winhttp_tls12_native"]
    missing = [f.name for f in dataclasses.fields(Release) if f.name not in values and f.default is dataclasses.MISSING]
    if missing:
        raise InputError(f"{field}.{missing[0]}", "is required")
    release = Release(**values)
    for other in known.values():
        if other.version == release.version and other.product_type == release.product_type:
            raise InputError(f"{field}.version", f"{release.build} ({release.product_type}) is already the catalogue's "
                                                 f"{other.id}")
    return release


def _load_data_file(path: str) -> tuple[CatalogueData, tuple[Release, ...]]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    protocol_sets = {
        name: {proto: {"client": sides[0], "server": sides[1]} for proto, sides in table.items()}
        for name, table in document["protocol_sets"].items()
    }
    for name, table in protocol_sets.items():
        if set(table) != set(PROTOCOLS) or any(s not in PROTOCOL_STATES for v in table.values() for s in v.values()):
            raise ValueError(f"{path}: protocol set {name} is malformed")
    suite_sets = {name: frozenset().union(*(_SUITE_GROUPS[g] for g in groups))
                  for name, groups in document["suite_sets"].items()}
    data = CatalogueData(protocol_sets, suite_sets)
    known: dict[str, Release] = {}
    for index, entry in enumerate(document["releases"]):
        release = _release(entry, data, known, f"{os.path.basename(path)}: releases[{index}]", _FIELDS)
        known[release.id] = release
    return data, tuple(known.values())


DATA, RELEASES = _load_data_file(DATA_FILE)


def build_catalogue(extra_releases: t.Any = None) -> tuple[Release, ...]:
    """Return the shipped releases plus the user's ``extra_releases`` (validated).

    Each extra release names a shipped (or earlier extra) release in ``like`` and
    shares its documented defaults unless it overrides them with one of the data
    file's sets.

    Raises:
        InputError: naming ``extra_releases[<n>].<field>`` and what is allowed.
    """
    if not extra_releases:
        return RELEASES
    if not isinstance(extra_releases, (list, tuple)):
        raise InputError("extra_releases", f"must be a list of releases; got {type(extra_releases).__name__}")
    known = {r.id: r for r in RELEASES}
    for index, entry in enumerate(extra_releases):
        release = _release(entry, DATA, known, f"extra_releases[{index}]", _EXTRA_FIELDS)
        known[release.id] = release
    return tuple(known.values())


RELEASES_BY_ID: dict[str, Release] = {r.id: r for r in RELEASES}


class UnknownRelease(t.NamedTuple):
    """Why a host's release is not in the catalogue, in words a person understands."""

    name: str
    reason: str
    remediation: str


def identify_release(state: HostState, releases: t.Sequence[Release] = RELEASES) -> Release | UnknownRelease:
    """Find the catalogue entry for a host, matching version, build and product type.

    Only exact builds match: an unknown build (a new Windows feature update, an
    Insider build) is reported, never mapped onto a neighbour.
    """
    for release in releases:
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
    sp_builds = {r.version[:2]: r for r in releases if r.min_service_pack and r.product_type == state.product_type}
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
        "Check the host by hand against Microsoft's TLS guidance; once Microsoft documents the release as generally "
        "available, add it with extra_releases (docs/releases.md) or ask for it to be added to the catalogue.",
    )

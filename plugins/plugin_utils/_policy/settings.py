# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS settings, the profiles that require them and user overrides (internal use only).

A *setting* is one thing an admin thinks about ("TLS 1.2 client", "WinHTTP
default protocols"); it maps onto one or more registry values (reference
section 2). A *profile* says what each setting must be; an *override* replaces
the profile's requirement for one setting.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._errors import InputError
from .._sources import keys as src
from .catalogue import ALL_PROTOCOL_BITS, PROTOCOLS, Release, SIDES, SSL2, SSL3, TLS10, TLS11, TLS12, TLS13

SCHANNEL_PROTOCOLS = src.SCHANNEL + r"\Protocols"
LEGACY_BITS = SSL2 | SSL3 | TLS10 | TLS11
PROFILES = ("m365_client", "strict")
DEFAULT_PROFILE = "m365_client"


@dataclasses.dataclass(frozen=True)
class Location:
    """A registry value a setting is stored in; ``x64_only`` values exist only on 64-bit Windows."""

    path: str
    name: str
    x64_only: bool = False
    view: str = ""  # shown in messages: "" or "32-bit view"


# What makes a written value take effect (docs/reference/setting-states.md): a restart of the host, or
# of each program using it (the value is read when a process starts).
HOST_RESTART, PROGRAM_RESTART = "host_restart", "program_restart"


@dataclasses.dataclass(frozen=True)
class Setting:
    """One tunable: ``kind`` is protocol (Enabled/DisabledByDefault), mask (bits) or flag (0/1).

    ``reboot``: a converge restarts the host for it (``reboot: true``). ``takes_effect``: what a
    written value waits for before programs use it (HOST_RESTART or PROGRAM_RESTART).
    """

    id: str
    label: str
    kind: str
    locations: tuple[Location, ...]
    reboot: bool = True
    takes_effect: str = HOST_RESTART


def _protocol_setting(proto: str, side: str) -> Setting:
    path = rf"{SCHANNEL_PROTOCOLS}\{PROTOCOLS[proto]}\{side.capitalize()}"
    return Setting(
        f"schannel.{proto}.{side}",
        f"{PROTOCOLS[proto]} {side} (Schannel)",
        "protocol",
        (Location(path, "Enabled"), Location(path, "DisabledByDefault")),
    )


def _dotnet_setting(version: str, name: str, label: str) -> Setting:
    native, wow64 = (src.DOTNET4, src.DOTNET4_WOW64) if version == "4" else (src.DOTNET2, src.DOTNET2_WOW64)
    return Setting(
        f"dotnet{version}.{'strong_crypto' if name == 'SchUseStrongCrypto' else 'system_default_tls_versions'}",
        f".NET {'4.x' if version == '4' else '2.0-3.5'} {label}",
        "flag",
        (Location(native, name), Location(wow64, name, x64_only=True, view="32-bit view")),
        # Read when a .NET process starts [S18][S29]; the converge still restarts the host for them, as
        # Configuration Manager's guide asks [S19b].
        takes_effect=PROGRAM_RESTART,
    )


SETTINGS: tuple[Setting, ...] = (
    *(_protocol_setting(proto, side) for proto in PROTOCOLS for side in SIDES),
    Setting(
        "winhttp.default_secure_protocols",
        "WinHTTP default secure protocols",
        "mask",
        (
            Location(src.WINHTTP, "DefaultSecureProtocols"),
            Location(src.WINHTTP_WOW64, "DefaultSecureProtocols", x64_only=True, view="32-bit view"),
        ),
    ),
    # WinINet needs running programs restarted, not a reboot [S29].
    Setting(
        "wininet.secure_protocols",
        "WinINet (Internet Options) secure protocols",
        "mask",
        (Location(src.WININET, "SecureProtocols"),),
        reboot=False,
        takes_effect=PROGRAM_RESTART,
    ),
    _dotnet_setting("4", "SchUseStrongCrypto", "strong crypto (SchUseStrongCrypto)"),
    _dotnet_setting("4", "SystemDefaultTlsVersions", "OS-chosen TLS versions (SystemDefaultTlsVersions)"),
    _dotnet_setting("2", "SchUseStrongCrypto", "strong crypto (SchUseStrongCrypto)"),
    _dotnet_setting("2", "SystemDefaultTlsVersions", "OS-chosen TLS versions (SystemDefaultTlsVersions)"),
)
SETTINGS_BY_ID: dict[str, Setting] = {s.id: s for s in SETTINGS}


@dataclasses.dataclass(frozen=True)
class ProtocolRequirement:
    """The protocol must be offered by default (``enabled``) or hard-disabled (``disabled``)."""

    state: str


@dataclasses.dataclass(frozen=True)
class MaskRequirement:
    """The bits in ``include`` must be set and those in ``exclude`` clear.

    ``write`` is the least tlsready writes (TLS 1.2, and TLS 1.3 where Windows has it);
    :func:`mask_to_write` adds TLS 1.1 where that is Microsoft's documented value. An
    override is ``exact``: its value is written as given. ``absent_ok`` accepts a missing
    value (used where the profile needs no value, such as WinINet for m365_client).
    """

    include: int
    exclude: int
    write: int
    absent_ok: bool = False
    exact: bool = False


# KB3140245's worked example, 0xA00 (TLS 1.1 + 1.2), is Microsoft's value for the releases that
# need a DefaultSecureProtocols value at all: 7 / 2008 R2 / 8 / 2012, and 2008 SP2 (reference 2b).
_TLS11_RECIPE_FAMILIES = frozenset({"6.0", "6.1", "6.2"})


def mask_to_write(requirement: MaskRequirement, release: Release, current: int | None, tls11_off: bool) -> int:
    """The WinHTTP / WinINet value tlsready writes: it adds TLS 1.2 (+1.3) and never turns an old protocol on.

    The value replaces Windows' default set [S2], so every bit written is offered. tlsready
    writes TLS 1.2, TLS 1.3 where the release supports it, and TLS 1.1 only where the current
    value already has it or the release is one whose documented value is 0xA00, and never
    when Schannel has TLS 1.1 client disabled or the profile excludes it. TLS 1.0, SSL 3.0
    and SSL 2.0 are never written (reference 2b, docs/profiles.md).
    """
    if requirement.exact:
        return requirement.write
    write = requirement.write
    keeps_tls11 = (current is not None and current & TLS11) or release.family in _TLS11_RECIPE_FAMILIES
    if keeps_tls11 and not tls11_off and not requirement.exclude & TLS11:
        write |= TLS11
    return write


@dataclasses.dataclass(frozen=True)
class FlagRequirement:
    """The DWORD must equal ``value``."""

    value: int = 1


Requirement = t.Union[ProtocolRequirement, MaskRequirement, FlagRequirement]

_DOTNET_IDS = tuple(s.id for s in SETTINGS if s.kind == "flag")


def profile_requirements(profile: str, release: Release) -> dict[str, Requirement]:
    """Return what ``profile`` requires of each managed setting on ``release``.

    m365_client is the minimum for a working TLS 1.2 client of Microsoft 365:
    TLS 1.2 client offered, WinHTTP and (when set) WinINet offering TLS 1.2, .NET
    strong crypto in every version and view (reference 6a, 6c; the .NET 2.0-3.5
    flags only matter where that framework is installed, which the evaluator
    decides). strict adds
    TLS 1.2+ only: SSL 2/3 and TLS 1.0/1.1 hard-disabled on both sides.
    """
    tls13 = TLS13 if release.tls13 else 0
    reqs: dict[str, Requirement] = {"schannel.tls1_2.client": ProtocolRequirement("enabled")}
    if profile == "m365_client":
        # Adds TLS 1.2 and never turns an older protocol on (mask_to_write; reference 2b).
        reqs["winhttp.default_secure_protocols"] = MaskRequirement(TLS12, 0, TLS12 | tls13)
        reqs["wininet.secure_protocols"] = MaskRequirement(TLS12, 0, TLS12 | tls13, absent_ok=True)
    elif profile == "strict":
        reqs["schannel.tls1_2.server"] = ProtocolRequirement("enabled")
        for proto in ("ssl2_0", "ssl3_0", "tls1_0", "tls1_1"):
            for side in SIDES:
                reqs[f"schannel.{proto}.{side}"] = ProtocolRequirement("disabled")
        reqs["winhttp.default_secure_protocols"] = MaskRequirement(TLS12, LEGACY_BITS, TLS12 | tls13)
        reqs["wininet.secure_protocols"] = MaskRequirement(TLS12, LEGACY_BITS, TLS12 | tls13)
    else:
        raise InputError("profile", f"must be one of {', '.join(PROFILES)}; got {profile!r}")
    for setting_id in _DOTNET_IDS:
        reqs[setting_id] = FlagRequirement(1)
    return reqs


OverrideValue = t.Union[str, int]


def validate_profile(profile: t.Any) -> str:
    """Return ``profile`` if it is a known profile name, else raise InputError naming the choices."""
    if not isinstance(profile, str) or profile not in PROFILES:
        raise InputError("profile", f"must be one of {', '.join(PROFILES)}; got {profile!r}")
    return profile


def validate_overrides(overrides: t.Any, profile: str) -> dict[str, OverrideValue]:
    """Check user overrides and return them normalised.

    Protocol settings take ``enabled``/``disabled``/``unmanaged``; WinHTTP and
    WinINet take a protocol bit mask (int or ``0x..`` string) or ``unmanaged``;
    .NET settings take ``enabled``/``unmanaged``. An override that takes away
    what the profile needs (TLS 1.2 for Microsoft 365) is refused.

    Raises:
        InputError: naming ``overrides.<setting>`` and the allowed values.
    """
    if overrides is None:
        return {}
    if not isinstance(overrides, t.Mapping):
        raise InputError("overrides", f"must be a dictionary of setting: value; got {type(overrides).__name__}")
    result: dict[str, OverrideValue] = {}
    for key, value in overrides.items():
        setting = SETTINGS_BY_ID.get(str(key))
        field = f"overrides.{key}"
        if setting is None:
            raise InputError(field, f"unknown setting; known settings are {', '.join(sorted(SETTINGS_BY_ID))}")
        normalised = _normalise_override(setting, value, field)
        _refuse_conflict(setting, normalised, profile, field)
        result[setting.id] = normalised
    return result


def _normalise_override(setting: Setting, value: t.Any, field: str) -> OverrideValue:
    if isinstance(value, bool):
        value = "enabled" if value else "disabled"
    if isinstance(value, str) and value.strip().lower() == "unmanaged":
        return "unmanaged"
    if setting.kind == "mask":
        try:
            number = value if isinstance(value, int) else int(str(value).strip(), 0)
        except ValueError:
            number = -1
        if number < 0 or number & ~ALL_PROTOCOL_BITS:
            raise InputError(
                field,
                "must be 'unmanaged' or a sum of protocol bits 0x8 (SSL 2.0), 0x20 (SSL 3.0), 0x80 (TLS 1.0), "
                f"0x200 (TLS 1.1), 0x800 (TLS 1.2), 0x2000 (TLS 1.3); got {value!r}",
            )
        return number
    allowed = ("enabled", "disabled", "unmanaged") if setting.kind == "protocol" else ("enabled", "unmanaged")
    text = str(value).strip().lower()
    if text not in allowed:
        raise InputError(field, f"must be one of {', '.join(allowed)}; got {value!r}")
    return text


def _refuse_conflict(setting: Setting, value: OverrideValue, profile: str, field: str) -> None:
    needed_on = {"schannel.tls1_2.client"} | ({"schannel.tls1_2.server"} if profile == "strict" else set())
    if setting.id in needed_on and value == "disabled":
        raise InputError(field, f"conflicts with profile {profile}, which needs {setting.label} enabled")
    if setting.kind == "mask" and isinstance(value, int) and not value & TLS12:
        raise InputError(
            field, f"conflicts with profile {profile}: 0x{value:X} leaves out TLS 1.2 (0x800), which the profile needs"
        )


def apply_overrides(
    requirements: dict[str, Requirement], overrides: t.Mapping[str, OverrideValue]
) -> dict[str, Requirement]:
    """Return the requirements with each override in place of the profile's rule."""
    result = dict(requirements)
    for setting_id, value in overrides.items():
        if value == "unmanaged":
            result.pop(setting_id, None)
        elif isinstance(value, int):
            result[setting_id] = MaskRequirement(value, ALL_PROTOCOL_BITS & ~value, value, exact=True)
        elif SETTINGS_BY_ID[setting_id].kind == "protocol":
            result[setting_id] = ProtocolRequirement(value)
        else:
            result[setting_id] = FlagRequirement(1)
    return result

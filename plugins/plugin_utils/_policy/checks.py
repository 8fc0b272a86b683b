# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check of each registry setting against its requirement (internal use only).

Compliance is judged on the *effective* state: a value that is absent takes the release's
documented default (reference table 1a); each check returns its findings and the changes
that make the host right.
"""

from __future__ import annotations

import typing as t

from .._sources import keys as src
from .._sources.state import HostState, RegValue
from .catalogue import describe_bits, Release, TLS12, TLS13
from .findings import Change, ERROR, Finding, WARNING
from .group_policy import overriding_policy, policy_setting, WININET_ENCRYPTION
from .settings import (
    FlagRequirement,
    Location,
    mask_to_write,
    MaskRequirement,
    ProtocolRequirement,
    Requirement,
    SCHANNEL_PROTOCOLS,
    Setting,
)


def protocol_state(default: str, enabled: int | None, disabled_by_default: int | None) -> str:
    """The effective Schannel state of one protocol side (reference 2a, judging rule).

    ``Enabled`` and ``DisabledByDefault`` are judged separately: ``Enabled`` 0 disables the
    protocol, any other DWORD (1, 0xFFFFFFFF) does not; ``DisabledByDefault`` non-zero keeps it
    from being offered, 0 offers it. An absent value takes the release default: an existing
    protocol is never "off" for want of ``Enabled`` [S8][S22]. Returns ``disabled``,
    ``not_offered``, ``offered``, ``unsupported`` (not in this release or removed) or ``unknown``
    (the release default is not documented and the registry does not settle it).
    """
    if default in ("unsupported", "removed"):
        return "unsupported"
    if enabled == 0:
        return "disabled"
    if enabled is None and default == "unknown":
        return "unknown"
    if disabled_by_default is not None:
        return "offered" if disabled_by_default == 0 else "not_offered"
    return {"enabled": "offered", "disabled": "not_offered"}.get(default, "unknown")


def host_locations(setting: Setting, state: HostState) -> list[Location]:
    """The locations of ``setting`` that exist on the host."""
    # 32-bit Windows has no Wow6432Node: never write one there.
    return [loc for loc in setting.locations if not (loc.x64_only and state.architecture == "x86")]


def dword_value(value: RegValue | None) -> int | None:
    # Microsoft documents these values as REG_DWORD only; another type is judged as absent (the release
    # default) and reported where it matters (reference 2a.4).
    return t.cast(int, value.data) if value is not None and value.type == "dword" else None


def _change(setting: Setting, loc: Location, value: RegValue | None, desired: int) -> Change:
    current = None if value is None else value.to_dict()["data"]
    wrong_type = value.type if value is not None and value.type != "dword" else None
    return Change(setting.id, loc.path, loc.name, "dword", current, desired, setting.reboot, wrong_type)


def check_setting(
    setting: Setting, requirement: Requirement, state: HostState, release: Release, pin: bool
) -> tuple[list[Finding], list[Change]]:
    if isinstance(requirement, ProtocolRequirement):
        return _check_protocol(setting, requirement, state, release, pin)
    findings: list[Finding] = []
    changes: list[Change] = []
    for loc in host_locations(setting, state):
        if isinstance(requirement, MaskRequirement):
            finding, change = _check_mask(setting, loc, requirement, state, release, pin)
        else:
            finding, change = _check_flag(setting, loc, requirement, state)
        policy = _set_policy(state, loc)
        if policy is not None:
            # The policy value is what Windows uses: the machine value is neither judged nor written.
            finding, change = _overridden(setting, loc, policy, state, finding), None
        findings.extend([finding] if finding else [])
        changes.extend([change] if change else [])
    return findings, changes


def _set_policy(state: HostState, loc: Location) -> tuple[str, str, RegValue] | None:
    """The policy value (key, name, value) that overrides ``loc`` on this host, or None when none is set."""
    policy = overriding_policy(loc.path, loc.name)
    if policy is None:
        return None
    value = state.get(*policy)
    if value is None or dword_value(value) is None:
        # Group Policy writes these values as REG_DWORD; one of another type is not a policy Windows applies.
        return None
    return policy[0], policy[1], value


def _overridden(setting: Setting, loc: Location, policy: tuple[str, str, RegValue], state: HostState,
                finding: Finding | None) -> Finding | None:
    """A wrong machine value under a set policy: a warning naming the GPO setting, never a change."""
    if finding is None:
        return None
    key, name, value = policy
    machine = dword_value(state.get(loc.path, loc.name))
    shown = _show(state.get(loc.path, loc.name)) if machine is None else f"0x{machine:X} ({describe_bits(machine)})"
    policy_value = t.cast(int, value.data)
    return Finding(f"{location_id(setting, loc)}.overridden_by_policy", WARNING,
                   f"{_where(setting, loc)}: the machine value {loc.path}\\{loc.name} is {shown}, but Group Policy "
                   f"sets {key}\\{name} to 0x{policy_value:X} ({describe_bits(policy_value)}), which Windows uses "
                   "instead; tlsready does not write the machine value (Group Policy overrides it).",
                   f"Nothing to do while the policy is set. Should the GPO setting stop setting the value, the machine "
                   f"value applies again: then set {loc.path}\\{loc.name} as REG_DWORD (a converge does it).",
                   policy_setting(key))


def location_id(setting: Setting, loc: Location) -> str:
    """The id of one location's findings: the setting id, with ``.wow64`` for the 32-bit view."""
    return setting.id + (".wow64" if loc.x64_only else "")


def _where(setting: Setting, loc: Location) -> str:
    return f"{setting.label}{', ' + loc.view if loc.view else ''}"


_DEFAULT_WORDS = {
    "enabled": "offered by default",
    "disabled": "present but not offered by default",
    "unknown": "not documented",
}


def _check_protocol(
    setting: Setting, requirement: ProtocolRequirement, state: HostState, release: Release, pin: bool
) -> tuple[list[Finding], list[Change]]:
    """Judge ``Enabled`` and ``DisabledByDefault`` separately; a finding and a change name one value each."""
    proto, side = setting.id.split(".")[1:]
    default = release.protocols[proto][side]
    enabled_loc, dbd_loc = setting.locations
    if default in ("unsupported", "removed"):
        if requirement.state == "disabled":
            return [], []
        return [Finding(f"{setting.id}.unsupported", ERROR,
                        f"{setting.label} is {default} on {release.name}; tlsready will not enable it.",
                        f"Remove the override for {setting.id}.")], []
    enabled_raw, dbd_raw = state.get(enabled_loc.path, "Enabled"), state.get(dbd_loc.path, "DisabledByDefault")
    enabled, dbd = dword_value(enabled_raw), dword_value(dbd_raw)
    shown = (f"Enabled={_show(enabled_raw)}, DisabledByDefault={_show(dbd_raw)}; "
             f"the {release.name} default is: {_DEFAULT_WORDS[default]}")
    restart = "(REG_DWORD), then restart"
    findings: list[Finding] = []
    wanted: dict[str, int] = {}  # value name -> the DWORD to write
    if requirement.state == "enabled":
        if enabled == 0:
            findings.append(Finding(f"{setting.id}.disabled", ERROR,
                                    f"{setting.label} is disabled: Enabled=0 ({shown}).",
                                    f"Set {enabled_loc.path}\\Enabled=1 {restart}."))
            wanted["Enabled"] = 1
        elif enabled is None and default == "unknown":
            findings.append(Finding(f"{setting.id}.unknown_default", ERROR,
                                    f"{setting.label}: Enabled is absent and Microsoft does not document the "
                                    f"{release.name} default, so tlsready cannot tell whether it is on ({shown}).",
                                    f"Set {enabled_loc.path}\\Enabled=1 {restart}."))
            wanted["Enabled"] = 1
        elif pin and enabled is None:
            wanted["Enabled"] = 1
        by_default = dbd == 0 if dbd is not None else default == "enabled"
        if not by_default:
            findings.append(Finding(f"{setting.id}.not_offered", ERROR,
                                    f"{setting.label} is not offered by default: DisabledByDefault is "
                                    f"{_show(dbd_raw)} ({shown}).",
                                    f"Set {dbd_loc.path}\\DisabledByDefault=0 {restart}."))
            wanted["DisabledByDefault"] = 0
        elif pin and dbd is None:
            wanted["DisabledByDefault"] = 0
    else:
        if enabled != 0:
            findings.append(Finding(f"{setting.id}.not_disabled", ERROR,
                                    f"{setting.label} is not disabled: Enabled is {_show(enabled_raw)} ({shown}).",
                                    f"Set {enabled_loc.path}\\Enabled=0 {restart}."))
            wanted["Enabled"] = 0
        if pin and dbd != 1:
            wanted["DisabledByDefault"] = 1
    # A value of another type: Microsoft documents DWORD only and nothing about other types (reference 2a.4):
    # reported, judged by the release default above, and rewritten as a DWORD.
    target = {"Enabled": 1, "DisabledByDefault": 0} if requirement.state == "enabled" else \
        {"Enabled": 0, "DisabledByDefault": 1}
    for loc, raw in ((enabled_loc, enabled_raw), (dbd_loc, dbd_raw)):
        if raw is not None and raw.type != "dword":
            findings.append(Finding(f"{setting.id}.invalid_type", WARNING,
                                    f"{setting.label}: {loc.name} is {_show(raw)}; Microsoft documents it as REG_DWORD "
                                    "only and does not say how Schannel reads another type, so tlsready judges the "
                                    f"protocol by the {release.name} default ({_DEFAULT_WORDS[default]}) and "
                                    f"rewrites the value as REG_DWORD {wanted.get(loc.name, target[loc.name])}.",
                                    f"Replace {loc.path}\\{loc.name} with a REG_DWORD {restart}."))
            wanted.setdefault(loc.name, target[loc.name])
    changes = [_change(setting, loc, raw, wanted[loc.name])
               for loc, raw in ((enabled_loc, enabled_raw), (dbd_loc, dbd_raw)) if loc.name in wanted]
    return findings, changes


def _show(value: RegValue | None) -> str:
    if value is None:
        return "absent"
    if value.type == "dword":
        return str(value.data)
    return f"{value.to_dict()['data']!r} (REG_{value.type.upper()}, not a REG_DWORD)"


def _check_mask(
    setting: Setting, loc: Location, requirement: MaskRequirement, state: HostState, release: Release, pin: bool
) -> tuple[Finding | None, Change | None]:
    raw = state.get(loc.path, loc.name)
    value = dword_value(raw)
    winhttp = setting.id.startswith("winhttp.")
    default = release.winhttp_default if winhttp else None
    effective = value if value is not None else default
    where = _where(setting, loc)
    tls11_off = _tls11_client_disabled(state, release)
    write = mask_to_write(requirement, release, value, tls11_off)
    if write & TLS13 and not release.tls13:
        return Finding(f"{location_id(setting, loc)}.tls13_unsupported", ERROR,
                       f"{where}: the override 0x{write:X} includes TLS 1.3, which {release.name} "
                       "does not support; tlsready does not write it (reference 8.9).",
                       f"Remove 0x2000 from the override for {setting.id}."), None
    if release.tls13 and not write & TLS13:
        return Finding(f"{location_id(setting, loc)}.drops_tls13", ERROR,
                       f"{where}: the override 0x{write:X} would drop TLS 1.3 on {release.name}; "
                       "tlsready does not write it.", f"Add 0x2000 to the override for {setting.id}."), None
    if effective is None and winhttp and release.winhttp_tls12_native:
        # 8.1 / 2012 R2 and later servers: TLS 1.2 over WinHTTP natively, bitmask undocumented [S42][S19a].
        ok = not requirement.exclude or requirement.absent_ok
        shown = (f"absent; {release.name} supports TLS 1.2 over WinHTTP natively, but Microsoft does not document "
                 "which older protocols its default keeps")
    elif effective is None:
        ok = requirement.absent_ok
        shown = "absent, and the reference documents no default for this release"
    else:
        ok = effective & requirement.include == requirement.include and not effective & requirement.exclude
        source = "" if value is not None else f" ({release.name} default)"
        shown = f"0x{effective:X} = {describe_bits(effective)}{source}"
    change = _change(setting, loc, raw, write) if not ok or (pin and value is None) else None
    if raw is not None and value is None and change is None:
        # A wrongly typed value that the default covers: rewrite it so the registry says what Windows does.
        change = _change(setting, loc, raw, write)
    if ok:
        return None, change
    wanted = describe_bits(write)
    return Finding(location_id(setting, loc), ERROR, f"{where} is {shown}; needed: {_mask_need(requirement)}.",
                   f"Set {loc.path}\\{loc.name} to 0x{write:X} ({wanted}) as REG_DWORD"
                   f"{', then restart' if setting.reboot else ', then restart the programs using it'}."), change


def _tls11_client_disabled(state: HostState, release: Release) -> bool:
    """Whether TLS 1.1 client is off in Schannel (Enabled=0, or not in this release)."""
    path = rf"{SCHANNEL_PROTOCOLS}\TLS 1.1\Client"
    return protocol_state(release.protocols["tls1_1"]["client"], dword_value(state.get(path, "Enabled")),
                          dword_value(state.get(path, "DisabledByDefault"))) in ("disabled", "unsupported")


def _mask_need(requirement: MaskRequirement) -> str:
    need = f"includes {describe_bits(requirement.include)}"
    if requirement.exclude:
        need += f" and none of {describe_bits(requirement.exclude)}"
    return need


def _check_flag(
    setting: Setting, loc: Location, requirement: FlagRequirement, state: HostState
) -> tuple[Finding | None, Change | None]:
    raw = state.get(loc.path, loc.name)
    if dword_value(raw) == requirement.value:
        return None, None
    where = _where(setting, loc)
    return Finding(location_id(setting, loc), ERROR,
                   f"{where} is {_show(raw)}; it must be {requirement.value} so .NET programs can use TLS 1.2.",
                   f"Set {loc.path}\\{loc.name}={requirement.value} (REG_DWORD), then restart."), \
        _change(setting, loc, raw, requirement.value)


def check_wininet_policy(requirement: MaskRequirement, state: HostState) -> list[Finding]:
    # Group Policy owns this value and would put it back, so tlsready reports it and does not write it.
    value = dword_value(state.get(src.WININET_POLICY, "SecureProtocols"))
    if value is None:
        return []
    if value & requirement.include == requirement.include and not value & requirement.exclude:
        return []
    return [Finding("wininet.policy_secure_protocols", ERROR,
                    f"Group Policy sets WinINet secure protocols to 0x{value:X} ({describe_bits(value)}); "
                    f"needed: {_mask_need(requirement)}. Policy wins over the machine value, so tlsready writes "
                    "neither.",
                    "Change the Group Policy setting 'Turn off encryption support' (Internet Explorer > "
                    f"Internet Control Panel > Advanced Page) to a combination that includes TLS 1.2 (0x{TLS12:X}).",
                    WININET_ENCRYPTION)]

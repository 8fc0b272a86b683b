# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge a host's TLS state against a profile and plan the changes (internal use only).

Compliance is judged on the *effective* state: a value that is absent takes
the release's documented default (reference table 1a), so a host that is
already right needs no change. ``pin_explicit`` writes the value anyway where
it is absent, for admins who want every value visible in the registry.
"""

from __future__ import annotations

import dataclasses
import typing as t

from . import _sources as src
from ._catalogue import (
    PROTOCOLS,
    TLS12,
    TLS13,
    Release,
    UnknownRelease,
    build_catalogue,
    describe_bits,
    identify_release,
)
from ._ciphers import POLICY_2022, POLICY_2023, CipherVerdict, check_ciphers
from ._dotnet import DotnetState, judge_v4, read_dotnet
from ._guards import check_guards, fips_warning, validate_accept_risks
from ._hotfixes import HotfixVerdict, check_hotfix, hotfixes_for
from ._policy import CIPHER_SUITE_ORDER, FIPS_ALGORITHMS, WININET_ENCRYPTION, overriding_policy, policy_setting
from ._settings import (
    FlagRequirement,
    Location,
    MaskRequirement,
    ProtocolRequirement,
    mask_to_write,
    Requirement,
    SCHANNEL_PROTOCOLS,
    Setting,
    SETTINGS,
    apply_overrides,
    profile_requirements,
    validate_overrides,
    validate_profile,
)
from ._state import HostState, RegValue, format_version

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


def evaluate(
    state: HostState,
    profile: str = "m365_client",
    overrides: t.Mapping[str, t.Any] | None = None,
    pin_explicit: bool = False,
    accept_risks: t.Iterable[str] | None = None,
    management_tls: bool = False,
    extra_releases: t.Any = None,
) -> Evaluation:
    """Evaluate ``state`` against ``profile`` with ``overrides``.

    Args:
        accept_risks: safety guards (``_guards.GUARDS``) whose risk the admin accepts.
        management_tls: this run reaches the host over WinRM/PSRP HTTPS.
        extra_releases: releases added to the shipped catalogue (``_catalogue.build_catalogue``).

    Raises:
        InputError: for an unknown profile, a bad override, an unknown guard or a bad extra release.
    """
    profile = validate_profile(profile)
    checked_overrides = validate_overrides(overrides, profile)
    accepted = validate_accept_risks(accept_risks)
    found = identify_release(state, build_catalogue(extra_releases))
    if isinstance(found, UnknownRelease):
        release_info = {
            "id": None,
            "name": found.name,
            "build": format_version(state.version),
            "architecture": state.architecture,
            "supported": False,
        }
        finding = Finding("release.unsupported", ERROR, f"Unsupported release: {found.name}: {found.reason}.",
                          found.remediation)
        return Evaluation(profile, release_info, [finding], [], [])
    release = found
    release_info = {
        "id": release.id,
        "name": release.name,
        "build": release.build,
        "architecture": state.architecture,
        "supported": True,
    }
    findings = [
        Finding("facts.unreadable", ERROR, f"Could not read {problem}; tlsready cannot judge what it cannot read.",
                "Run again with an account that can read the whole registry (an administrator), "
                "or export the missing key with files/collect.cmd.")
        for problem in state.problems
    ]
    if state.reboot_pending:
        findings.append(Finding("host.reboot_pending", WARNING,
                                "Windows reports a pending restart; installed updates may not be active yet.",
                                "Restart the host."))
    dotnet = read_dotnet(state)
    installed = {"dotnet35"} if dotnet.legacy_installed else set()
    verdicts = [check_hotfix(h, release, state) for h in hotfixes_for(release, installed)]
    for verdict in verdicts:
        if not verdict.present:
            findings.append(_hotfix_finding(verdict, release, state))
    dotnet_verdict = judge_v4(dotnet, release.name)
    if dotnet_verdict is not None:
        findings.append(Finding(*dotnet_verdict))
    profile_reqs = profile_requirements(profile, release)
    if not dotnet.legacy_installed:
        # .NET 2.0-3.5 flags are judged only where that framework is installed [S18][S43].
        profile_reqs = {k: v for k, v in profile_reqs.items() if not k.startswith("dotnet2.")}
    requirements = apply_overrides(profile_reqs, checked_overrides)
    changes: list[Change] = []
    for setting in SETTINGS:
        requirement = requirements.get(setting.id)
        if requirement is not None:
            setting_findings, setting_changes = _check_setting(setting, requirement, state, release, pin_explicit)
            findings.extend(setting_findings)
            changes.extend(setting_changes)
    if "wininet.secure_protocols" in requirements:
        findings.extend(_check_wininet_policy(t.cast(MaskRequirement, requirements["wininet.secure_protocols"]), state))
    ciphers = check_ciphers(state, release, verdicts)
    findings.extend(_cipher_findings(ciphers))
    blocked = _guard_findings(state, release, changes, findings, accepted, management_tls)
    judged = tuple(s.id for s in SETTINGS if s.id in requirements)
    return Evaluation(profile, release_info, findings, verdicts, changes, blocked, release, dotnet, judged, ciphers)


def _guard_findings(
    state: HostState, release: Release, changes: list[Change], findings: list[Finding],
    accepted: frozenset[str], management_tls: bool,
) -> list[str]:
    """Add the safety guard findings for protocols this plan disables; return the blocking guards."""
    disabled = {c.setting for c in changes if c.name == "Enabled" and c.desired == 0}
    if not disabled:
        return []
    tls12_server = _offered(state, release, "tls1_2", "server")
    blocked = []
    for guard in check_guards(state, release, disabled, tls12_server, management_tls, accepted):
        if guard.accepted:
            findings.append(Finding(f"guard.{guard.guard}.accepted", WARNING,
                                    f"Risk accepted: {guard.message}", guard.remediation))
        else:
            blocked.append(guard.guard)
            findings.append(Finding(f"guard.{guard.guard}", ERROR,
                                    f"Blocked before any change: {guard.message}", guard.remediation))
    warning = fips_warning(state, disabled)
    if warning:
        findings.append(Finding("guard.fips_policy", WARNING, warning,
                                "Check whether the FIPS policy is required before relying on disabled protocols.",
                                FIPS_ALGORITHMS))
    return blocked


def _offered(state: HostState, release: Release, proto: str, side: str) -> bool:
    """Whether a protocol is offered by default now (table 1a default unless the registry says otherwise)."""
    path = rf"{SCHANNEL_PROTOCOLS}\{PROTOCOLS[proto]}\{side.capitalize()}"
    return protocol_state(release.protocols[proto][side], _dword(state.get(path, "Enabled")),
                          _dword(state.get(path, "DisabledByDefault"))) == "offered"


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


def _hotfix_finding(verdict: HotfixVerdict, release: Release, state: HostState) -> Finding:
    hotfix = verdict.hotfix
    note = f" Note: {hotfix.note}." if hotfix.note else ""
    if hotfix.unconfirmed:
        # Reference 3c / 8.1: report it, never block on it.
        return Finding(
            f"hotfix.{hotfix.kb}.unconfirmed",
            WARNING,
            f"{hotfix.kb} is not listed: it reportedly {hotfix.purpose}, but no Microsoft source confirms it, so "
            f"this does not affect compliance. Evidence: {verdict.evidence}.{note}",
            f"Check with Microsoft's Update Catalog whether {hotfix.kb} applies before installing it "
            f"(file {hotfix.msu_pattern(release, state.architecture)}).",
        )
    if not verdict.absence_proven:
        listing = state.provenance
        return Finding(
            f"hotfix.{hotfix.kb}.not_proven",
            ERROR,
            f"{hotfix.kb} is not proven installed or missing: it {hotfix.purpose}. The updates list "
            f"({listing.hotfixes}) declares {listing.hotfixes_declared} updates but lists only "
            f"{listing.hotfixes_listed}, so an update missing from it may still be installed. "
            f"Evidence: {verdict.evidence}.",
            "Collect the full list: run files/collect.cmd on the host (it writes hotfixes.csv with wmic qfe or "
            "PowerShell Get-HotFix, which list every update), or add the output of "
            "'wmic qfe get HotFixID /format:csv' as hotfixes.csv to the folder; nothing is installed until then."
            f"{note}",
        )
    return Finding(
        f"hotfix.{hotfix.kb}.missing",
        ERROR,
        f"{hotfix.kb} is missing: it {hotfix.purpose}. Evidence: {verdict.evidence}.",
        f"Install {hotfix.kb} (file {hotfix.msu_pattern(release, state.architecture)}) and restart.{note}",
    )


def host_locations(setting: Setting, state: HostState) -> list[Location]:
    """The locations of ``setting`` that exist on the host."""
    # 32-bit Windows has no Wow6432Node: never write one there.
    return [loc for loc in setting.locations if not (loc.x64_only and state.architecture == "x86")]


def _dword(value: RegValue | None) -> int | None:
    # Microsoft documents these values as REG_DWORD only; another type is judged as absent (the release
    # default) and reported where it matters (reference 2a.4).
    return t.cast(int, value.data) if value is not None and value.type == "dword" else None


def _change(setting: Setting, loc: Location, value: RegValue | None, desired: int) -> Change:
    current = None if value is None else value.to_dict()["data"]
    wrong_type = value.type if value is not None and value.type != "dword" else None
    return Change(setting.id, loc.path, loc.name, "dword", current, desired, setting.reboot, wrong_type)


def _check_setting(
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
    if value is None or _dword(value) is None:
        # Group Policy writes these values as REG_DWORD; one of another type is not a policy Windows applies.
        return None
    return policy[0], policy[1], value


def _overridden(setting: Setting, loc: Location, policy: tuple[str, str, RegValue], state: HostState,
                finding: Finding | None) -> Finding | None:
    """A wrong machine value under a set policy: a warning naming the GPO setting, never a change."""
    if finding is None:
        return None
    key, name, value = policy
    machine = _dword(state.get(loc.path, loc.name))
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
    enabled, dbd = _dword(enabled_raw), _dword(dbd_raw)
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
    value = _dword(raw)
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
    return protocol_state(release.protocols["tls1_1"]["client"], _dword(state.get(path, "Enabled")),
                          _dword(state.get(path, "DisabledByDefault"))) in ("disabled", "unsupported")


def _mask_need(requirement: MaskRequirement) -> str:
    need = f"includes {describe_bits(requirement.include)}"
    if requirement.exclude:
        need += f" and none of {describe_bits(requirement.exclude)}"
    return need


def _check_flag(
    setting: Setting, loc: Location, requirement: FlagRequirement, state: HostState
) -> tuple[Finding | None, Change | None]:
    raw = state.get(loc.path, loc.name)
    if _dword(raw) == requirement.value:
        return None, None
    where = _where(setting, loc)
    return Finding(location_id(setting, loc), ERROR,
                   f"{where} is {_show(raw)}; it must be {requirement.value} so .NET programs can use TLS 1.2.",
                   f"Set {loc.path}\\{loc.name}={requirement.value} (REG_DWORD), then restart."), \
        _change(setting, loc, raw, requirement.value)


def _check_wininet_policy(requirement: MaskRequirement, state: HostState) -> list[Finding]:
    # Group Policy owns this value and would put it back, so tlsready reports it and does not write it.
    value = _dword(state.get(src.WININET_POLICY, "SecureProtocols"))
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


def _cipher_findings(verdict: CipherVerdict) -> list[Finding]:
    causes = "; ".join(verdict.causes)
    # The GPO order wins over the local list [S6][S7]: when it removed the suites, it is the fix.
    owner = CIPHER_SUITE_ORDER if verdict.policy_removed else ""
    if verdict.problem == "none":
        return [Finding("cipher.no_afd_suite", ERROR,
                        f"The host offers no cipher suite that Azure Front Door (Microsoft 365) accepts under "
                        f"{POLICY_2023} (the default) or {POLICY_2022}{': ' + causes if causes else ''}.",
                        "Keep TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 "
                        f"(accepted by {POLICY_2023} and {POLICY_2022}) enabled and at the top of any Group Policy "
                        "cipher order; Windows 7 to 8.1 cannot offer them and reach only "
                        f"{POLICY_2022} endpoints, through TLS_DHE_RSA_WITH_AES_*_GCM or "
                        "TLS_ECDHE_RSA_WITH_AES_*_CBC_SHA384/256: install the cipher update and keep Diffie-Hellman "
                        "enabled.", owner)]
    if verdict.problem == "policy_2022_only":
        return [Finding("cipher.afd_policy_2022_only", WARNING,
                        f"The host's Azure Front Door suites ({', '.join(sorted(verdict.accepted))}) are accepted only "
                        f"by the {POLICY_2022} policy, not by the default {POLICY_2023}, which accepts only "
                        "ECDHE-RSA-AES-GCM and TLS 1.3 suites; which policy fronts SharePoint Online and OneDrive "
                        f"is not documented (reference 4, 8.4){': ' + causes if causes else ''}.",
                        f"Expect connections only to endpoints that use {POLICY_2022}; for the default "
                        f"{POLICY_2023}, move the host to a release that offers TLS_ECDHE_RSA_WITH_AES_*_GCM "
                        "(Windows 10 / Server 2016 or later).", owner)]
    return []

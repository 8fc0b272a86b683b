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
from ._catalogue import PROTOCOLS, TLS12, TLS13, Release, UnknownRelease, describe_bits, identify_release
from ._ciphers import check_ciphers
from ._guards import check_guards, fips_warning, validate_accept_risks
from ._hotfixes import HotfixVerdict, check_hotfix, hotfixes_for
from ._settings import (
    FlagRequirement,
    Location,
    MaskRequirement,
    ProtocolRequirement,
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
    """Something about the host, with a stable ``id`` and the fix in words."""

    id: str
    severity: str
    message: str
    remediation: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


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

    @property
    def compliant(self) -> bool:
        return self.release["supported"] and not any(f.severity == ERROR for f in self.findings)

    @property
    def missing_hotfixes(self) -> list[str]:
        # An update absent from a cut list is "not proven", never "missing": nothing is planned for it.
        return [v.hotfix.kb for v in self.hotfixes if not v.present and v.absence_proven]

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
        }


def evaluate(
    state: HostState,
    profile: str = "m365_client",
    overrides: t.Mapping[str, t.Any] | None = None,
    pin_explicit: bool = False,
    accept_risks: t.Iterable[str] | None = None,
    management_tls: bool = False,
) -> Evaluation:
    """Evaluate ``state`` against ``profile`` with ``overrides``.

    Args:
        accept_risks: safety guards (``_guards.GUARDS``) whose risk the admin accepts.
        management_tls: this run reaches the host over WinRM/PSRP HTTPS.

    Raises:
        InputError: for an unknown profile, a bad override or an unknown guard.
    """
    profile = validate_profile(profile)
    checked_overrides = validate_overrides(overrides, profile)
    accepted = validate_accept_risks(accept_risks)
    found = identify_release(state)
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
    verdicts = [check_hotfix(h, release, state) for h in hotfixes_for(release)]
    for verdict in verdicts:
        if not verdict.present:
            findings.append(_hotfix_finding(verdict, release, state))
    requirements = apply_overrides(profile_requirements(profile, release), checked_overrides)
    changes: list[Change] = []
    for setting in SETTINGS:
        requirement = requirements.get(setting.id)
        if requirement is not None:
            setting_findings, setting_changes = _check_setting(setting, requirement, state, release, pin_explicit)
            findings.extend(setting_findings)
            changes.extend(setting_changes)
    if "wininet.secure_protocols" in requirements:
        findings.extend(_check_wininet_policy(t.cast(MaskRequirement, requirements["wininet.secure_protocols"]), state))
    findings.extend(_cipher_findings(state, release, verdicts))
    blocked = _guard_findings(state, release, changes, findings, accepted, management_tls)
    return Evaluation(profile, release_info, findings, verdicts, changes, blocked)


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
                                "Check whether the FIPS policy is required before relying on disabled protocols."))
    return blocked


def _offered(state: HostState, release: Release, proto: str, side: str) -> bool:
    """Whether a protocol is offered by default now (table 1a default unless the registry says otherwise)."""
    default = release.protocols[proto][side]
    if default in ("unsupported", "removed"):
        return False
    path = rf"{SCHANNEL_PROTOCOLS}\{PROTOCOLS[proto]}\{side.capitalize()}"
    is_on, by_default = _effective(default, _dword(state.get(path, "Enabled")),
                                   _dword(state.get(path, "DisabledByDefault")))
    return is_on and by_default


def _effective(default: str, enabled: int | None, disabled_by_default: int | None) -> tuple[bool, bool]:
    """Return (enabled, offered by default) from the values, or the release default where absent [S27]."""
    is_on = enabled != 0 if enabled is not None else default == "enabled"
    by_default = disabled_by_default == 0 if disabled_by_default is not None else default == "enabled"
    return is_on, by_default


def _hotfix_finding(verdict: HotfixVerdict, release: Release, state: HostState) -> Finding:
    hotfix = verdict.hotfix
    note = f" Note: {hotfix.note}." if hotfix.note else ""
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


def _locations(setting: Setting, state: HostState) -> list[Location]:
    # 32-bit Windows has no Wow6432Node: never write one there.
    return [loc for loc in setting.locations if not (loc.x64_only and state.architecture == "x86")]


def _dword(value: RegValue | None) -> int | None:
    # Windows reads these as REG_DWORD only; another type is as good as absent.
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
    for loc in _locations(setting, state):
        if isinstance(requirement, MaskRequirement):
            finding, change = _check_mask(setting, loc, requirement, state, release, pin)
        else:
            finding, change = _check_flag(setting, loc, t.cast(FlagRequirement, requirement), state)
        findings.extend([finding] if finding else [])
        changes.extend([change] if change else [])
    return findings, changes


def _finding_id(setting: Setting, loc: Location) -> str:
    return setting.id + (".wow64" if loc.x64_only else "")


def _where(setting: Setting, loc: Location) -> str:
    return f"{setting.label}{', ' + loc.view if loc.view else ''}"


def _check_protocol(
    setting: Setting, requirement: ProtocolRequirement, state: HostState, release: Release, pin: bool
) -> tuple[list[Finding], list[Change]]:
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
             f"the {release.name} default is {default}")
    changes = []
    if requirement.state == "enabled":
        is_on, by_default = _effective(default, enabled, dbd)
        if not is_on or (pin and enabled is None):
            changes.append(_change(setting, enabled_loc, enabled_raw, 1))
        if not by_default or (pin and dbd is None):
            changes.append(_change(setting, dbd_loc, dbd_raw, 0))
        if is_on and by_default:
            return [], changes
        return [Finding(f"{setting.id}.not_enabled", ERROR, f"{setting.label} is not offered by default ({shown}).",
                        f"Set {enabled_loc.path}: Enabled=1 and DisabledByDefault=0 (REG_DWORD), then restart.")], changes
    hard_off = enabled == 0
    if not hard_off:
        changes.append(_change(setting, enabled_loc, enabled_raw, 0))
    if dbd != 1 and (not hard_off or pin):
        changes.append(_change(setting, dbd_loc, dbd_raw, 1))
    if hard_off:
        return [], changes
    return [Finding(f"{setting.id}.not_disabled", ERROR, f"{setting.label} is not disabled ({shown}).",
                    f"Set {enabled_loc.path}: Enabled=0 and DisabledByDefault=1 (REG_DWORD), then restart.")], changes


def _show(value: RegValue | None) -> str:
    if value is None:
        return "absent"
    if value.type == "dword":
        return str(value.data)
    return f"{value.to_dict()['data']!r} ({value.type}, ignored by Windows)"


def _check_mask(
    setting: Setting, loc: Location, requirement: MaskRequirement, state: HostState, release: Release, pin: bool
) -> tuple[Finding | None, Change | None]:
    raw = state.get(loc.path, loc.name)
    value = _dword(raw)
    default = release.winhttp_default if setting.id.startswith("winhttp.") else None
    effective = value if value is not None else default
    where = _where(setting, loc)
    if requirement.write & TLS13 and not release.tls13:
        return Finding(f"{_finding_id(setting, loc)}.tls13_unsupported", ERROR,
                       f"{where}: the override 0x{requirement.write:X} includes TLS 1.3, which {release.name} "
                       "does not support; tlsready does not write it (reference 8.9).",
                       f"Remove 0x2000 from the override for {setting.id}."), None
    if release.tls13 and not requirement.write & TLS13:
        return Finding(f"{_finding_id(setting, loc)}.drops_tls13", ERROR,
                       f"{where}: the override 0x{requirement.write:X} would drop TLS 1.3 on {release.name}; "
                       "tlsready does not write it.", f"Add 0x2000 to the override for {setting.id}."), None
    if effective is None:
        ok = requirement.absent_ok
        shown = "absent, and the reference documents no default for this release"
    else:
        ok = effective & requirement.include == requirement.include and not effective & requirement.exclude
        source = "" if value is not None else f" ({release.name} default)"
        shown = f"0x{effective:X} = {describe_bits(effective)}{source}"
    change = _change(setting, loc, raw, requirement.write) if not ok or (pin and value is None) else None
    if ok:
        return None, change
    wanted = describe_bits(requirement.write)
    return Finding(_finding_id(setting, loc), ERROR, f"{where} is {shown}; needed: {_mask_need(requirement)}.",
                   f"Set {loc.path}\\{loc.name} to 0x{requirement.write:X} ({wanted}) as REG_DWORD"
                   f"{', then restart' if setting.reboot else ', then restart the programs using it'}."), change


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
    return Finding(_finding_id(setting, loc), ERROR,
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
                    f"needed: {_mask_need(requirement)}. Policy wins over the machine value.",
                    "Change the Group Policy setting 'Turn off encryption support' (Internet Explorer > "
                    f"Internet Control Panel > Advanced Page) to include TLS 1.2 (0x{TLS12:X}).")]


def _cipher_findings(state: HostState, release: Release, verdicts: list[HotfixVerdict]) -> list[Finding]:
    verdict = check_ciphers(state, release, verdicts)
    causes = "; ".join(verdict.causes)
    if verdict.problem == "none":
        return [Finding("cipher.no_afd_suite", ERROR,
                        "The host offers no cipher suite that Microsoft 365 / Azure Front Door accepts"
                        f"{': ' + causes if causes else ''}.",
                        "Keep TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "
                        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 or TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 enabled and at "
                        "the top of any Group Policy cipher order; on Windows 7 to 8.1 install the cipher update "
                        "and keep Diffie-Hellman enabled.")]
    if verdict.problem == "cbc_only":
        return [Finding("cipher.cbc_only", WARNING,
                        "The only Azure Front Door suites left are the CBC ones of the TLSv1.2_2022 policy "
                        f"({', '.join(sorted(verdict.accepted))}); whether SharePoint Online accepts them is "
                        f"uncertain{': ' + causes if causes else ''}.",
                        "Enable a GCM suite (TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 or an ECDHE GCM suite).")]
    return []

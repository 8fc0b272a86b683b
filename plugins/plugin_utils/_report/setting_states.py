# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The three states of every setting tlsready judges: configured, pending, effective (internal use only).

One :class:`SettingState` per registry setting the evaluation judged (a protocol side, a value in
one registry view) and one for the cipher suites:

* *configured*: what the registry holds and whether it is what the profile needs (read from the
  evaluation's findings, never judged again here);
* *pending*: the value was written by this converge and waits for a restart that has not happened:
  of the host (Schannel, WinHTTP) or of each program using it (.NET, WinINet);
* *effective*: what the handshake probe observed through the stack the setting governs, or
  ``not_probed``.

``HostResult.to_result`` returns them as ``setting_states``; tls_report carries them into every
report format. docs/reference/setting-states.md holds the sources.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._policy.checks import host_locations, location_id
from .._policy.findings import ERROR, Evaluation
from .._policy.settings import HOST_RESTART, Location, Setting, SETTINGS_BY_ID
from .._rollout.probe import ProbeResult, ProbeRun, TLS_CLASS
from .._sources.state import HostState, normalize_key, RegValue

RIGHT, WRONG = "right", "wrong"
WORKS, FAILS, UNKNOWN, NOT_PROBED = "works", "fails", "unknown", "not_probed"
EFFECTIVE_STATES = (WORKS, FAILS, UNKNOWN, NOT_PROBED)
CIPHER_STATE = "cipher.suites"
CIPHER_LABEL = "Cipher suites Azure Front Door accepts (Schannel)"
NO_PROBE = "not probed: no tls_probe result was given (probe option; tlsready_probe in the audit playbook)"

# The stack whose probe observes each setting, in the registry view of the probing process. The
# probe proves that TLS 1.2 works, not that an old protocol is off; nothing observes WinINet or the
# .NET 2.0-3.5 values (docs/reference/probe.md section 4).
OBSERVED_BY: dict[str, str] = {
    "schannel.tls1_2.client": "schannel",
    CIPHER_STATE: "schannel",
    "winhttp.default_secure_protocols": "winhttp",
    "dotnet4.strong_crypto": "dotnet",
    "dotnet4.system_default_tls_versions": "dotnet",
}
_HEX_KINDS = ("mask",)


@dataclasses.dataclass(frozen=True)
class SettingState:
    """The three states of one setting on one host.

    Attributes:
        id: the setting and view, as its findings are named (``winhttp.default_secure_protocols.wow64``).
        setting: the setting id (``winhttp.default_secure_protocols``; ``cipher.suites`` for the suites).
        label: the setting in words, with its registry view.
        registry: what the registry holds, ``Name=value`` per value (``absent`` when there is none).
        configured: ``right`` (what the profile needs) or ``wrong`` (an error finding names it).
        pending: ``host_restart`` or ``program_restart`` when this run wrote the value and that restart
            has not happened; None otherwise.
        effective: ``works``, ``fails``, ``unknown`` (probed, endpoint not reached) or ``not_probed``.
        observed_by: the probed stack that observes the setting (None when none does in this view).
        effective_detail: what the probe saw for that stack, or why the setting was not probed.
    """

    id: str
    setting: str
    label: str
    registry: str
    configured: str
    pending: str | None
    effective: str
    observed_by: str | None
    effective_detail: str

    def to_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)


WrittenValues = t.AbstractSet[t.Tuple[str, str]]


def written_values(changes: t.Iterable[t.Mapping[str, t.Any]], applied: str) -> frozenset[tuple[str, str]]:
    """The (normalized key, lower-case name) of every change whose ``result`` is ``applied``."""
    return frozenset((normalize_key(str(c["path"])), str(c["name"]).lower()) for c in changes if c.get("result") == applied)


def setting_states(state: HostState, evaluation: Evaluation, probe: ProbeRun | None,
                   waiting: WrittenValues = frozenset()) -> list[SettingState]:
    """Return the three states of every setting ``evaluation`` judged on ``state``.

    Args:
        probe: the tls_probe observation of the host, or None when no probe was given.
        waiting: values this run wrote that wait for a restart (``written_values``; empty when
            the host restarted after the change, or nothing was written).
    """
    if evaluation.catalogue_release is None:
        return []  # an unsupported release: nothing was judged
    wrong = [f.id for f in evaluation.findings if f.severity == ERROR]
    observed_view = _observed_view(state, probe)
    states: list[SettingState] = []
    for setting_id in evaluation.judged:
        setting = SETTINGS_BY_ID[setting_id]
        if setting.kind == "protocol":
            groups = [(setting.id, setting.label, list(setting.locations), "")]
        else:
            groups = [(location_id(setting, loc), f"{setting.label}{', ' + loc.view if loc.view else ''}", [loc], loc.view)
                      for loc in host_locations(setting, state)]
        for state_id, label, locations, view in groups:
            owned = [f for f in wrong if _owns(state_id, f, setting)]
            written = any((normalize_key(loc.path), loc.name.lower()) in waiting for loc in locations)
            # Schannel's protocol keys have one view: a 32-bit probe observes them as a 64-bit one does.
            stack = OBSERVED_BY.get(setting.id) if view == observed_view or setting.kind == "protocol" else None
            effective, detail = _effective(probe, stack, label)
            states.append(SettingState(
                state_id, setting.id, label, "; ".join(_registry(setting, loc, state.get(loc.path, loc.name))
                                                       for loc in locations),
                WRONG if owned else RIGHT, setting.takes_effect if written else None, effective, stack, detail))
    if evaluation.ciphers is not None:
        verdict = evaluation.ciphers
        if verdict.problem == "unknown":
            held = "not known: " + "; ".join(verdict.causes)
        elif verdict.accepted:
            held = f"offered: {', '.join(sorted(verdict.accepted))} (Azure Front Door policies {', '.join(verdict.policies)})"
        else:
            held = "none offered" + (": " + "; ".join(verdict.causes) if verdict.causes else "")
        effective, detail = _effective(probe, OBSERVED_BY[CIPHER_STATE], CIPHER_LABEL)
        states.append(SettingState(CIPHER_STATE, CIPHER_STATE, CIPHER_LABEL, held,
                                   WRONG if any(f.startswith("cipher.") for f in wrong) else RIGHT, None,
                                   effective, OBSERVED_BY[CIPHER_STATE], detail))
    return states


def _owns(state_id: str, finding_id: str, setting: Setting) -> bool:
    """Whether ``finding_id`` is about the setting state ``state_id`` (one view of ``setting``)."""
    if finding_id == "wininet.policy_secure_protocols":
        # The Group Policy value wins over the machine value (reference 2c).
        return setting.id == "wininet.secure_protocols"
    if finding_id != state_id and not finding_id.startswith(state_id + "."):
        return False
    # The native view's findings are not the 32-bit view's (setting.id.wow64...).
    return state_id.endswith(".wow64") or not finding_id.startswith(setting.id + ".wow64")


def _observed_view(state: HostState, probe: ProbeRun | None) -> str | None:
    """The registry view the probing process read: "" (native) or "32-bit view" (a 32-bit process on x64)."""
    if probe is None or not probe.probed:
        return None
    if probe.runtime.get("process_64bit") is False and state.architecture != "x86":
        return "32-bit view"
    return ""


def _registry(setting: Setting, loc: Location, value: RegValue | None) -> str:
    if value is None:
        return f"{loc.name}=absent"
    if value.type == "dword" and isinstance(value.data, int):
        return f"{loc.name}=0x{value.data:X}" if setting.kind in _HEX_KINDS else f"{loc.name}={value.data}"
    return f"{loc.name}={value.to_dict()['data']!r} (REG_{value.type.upper()})"


def _effective(probe: ProbeRun | None, stack: str | None, label: str) -> tuple[str, str]:
    """The effective state of a setting observed by ``stack``, and what the probe saw."""
    if probe is None:
        return NOT_PROBED, NO_PROBE
    if not probe.probed:
        return NOT_PROBED, probe.reason or "not probed"
    if stack is None:
        return NOT_PROBED, f"no probed stack observes {label} (docs/reference/probe.md section 4)"
    results = probe.for_stack(stack)
    if not results:
        return NOT_PROBED, f"the probe did not try the {stack} stack (tls_probe stacks)"
    if all(r.outcome == "not_applicable" for r in results):
        return NOT_PROBED, _describe(results)
    verdict = probe.effective(stack)
    if verdict == "fails":
        return FAILS, _describe([r for r in results if r.outcome in TLS_CLASS])
    if verdict == "works":
        return WORKS, _describe(results)
    return UNKNOWN, "not reached, so not proven: " + _describe([r for r in results if not r.success])


def _describe(results: t.Sequence[ProbeResult]) -> str:
    return f"{results[0].stack}: " + "; ".join(r.describe() for r in results)


def effective_summary(states: t.Sequence[t.Mapping[str, t.Any]]) -> str:
    """One word or phrase for a host: ``fails: winhttp, dotnet``, ``works``, ``unknown`` or ``not probed``.

    ``states`` are SettingState dictionaries as the report holds them.
    """
    failing = sorted({str(s.get("observed_by")) for s in states if s.get("effective") == FAILS})
    if failing:
        return "fails: " + ", ".join(failing)
    seen = {s.get("effective") for s in states}
    if WORKS in seen:
        return WORKS + (" (some not proven)" if UNKNOWN in seen else "")
    return UNKNOWN if UNKNOWN in seen else "not probed"


def pending_summary(states: t.Sequence[t.Mapping[str, t.Any]]) -> str:
    """``host restart`` / ``program restart`` (both when both), or empty when nothing waits."""
    kinds = {str(s.get("pending")) for s in states if s.get("pending")}
    return ", ".join(("host restart" if k == HOST_RESTART else "program restart") for k in sorted(kinds))

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Can the host still offer a cipher suite that Microsoft 365 accepts? (internal use only)

Reference section 4: Azure Front Door, which fronts SharePoint Online and
OneDrive, accepts few TLS 1.2 suites. The suites a host offers are its local
list (plus what an installed cipher update adds), cut down to the Group Policy
list when one is set (suites not listed are not used [S6][S7]), minus DHE or
ECDHE suites whose key exchange is disabled in Schannel [S27].

Front Door's predefined policies accept different suites (reference 4, [S16]):
the default ``TLSv1.2_2023`` only ECDHE-RSA-AES-GCM (and TLS 1.3); ``TLSv1.2_2022``
also DHE-RSA-AES-GCM and ECDHE-RSA-AES-CBC-SHA384/256. Which policy fronts
SharePoint Online is not documented (reference 8.4), so a host that can reach
only ``TLSv1.2_2022`` gets a warning naming that policy, whichever of the two
suite families it still has.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._sources import keys as src
from .._sources.state import HostState
from .catalogue import AFD_POLICY_2022, AFD_POLICY_2023, Release, TLS13_SUITES
from .hotfixes import HotfixVerdict, local_cipher_suites, normalize_suite

_KEX = src.SCHANNEL + r"\KeyExchangeAlgorithms"


POLICY_2023, POLICY_2022 = "TLSv1.2_2023", "TLSv1.2_2022"
AFD_POLICIES: dict[str, frozenset[str]] = {POLICY_2023: AFD_POLICY_2023, POLICY_2022: AFD_POLICY_2022}


@dataclasses.dataclass(frozen=True)
class CipherVerdict:
    """The AFD-accepted suites a host offers and, when that is a problem, why.

    Attributes:
        accepted: offered suites that some AFD policy accepts.
        policies: the predefined AFD policies the host can still connect to, newest first.
        problem: ``""`` (the default policy works), ``"none"`` (no policy works),
            ``"policy_2022_only"`` or ``"unknown"`` (the suites could not be read).
    """

    accepted: frozenset[str]
    problem: str
    causes: tuple[str, ...]
    policies: tuple[str, ...] = ()
    # AFD-accepted suites the host has but the Group Policy cipher suite order leaves out.
    policy_removed: frozenset[str] = frozenset()


class OfferedSuites(t.NamedTuple):
    """The suites a host can offer (None when unknown), why suites were lost, and those the GPO order removed."""

    suites: set[str] | None
    causes: list[str]
    policy_removed: frozenset[str] = frozenset()


def offered_suites(state: HostState, release: Release, verdicts: list[HotfixVerdict]) -> OfferedSuites:
    """Return the suites the host can offer (None when unknown), why suites were lost and what the GPO removed."""
    causes: list[str] = []
    removed: frozenset[str] = frozenset()
    local = local_cipher_suites(state)
    if local is not None:
        offered = set(local)
        # An update listed as installed adds its suites even if the exported list predates it.
        for verdict in verdicts:
            if verdict.hotfix.kb in state.hotfixes:
                offered |= verdict.hotfix.suites
    elif all(v.present for v in verdicts if v.hotfix.suites):
        offered = set(release.afd_suites)
    else:
        return OfferedSuites(None, ["the cipher update is missing and the local cipher list was not read"])
    if not release.tls13:
        offered -= TLS13_SUITES
    policy = state.get(src.CIPHER_POLICY, "Functions")
    if policy is not None and isinstance(policy.data, (str, tuple)):
        items = policy.data.split(",") if isinstance(policy.data, str) else list(policy.data)
        allowed = {normalize_suite(s) for s in items if s.strip()}
        removed = frozenset((offered & AFD_POLICY_2022 - TLS13_SUITES) - allowed)
        if removed:
            causes.append(f"the Group Policy cipher suite order leaves out {', '.join(sorted(removed))}")
        offered &= allowed
    for algorithm, prefix in (("Diffie-Hellman", "TLS_DHE_"), ("ECDH", "TLS_ECDHE_")):
        enabled = state.get(rf"{_KEX}\{algorithm}", "Enabled")
        if enabled is not None and enabled.type == "dword" and enabled.data == 0:
            lost = {s for s in offered if s.startswith(prefix)}
            if lost:
                causes.append(f"Schannel key exchange {algorithm} is disabled (Enabled=0)")
            offered -= lost
    return OfferedSuites(offered, causes, removed)


def check_ciphers(state: HostState, release: Release, verdicts: list[HotfixVerdict]) -> CipherVerdict:
    """Judge which predefined AFD policy at least one offered suite matches (reference 4 and 4a)."""
    offered, causes, removed = offered_suites(state, release, verdicts)
    if offered is None:
        return CipherVerdict(frozenset(), "unknown", tuple(causes))
    accepted = frozenset(offered & AFD_POLICY_2022)
    policies = tuple(name for name, suites in AFD_POLICIES.items() if offered & suites)
    if not accepted:
        if not release.afd_suites:
            causes.append(f"{release.name} has no cipher suite that Azure Front Door accepts (reference 4a)")
        return CipherVerdict(accepted, "none", tuple(causes), policies, removed)
    if POLICY_2023 not in policies:
        return CipherVerdict(accepted, "policy_2022_only", tuple(causes), policies, removed)
    return CipherVerdict(accepted, "", tuple(causes), policies, removed)

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The canary rollout's brake between waves, and its part of the report (internal use only).

``playbooks/converge.yml`` converges in waves (the play's ``serial``). Before each wave,
tls_rollout decides from the results of the waves before it whether this one starts: once the
hosts whose change failed (the canary post-check reverted or lost them, or the run failed part
way) reach ``max_fail_percentage`` of the hosts of those waves, no later wave starts. Ansible's
own ``max_fail_percentage`` is not used: when it trips it ends the playbook, and the report play
would never run (docs/canary-rollout.md).
"""

from __future__ import annotations

import dataclasses
import typing as t

from .._errors import InputError

# Report statuses that count against the threshold: the change went wrong on the host. A host
# unreachable before any change, or still noncompliant (an old .NET), says nothing about the change.
ROLLOUT_FAILURES = ("failed", "reverted", "lost")
# A host that failed before this run changed anything (not counted).
UNCHANGED_FAILURE = "failed_before_change"
_NAMED = 5


@dataclasses.dataclass(frozen=True)
class WaveHost:
    """A host of an earlier wave: its wave, whether that wave started, and its report status."""

    host: str
    wave: int
    started: bool
    status: str
    reason: str | None = None


@dataclasses.dataclass(frozen=True)
class WaveDecision:
    """Whether wave ``wave`` starts; when not, ``reason`` says after which wave the rollout stopped and why."""

    wave: int
    start: bool
    max_fail_percentage: float
    reason: str | None = None

    def to_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)


def check_percentage(value: t.Any) -> float:
    """Return ``value`` as a percentage from 0 to 100, or raise naming max_fail_percentage."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if isinstance(value, bool) or not 0 <= number <= 100:
        raise InputError("max_fail_percentage", f"must be a number from 0 to 100; got {value!r}")
    return number


def decide_wave(previous: t.Sequence[WaveHost], max_fail_percentage: float) -> WaveDecision:
    """Decide the next wave from the hosts of the waves before it.

    A wave does not start when an earlier one did not (the rollout stays stopped), or when the
    hosts of the earlier waves that failed their change are at least ``max_fail_percentage`` of
    them (0: any failure stops the rollout).
    """
    wave = 1 + max((h.wave for h in previous), default=0)
    stopped = next((h for h in previous if not h.started), None)
    if stopped is not None:
        return WaveDecision(wave, False, max_fail_percentage, stopped.reason)
    failures = [h for h in previous if h.status in ROLLOUT_FAILURES]
    if not failures or 100 * len(failures) < max_fail_percentage * len(previous):
        return WaveDecision(wave, True, max_fail_percentage)
    named = ", ".join(f"{h.host} ({h.status})" for h in failures[:_NAMED])
    more = f" and {len(failures) - _NAMED} more" if len(failures) > _NAMED else ""
    share = round(100 * len(failures) / len(previous), 1)
    reason = (f"rollout stopped after wave {wave - 1} because {len(failures)} of the {len(previous)} hosts of waves "
              f"1-{wave - 1} failed their change ({share:g}%, tlsready_max_fail_percentage {max_fail_percentage:g}): "
              f"{named}{more}")
    return WaveDecision(wave, False, max_fail_percentage, reason)


def decision_of(value: t.Any) -> WaveDecision | None:
    """The WaveDecision a registered tls_rollout result holds, or None when it is not one."""
    if not isinstance(value, t.Mapping) or not isinstance(value.get("wave"), int) or not isinstance(value.get("start"), bool):
        return None
    reason = value.get("reason")
    return WaveDecision(value["wave"], value["start"], float(value.get("max_fail_percentage") or 0),
                        str(reason) if reason else None)


def not_started_message(decision: WaveDecision) -> str:
    """The error of a host whose wave did not start (the report's not_started entry)."""
    return f"not started ({decision.reason})"


def apply_rollout(report: dict[str, t.Any], decisions: t.Mapping[str, WaveDecision]) -> None:
    """Add each host's wave and the report's ``rollout`` block (waves run, where and why it stopped)."""
    if not decisions:
        return
    waves: dict[int, dict[str, t.Any]] = {}
    for host in report["hosts"]:
        decision = decisions.get(str(host["host"]))
        if decision is None:
            continue
        host["wave"] = decision.wave
        wave = waves.setdefault(decision.wave, {"wave": decision.wave, "hosts": 0, "started": decision.start,
                                                "failed": []})
        wave["hosts"] += 1
        if host["status"] in ROLLOUT_FAILURES:
            wave["failed"].append(str(host["host"]))
    stopped = next((d.reason for d in sorted(decisions.values(), key=lambda d: d.wave) if not d.start), None)
    report["rollout"] = {
        "max_fail_percentage": next(iter(decisions.values())).max_fail_percentage,
        "waves": [waves[n] for n in sorted(waves)],
        "stopped": stopped,
    }

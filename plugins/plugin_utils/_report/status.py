# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each host's status in the reports and the rollout: what a host recorded, classified (internal use only).

Hosts that were unreachable or failed are such in every format, never compliant.
"""

from __future__ import annotations

import typing as t

STATUSES = ("compliant", "noncompliant", "unsupported", "unreachable", "failed",
            # The canary rollout's (docs/canary-rollout.md): a host restored after its post-change check
            # failed, a host lost after its change, a host of a wave the rollout did not start.
            "reverted", "lost", "not_started")
ROLLOUT_STATUSES = STATUSES[5:]

# Statuses of hosts without a verdict of their own: the entry's error says why.
ERROR_STATUSES = ("unreachable", "failed", "reverted", "lost", "not_started")


NO_RESULT = "no tlsready result recorded: the host failed or was not reached"


def host_result(name: str, found: t.Any, var: str = "result") -> tuple[dict[str, t.Any] | None, tuple[str, str] | None]:
    """Turn what a host recorded in ``var`` into a report result, or a failure (status, message).

    ``found`` is either a result fact (the ``tls12`` role's ``tls12_result``: an evaluation
    with ``host``, marked ``failed`` when the run failed part way), or the registered result of
    M(tlsready.windows.tls_facts) (the ``audit`` role's ``audit_facts``): its ``evaluation`` and
    ``state.source`` when it read the host, ``unreachable`` or ``failed`` with its message
    otherwise. Anything else is a failure: a host is never reported compliant without an evaluation.
    """
    if not isinstance(found, t.Mapping):
        return None, ("failed", NO_RESULT)
    if found.get("unreachable"):
        return {"host": name, "unreachable": True, "error": str(found.get("error") or found.get("msg") or "unreachable")}, None
    # The three states of each setting (tls_facts and tls_converge return them beside the evaluation).
    states = found.get("setting_states")
    converge = found.get("converge")
    if isinstance(converge, t.Mapping) and isinstance(found.get("evaluation"), t.Mapping):
        # A registered tls_converge result: the verdict after the run and what the run did.
        found = {**found["evaluation"], "source": (found.get("state") or {}).get("source"), **converge}
    if found.get("failed") and "compliant" not in found:
        return None, ("failed", str(found.get("msg") or "the tlsready task failed on this host"))
    if found.get("skipped"):
        return None, ("failed", "the tlsready task was skipped on this host: " + str(found.get("skip_reason") or "no result"))
    evaluation = found.get("evaluation")
    if isinstance(evaluation, t.Mapping):
        state = found.get("state") or {}
        found = {**evaluation, "source": state.get("source")}
        if isinstance(state.get("provenance"), t.Mapping):
            # Passthrough only: which export each fact came from, and the updates list's counts.
            found["provenance"] = dict(state["provenance"])
    elif "state" in found or "invocation" in found:
        return None, ("failed", NO_RESULT)
    if states is not None:
        found = {**found, "setting_states": states}
    problem = result_problem(found)
    if problem is not None:
        return None, ("failed", f"{var} of this host is not a tlsready result: {problem}")
    return {**found, "host": name}, None


def status_fact(evaluation: t.Mapping[str, t.Any], state: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Return the fact ``tlsready_status``: the verdict in a few fields, small enough to cache per host.

    It is what an AWX smart inventory or a fact-cache query filters on; the full state and
    evaluation stay in the task result.
    """
    release = evaluation.get("release") or {}
    return {
        "profile": evaluation.get("profile"),
        "status": host_status(evaluation),
        "compliant": bool(evaluation.get("compliant")),
        "release": release.get("name"),
        "build": release.get("build"),
        "missing_hotfixes": list(evaluation.get("missing_hotfixes") or []),
        "findings": sorted({f["id"] for f in evaluation.get("findings") or [] if f.get("severity") == "error"}),
        "reboot_pending": bool(state.get("reboot_pending")),
        "reboot_required": bool(evaluation.get("reboot_required")),
        "source": state.get("source"),
    }


def host_status(result: t.Mapping[str, t.Any]) -> str:
    """Return the status of one host result."""
    if result.get("unreachable"):
        return "unreachable"
    post_check = result.get("post_check")
    if isinstance(post_check, t.Mapping) and post_check.get("outcome") in ("reverted", "lost"):
        # The canary post-check failed after the change (tls_converge post_check).
        return str(post_check["outcome"])
    if result.get("failed"):
        # The run failed part way (a restart that timed out, a write that failed): never compliant.
        return "failed"
    if not (result.get("release") or {}).get("supported", False):
        return "unsupported"
    return "compliant" if result.get("compliant") else "noncompliant"


def result_problem(result: t.Mapping[str, t.Any]) -> str | None:
    """Return why ``result`` is not a host result the report can show, or None when it is one.

    A host result is the ``tls12`` role's ``tls12_result`` fact or the evaluation of a registered
    tls_facts result; ``tls_report`` may be pointed (``result_var``) at any host variable, and one that
    is not such a result is reported as a failure.
    """
    if not result.get("unreachable") and "compliant" not in result:
        return "it has no 'compliant' key"
    release = result.get("release")
    if release is not None and not isinstance(release, t.Mapping):
        return "'release' is not a dictionary"
    if release is not None and not isinstance(release.get("name"), (str, type(None))):
        return "'release.name' is not a string"
    for key in ("findings", "changes", "applied", "setting_states"):
        items = result.get(key)
        if items is not None and (not isinstance(items, list) or not all(isinstance(i, t.Mapping) for i in items)):
            return f"'{key}' is not a list of dictionaries"
    hotfixes = result.get("missing_hotfixes")
    if hotfixes is not None and (not isinstance(hotfixes, list) or not all(isinstance(h, str) for h in hotfixes)):
        return "'missing_hotfixes' is not a list of update ids"
    return None

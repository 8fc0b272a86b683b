# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each host of the play recorded, read from hostvars on the controller (internal use only).

tls_report and tls_rollout read the results of every host of the play this way.
"""

from __future__ import annotations

import typing as t


def recorded(hostvars: t.Any, name: str, var: str) -> t.Any:
    """Return what host ``name`` recorded in ``var``.

    A registered M(tlsready.windows.tls_facts) result is taken as stored (``raw_get``): a module
    result holds no template, and templating ``hostvars[name][var]`` walks the whole result,
    the host's registry included, which at 1,000 hosts cost most of the report's time
    (benchmarks/README.md). Anything else (a fact set with set_fact, an inventory variable)
    goes through ``hostvars`` and its templating as before.
    """
    raw_get = getattr(hostvars, "raw_get", None)
    if raw_get is not None:
        variables = raw_get(name)
        value = variables.get(var) if isinstance(variables, t.Mapping) else None
        if isinstance(value, t.Mapping) and registered_facts(value):
            return value
    return (hostvars.get(name) or {}).get(var)


def registered_facts(value: t.Mapping[str, t.Any]) -> bool:
    """Whether ``value`` is a registered tls_facts result (read, unreachable or failed)."""
    if "evaluation" in value and "state" in value:
        return True
    # A failed one has no evaluation but a message; a tls12_result fact marked failed has "compliant".
    return "compliant" not in value and bool(value.get("unreachable") or value.get("failed")) and "msg" in value

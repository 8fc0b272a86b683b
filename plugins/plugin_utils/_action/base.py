# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared base of the tlsready action plugins (internal use only).

It validates the task arguments with the plugin's own spec, reads the host's
state from the live host (one call to ``win_tls_read``) or from its offline
folder, and turns every tlsready error into a task failure with a clear
message, never a traceback.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure

from .._apply.record import load_offline_folder
from .._errors import InputError, TlsReadyError
from .._policy.evaluate import evaluate
from .._policy.findings import Evaluation
from .._rollout.simulate import active_condition, lost_message
from .._secrets import no_log_values, Redactor
from .._sources.live import failure_hint, read_module_args, state_from_read_result
from .._sources.state import HostState
from .runners import Runners

READ_MODULE = "tlsready.windows.win_tls_read"

POLICY_SPEC: dict[str, dict[str, t.Any]] = {
    # Checked by the policy code so that every bad value gets the same message form.
    "profile": {"type": "str", "default": "m365_client"},
    "overrides": {"type": "dict", "default": {}},
    "pin_explicit": {"type": "bool", "default": False},
    "accept_risks": {"type": "list", "elements": "str", "default": []},
    "extra_releases": {"type": "list", "elements": "dict", "default": []},
}
STATE_SPEC: dict[str, dict[str, t.Any]] = {"state": {"type": "dict"}}


def unreadable_message(state: HostState) -> str:
    """The refusal to change a host whose state was not fully read."""
    return ("Nothing was changed: tlsready could not read " + "; ".join(state.problems) +
            ". It does not change what it cannot read; fix the access (an administrator account reads everything) "
            "and run again.")


def check_string_arguments(spec: t.Mapping[str, t.Mapping[str, t.Any]], args: t.Mapping[str, t.Any]) -> None:
    """Refuse a non-string value for a ``str`` or ``path`` option.

    Ansible's own check turns a dictionary or a list into its text form (``{'a': 1}``), which for
    a path would write a file of that name; tlsready refuses it instead, naming the option.

    Raises:
        InputError: naming the first option whose value is not a string.
    """
    for name, option in spec.items():
        value = args.get(name)
        if option.get("type", "str") in ("str", "path") and value is not None and not isinstance(value, str):
            raise InputError(name, f"must be a string; got {type(value).__name__} {value!r}"[:300])


class LiveReadError(TlsReadyError):
    """The read module failed on a live host."""


class TlsActionBase(Runners):
    """Validate, gather the state, run :meth:`_tls_run`, report errors cleanly.

    Subclasses set ``ARGUMENT_SPEC`` and implement ``_tls_run``.
    """

    ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {}
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp: str | None = None, task_vars: dict[str, t.Any] | None = None) -> dict[str, t.Any]:
        result = super().run(tmp, task_vars)
        del tmp
        try:
            check_string_arguments(self.ARGUMENT_SPEC, self._task.args)
            args = self.validate_argument_spec(argument_spec=self.ARGUMENT_SPEC)[1]
            result.update(self._tls_run(args, task_vars or {}))
        except TlsReadyError as err:
            result.update(failed=True, msg=str(err))
        except AnsibleActionFail as err:
            # A bad argument (unknown, wrong type, not one of the choices) or a missing host variable:
            # a failed result with the message, not an exception that carries a traceback with it.
            # ansible-core 2.16 adds "exception" (an empty traceback) to the result: there is none to show.
            result.update({key: value for key, value in err.result.items() if key != "exception"})
            # ansible-core 2.21 no longer puts failed and msg in err.result (it sets them when it makes
            # the task result from the exception), so without these the task would be ok and do nothing.
            result.setdefault("failed", True)
            result.setdefault("msg", err.message)
        # Options marked no_log (an update source may carry a token) never appear in the result.
        redact = Redactor(no_log_values(self.ARGUMENT_SPEC, self._task.args))
        return redact(result) if redact else result

    def _tls_run(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        raise NotImplementedError

    def _tls_offline_folder(self) -> str | None:
        """Return the host's export folder when it is an offline host, else None."""
        if not getattr(self._connection, "tlsready_offline", False):
            return None
        try:
            return str(self._connection.get_option("offline_path"))
        except KeyError:
            raise AnsibleActionFail(
                "tlsready_offline_path is not set for this offline host; set it to the folder of its exports"
            ) from None

    def _tls_state(self, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> HostState:
        """Return the host state passed in ``state``, or read it (one round trip on a live host)."""
        if args.get("state"):
            return HostState.from_dict(args["state"], field="state")
        folder = self._tls_offline_folder()
        if folder is not None:
            condition = active_condition(folder)
            if condition in ("lose_management", "unreachable"):
                # simulate.yml (docs/offline-hosts.md): the host as changed by tlsready cannot be managed.
                raise AnsibleConnectionFailure(lost_message(folder, condition, "read it"))
            return load_offline_folder(folder).state
        try:
            result = self._execute_module(module_name=READ_MODULE, module_args=read_module_args(), task_vars=task_vars)
        except AnsibleConnectionFailure as err:
            hint = failure_hint(str(err))
            if hint is None:
                raise
            raise AnsibleConnectionFailure(f"{err} {hint}") from err
        if result.get("failed") or result.get("unreachable"):
            message = str(result.get("msg", "the read module failed without a message"))
            hint = failure_hint(message)
            raise LiveReadError(f"Reading the TLS state failed: {message}" + (f" {hint}" if hint else ""))
        return state_from_read_result(result)

    def _tls_evaluate(self, state: HostState, args: dict[str, t.Any]) -> Evaluation:
        return evaluate(state, args["profile"], args["overrides"], args["pin_explicit"],
                        accept_risks=args["accept_risks"], management_tls=self._tls_management_uses_tls(),
                        extra_releases=args["extra_releases"])

    def _tls_management_uses_tls(self) -> bool:
        """Whether this run reaches the host over WinRM or PSRP HTTPS (the management channel guard)."""
        transport = getattr(self._connection, "transport", "")
        names = {"winrm": "scheme", "psrp": "protocol"}
        option = next((o for name, o in names.items() if str(transport).endswith(name)), None)
        if option is None:
            return False
        try:
            scheme = self._connection.get_option(option)
            port = int(self._connection.get_option("port") or 5986)
        except (KeyError, TypeError, ValueError):
            return True  # unknown: assume the safer answer, the guard then asks for an explicit acceptance
        return (scheme or ("http" if port == 5985 else "https")) == "https"

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ways a tlsready action runs something on the host, each written once (internal use only).

A module run with ``no_log`` (an update source stays out of the host's event log), another
action plugin run through the action loader as a task would run it (win_updates, win_reboot),
and the one batched registry write. A lost connection in the middle of a change is reported as a
failure, never as an exception, so the result still says exactly what was changed before it.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

from .._apply.changes import WRITE_MODULE

ModuleRunner = t.Callable[[str, t.Dict[str, t.Any]], t.Dict[str, t.Any]]


def lost_connection(err: Exception, what: str) -> str:
    """The words of a connection lost while changing the host: ``what`` happened or not is unknown."""
    return f"the connection to the host was lost ({err}); whether {what} is unknown"


class Runners(ActionBase):
    """The shared runners of the tlsready action plugins (mixed into ``TlsActionBase``)."""

    def _quiet_module(self, module: str, module_args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run a module with no_log on the host; a lost connection is a failed result."""
        no_log = self._task.no_log
        self._task.no_log = True
        try:
            return t.cast(t.Dict[str, t.Any], self._execute_module(module_name=module, module_args=module_args,
                                                                   task_vars=task_vars))
        except AnsibleConnectionFailure as err:
            # A failure, not unreachable, so the list of what was installed before it is kept.
            return {"failed": True, "msg": lost_connection(err, "it finished")}
        finally:
            self._task.no_log = no_log

    def _quiet_runner(self, task_vars: dict[str, t.Any]) -> ModuleRunner:
        """:meth:`_quiet_module` bound to this task's variables (the form ``_apply.updates`` takes)."""
        def run(module: str, module_args: dict[str, t.Any]) -> dict[str, t.Any]:
            return self._quiet_module(module, module_args, task_vars)
        return run

    def _run_action(self, name: str, args: dict[str, t.Any], task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Run another action plugin (win_reboot, win_updates) through the action loader, as a task would."""
        task = self._task.copy()
        task.args = args
        action = self._shared_loader_obj.action_loader.get(
            name, task=task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj,
        )
        return t.cast(t.Dict[str, t.Any], action.run(task_vars=task_vars))

    def _write_batch(self, module_args: dict[str, t.Any], task_vars: dict[str, t.Any],
                     what: str) -> tuple[dict[str, t.Any] | None, str | None]:
        """One call of the batched registry writer; return its result, or None and why when the connection was lost.

        The writer stops at the first failure and lists the values it reached, so the caller can say
        exactly which values changed.
        """
        try:
            written = self._execute_module(module_name=WRITE_MODULE, module_args=module_args, task_vars=task_vars)
        except AnsibleConnectionFailure as err:
            return None, lost_connection(err, what)
        return t.cast(t.Dict[str, t.Any], written), None

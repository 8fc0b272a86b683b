# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils is one pipeline of layers: read -> judge -> change -> verify -> report, then the actions.

Each layer may import the layers before it and the shared modules at the top, never a later one
(sources never import policy, policy never imports apply or report, ...); no action plugin imports
another. The import graph is read from the source files (every import, also inside functions).
"""

from __future__ import annotations

import ast
import pathlib
import typing as t

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[4]
PLUGIN_UTILS = ROOT / "plugins" / "plugin_utils"
PREFIX = "ansible_collections.tlsready.windows.plugins"

# The order of the pipeline: a layer imports only layers of a lower rank (and itself).
SHARED = ("_errors", "_secrets", "_safefile")
LAYERS = ("_sources", "_policy", "_apply", "_rollout", "_report", "_action")
RANK = {**{name: 0 for name in SHARED}, **{name: rank for rank, name in enumerate(LAYERS, start=1)}}


def module_name(path: pathlib.Path) -> str:
    """The dotted name Ansible imports ``path`` as."""
    relative = path.relative_to(ROOT).with_suffix("")
    return "ansible_collections.tlsready.windows." + ".".join(relative.parts)


def imported_modules(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``, relative ones resolved."""
    package = module_name(path).rsplit(".", 1)[0].split(".")
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            if node.module is None:
                # from .. import _safefile: each name is a module of that package
                found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, module))
    return found


def layer_of(module: str) -> str | None:
    """The plugin_utils layer (or shared module) ``module`` belongs to, None outside plugin_utils."""
    prefix = PREFIX + ".plugin_utils."
    if not module.startswith(prefix):
        return None
    return module[len(prefix):].split(".")[0]


def violations(path: pathlib.Path, imports: t.Iterable[tuple[int, str]]) -> list[str]:
    """Every import of ``path`` that runs against the layers."""
    own = layer_of(module_name(path))
    problems = []
    for line, module in imports:
        if module.startswith(PREFIX + ".action") and module_name(path).startswith(PREFIX + "."):
            problems.append(f"{path.name}:{line} imports the action plugin {module}")
            continue
        target = layer_of(module)
        if own is None or target is None or target == own:
            continue
        if target not in RANK:
            problems.append(f"{path.name}:{line} imports {module}, which is in no layer")
        elif (own in SHARED and target not in SHARED) or (own not in SHARED and RANK[target] >= RANK[own]):
            problems.append(f"{path.name}:{line}: {own} imports {module} of the later layer {target}")
    return problems


def plugin_files() -> list[pathlib.Path]:
    return sorted(p for p in (ROOT / "plugins").rglob("*.py") if "__pycache__" not in p.parts)


def test_plugin_utils_holds_only_the_layers_and_the_shared_modules() -> None:
    entries = {p.stem if p.is_file() else p.name for p in PLUGIN_UTILS.iterdir() if p.name != "__pycache__"}
    assert entries == set(SHARED) | set(LAYERS)


@pytest.mark.parametrize("path", plugin_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path: pathlib.Path) -> None:
    assert violations(path, imported_modules(path)) == []


@pytest.mark.parametrize("own, imported, allowed", [
    ("_sources/state.py", "_policy.settings", False),      # a reader never judges
    ("_policy/evaluate.py", "_apply.changes", False),      # policy never imports apply
    ("_policy/evaluate.py", "_report.status", False),      # nor report
    ("_apply/bundle.py", "_rollout.probe", False),
    ("_report/result.py", "_action.base", False),
    ("_safefile.py", "_sources.state", False),            # the shared modules import no layer
    ("_report/result.py", "_rollout.canary", True),
    ("_action/converge.py", "_sources.state", True),
    ("_policy/evaluate.py", "_errors", True),
])
def test_the_layer_check_catches_an_import_against_the_pipeline(own: str, imported: str, allowed: bool) -> None:
    """The check itself: an import against the order is reported, one along it is not."""
    path = PLUGIN_UTILS / own
    problems = violations(path, [(1, f"{PREFIX}.plugin_utils.{imported}")])
    assert (problems == []) is allowed, problems


def test_no_action_plugin_imports_another() -> None:
    path = ROOT / "plugins" / "action" / "tls_rollout.py"
    assert violations(path, [(1, f"{PREFIX}.action.tls_report")]) != []
    for action in (ROOT / "plugins" / "action").glob("*.py"):
        assert not [m for _line, m in imported_modules(action) if m.startswith(PREFIX + ".action")], action.name

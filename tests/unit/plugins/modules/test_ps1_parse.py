# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every PowerShell file parses with an independent PowerShell grammar (tree-sitter-powershell).

No PowerShell runs where this collection is developed; a parse error here is a script that would
fail on every host before doing anything. tree-sitter and tree-sitter-powershell are pinned in
requirements-dev.txt and installed by ``make venv``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

ROOT = Path(__file__).resolve().parents[4]
SCRIPTS = sorted(p for p in ROOT.glob("plugins/**/*.ps1"))
PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))


def errors(node: tree_sitter.Node) -> list[str]:
    """Every ERROR or MISSING node under ``node``, as line: text."""
    found = []
    if node.is_error or node.is_missing:
        text = (node.text or b"").decode("utf-8", "replace").splitlines()
        found.append(f"line {node.start_point[0] + 1}: {text[0] if text else node.type}")
    for child in node.children:
        if child.has_error or child.is_missing or child.is_error:
            found.extend(errors(child))
    return found


def test_there_are_scripts_to_parse() -> None:
    assert {p.name for p in SCRIPTS} >= {"win_tls_read.ps1", "win_tls_write.ps1"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_parses_without_errors(script: Path) -> None:
    tree = PARSER.parse(script.read_bytes())
    assert not tree.root_node.has_error, errors(tree.root_node)


def test_the_parser_finds_a_broken_script() -> None:
    tree = PARSER.parse(b"Function Broken { if ($true) { 'x' \n")
    assert tree.root_node.has_error

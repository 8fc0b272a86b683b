# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml's action group holds every module, and each module's docs say so."""

from __future__ import annotations

import pathlib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py"))


def test_the_action_group_lists_every_module() -> None:
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert sorted(runtime["action_groups"]["tls"]) == MODULES


def test_every_module_documents_its_group_membership() -> None:
    from ansible.utils.plugin_docs import get_docstring
    from ansible.plugins.loader import fragment_loader

    for name in MODULES:
        doc = get_docstring(str(ROOT / "plugins" / "modules" / f"{name}.py"), fragment_loader,
                            collection_name="tlsready.windows")[0]
        assert doc["attributes"]["action_group"]["membership"] == ["tlsready.windows.tls"], name

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own modules, imported from this checkout.

The lab is written with what tlsready itself reads and writes: the key paths and files of
``plugins/plugin_utils/_sources/keys.py`` (``keys``, imported with this module) and the ``.reg``
renderer of ``_sources/regfile.py`` with ``_sources/state.RegValue`` (``load_renderer``).

When ``ansible_collections.tlsready.windows`` is not importable (no ``PYTHONPATH`` or collections
path pointing at this checkout), this repository is linked as ``ansible_collections/tlsready/windows``
in a temporary folder (removed at exit) and imported from there, so that a plain
``python lab/generate.py`` works from a checkout.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import os
import shutil
import sys
import tempfile
import types
import typing as t

# lab/labgen/collection.py -> the repository root.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = "ansible_collections.tlsready.windows.plugins.plugin_utils"


@functools.cache
def _link_checkout() -> str:
    """Link this checkout as a collection in a temporary folder put first on ``sys.path`` (once)."""
    temp = tempfile.mkdtemp(prefix="tlsready-lab-")
    atexit.register(shutil.rmtree, temp, True)
    os.makedirs(os.path.join(temp, "ansible_collections", "tlsready"))
    os.symlink(REPO, os.path.join(temp, "ansible_collections", "tlsready", "windows"))
    sys.path.insert(0, temp)
    importlib.invalidate_caches()
    return temp


def plugin_utils(name: str) -> types.ModuleType:
    """Import ``plugins/plugin_utils/<name>`` (dotted) of the collection, from this checkout if need be."""
    try:
        return importlib.import_module(f"{PACKAGE}.{name}")
    except ImportError:
        _link_checkout()
        return importlib.import_module(f"{PACKAGE}.{name}")


def load_renderer() -> tuple[t.Callable[..., bytes], t.Callable[[str, t.Any], t.Any]]:
    """``render_reg`` and ``RegValue`` of the collection (imported when the first ``.reg`` is rendered)."""
    return plugin_utils("_sources.regfile").render_reg, plugin_utils("_sources.state").RegValue


# The key paths and files tlsready reads: the lab's exports name the same keys (model.py).
keys = plugin_utils("_sources.keys")

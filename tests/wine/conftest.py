# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wine as an independent peer: its cmd.exe, reg.exe, wusa.exe and expand.exe run our files.

No one here wrote Wine, so a ``.cmd`` or ``.reg`` file that Wine's programs accept has met a
reader other than our own. Wine is not Windows: where the two differ (see the Known differences
in docs/building-and-testing.md), a test says so and the code follows Windows' documented
behaviour.

``make wine-tests`` installs Debian's ``wine64`` and sets ``TLSREADY_REQUIRE_WINE=1``, so a
missing Wine fails there; a plain ``pytest tests/wine`` elsewhere skips, saying why.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import types
import typing as t
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "lab" / "hosts"
# The test files import tlsready's plugin_utils: from the installed collection (make build), as
# tests/lab uses it, or the checkout's own ansible_collections/ tree when run from a sanity copy.
for _path in (os.environ.get("TLSREADY_TEST_COLLECTIONS", str(ROOT / "build" / "collections")),
              str(ROOT.parent.parent.parent)):
    if os.path.isdir(os.path.join(_path, "ansible_collections", "tlsready", "windows")):
        sys.path.insert(0, _path)
        break

# Debian's wine64 package puts its loader here and nothing on PATH (the `wine` wrapper
# package is not needed for 64-bit programs).
_LOADER_CANDIDATES = ("/usr/lib/wine/wine64", "wine64", "wine")


def _find_loader() -> str | None:
    for candidate in _LOADER_CANDIDATES:
        found = shutil.which(candidate) if "/" not in candidate else (candidate if os.access(candidate, os.X_OK) else None)
        if found:
            return found
    return None


def windows_path(path: str | os.PathLike[str]) -> str:
    """Return the Windows form of a controller path as Wine sees it (``Z:`` is ``/``)."""
    return "Z:" + str(PurePosixPath(os.path.abspath(path))).replace("/", "\\")


class Wine:
    """One Wine prefix (a private C: drive and registry) and the programs in it."""

    def __init__(self, loader: str, prefix: Path) -> None:
        self.loader = loader
        self.prefix = prefix
        self.env = dict(os.environ)
        # WINEDEBUG=-all: no debug chatter on stderr; mscoree/mshtml disabled: no Mono or
        # Gecko install prompts (neither can be fetched here, and no test needs them).
        self.env.update(WINEPREFIX=str(prefix), WINEDEBUG="-all", WINEDLLOVERRIDES="mscoree,mshtml=")
        self.env.pop("DISPLAY", None)

    def run(
        self, *args: str, cwd: str | os.PathLike[str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a Windows program (``cmd``, ``reg``, ``wusa``, ``expand`` ...) with ``args``."""
        return subprocess.run(
            [self.loader, *args],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )

    def cmd(self, script: str | os.PathLike[str], *args: str, cwd: str | os.PathLike[str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a batch file with Wine's cmd.exe, as ``cmd /c "script" args``."""
        return self.run("cmd", "/c", windows_path(script), *args, cwd=cwd or os.path.dirname(script), timeout=timeout)

    def reg(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("reg", *args)

    def reg_import(self, path: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
        return self.reg("import", windows_path(path))

    def reg_export(self, key: str, path: str | os.PathLike[str]) -> subprocess.CompletedProcess[str]:
        """Export ``key`` (``HKLM\\...``) to ``path`` in reg.exe's own UTF-16 format."""
        return self.reg("export", key, windows_path(path), "/y")

    def reg_delete(self, key: str) -> subprocess.CompletedProcess[str]:
        return self.reg("delete", key, "/f")


@pytest.fixture(scope="session")
def wine_loader() -> str:
    loader = _find_loader()
    if loader is None:
        if os.environ.get("TLSREADY_REQUIRE_WINE") == "1":
            pytest.fail("Wine is required (TLSREADY_REQUIRE_WINE=1) but no wine64 loader was found")
        pytest.skip("Wine (Debian package wine64) is not installed; `make wine-tests` installs it")
    return loader


@pytest.fixture(scope="session")
def wine_prefix(wine_loader: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Wine prefix made once per test session (wineboot takes several seconds)."""
    prefix = tmp_path_factory.mktemp("wineprefix")
    boot = Wine(wine_loader, prefix).run("cmd", "/c", "echo", "ready", timeout=300)
    if "ready" not in boot.stdout:
        pytest.fail(f"Wine did not start: rc={boot.returncode} stdout={boot.stdout!r} stderr={boot.stderr[-2000:]!r}")
    return prefix


@pytest.fixture()
def wine(wine_loader: str, wine_prefix: Path) -> t.Iterator[Wine]:
    """The session's Wine prefix; a test deletes the registry keys it imports before and after."""
    yield Wine(wine_loader, wine_prefix)


@pytest.fixture(scope="session")
def generator() -> types.ModuleType:
    """The lab generator's names the Wine tests use, from its package lab/labgen, in one module.

    The Wine tests seed Wine's registry from the lab hosts: ``lab_hosts`` (labgen.hosts),
    ``EXPORTS`` (labgen.model), ``identity_values`` and ``render_qfe`` (labgen.exports).
    """
    lab = str(ROOT / "lab")
    if lab not in sys.path:
        sys.path.insert(0, lab)  # labgen is imported from lab/ (it is no plugin of the collection)
    exports, hosts, model = (importlib.import_module(f"labgen.{name}") for name in ("exports", "hosts", "model"))
    module = types.ModuleType("tlsready_lab_generator_wine")
    module.__dict__.update(lab_hosts=hosts.lab_hosts, EXPORTS=model.EXPORTS, identity_values=exports.identity_values,
                           render_qfe=exports.render_qfe)
    return module

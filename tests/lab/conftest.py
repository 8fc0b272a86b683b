# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the lab tests (helpers are in labkit.py)."""

from __future__ import annotations

import os
import shutil

import pytest

from labkit import ROOT


@pytest.fixture()
def lab(tmp_path: os.PathLike[str]) -> str:
    copy = os.path.join(str(tmp_path), "lab")
    shutil.copytree(os.path.join(ROOT, "lab"), copy, ignore=shutil.ignore_patterns(".runs"))
    return copy

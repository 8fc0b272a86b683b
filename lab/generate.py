#!/usr/bin/env python
# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Generate the offline lab: folders of Windows exports that stand in for real hosts.

Each lab host is a folder as ``files/collect.cmd`` writes it on a real machine:

* ``systeminfo.csv`` (``systeminfo /fo csv``; some hosts have ``systeminfo.txt``, the list format),
* one ``.reg`` file per exported registry key (``reg export``: UTF-16 LE with a BOM; one
  host has a file re-saved as UTF-8),
* ``fileversions.csv`` (appended ``wmic datafile ... /format:csv`` runs),
* ``collect.log`` (what collect.cmd exported and what it skipped).

The values are those of a real installation of each release (lab/README.md says where
each fact comes from). Output is deterministic: running the script twice gives the same
bytes, and a unit test checks that the committed ``lab/`` equals a fresh generation.

Usage::

    python3 lab/generate.py                     # rewrite lab/hosts/ and lab/inventory.yml
    python3 lab/generate.py --out /tmp/lab      # the same lab somewhere else
    python3 lab/generate.py --copies 10000 --out /tmp/fleet
                                                # 10,000 hosts cycled from the lab, <name>-00001 ...
    python3 lab/generate.py --live-reads DIR    # the win_tls_read result of each lab host

This file is only the command line: the hosts, the renderers and the writing are in the package
``lab/labgen/`` (its ``__init__`` lists the modules). The ``.reg`` files are written by the
collection's own renderer (``plugins/plugin_utils/_sources/regfile.render_reg``); when
``ansible_collections.tlsready.windows`` is not importable, labgen links this checkout as
``ansible_collections/tlsready/windows`` in a temporary folder and imports it from there, so a
plain ``python lab/generate.py`` works from a checkout.
"""

from __future__ import annotations

import os
import sys

# Run as a script, lab/ is already sys.path[0]; loaded from its path by other code, it is not.
_LAB = os.path.dirname(os.path.abspath(__file__))
if _LAB not in sys.path:
    sys.path.insert(0, _LAB)
# A run of the generator leaves nothing in lab/ but hosts/ and inventory.yml (no labgen/__pycache__).
sys.dont_write_bytecode = True

from labgen.cli import main  # noqa: E402  (needs lab/ on sys.path, set just above)

if __name__ == "__main__":
    sys.exit(main())

# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offline lab generator; ``lab/generate.py`` is its command line (lab/README.md).

Each lab host is a folder as ``files/collect.cmd`` writes it on a real machine. The modules, from
the bottom up (each imports only those above it):

* ``collection``: the collection's own modules (``_sources.keys``, ``regfile.render_reg``, ``state.RegValue``),
  from this checkout if it is not importable otherwise.
* ``model``: the registry key constants, ``EXPORTS`` and ``FILES``, value helpers, ``Host``, ``FAMILIES``.
* ``suites``: the cipher suite and curve lists.
* ``builders``: registry parts and whole host registries, hardware and file versions.
* ``localisation``: the localised systeminfo labels and the copies of win7-patched (issue 15).
* ``hosts_verdict``: the verdict hosts (issue 10) and the canary host (issue 14).
* ``hosts``: ``lab_hosts()``, every lab host in inventory order.
* ``systeminfo``: systeminfo output, English and localised.
* ``exports``: the other files of a host folder (.reg, fileversions.csv, collect.log, osidentity.txt,
  hotfixes.csv, simulate.yml).
* ``live``: the win_tls_read result of each lab host (``--live-reads``).
* ``write``: writing the lab or its copies, and the inventory.
* ``cli``: ``main``, the flags of ``generate.py``.

Tests import the modules they need with ``lab/`` on ``sys.path`` (``from labgen.hosts import lab_hosts``).
"""

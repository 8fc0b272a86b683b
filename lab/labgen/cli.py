# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command line of ``lab/generate.py``: ``main`` parses the flags and runs write.py or live.py.

``python3 lab/generate.py`` rewrites lab/hosts/ and lab/inventory.yml; ``--out DIR`` writes the
same lab elsewhere; ``--copies N --out DIR`` writes N hosts cycled through the lab;
``--live-reads DIR`` writes instead the win_tls_read result of each lab host as DIR/<host>.json.
"""

from __future__ import annotations

import argparse
import os
import typing as t

from .collection import REPO
from .live import write_live_reads
from .write import generate_copies, generate_lab

LAB = os.path.join(REPO, "lab")
# The first paragraph of generate.py's docstring, as --help has always shown it.
DESCRIPTION = "Generate the offline lab: folders of Windows exports that stand in for real hosts."


def main(argv: t.Sequence[str] | None = None) -> int:
    """Run the generator with ``argv`` (default: the command line); return the exit status."""
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--out", help="folder to write hosts/ and inventory.yml into (default: lab/ of this checkout)")
    parser.add_argument("--copies", type=int, help="write this many hosts cycled through the lab (needs --out)")
    parser.add_argument("--live-reads", metavar="DIR",
                        help="write instead the win_tls_read result of each lab host as DIR/<host>.json")
    args = parser.parse_args(argv)
    if args.live_reads:
        names = write_live_reads(os.path.abspath(args.live_reads))
        print(f"wrote {len(names)} win_tls_read results under {os.path.abspath(args.live_reads)}")
        return 0
    if args.copies is not None:
        if args.out is None:
            parser.error("--copies needs --out: the committed lab/ holds the lab hosts only")
        if args.copies < 1:
            parser.error("--copies must be 1 or more")
    out = os.path.abspath(args.out or LAB)
    os.makedirs(out, exist_ok=True)
    if args.copies is not None:
        names = generate_copies(out, args.copies)
    else:
        names = generate_lab(out)
    print(f"wrote {len(names)} hosts and inventory.yml under {out}")
    return 0

"""Offline stand-in for the get-pip bootstrap script that ansible-test downloads.

ansible-test creates each sanity-test virtualenv without pip, then bootstraps pip by
running a get-pip script it downloads from its own CI file host, which is not reachable
from this project's machines. ``make sanity`` copies this file into ansible-test's
cache (``~/.ansible/test/cache/get_pip_<version>.py``) when no script is cached there.

It is run the way get-pip is run: as ``__main__``, by the new virtualenv's Python,
with pip install arguments (``pip==X.Y``) plus get-pip's own ``--no-setuptools`` and
``--no-wheel`` flags. It installs the standard library's bundled pip (``ensurepip``),
then the requested packages from the package index with that pip.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_FLAGS = ('--no-setuptools', '--no-wheel')


def main() -> None:
    """Install pip into the running interpreter's environment."""
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]

    subprocess.run([sys.executable, '-m', 'ensurepip', '--default-pip'], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--upgrade', '--force-reinstall'] + args, check=True)

    if '--no-setuptools' in sys.argv[1:]:
        # ensurepip on Python < 3.12 also installs setuptools; get-pip would not have.
        subprocess.run([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'], check=False)


if __name__ == '__main__':
    main()

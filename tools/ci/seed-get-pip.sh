#!/usr/bin/env bash
# seed-get-pip.sh PYTHON
# Runs: nothing but a copy of tools/ansible_test_get_pip.py into ansible-test's cache, as
# ~/.ansible/test/cache/get_pip_<X_Y_Z>.py, where X.Y.Z is the pip version that the ansible-test
# importable by PYTHON bootstraps into its venvs (get_venv_packages() in python_requirements.py).
# Why: ansible-test downloads that get-pip script from a host this machine cannot reach; the
# stand-in installs pip with ensurepip and the package index. Each ansible-core asks for its own
# pip version, so each needs its own file; one already cached is left as it is.
set -euo pipefail
python=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
lib=$("$python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
version=$(sed -n "s/^ *pip='\([0-9.]*\)',.*/\1/p" "$lib/_internal/python_requirements.py" | head -n1)
if [ -z "$version" ]; then
  echo "seed-get-pip: no pip version found in $lib/_internal/python_requirements.py" >&2
  exit 1
fi
cache=$HOME/.ansible/test/cache/get_pip_${version//./_}.py
if [ ! -f "$cache" ]; then
  mkdir -p "$(dirname "$cache")"
  cp "$here/tools/ansible_test_get_pip.py" "$cache"
  echo "seeded $cache from tools/ansible_test_get_pip.py"
fi
